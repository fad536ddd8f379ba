/*
 * inputs.c: the arguments expanded into the list of files to compile, each
 * with the name stored in its code.  Paths are taken as compileall takes
 * them: -x first, then the dfile; a directory argument turns -d into -s and
 * -p, as compile_dir does.  Only the list read from standard input can fail
 * otherwise than for memory.
 */
#include <config.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/dfile.h"
#include "cli/exclude.h"
#include "cli/inputs.h"
#include "cli/walk.h"
#include "os/error.h"
#include "pyc/source.h"

/* Adds one line of warning to in->notes.  Returns 0 or -ENOMEM. */
static int add_note(struct pcb_inputs *in, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
add_note(struct pcb_inputs *in, const char *fmt, ...)
{
	char *note;
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = vasprintf(&note, fmt, ap);
	va_end(ap);
	if (ret < 0)
		return -ENOMEM;
	ret = pcb_list_add(&in->notes, note, strlen(note));
	free(note);
	return ret;
}

/*
 * One path to compile: drop it if -x matches, else add it with its dfile.
 * Returns 0 or -ENOMEM.
 */
static int
add_path(const struct pcb_options *opt, struct pcb_inputs *in, const char *path,
    const char *ddir, const char *stripdir, const char *prependdir)
{
	char *dfile = NULL;
	int mismatch, ret;

	/* compileall: rx.search(fullname) before anything else. */
	if (opt->exclude != NULL && pcb_exclude_match(opt->exclude, path))
		return pcb_list_add(&in->excluded, path, strlen(path));
	if ((ret = pcb_dfile_compute(path, ddir, stripdir, prependdir, &dfile,
		 &mismatch)) < 0)
		return ret;
	if (mismatch &&
	    (ret = add_note(in,
		 "The stripdir path '%s' is not a valid prefix for "
		 "source path '%s'; ignoring",
		 stripdir, path)) < 0)
		goto out;
	if ((ret = pcb_list_add(&in->paths, path, strlen(path))) < 0)
		goto out;
	if (dfile == NULL)
		ret = pcb_list_add(&in->dfiles, path, strlen(path));
	else
		ret = pcb_list_add(&in->dfiles, dfile, strlen(dfile));
out:
	free(dfile);
	return ret;
}

/*
 * A directory argument: compile_dir turns -d into -s DIR -p DDIR.  Returns
 * 0 or -ENOMEM.
 */
static int
add_dir(const struct pcb_options *opt, struct pcb_inputs *in, const char *dir)
{
	struct pcb_list files = { 0 }, unlisted = { 0 };
	const char *strip = opt->stripdir, *prepend = opt->prependdir;
	int ret;

	if (opt->ddir != NULL) {
		strip = dir;
		prepend = opt->ddir;
	}
	ret = pcb_walk_dir(dir, PCB_WALK_MAXLEVELS, &files, &unlisted);
	for (size_t i = 0; ret == 0 && i < unlisted.len; i++)
		ret = add_note(in, "Can't list '%s'", unlisted.items[i]);
	for (size_t i = 0; ret == 0 && i < files.len; i++)
		ret = add_path(opt, in, files.items[i], NULL, strip, prepend);
	pcb_list_fini(&files);
	pcb_list_fini(&unlisted);
	return ret;
}

/* A FILE or DIR argument.  Returns 0 or -ENOMEM with *cause. */
static int
add_arg(const struct pcb_options *opt, struct pcb_inputs *in, const char *arg,
    char **cause)
{
	struct stat st;
	int ret;

	if (stat(arg, &st) == 0 && S_ISDIR(st.st_mode))
		ret = add_dir(opt, in, arg);
	else
		ret = add_path(opt, in, arg, opt->ddir, opt->stripdir,
		    opt->prependdir);
	if (ret < 0)
		return pcb_error_set(cause, ret, "out of memory");
	return 0;
}

/*
 * "-": the list on standard input, one path per line (NUL-separated with
 * -0).  Listed paths are files, as py_compile takes them.  Returns 0 or a
 * negative errno with *cause.
 */
static int
add_stdin(const struct pcb_options *opt, struct pcb_inputs *in, char **cause)
{
	struct pcb_list listed = { 0 };
	size_t len;
	char *buf;
	int ret;

	if ((ret = pcb_source_read_fd(STDIN_FILENO, 65536, &buf, &len)) < 0)
		return pcb_error_set(cause, ret,
		    "cannot read the file list: %s", strerror(-ret));
	ret = pcb_list_parse(&listed, buf, len, opt->null_list ? '\0' : '\n');
	free(buf);
	for (size_t k = 0; ret == 0 && k < listed.len; k++)
		ret = add_path(opt, in, listed.items[k], opt->ddir,
		    opt->stripdir, opt->prependdir);
	pcb_list_fini(&listed);
	if (ret == -EILSEQ)
		return pcb_error_set(cause, ret,
		    "the file list on standard input has a NUL byte, which no "
		    "file name can hold (a list made by find -print0 needs "
		    "-0)");
	if (ret < 0)
		return pcb_error_set(cause, ret, "out of memory");
	return 0;
}

int
pcb_inputs_collect(const struct pcb_options *opt, struct pcb_inputs *in,
    char **cause)
{
	int stdin_read = 0, ret = 0;

	for (size_t i = 0; ret == 0 && i < opt->ninputs; i++) {
		const char *arg = opt->inputs[i];

		if (strcmp(arg, "-") != 0)
			ret = add_arg(opt, in, arg, cause);
		else if (!stdin_read) {
			stdin_read = 1;
			ret = add_stdin(opt, in, cause);
		}
	}
	return ret;
}

void
pcb_inputs_fini(struct pcb_inputs *in)
{
	pcb_list_fini(&in->paths);
	pcb_list_fini(&in->dfiles);
	pcb_list_fini(&in->excluded);
	pcb_list_fini(&in->notes);
}
