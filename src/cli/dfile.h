/*
 * dfile.h: the name stored in the code (co_filename) and shown in error
 * messages, as compileall's -d, -s and -p make it (SPEC 2).  Pure functions.
 */
#ifndef PCB_DFILE_H
#define PCB_DFILE_H

/*
 * compile_file's dfile for fullname: ddir joined to its base name (-d for a
 * file argument), then stripdir's leading path components removed when they
 * are a prefix of fullname's (compared component by component, as
 * str.split('/') gives them), then prependdir joined in front; each of ddir,
 * stripdir and prependdir may be NULL.  *out is the new name (owned), or NULL
 * when none applies and the path itself is stored.  *mismatch is set when
 * stripdir was given but is not a prefix (compileall warns and ignores it).
 * With partial_strip, stripdir is applied as compileall did before 3.13
 * (dfile.c), and *mismatch stays 0.  Returns 0 or -ENOMEM.
 */
int pcb_dfile_compute(const char *fullname, const char *ddir,
    const char *stripdir, const char *prependdir, int partial_strip, char **out,
    int *mismatch);

/* os.path.join(a, b): b if it is absolute, else a, a slash if needed, b. */
char *pcb_dfile_join(const char *a, const char *b);

#endif
