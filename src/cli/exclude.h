/*
 * exclude.h: -x REGEX, matched as compileall matches it: re.search(REGEX,
 * path) on the decoded path.  PCRE2 in UTF mode with Unicode properties
 * (\d, \w, \s and case folding on Unicode, as Python's re on str) speaks
 * the syntax Python's re speaks for all but a few corners (README).
 */
#ifndef PCB_EXCLUDE_H
#define PCB_EXCLUDE_H

struct pcb_exclude;

/*
 * Compiles pattern (UTF-8) into *out (owned by the caller).  Returns 0, or
 * -EINVAL or -ENOMEM with *cause (owned by the caller): for -EINVAL, the
 * pattern, PCRE2's reason and the offset.
 */
int pcb_exclude_compile(const char *pattern, struct pcb_exclude **out,
    char **cause);

/*
 * Whether the pattern matches anywhere in path: 1 or 0.  Bytes that are not
 * UTF-8 match nothing in the pattern (Python sees them as lone surrogates).
 * Any thread, one at a time per pcb_exclude.
 */
int pcb_exclude_match(struct pcb_exclude *x, const char *path);

/* The same, matched at the start of path only: re.match (py3compile -X). */
int pcb_exclude_match_start(struct pcb_exclude *x, const char *path);

/* Frees it; accepts NULL. */
void pcb_exclude_free(struct pcb_exclude *x);

#endif
