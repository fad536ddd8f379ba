/*
 * cli.c: getopt_long parsing with compileall's spellings where they exist.
 * Every option is one row of the options table below: its spellings, whether
 * it takes a value, and what it does with it (a parser writing one field of
 * struct pcb_options, or an action such as --help); getopt_long's tables are
 * built from it.  Every bad value is a one-line error and exit status 2;
 * numbers are parsed with strtol and range checks, never atoi.  Main thread
 * only (getopt's state is global).
 */
#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend/backend.h"
#include "cli/cli.h"
#include "cli/exclude.h"
#include "cli/walk.h"
#include "os/error.h"

/* What parsing keeps besides struct pcb_options until the options are read. */
struct parse_state {
	struct pcb_options *opt;
	int seen[PCB_MAX_LEVELS + 1]; /* -o levels given, at level + 1 */
	size_t nopt;                  /* -o options given, repeats counted */
	const char *rx;               /* the last -x */
	int no_recursion;             /* compileall -l */
	int recursion;                /* compileall -r N, if recursion_given */
	int recursion_given;
	int force; /* compileall -f */
};

/*
 * What an option does with its value.  A flag sets an int field to 1, or
 * calls its row's parser (with no value) if it has one; a text points a
 * const char * field at its value (in argv); a value is read into its
 * field by the row's parser; an action ends parsing at once.
 */
enum cli_kind {
	CLI_FLAG,
	CLI_TEXT,
	CLI_VALUE,
	CLI_ACTION,
};

/*
 * A CLI_VALUE row's parser: reads arg into field, which points into st->opt
 * at the row's offset.  Returns 0 or -EINVAL; the caller words the error
 * from the row.
 */
typedef int (*parse_fn)(struct parse_state *st, const char *arg, void *field);

/* One option: a row of the table. */
struct cli_option {
	const char *name;   /* the long spelling, or NULL */
	int letter;         /* the short spelling, or 0 */
	enum cli_kind kind; /* flags and actions take no value */
	size_t offset;      /* the field of struct pcb_options it fills */
	parse_fn parse;     /* CLI_VALUE */
	const char *what;   /* "invalid <what> 'VALUE' (<values>)" */
	const char *values;
	enum pcb_cli_action action; /* CLI_ACTION */
};

static int parse_jobs(struct parse_state *, const char *, void *);
static int parse_level(struct parse_state *, const char *, void *);
static int parse_mode(struct parse_state *, const char *, void *);
static int parse_size(struct parse_state *, const char *, void *);
static int parse_progress(struct parse_state *, const char *, void *);
static int parse_backend(struct parse_state *, const char *, void *);
static int parse_seconds(struct parse_state *, const char *, void *);
static int keep_exclude(struct parse_state *, const char *, void *);
static int parse_recursion(struct parse_state *, const char *, void *);
static int set_no_recursion(struct parse_state *, const char *, void *);
static int set_force(struct parse_state *, const char *, void *);
static int count_quiet(struct parse_state *, const char *, void *);
static int add_pythons(struct parse_state *, const char *, void *);
static int clear_verbose(struct parse_state *, const char *, void *);
static int add_deb_exclude(struct parse_state *, const char *, void *);

#define FIELD(f) offsetof(struct pcb_options, f)

/*
 * The long options both dialects take (compileall has none of them): the
 * run's own knobs, the compile cache, the report and the backend.
 */
#define LONG_ONLY_ROWS \
	{ "fail-fast", 0, CLI_FLAG, FIELD(fail_fast) }, \
	    { "reproducible", 0, CLI_FLAG, FIELD(reproducible) }, \
	    { "compile-every-level", 0, CLI_FLAG, \
		    FIELD(compile_every_level) }, \
	    { "cache", 0, CLI_TEXT, FIELD(cache_dir) }, \
	    { "cache-read-only", 0, CLI_FLAG, FIELD(cache_read_only) }, \
	    { "cache-max-size", 0, CLI_VALUE, FIELD(cache_max_size), \
		    parse_size, "cache size", \
		    "bytes, or a number with K, M or G" }, \
	    { "report", 0, CLI_TEXT, FIELD(report_path) }, \
	    { "progress", 0, CLI_VALUE, FIELD(progress), parse_progress, \
		    "progress", "auto, always or never" }, \
	    { "backend", 0, CLI_VALUE, FIELD(backend), parse_backend, \
		    "backend", "auto, subinterpreters or processes" }, \
	    { "python", 0, CLI_VALUE, 0, add_pythons, "--python", \
		    "names or paths separated by commas, 16 at most" }, \
	{ \
		"timeout", 0, CLI_VALUE, FIELD(timeout), parse_seconds, \
		    "timeout", "seconds, more than 0" \
	}

/*
 * Every option, in the order --help lists most of them.  getopt_long sees
 * the rows in this order, which only matters for its own abbreviations
 * ("--fail" is --fail-fast; "--cach" is ambiguous, so unknown).
 */
static const struct cli_option options[] = {
	{ "jobs", 'j', CLI_VALUE, FIELD(jobs), parse_jobs, "number of jobs",
	    "0 to 1024" },
	{ "null", '0', CLI_FLAG, FIELD(null_list) },
	{ "quiet", 'q', CLI_FLAG, FIELD(quiet) },
	/* Levels are kept aside, then sorted into opt->levels. */
	{ "optimize", 'o', CLI_VALUE, FIELD(levels), parse_level,
	    "optimization level", "-1, 0, 1 or 2" },
	{ "invalidation-mode", 0, CLI_VALUE, FIELD(mode), parse_mode,
	    "invalidation mode", "timestamp, checked-hash or unchecked-hash" },
	{ "hardlink-dupes", 0, CLI_FLAG, FIELD(hardlink_dupes) },
	{ "incremental", 'u', CLI_FLAG, FIELD(incremental) },
	LONG_ONLY_ROWS,
	{ "verbose", 'v', CLI_FLAG, FIELD(verbose) },
	{ "help", 'h', CLI_ACTION, .action = PCB_CLI_HELP },
	{ "version", 'V', CLI_ACTION, .action = PCB_CLI_VERSION },
	{ NULL, 'd', CLI_TEXT, FIELD(ddir) },
	{ NULL, 's', CLI_TEXT, FIELD(stripdir) },
	{ NULL, 'p', CLI_TEXT, FIELD(prependdir) },
	/* The last pattern is kept, then compiled into opt->exclude. */
	{ NULL, 'x', CLI_VALUE, FIELD(exclude), keep_exclude },
};

/*
 * compileall's own options (Lib/compileall.py's main), then the long ones
 * of ours that do not clash with them.
 */
static const struct cli_option compileall_options[] = {
	{ NULL, 'l', CLI_FLAG, 0, set_no_recursion },
	{ NULL, 'r', CLI_VALUE, 0, parse_recursion, "recursion level",
	    "a whole number" },
	{ NULL, 'f', CLI_FLAG, 0, set_force },
	{ NULL, 'q', CLI_FLAG, FIELD(quiet), count_quiet },
	{ NULL, 'b', CLI_FLAG, FIELD(legacy) },
	{ NULL, 'd', CLI_TEXT, FIELD(ddir) },
	{ NULL, 's', CLI_TEXT, FIELD(stripdir) },
	{ NULL, 'p', CLI_TEXT, FIELD(prependdir) },
	{ NULL, 'x', CLI_VALUE, FIELD(exclude), keep_exclude },
	{ NULL, 'i', CLI_TEXT, FIELD(flist) },
	{ "workers", 'j', CLI_VALUE, FIELD(jobs), parse_jobs,
	    "number of workers", "0 to 1024" },
	{ "invalidation-mode", 0, CLI_VALUE, FIELD(mode), parse_mode,
	    "invalidation mode", "checked-hash, timestamp or unchecked-hash" },
	{ NULL, 'o', CLI_VALUE, FIELD(levels), parse_level,
	    "optimization level", "-1, 0, 1 or 2" },
	{ NULL, 'e', CLI_TEXT, FIELD(limit_sl_dest) },
	{ "hardlink-dupes", 0, CLI_FLAG, FIELD(hardlink_dupes) },
	{ "help", 'h', CLI_ACTION, .action = PCB_CLI_HELP },
	{ "version", 0, CLI_ACTION, .action = PCB_CLI_VERSION },
	LONG_ONLY_ROWS,
};

/*
 * py3compile's options (Debian's /usr/bin/py3compile), then ours that it
 * lacks.  -q only undoes -v there: errors are printed either way.
 */
static const struct cli_option py3compile_options[] = {
	{ "verbose", 'v', CLI_FLAG, FIELD(verbose) },
	{ "quiet", 'q', CLI_FLAG, 0, clear_verbose },
	{ "force", 'f', CLI_FLAG, 0, set_force },
	{ NULL, 'O', CLI_FLAG, FIELD(deb_optimize) },
	{ "package", 'p', CLI_TEXT, FIELD(deb_package) },
	{ NULL, 'V', CLI_TEXT, FIELD(deb_vrange) },
	{ "exclude", 'X', CLI_VALUE, 0, add_deb_exclude, "-X",
	    "16 patterns at most" },
	{ "jobs", 'j', CLI_VALUE, FIELD(jobs), parse_jobs, "number of jobs",
	    "0 to 1024" },
	{ "help", 'h', CLI_ACTION, .action = PCB_CLI_HELP },
	{ "version", 0, CLI_ACTION, .action = PCB_CLI_VERSION },
	LONG_ONLY_ROWS,
};

/* A dialect's rows. */
struct cli_table {
	const struct cli_option *rows;
	size_t n;
};

static const struct cli_table tables[] = {
	[PCB_DIALECT_OWN] = { options, sizeof options / sizeof options[0] },
	[PCB_DIALECT_COMPILEALL] = { compileall_options,
	    sizeof compileall_options / sizeof compileall_options[0] },
	[PCB_DIALECT_PY3COMPILE] = { py3compile_options,
	    sizeof py3compile_options / sizeof py3compile_options[0] },
};

/* The most rows a table has: getopt_long's tables are sized by it. */
#define MAX_ROWS 40
_Static_assert(sizeof options / sizeof options[0] <= MAX_ROWS &&
	sizeof compileall_options / sizeof compileall_options[0] <= MAX_ROWS &&
	sizeof py3compile_options / sizeof py3compile_options[0] <= MAX_ROWS,
    "MAX_ROWS holds every table");
/* getopt_long's value for a row without a letter: above any char. */
#define ROW_VALUE 256

/* The first argument that makes the rest compileall's command line. */
#define COMPILEALL_ARG "--compileall"
/* The first argument that makes the rest py3compile's command line. */
#define PY3COMPILE_ARG "--py3compile"

void
pcb_cli_usage(FILE *out)
{
	fputs(
	    "Usage: pycompile-batch [OPTION]... [FILE|DIR|-]...\n"
	    "Byte-compile Python sources to .pyc files in parallel, exactly as\n"
	    "py_compile.compile() would, and exit 1 if any file failed.\n"
	    "A DIR argument is walked for *.py files as compileall walks it.\n"
	    "\n"
	    "  -                        read the file list from standard input, one per line\n"
	    "  -0, --null               the standard-input list is NUL-separated\n"
	    "  -j, --jobs=N             N workers (0, the default: one per online CPU)\n"
	    "  -o, --optimize=LEVEL     -1 (the interpreter's level, PYTHONOPTIMIZE), 0, 1 or 2;\n"
	    "                           repeat for several .pyc files per source\n"
	    "      --hardlink-dupes     with several -o: hard-link identical .pyc files\n"
	    "      --compile-every-level  with several -o: compile each level, even where\n"
	    "                           the source proves it gives the level below's code\n"
	    "      --cache=DIR          keep compiled code in DIR by content (source, level,\n"
	    "                           Python build) and reuse it whatever the path or mtime\n"
	    "                           (default: $PYCOMPILE_BATCH_CACHE; empty for none)\n"
	    "      --cache-read-only    use the cache but never write to it\n"
	    "      --cache-max-size=SIZE  evict least recently used entries past SIZE\n"
	    "                           bytes (suffix K, M or G: powers of 1024)\n"
	    "  -d DIR                   store DIR/name as the file name in the code\n"
	    "                           (for a directory argument: DIR replaces it)\n"
	    "  -s DIR                   strip DIR from the stored file name\n"
	    "  -p DIR                   prepend DIR to the stored file name (after -s)\n"
	    "  -x REGEX                 skip paths REGEX matches (Python re syntax, PCRE2)\n"
	    "  -u, --incremental        skip a file whose .pyc files are all valid already\n"
	    "      --report=FILE        write a JSON report of every file to FILE\n"
	    "      --progress=WHEN      auto (default: stderr is a terminal), always, never\n"
	    "  -v, --verbose            print \"Compiling 'path'...\" lines and a summary\n"
	    "      --backend=KIND       auto (default), subinterpreters (own-GIL\n"
	    "                           interpreters in this process, Python 3.12+) or\n"
	    "                           processes (one worker process per job)\n"
	    "      --timeout=SECONDS    fail a file still compiling after SECONDS and\n"
	    "                           replace its worker (processes backend)\n"
	    "      --python=PY[,PY]...  compile for each interpreter PY (a name on PATH or\n"
	    "                           a path), each file once per cache tag, with its own\n"
	    "                           magic number and .pyc name; repeatable (default: the\n"
	    "                           linked Python)\n"
	    "      --invalidation-mode=MODE\n"
	    "                           timestamp, checked-hash or unchecked-hash (default:\n"
	    "                           checked-hash if SOURCE_DATE_EPOCH is set, else timestamp)\n"
	    "      --fail-fast          start no new file after the first failure\n"
	    "      --reproducible       canonical marshal bytes: the same .pyc whatever -j,\n"
	    "                           the order or the other files of the batch\n"
	    "  -q, --quiet              print no error messages (the exit status still tells)\n"
	    "  -h, --help               show this help and exit\n"
	    "  -V, --version            show the version and the linked Python's, and exit\n"
	    "\n"
	    "With --compileall or --py3compile first, the rest is python -m compileall's\n"
	    "or Debian's py3compile's command line (see --compileall --help).\n"
	    "\n"
	    "Exit status: 0 all files compiled, 1 some file failed, 2 usage error or the\n"
	    "Python runtime could not start, 128+N stopped by signal N.\n",
	    out);
}

void
pcb_cli_usage_compileall(FILE *out)
{
	fputs(
	    "Usage: pycompile-batch --compileall [-h] [-l] [-r RECURSION] [-f] [-q] [-b]\n"
	    "           [-d DESTDIR] [-s STRIPDIR] [-p PREPENDDIR] [-x REGEXP] [-i FILE]\n"
	    "           [-j WORKERS] [--invalidation-mode MODE] [-o OPT_LEVELS]\n"
	    "           [-e DIR] [--hardlink-dupes] [FILE|DIR ...]\n"
	    "\"python -m compileall\"'s command line and output, compiled in parallel.\n"
	    "Without FILE|DIR, compiles the linked Python's sys.path, not recursing.\n"
	    "\n"
	    "  -l                       don't recurse into subdirectories\n"
	    "  -r RECURSION             the maximum recursion level (over -l)\n"
	    "  -f                       compile even where the .pyc is up to date\n"
	    "  -q                       print only errors; -qq: nothing\n"
	    "  -b                       legacy FILE.pyc beside each source\n"
	    "  -d DESTDIR               directory stored in the code in place of the\n"
	    "                           argument's (not with -s or -p)\n"
	    "  -s STRIPDIR              strip STRIPDIR from the stored path\n"
	    "  -p PREPENDDIR            prepend PREPENDDIR to the stored path\n"
	    "  -x REGEXP                skip paths REGEXP matches (Python re syntax, PCRE2)\n"
	    "  -i FILE                  add the files and directories listed in FILE\n"
	    "                           (\"-\": standard input)\n"
	    "  -j, --workers=N          N workers (0: one per online CPU; default 0)\n"
	    "      --invalidation-mode=MODE\n"
	    "                           checked-hash, timestamp or unchecked-hash\n"
	    "  -o LEVEL                 optimization level, -1 to 2; repeatable\n"
	    "  -e DIR                   skip symlinks pointing outside DIR\n"
	    "      --hardlink-dupes     hard-link identical .pyc files of several -o\n"
	    "  -h, --help               show this help and exit\n"
	    "Also: --cache=DIR, --cache-read-only, --cache-max-size=SIZE, --reproducible,\n"
	    "--compile-every-level, --report=FILE, --progress=WHEN, --backend=KIND,\n"
	    "--timeout=SECONDS, --fail-fast, --version (see pycompile-batch --help).\n"
	    "\n"
	    "Exit status: 0 all files compiled, 1 some file failed, 2 usage error.\n",
	    out);
}

void
pcb_cli_usage_py3compile(FILE *out)
{
	fputs(
	    "Usage: pycompile-batch --py3compile [-V [X.Y][-][A.B]] DIR_OR_FILE [-X REGEXPR]\n"
	    "       pycompile-batch --py3compile -p PACKAGE [DIR]\n"
	    "Debian's py3compile command line, compiled in parallel: for each Python\n"
	    "3.X that /usr/share/python3/debian_defaults supports (or -V names) and\n"
	    "/usr/bin/python3.X has, the package's public modules (-p), its files\n"
	    "under DIR (-p with DIR, for the default Python), or DIR_OR_FILE.\n"
	    "\n"
	    "  -v, --verbose            print \"Compiling 'path'...\" lines\n"
	    "  -q, --quiet              undo -v (errors are printed either way)\n"
	    "  -f, --force              compile even where the .pyc is up to date\n"
	    "  -O                       compile at optimisation level 1 (.opt-1.pyc)\n"
	    "  -p, --package=PACKAGE    the files dpkg -L PACKAGE lists\n"
	    "  -V VERSION_RANGE         3.13 (only), 3.13- (and later), 3.12-3.14 (3.12\n"
	    "                           and 3.13: the upper bound is left out), -4.0\n"
	    "  -X, --exclude=REGEXPR    skip files REGEXPR matches at their start, in\n"
	    "                           full or below DIR_OR_FILE; repeatable\n"
	    "  -j, --jobs=N             N workers (0, the default: one per online CPU)\n"
	    "  -h, --help               show this help and exit\n"
	    "Also: --cache=DIR, --cache-read-only, --cache-max-size=SIZE, --reproducible,\n"
	    "--compile-every-level, --report=FILE, --progress=WHEN, --backend=KIND,\n"
	    "--timeout=SECONDS, --fail-fast, --version (see pycompile-batch --help).\n"
	    "\n"
	    "Exit status: 0 all files compiled, 1 some file failed, 2 usage error (a\n"
	    "bad range or pattern, a package dpkg does not know), 3 no Python of the\n"
	    "range is installed.\n",
	    out);
}

/* A value among names: its index, or -EINVAL. */
static int
pick(const char *s, const char *const *names)
{
	for (int i = 0; names[i] != NULL; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return -EINVAL;
}

/*
 * A whole decimal number within [lo, hi], with white space around it as
 * Python's int() takes it ("-o 1" given as one argument is " 1").  Returns
 * 0 or -EINVAL.
 */
static int
parse_int(const char *s, long lo, long hi, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	while (end != s && isspace((unsigned char)*end))
		end++;
	if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi)
		return -EINVAL;
	*out = v;
	return 0;
}

/* compileall -r: any int; 0 or less walks no subdirectory. */
static int
parse_recursion(struct parse_state *st, const char *arg, void *field)
{
	long v;

	if (parse_int(arg, INT_MIN, INT_MAX, &v) < 0)
		return -EINVAL;
	st->recursion = (int)v;
	st->recursion_given = 1;
	return 0;
}

static int
set_no_recursion(struct parse_state *st, const char *arg, void *field)
{
	st->no_recursion = 1;
	return 0;
}

static int
set_force(struct parse_state *st, const char *arg, void *field)
{
	st->force = 1;
	return 0;
}

/* compileall -q counts: -q errors only, -qq nothing. */
static int
count_quiet(struct parse_state *st, const char *arg, void *field)
{
	(*(int *)field)++;
	return 0;
}

/*
 * --python=PY[,PY]...: each name is kept (owned), in order; an empty one or
 * more than PCB_MAX_PYTHONS in all is an error.  Which interpreter a name
 * is, and whether it is one at all, is found when the run starts.
 */
static int
add_pythons(struct parse_state *st, const char *arg, void *field)
{
	struct pcb_options *opt = st->opt;
	const char *p = arg;

	for (;;) {
		size_t n = strcspn(p, ",");

		if (n == 0 || opt->npythons == PCB_MAX_PYTHONS)
			return -EINVAL;
		if ((opt->pythons[opt->npythons] = strndup(p, n)) == NULL)
			return -EINVAL;
		opt->npythons++;
		if (p[n] == '\0')
			return 0;
		p += n + 1;
	}
}

/* py3compile's -q: sets its verbose option back to false. */
static int
clear_verbose(struct parse_state *st, const char *arg, void *field)
{
	st->opt->verbose = 0;
	return 0;
}

/* py3compile's -X: each kept, in order (debpython.c compiles them). */
static int
add_deb_exclude(struct parse_state *st, const char *arg, void *field)
{
	struct pcb_options *opt = st->opt;

	if (opt->ndeb_excludes == PCB_MAX_DEB_EXCLUDES)
		return -EINVAL;
	opt->deb_excludes[opt->ndeb_excludes++] = arg;
	return 0;
}

/* -x: the last pattern wins; it is compiled once every option is read. */
static int
keep_exclude(struct parse_state *st, const char *arg, void *field)
{
	st->rx = arg;
	return 0;
}

/* -j: 0 (resolved to the online CPUs at the end) to 1024. */
static int
parse_jobs(struct parse_state *st, const char *arg, void *field)
{
	long v;

	if (parse_int(arg, 0, 1024, &v) < 0)
		return -EINVAL;
	*(unsigned *)field = (unsigned)v;
	return 0;
}

/* -o: a level is only marked here; resolve_options sorts them. */
static int
parse_level(struct parse_state *st, const char *arg, void *field)
{
	long v;

	if (parse_int(arg, -1, 2, &v) < 0)
		return -EINVAL;
	st->seen[v + 1] = 1;
	st->nopt++;
	return 0;
}

static int
parse_mode(struct parse_state *st, const char *arg, void *field)
{
	static const char *const names[] = { "timestamp", "checked-hash",
		"unchecked-hash", NULL };
	static const enum pcb_mode modes[] = { PCB_MODE_TIMESTAMP,
		PCB_MODE_CHECKED_HASH, PCB_MODE_UNCHECKED_HASH };
	int i = pick(arg, names);

	if (i < 0)
		return i;
	*(enum pcb_mode *)field = modes[i];
	return 0;
}

static int
parse_progress(struct parse_state *st, const char *arg, void *field)
{
	static const char *const names[] = { "auto", "always", "never", NULL };
	static const enum pcb_progress kinds[] = { PCB_PROGRESS_AUTO,
		PCB_PROGRESS_ALWAYS, PCB_PROGRESS_NEVER };
	int i = pick(arg, names);

	if (i < 0)
		return i;
	*(enum pcb_progress *)field = kinds[i];
	return 0;
}

/* A backend by the name pcb_backend_name gives it (st may be NULL). */
static int
parse_backend(struct parse_state *st, const char *arg, void *field)
{
	static const enum pcb_backend_kind kinds[] = { PCB_BACKEND_AUTO,
		PCB_BACKEND_SUBINTERPRETERS, PCB_BACKEND_PROCESSES };

	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if (strcmp(arg, pcb_backend_name(kinds[i])) == 0) {
			*(enum pcb_backend_kind *)field = kinds[i];
			return 0;
		}
	return -EINVAL;
}

/* Seconds, more than 0, at most a day. */
static int
parse_seconds(struct parse_state *st, const char *arg, void *field)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(arg, &end);
	if (errno != 0 || end == arg || *end != '\0' || !(v > 0) || v > 86400)
		return -EINVAL;
	*(double *)field = v;
	return 0;
}

/* A size in bytes, more than 0: digits, then K, M or G (powers of 1024). */
static int
parse_size(struct parse_state *st, const char *arg, void *field)
{
	static const char units[] = "KMG";
	const char *unit;
	unsigned long long v;
	unsigned shift = 0;
	char *end;

	if (!isdigit((unsigned char)*arg))
		return -EINVAL;
	errno = 0;
	v = strtoull(arg, &end, 10);
	if (errno != 0)
		return -EINVAL;
	if (*end != '\0' &&
	    (unit = strchr(units, toupper((unsigned char)*end))) != NULL) {
		shift = 10 * (unsigned)(unit - units + 1);
		end++;
	}
	if (*end != '\0' || v == 0 || v > (UINT64_MAX >> shift))
		return -EINVAL;
	*(uint64_t *)field = (uint64_t)v << shift;
	return 0;
}

/* getopt_long's tables from a dialect's table. */
static void
getopt_tables(const struct cli_table *t, struct option *longs, char *shorts)
{
	size_t n = 0;

	*shorts++ = ':'; /* a missing value is ':', not '?' */
	for (size_t i = 0; i < t->n; i++) {
		const struct cli_option *o = &t->rows[i];
		int val = o->letter ? o->letter : ROW_VALUE + (int)i;
		int takes_value = o->kind == CLI_TEXT || o->kind == CLI_VALUE;

		if (o->name != NULL)
			longs[n++] = (struct option){ o->name,
				takes_value ? required_argument : no_argument,
				NULL, val };
		if (o->letter == 0)
			continue;
		*shorts++ = (char)o->letter;
		if (takes_value)
			*shorts++ = ':';
	}
	longs[n] = (struct option){ NULL, 0, NULL, 0 };
	*shorts = '\0';
}

/* The row getopt_long's value c stands for, or NULL. */
static const struct cli_option *
find_option(const struct cli_table *t, int c)
{
	if (c >= ROW_VALUE && (size_t)(c - ROW_VALUE) < t->n)
		return &t->rows[c - ROW_VALUE];
	for (size_t i = 0; c != 0 && i < t->n; i++)
		if (t->rows[i].letter == c)
			return &t->rows[i];
	return NULL;
}

/* One option's value into its field.  Returns 0 or -EINVAL. */
static int
apply(const struct cli_option *o, struct parse_state *st, const char *arg)
{
	void *field = (char *)st->opt + o->offset;

	if (o->kind == CLI_FLAG && o->parse == NULL)
		*(int *)field = 1;
	else if (o->kind == CLI_TEXT)
		*(const char **)field = arg;
	else
		return o->parse(st, arg, field);
	return 0;
}

/* Reads every option into st; stops at the first error or action. */
static enum pcb_cli_action
read_options(const struct cli_table *t, int argc, char **argv,
    struct parse_state *st, char **cause)
{
	struct option longs[MAX_ROWS + 1];
	char shorts[2 * MAX_ROWS + 2];
	const struct cli_option *o;
	int c;

	getopt_tables(t, longs, shorts);
	opterr = 0;
	optind = 0; /* a full restart: the parse may not be the first */
	while ((c = getopt_long(argc, argv, shorts, longs, NULL)) != -1) {
		if (c == ':') {
			pcb_error_set(cause, -EINVAL,
			    "option '%s' needs a value", argv[optind - 1]);
			return PCB_CLI_USAGE_ERROR;
		}
		if ((o = find_option(t, c)) == NULL) {
			pcb_error_set(cause, -EINVAL, "unknown option '%s'",
			    argv[optind - 1]);
			return PCB_CLI_USAGE_ERROR;
		}
		if (o->kind == CLI_ACTION)
			return o->action;
		if (apply(o, st, optarg) < 0) {
			pcb_error_set(cause, -EINVAL, "invalid %s '%s' (%s)",
			    o->what, optarg, o->values);
			return PCB_CLI_USAGE_ERROR;
		}
	}
	return PCB_CLI_RUN;
}

/* The defaults the options start from, the environment's among them. */
static int
set_defaults(struct pcb_options *opt, char **cause)
{
	const char *env = getenv("PYCOMPILE_BATCH_BACKEND");

	memset(opt, 0, sizeof *opt);
	opt->optimize = -1;
	opt->mode = PCB_MODE_DEFAULT;
	opt->maxlevels = PCB_WALK_MAXLEVELS;
	if (env != NULL && *env != '\0' &&
	    parse_backend(NULL, env, &opt->backend) < 0)
		return pcb_error_set(cause, -EINVAL,
		    "invalid PYCOMPILE_BATCH_BACKEND '%s' "
		    "(auto, subinterpreters or processes)",
		    env);
	/* The environment's cache, unless --cache says otherwise. */
	opt->cache_dir = getenv("PYCOMPILE_BATCH_CACHE");
	return 0;
}

/*
 * What the options leave to be worked out: the levels, as compileall takes
 * them (sorted(set(optimize)), default [-1]), and an empty cache directory,
 * which means none.
 */
static void
resolve_options(const struct parse_state *st)
{
	struct pcb_options *opt = st->opt;

	for (int l = -1; l <= 2; l++)
		if (st->seen[l + 1])
			opt->levels[opt->nlevels++] = l;
	if (opt->nlevels == 0)
		opt->levels[opt->nlevels++] = -1;
	opt->optimize = opt->levels[0];
	if (opt->cache_dir != NULL && *opt->cache_dir == '\0')
		opt->cache_dir = NULL;
	opt->fresh = opt->incremental ? PCB_FRESH_HEADER : PCB_FRESH_NONE;
	if (opt->dialect == PCB_DIALECT_PY3COMPILE) {
		/*
		 * "python3.X -O -m py_compile": level 1; py3compile's own
		 * check then looks for a .pyo, never there, so every file is
		 * compiled.  Else its 12-byte check, unless -f.
		 */
		if (opt->deb_optimize)
			opt->levels[0] = opt->optimize = 1;
		opt->fresh = st->force || opt->deb_optimize ?
		    PCB_FRESH_NONE :
		    PCB_FRESH_COMPILEALL;
		/* A postinst under apt has a terminal: py3compile draws none. */
		if (opt->progress == PCB_PROGRESS_AUTO)
			opt->progress = PCB_PROGRESS_NEVER;
		return;
	}
	if (opt->dialect != PCB_DIALECT_COMPILEALL)
		return;
	/* compileall.main: -r over -l; -e "" is none; -f or its own check. */
	if (st->recursion_given)
		opt->maxlevels = st->recursion;
	else if (st->no_recursion)
		opt->maxlevels = 0;
	if (opt->limit_sl_dest != NULL && *opt->limit_sl_dest == '\0')
		opt->limit_sl_dest = NULL;
	/* "if args.flist:": an empty -i is none. */
	if (opt->flist != NULL && *opt->flist == '\0')
		opt->flist = NULL;
	opt->fresh = st->force ? PCB_FRESH_NONE : PCB_FRESH_COMPILEALL;
	/* Its Listing lines are on stdout: no progress line unless asked. */
	if (opt->progress == PCB_PROGRESS_AUTO)
		opt->progress = PCB_PROGRESS_NEVER;
}

/*
 * compileall without FILE|DIR nor -i: compile_path(), which takes -f, -q,
 * -b and --invalidation-mode only: sys.path, not recursing, at level -1.
 * The others were still checked, as compileall's main() checks them.
 */
static void
compile_path_options(struct pcb_options *opt)
{
	opt->maxlevels = 0;
	opt->levels[0] = opt->optimize = -1;
	opt->nlevels = 1;
	opt->hardlink_dupes = 0;
	opt->ddir = opt->stripdir = opt->prependdir = NULL;
	opt->limit_sl_dest = NULL;
	pcb_exclude_free(opt->exclude);
	opt->exclude = NULL;
}

/* Options that do not go together.  Returns 0 or -EINVAL with *cause. */
static int
check_combinations(const struct parse_state *st, char **cause)
{
	const struct pcb_options *opt = st->opt;

	/* compileall's parser.error words; it counts -o options given. */
	if (opt->hardlink_dupes && (st->nopt < 2 || opt->nlevels < 2))
		return pcb_error_set(cause, -EINVAL,
		    "Hardlinking of duplicated bytecode makes sense only for "
		    "more than one optimization level");
	if (opt->ddir != NULL &&
	    (opt->stripdir != NULL || opt->prependdir != NULL))
		return pcb_error_set(cause, -EINVAL,
		    "-d cannot be used in combination with -s or -p");
	if ((opt->cache_read_only || opt->cache_max_size) &&
	    opt->cache_dir == NULL)
		return pcb_error_set(cause, -EINVAL,
		    "--cache-read-only and --cache-max-size need --cache=DIR");
	if (opt->timeout > 0 && opt->backend == PCB_BACKEND_SUBINTERPRETERS)
		return pcb_error_set(cause, -EINVAL,
		    "--timeout needs the processes backend");
	return 0;
}

static unsigned
online_cpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	if (n < 1)
		return 1;
	return n > PCB_MAX_AUTO_JOBS ? PCB_MAX_AUTO_JOBS : (unsigned)n;
}

/* -j 0 and the invalidation mode, once the options are read. */
static void
resolve_defaults(struct pcb_options *opt)
{
	const char *sde;

	if (opt->jobs == 0)
		opt->jobs = online_cpus();
	/* py_compile's _get_default_invalidation_mode. */
	if (opt->mode == PCB_MODE_DEFAULT) {
		sde = getenv("SOURCE_DATE_EPOCH");
		opt->mode = sde != NULL && *sde != '\0' ?
		    PCB_MODE_CHECKED_HASH :
		    PCB_MODE_TIMESTAMP;
	}
}

/*
 * The rest of py3compile's command line: DIR_OR_FILE arguments or -p, -X
 * only with them (its own parser.error), never --python (-V picks).
 */
static enum pcb_cli_action
py3compile_checks(struct parse_state *st, int argc, char **argv, char **cause)
{
	struct pcb_options *opt = st->opt;

	opt->inputs = argv + optind;
	opt->ninputs = (size_t)(argc - optind);
	resolve_options(st);
	if (opt->ninputs == 0 && opt->deb_package == NULL)
		pcb_error_set(cause, -EINVAL,
		    "give DIR_OR_FILE or -p PACKAGE (try --help)");
	else if (opt->ndeb_excludes > 0 && opt->ninputs == 0)
		pcb_error_set(cause, -EINVAL,
		    "--exclude option works with private directories only, "
		    "please use /usr/share/python3/bcep to specify public "
		    "modules to skip");
	else if (opt->npythons > 0)
		pcb_error_set(cause, -EINVAL,
		    "--python does not go with --py3compile: -V picks the "
		    "interpreters");
	else if (check_combinations(st, cause) == 0) {
		resolve_defaults(opt);
		return PCB_CLI_RUN;
	}
	return PCB_CLI_USAGE_ERROR;
}

enum pcb_cli_action
pcb_cli_parse(int argc, char **argv, struct pcb_options *opt, char **cause)
{
	struct parse_state st = { .opt = opt };
	enum pcb_cli_action action;

	if (set_defaults(opt, cause) < 0)
		return PCB_CLI_USAGE_ERROR;
	/* "--compileall" stands where getopt looks for the program's name. */
	if (argc > 1 && strcmp(argv[1], COMPILEALL_ARG) == 0)
		opt->dialect = PCB_DIALECT_COMPILEALL;
	else if (argc > 1 && strcmp(argv[1], PY3COMPILE_ARG) == 0)
		opt->dialect = PCB_DIALECT_PY3COMPILE;
	if (opt->dialect != PCB_DIALECT_OWN) {
		argc--;
		argv++;
	}
	action = read_options(&tables[opt->dialect], argc, argv, &st, cause);
	if (action != PCB_CLI_RUN)
		return action;
	if (opt->dialect == PCB_DIALECT_PY3COMPILE)
		return py3compile_checks(&st, argc, argv, cause);
	/* compileall without FILE|DIR compiles sys.path (main.c). */
	if (optind >= argc && opt->dialect != PCB_DIALECT_COMPILEALL) {
		pcb_error_set(cause, -EINVAL, "no files given (try --help)");
		return PCB_CLI_USAGE_ERROR;
	}
	opt->inputs = argv + optind;
	opt->ninputs = (size_t)(argc - optind);
	resolve_options(&st);
	if (check_combinations(&st, cause) < 0)
		return PCB_CLI_USAGE_ERROR;
	if (st.rx != NULL &&
	    pcb_exclude_compile(st.rx, &opt->exclude, cause) < 0)
		return PCB_CLI_USAGE_ERROR;
	if (opt->dialect == PCB_DIALECT_COMPILEALL && opt->ninputs == 0 &&
	    opt->flist == NULL) {
		if (opt->npythons > 0) {
			pcb_error_set(cause, -EINVAL,
			    "--python needs FILE|DIR arguments: sys.path is the "
			    "linked Python's");
			return PCB_CLI_USAGE_ERROR;
		}
		compile_path_options(opt);
	}
	resolve_defaults(opt);
	return PCB_CLI_RUN;
}

void
pcb_cli_fini(struct pcb_options *opt)
{
	pcb_exclude_free(opt->exclude);
	opt->exclude = NULL;
	for (size_t i = 0; i < opt->npythons; i++)
		free(opt->pythons[i]);
	opt->npythons = 0;
}
