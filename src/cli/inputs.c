/*
 * inputs.c: the arguments expanded into the list of files to compile, each
 * with the name stored in its code.  Paths are taken as compileall takes
 * them: -x first, then the dfile; a directory argument turns -d into -s and
 * -p, as compile_dir does.  In compileall's dialect (pcb.h), as its main()
 * and compile_file take them.  Only the lists read from standard input or
 * -i's file can fail otherwise than for memory.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backend/backend.h"
#include "cli/dfile.h"
#include "cli/exclude.h"
#include "cli/inputs.h"
#include "cli/walk.h"
#include "os/error.h"
#include "pyc/source.h"
#include "pyc/text.h"

/* What collecting needs besides the options and the lists it fills. */
struct collect {
	const struct pcb_options *opt;
	struct pcb_inputs *in;
	char *limit;                 /* -e DIR resolved, or NULL */
	const char *strip, *prepend; /* a directory argument's -s and -p */
	int partial_strip; /* -s as compileall before 3.13 applies it */
};

/* Which notes a run shows: compileall's -q hides Listing, -qq all. */
enum note_kind {
	NOTE_LISTING,
	NOTE_WARNING,
};

/* Adds one line of warning to in->notes.  Returns 0 or -ENOMEM. */
static int add_note(struct collect *c, enum note_kind kind, const char *fmt,
    ...) __attribute__((format(printf, 3, 4)));

static int
add_note(struct collect *c, enum note_kind kind, const char *fmt, ...)
{
	struct pcb_inputs *in = c->in;
	int quiet = c->opt->quiet;
	char *note;
	va_list ap;
	int ret;

	/* The own dialect keeps every note; main prints them unless -q. */
	if (c->opt->dialect == PCB_DIALECT_COMPILEALL &&
	    (kind == NOTE_LISTING ? quiet > 0 : quiet > 1))
		return 0;
	if (in->notes.len == in->note_cap) {
		size_t cap = in->note_cap ? 2 * in->note_cap : 16;
		size_t *at = realloc(in->note_at, cap * sizeof *at);

		if (at == NULL)
			return -ENOMEM;
		in->note_at = at;
		in->note_cap = cap;
	}
	va_start(ap, fmt);
	ret = vasprintf(&note, fmt, ap);
	va_end(ap);
	if (ret < 0)
		return -ENOMEM;
	in->note_at[in->notes.len] = in->paths.len;
	ret = pcb_list_add(&in->notes, note, strlen(note));
	free(note);
	return ret;
}

/* A note naming one path in Python's repr, as compileall's {!r} does. */
static int
add_path_note(struct collect *c, enum note_kind kind, const char *before,
    const char *path, const char *after)
{
	char *r = pcb_text_repr_str(path);
	int ret;

	if (r == NULL)
		return -ENOMEM;
	ret = add_note(c, kind, "%s%s%s", before, r, after);
	free(r);
	return ret;
}

/* compile_file's warning for a -s that is no prefix of the path. */
static int
stripdir_note(struct collect *c, const char *stripdir, const char *path)
{
	char *rs = pcb_text_repr_str(stripdir), *rp = pcb_text_repr_str(path);
	int ret = -ENOMEM;

	if (rs != NULL && rp != NULL)
		ret = add_note(c, NOTE_WARNING,
		    "The stripdir path %s is not a valid prefix for source "
		    "path %s; ignoring",
		    rs, rp);
	free(rs);
	free(rp);
	return ret;
}

/*
 * compileall -e: a symlink whose target is not below DIR (both resolved) is
 * left out.  A link that cannot be resolved points nowhere below DIR.
 */
static int
outside_limit(const struct collect *c, const char *path)
{
	char real[PATH_MAX];
	size_t n;
	struct stat st;

	if (c->limit == NULL || lstat(path, &st) != 0 || !S_ISLNK(st.st_mode))
		return 0;
	if (realpath(path, real) == NULL)
		return 1;
	/* Path(DIR).resolve() in Path(path).resolve().parents */
	n = strlen(c->limit);
	if (strcmp(c->limit, "/") == 0)
		return strcmp(real, "/") == 0;
	return strncmp(real, c->limit, n) != 0 || real[n] != '/';
}

/* compile_file compiles what os.path.isfile() says is a file named *.py. */
static int
compileall_source(const char *path)
{
	size_t n = strlen(path);
	struct stat st;

	return n >= 3 && strcmp(path + n - 3, ".py") == 0 &&
	    stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/*
 * One path to compile, as compile_file takes it: the dfile (with its
 * warning), then -x; in compileall's dialect also -e and its test of a
 * source file; in the own one -x comes first.  Returns 0 or -ENOMEM.
 */
static int
add_path(struct collect *c, const char *path, const char *ddir,
    const char *stripdir, const char *prependdir)
{
	const struct pcb_options *opt = c->opt;
	struct pcb_inputs *in = c->in;
	int compileall = opt->dialect == PCB_DIALECT_COMPILEALL;
	char *dfile = NULL;
	int mismatch, ret;

	if (!compileall && opt->exclude != NULL &&
	    pcb_exclude_match(opt->exclude, path))
		return pcb_list_add(&in->excluded, path, strlen(path));
	if ((ret = pcb_dfile_compute(path, ddir, stripdir, prependdir,
		 c->partial_strip, &dfile, &mismatch)) < 0)
		return ret;
	if (mismatch && (ret = stripdir_note(c, stripdir, path)) < 0)
		goto out;
	if (compileall && opt->exclude != NULL &&
	    pcb_exclude_match(opt->exclude, path)) {
		ret = pcb_list_add(&in->excluded, path, strlen(path));
		goto out;
	}
	if (compileall && (outside_limit(c, path) || !compileall_source(path)))
		goto out;
	if ((ret = pcb_list_add(&in->paths, path, strlen(path))) < 0)
		goto out;
	ret = pcb_list_add(&in->dfiles, dfile ? dfile : path,
	    strlen(dfile ? dfile : path));
out:
	free(dfile);
	return ret;
}

static int
walk_listing(void *data, const char *dir)
{
	return add_path_note(data, NOTE_LISTING, "Listing ", dir, "...");
}

static int
walk_unlisted(void *data, const char *dir)
{
	return add_path_note(data, NOTE_WARNING, "Can't list ", dir, "");
}

static int
walk_file(void *data, const char *path)
{
	struct collect *c = data;

	return add_path(c, path, NULL, c->strip, c->prepend);
}

/*
 * A directory argument: compile_dir turns -d into -s DIR -p DDIR.  Returns
 * 0 or -ENOMEM.
 */
static int
add_dir(struct collect *c, const char *dir)
{
	const struct pcb_options *opt = c->opt;
	int compileall = opt->dialect == PCB_DIALECT_COMPILEALL;
	struct pcb_walk_visitor v = {
		.data = c,
		.all_names = compileall,
		.listing = compileall ? walk_listing : NULL,
		.unlisted = walk_unlisted,
		.file = walk_file,
	};

	c->strip = opt->stripdir;
	c->prepend = opt->prependdir;
	if (opt->ddir != NULL) {
		c->strip = dir;
		c->prepend = opt->ddir;
	}
	return pcb_walk(dir, opt->maxlevels, &v);
}

/*
 * A FILE or DIR argument.  compileall walks whatever is not a regular file
 * (to "Can't list" what is no directory either); the own dialect compiles
 * whatever is not a directory (py_compile reports what is missing).
 * Returns 0 or -ENOMEM.
 */
static int
add_arg(struct collect *c, const char *arg)
{
	const struct pcb_options *opt = c->opt;
	struct stat st;
	int found = stat(arg, &st) == 0;

	if (opt->dialect == PCB_DIALECT_COMPILEALL ?
		!(found && S_ISREG(st.st_mode)) :
		found && S_ISDIR(st.st_mode))
		return add_dir(c, arg);
	return add_path(c, arg, opt->ddir, opt->stripdir, opt->prependdir);
}

/*
 * "-": the list on standard input, one path per line (NUL-separated with
 * -0).  Listed paths are files, as py_compile takes them.  Returns 0 or a
 * negative errno with *cause.
 */
static int
add_stdin(struct collect *c, char **cause)
{
	const struct pcb_options *opt = c->opt;
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
		ret = add_path(c, listed.items[k], opt->ddir, opt->stripdir,
		    opt->prependdir);
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

/* The own dialect's arguments: FILE, DIR and "-" (read once). */
static int
collect_own(struct collect *c, char **cause)
{
	const struct pcb_options *opt = c->opt;
	int stdin_read = 0, ret = 0;

	for (size_t i = 0; ret == 0 && i < opt->ninputs; i++) {
		const char *arg = opt->inputs[i];

		if (strcmp(arg, "-") != 0) {
			if ((ret = add_arg(c, arg)) < 0)
				return pcb_error_set(cause, ret,
				    "out of memory");
		} else if (!stdin_read) {
			stdin_read = 1;
			ret = add_stdin(c, cause);
		}
	}
	return ret;
}

/* compileall -i FILE or -: its lines, read before anything is compiled. */
static int
read_flist(const char *flist, struct pcb_list *listed)
{
	int fd = STDIN_FILENO, ret;
	size_t len;
	char *buf;

	if (strcmp(flist, "-") != 0 &&
	    (fd = open(flist, O_RDONLY | O_CLOEXEC)) < 0)
		return -errno;
	ret = pcb_source_read_fd(fd, 65536, &buf, &len);
	if (fd != STDIN_FILENO)
		close(fd);
	if (ret < 0)
		return ret;
	ret = pcb_list_parse_lines(listed, buf, len);
	free(buf);
	return ret;
}

/*
 * compileall without FILE|DIR: compile_path(), each directory of sys.path
 * as "python -m compileall" has it, the current one first (unless
 * PYTHONSAFEPATH), "" and "." skipped with a note.  The options were cut
 * down to compile_path's by cli.c.
 */
static int
collect_sys_path(struct collect *c, char **cause)
{
	const char *safe = getenv("PYTHONSAFEPATH");
	struct pcb_list dirs = { 0 };
	char cwd[PATH_MAX], *buf;
	size_t len;
	int ret;

	if ((ret = pcb_backend_sys_path(&buf, &len, cause)) < 0)
		return ret;
	if ((safe == NULL || *safe == '\0') && getcwd(cwd, sizeof cwd) != NULL)
		ret = pcb_list_add(&dirs, cwd, strlen(cwd));
	if (ret == 0)
		ret = pcb_list_parse(&dirs, buf, len, '\0');
	free(buf);
	for (size_t i = 0; ret == 0 && i < dirs.len; i++)
		ret = strcmp(dirs.items[i], ".") == 0 ?
		    add_note(c, NOTE_WARNING, "Skipping current directory") :
		    add_dir(c, dirs.items[i]);
	pcb_list_fini(&dirs);
	if (ret < 0)
		return pcb_error_set(cause, ret, "out of memory");
	return 0;
}

/* compileall's arguments, then -i's list, each a FILE or DIR. */
static int
collect_compileall(struct collect *c, char **cause)
{
	const struct pcb_options *opt = c->opt;
	struct pcb_list listed = { 0 };
	int ret = 0;

	if (opt->ninputs == 0 && opt->flist == NULL)
		return collect_sys_path(c, cause);
	if (opt->flist != NULL && (ret = read_flist(opt->flist, &listed)) < 0) {
		pcb_list_fini(&listed);
		if (ret == -ENOMEM)
			return pcb_error_set(cause, ret, "out of memory");
		return pcb_error_set(cause, ret, "Error reading file list %s",
		    opt->flist);
	}
	/* An -e DIR that cannot be resolved holds no link's target. */
	if (opt->limit_sl_dest != NULL &&
	    (c->limit = realpath(opt->limit_sl_dest, NULL)) == NULL &&
	    errno == ENOMEM)
		ret = -ENOMEM;
	if (ret == 0 && c->limit == NULL && opt->limit_sl_dest != NULL &&
	    (c->limit = strdup("\n")) == NULL) /* no path is below it */
		ret = -ENOMEM;
	for (size_t i = 0; ret == 0 && i < opt->ninputs; i++)
		ret = add_arg(c, opt->inputs[i]);
	for (size_t i = 0; ret == 0 && i < listed.len; i++)
		ret = add_arg(c, listed.items[i]);
	pcb_list_fini(&listed);
	free(c->limit);
	if (ret < 0)
		return pcb_error_set(cause, ret, "out of memory");
	return 0;
}

int
pcb_inputs_collect(const struct pcb_options *opt, unsigned py_minor,
    struct pcb_inputs *in, char **cause)
{
	struct collect c = { .opt = opt, .in = in };

	/* gh-105931 made -s strip a whole prefix only, in 3.13. */
	if (opt->dialect == PCB_DIALECT_COMPILEALL) {
		c.partial_strip = py_minor < 13;
		return collect_compileall(&c, cause);
	}
	return collect_own(&c, cause);
}

void
pcb_inputs_fini(struct pcb_inputs *in)
{
	pcb_list_fini(&in->paths);
	pcb_list_fini(&in->dfiles);
	pcb_list_fini(&in->excluded);
	pcb_list_fini(&in->notes);
	free(in->note_at);
	in->note_at = NULL;
	in->note_cap = 0;
}
