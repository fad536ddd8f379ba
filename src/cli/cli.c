/*
 * cli.c: getopt_long parsing with compileall's spellings where they exist.
 * Every bad value is a one-line error and exit status 2; numbers are parsed
 * with strtol and range checks, never atoi.
 */
#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backend/backend.h"
#include "cli/cli.h"
#include "cli/dfile.h"
#include "cli/exclude.h"
#include "cli/walk.h"
#include "pyc/source.h"

enum {
	OPT_INVALIDATION_MODE = 256,
	OPT_FAIL_FAST,
	OPT_REPRODUCIBLE,
	OPT_HARDLINK_DUPES,
	OPT_COMPILE_EVERY_LEVEL,
	OPT_CACHE,
	OPT_CACHE_READ_ONLY,
	OPT_CACHE_MAX_SIZE,
	OPT_REPORT,
	OPT_PROGRESS,
	OPT_BACKEND,
	OPT_TIMEOUT,
};

static const struct option long_options[] = {
	{ "jobs", required_argument, NULL, 'j' },
	{ "null", no_argument, NULL, '0' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "optimize", required_argument, NULL, 'o' },
	{ "invalidation-mode", required_argument, NULL, OPT_INVALIDATION_MODE },
	{ "fail-fast", no_argument, NULL, OPT_FAIL_FAST },
	{ "reproducible", no_argument, NULL, OPT_REPRODUCIBLE },
	{ "hardlink-dupes", no_argument, NULL, OPT_HARDLINK_DUPES },
	{ "compile-every-level", no_argument, NULL, OPT_COMPILE_EVERY_LEVEL },
	{ "cache", required_argument, NULL, OPT_CACHE },
	{ "cache-read-only", no_argument, NULL, OPT_CACHE_READ_ONLY },
	{ "cache-max-size", required_argument, NULL, OPT_CACHE_MAX_SIZE },
	{ "incremental", no_argument, NULL, 'u' },
	{ "report", required_argument, NULL, OPT_REPORT },
	{ "progress", required_argument, NULL, OPT_PROGRESS },
	{ "backend", required_argument, NULL, OPT_BACKEND },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

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
	    "Exit status: 0 all files compiled, 1 some file failed, 2 usage error or the\n"
	    "Python runtime could not start, 128+N stopped by signal N.\n",
	    out);
}

static char *
format_cause(const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	return strdup(buf);
}

/* A whole decimal number within [lo, hi].  Returns 0 or -EINVAL. */
static int
parse_int(const char *s, long lo, long hi, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi)
		return -EINVAL;
	*out = v;
	return 0;
}

/* A backend's name.  Returns 0 or -EINVAL. */
static int
parse_backend(const char *s, enum pcb_backend_kind *out)
{
	static const enum pcb_backend_kind kinds[] = { PCB_BACKEND_AUTO,
		PCB_BACKEND_SUBINTERPRETERS, PCB_BACKEND_PROCESSES };

	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if (strcmp(s, pcb_backend_name(kinds[i])) == 0) {
			*out = kinds[i];
			return 0;
		}
	return -EINVAL;
}

/* Seconds, more than 0, at most a day.  Returns 0 or -EINVAL. */
static int
parse_seconds(const char *s, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || !(v > 0) || v > 86400)
		return -EINVAL;
	*out = v;
	return 0;
}

/* A size in bytes, more than 0: digits, then K, M or G (powers of 1024).
 * Returns 0 or -EINVAL. */
static int
parse_size(const char *s, uint64_t *out)
{
	unsigned long long v;
	unsigned shift = 0;
	char *end;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || end == s)
		return -EINVAL;
	switch (*end) {
	case 'K':
	case 'k':
		shift = 10;
		end++;
		break;
	case 'M':
	case 'm':
		shift = 20;
		end++;
		break;
	case 'G':
	case 'g':
		shift = 30;
		end++;
		break;
	}
	if (*end != '\0' || v == 0 || v > (UINT64_MAX >> shift))
		return -EINVAL;
	*out = (uint64_t)v << shift;
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

enum pcb_cli_action
pcb_cli_parse(int argc, char **argv, struct pcb_options *opt, char **cause)
{
	const char *sde, *rx = NULL, *env_backend;
	int seen[PCB_MAX_LEVELS + 1] = { 0 }; /* level + 1 */
	size_t nopt = 0;
	long v;
	int c;

	memset(opt, 0, sizeof *opt);
	opt->optimize = -1;
	opt->mode = PCB_MODE_DEFAULT;
	env_backend = getenv("PYCOMPILE_BATCH_BACKEND");
	if (env_backend != NULL && *env_backend != '\0' &&
	    parse_backend(env_backend, &opt->backend) < 0) {
		*cause = format_cause("invalid PYCOMPILE_BATCH_BACKEND '%s' "
				      "(auto, subinterpreters or processes)",
		    env_backend);
		return PCB_CLI_USAGE_ERROR;
	}

	/* The environment's cache, unless --cache says otherwise. */
	opt->cache_dir = getenv("PYCOMPILE_BATCH_CACHE");

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":j:0qo:d:s:p:x:uvhV", long_options,
		    NULL)) != -1) {
		switch (c) {
		case 'j':
			if (parse_int(optarg, 0, 1024, &v) < 0) {
				*cause =
				    format_cause("invalid number of jobs '%s' "
						 "(0 to 1024)",
					optarg);
				return PCB_CLI_USAGE_ERROR;
			}
			opt->jobs = (unsigned)v;
			break;
		case '0':
			opt->null_list = 1;
			break;
		case 'q':
			opt->quiet = 1;
			break;
		case 'o':
			if (parse_int(optarg, -1, 2, &v) < 0) {
				*cause =
				    format_cause("invalid optimization level "
						 "'%s' (-1, 0, 1 or 2)",
					optarg);
				return PCB_CLI_USAGE_ERROR;
			}
			seen[v + 1] = 1;
			nopt++;
			break;
		case 'd':
			opt->ddir = optarg;
			break;
		case 's':
			opt->stripdir = optarg;
			break;
		case 'p':
			opt->prependdir = optarg;
			break;
		case 'x':
			rx = optarg;
			break;
		case 'u':
			opt->incremental = 1;
			break;
		case 'v':
			opt->verbose = 1;
			break;
		case OPT_HARDLINK_DUPES:
			opt->hardlink_dupes = 1;
			break;
		case OPT_COMPILE_EVERY_LEVEL:
			opt->compile_every_level = 1;
			break;
		case OPT_CACHE:
			opt->cache_dir = optarg;
			break;
		case OPT_CACHE_READ_ONLY:
			opt->cache_read_only = 1;
			break;
		case OPT_CACHE_MAX_SIZE:
			if (parse_size(optarg, &opt->cache_max_size) < 0) {
				*cause = format_cause(
				    "invalid cache size '%s' (bytes, or a "
				    "number with K, M or G)",
				    optarg);
				return PCB_CLI_USAGE_ERROR;
			}
			break;
		case OPT_REPORT:
			opt->report_path = optarg;
			break;
		case OPT_PROGRESS:
			if (strcmp(optarg, "auto") == 0)
				opt->progress = PCB_PROGRESS_AUTO;
			else if (strcmp(optarg, "always") == 0)
				opt->progress = PCB_PROGRESS_ALWAYS;
			else if (strcmp(optarg, "never") == 0)
				opt->progress = PCB_PROGRESS_NEVER;
			else {
				*cause = format_cause("invalid progress "
						      "'%s' (auto, always or "
						      "never)",
				    optarg);
				return PCB_CLI_USAGE_ERROR;
			}
			break;
		case OPT_BACKEND:
			if (parse_backend(optarg, &opt->backend) < 0) {
				*cause = format_cause("invalid backend '%s' "
						      "(auto, subinterpreters "
						      "or processes)",
				    optarg);
				return PCB_CLI_USAGE_ERROR;
			}
			break;
		case OPT_TIMEOUT:
			if (parse_seconds(optarg, &opt->timeout) < 0) {
				*cause = format_cause("invalid timeout '%s' "
						      "(seconds, more than 0)",
				    optarg);
				return PCB_CLI_USAGE_ERROR;
			}
			break;
		case OPT_INVALIDATION_MODE:
			if (strcmp(optarg, "timestamp") == 0)
				opt->mode = PCB_MODE_TIMESTAMP;
			else if (strcmp(optarg, "checked-hash") == 0)
				opt->mode = PCB_MODE_CHECKED_HASH;
			else if (strcmp(optarg, "unchecked-hash") == 0)
				opt->mode = PCB_MODE_UNCHECKED_HASH;
			else {
				*cause = format_cause(
				    "invalid invalidation mode "
				    "'%s' (timestamp, checked-hash or "
				    "unchecked-hash)",
				    optarg);
				return PCB_CLI_USAGE_ERROR;
			}
			break;
		case OPT_FAIL_FAST:
			opt->fail_fast = 1;
			break;
		case OPT_REPRODUCIBLE:
			opt->reproducible = 1;
			break;
		case 'h':
			return PCB_CLI_HELP;
		case 'V':
			return PCB_CLI_VERSION;
		case ':':
			*cause = format_cause("option '%s' needs a value",
			    argv[optind - 1]);
			return PCB_CLI_USAGE_ERROR;
		default:
			*cause = format_cause("unknown option '%s'",
			    argv[optind - 1]);
			return PCB_CLI_USAGE_ERROR;
		}
	}
	if (optind >= argc) {
		*cause = format_cause("no files given (try --help)");
		return PCB_CLI_USAGE_ERROR;
	}
	opt->inputs = argv + optind;
	opt->ninputs = (size_t)(argc - optind);

	/* compileall: sorted(set(optimize)), default [-1]. */
	for (int l = -1; l <= 2; l++)
		if (seen[l + 1])
			opt->levels[opt->nlevels++] = l;
	if (opt->nlevels == 0)
		opt->levels[opt->nlevels++] = -1;
	opt->optimize = opt->levels[0];
	/* compileall's parser.error words; it counts -o options given. */
	if (opt->hardlink_dupes && (nopt < 2 || opt->nlevels < 2)) {
		*cause =
		    format_cause("Hardlinking of duplicated bytecode makes "
				 "sense only for more than one "
				 "optimization level");
		return PCB_CLI_USAGE_ERROR;
	}
	if (opt->ddir != NULL &&
	    (opt->stripdir != NULL || opt->prependdir != NULL)) {
		*cause = format_cause(
		    "-d cannot be used in combination with -s or -p");
		return PCB_CLI_USAGE_ERROR;
	}
	if (opt->cache_dir != NULL && *opt->cache_dir == '\0')
		opt->cache_dir = NULL;
	if ((opt->cache_read_only || opt->cache_max_size) &&
	    opt->cache_dir == NULL) {
		*cause = format_cause("--cache-read-only and --cache-max-size "
				      "need --cache=DIR");
		return PCB_CLI_USAGE_ERROR;
	}
	if (opt->timeout > 0 && opt->backend == PCB_BACKEND_SUBINTERPRETERS) {
		*cause = format_cause("--timeout needs the processes backend");
		return PCB_CLI_USAGE_ERROR;
	}
	if (rx != NULL) {
		char *why = NULL;

		if (pcb_exclude_compile(rx, &opt->exclude, &why) < 0) {
			*cause = why ? format_cause("invalid regular "
						    "expression '%s': %s",
					   rx, why) :
				       format_cause("out of memory");
			free(why);
			return PCB_CLI_USAGE_ERROR;
		}
	}

	if (opt->jobs == 0)
		opt->jobs = online_cpus();
	/* py_compile's _get_default_invalidation_mode. */
	if (opt->mode == PCB_MODE_DEFAULT) {
		sde = getenv("SOURCE_DATE_EPOCH");
		opt->mode = sde != NULL && *sde != '\0' ?
		    PCB_MODE_CHECKED_HASH :
		    PCB_MODE_TIMESTAMP;
	}
	return PCB_CLI_RUN;
}

/* One path to compile: drop it if -x matches, else add it with its dfile. */
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
	if (mismatch) {
		char *note = format_cause("The stripdir path '%s' is not a "
					  "valid prefix for source path '%s'; "
					  "ignoring",
		    stripdir, path);

		ret = note ? pcb_list_add(&in->notes, note, strlen(note)) :
			     -ENOMEM;
		free(note);
		if (ret < 0)
			goto out;
	}
	if ((ret = pcb_list_add(&in->paths, path, strlen(path))) < 0)
		goto out;
	ret = dfile ? pcb_list_add(&in->dfiles, dfile, strlen(dfile)) :
		      pcb_list_add(&in->dfiles, path, strlen(path));
out:
	free(dfile);
	return ret;
}

/* A directory argument: compile_dir turns -d into -s DIR -p DDIR. */
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
	for (size_t i = 0; ret == 0 && i < unlisted.len; i++) {
		char *note = format_cause("Can't list '%s'", unlisted.items[i]);

		ret = note ? pcb_list_add(&in->notes, note, strlen(note)) :
			     -ENOMEM;
		free(note);
	}
	for (size_t i = 0; ret == 0 && i < files.len; i++)
		ret = add_path(opt, in, files.items[i], NULL, strip, prepend);
	pcb_list_fini(&files);
	pcb_list_fini(&unlisted);
	return ret;
}

int
pcb_cli_collect(const struct pcb_options *opt, struct pcb_inputs *in,
    char **cause)
{
	struct pcb_list listed = { 0 };
	struct stat st;
	int stdin_read = 0, ret = 0;

	for (size_t i = 0; ret == 0 && i < opt->ninputs; i++) {
		const char *arg = opt->inputs[i];

		if (strcmp(arg, "-") == 0) {
			char *buf;
			size_t len;

			if (stdin_read)
				continue;
			stdin_read = 1;
			if ((ret = pcb_source_read_fd(STDIN_FILENO, 65536, &buf,
				 &len)) < 0) {
				*cause = format_cause(
				    "cannot read the file list: %s",
				    strerror(-ret));
				return ret;
			}
			ret = pcb_list_parse(&listed, buf, len,
			    opt->null_list ? '\0' : '\n');
			free(buf);
			if (ret == -EILSEQ) {
				pcb_list_fini(&listed);
				*cause = format_cause(
				    "the file list on standard input has a NUL "
				    "byte, which no file name can hold (a list "
				    "made by find -print0 needs -0)");
				return ret;
			}
			/* Listed paths are files, as py_compile takes them. */
			for (size_t k = 0; ret == 0 && k < listed.len; k++)
				ret = add_path(opt, in, listed.items[k],
				    opt->ddir, opt->stripdir, opt->prependdir);
			pcb_list_fini(&listed);
		} else if (stat(arg, &st) == 0 && S_ISDIR(st.st_mode))
			ret = add_dir(opt, in, arg);
		else
			ret = add_path(opt, in, arg, opt->ddir, opt->stripdir,
			    opt->prependdir);
	}
	if (ret < 0) {
		*cause = format_cause("out of memory");
		return ret;
	}
	return 0;
}

void
pcb_cli_fini(struct pcb_options *opt, struct pcb_inputs *in)
{
	pcb_exclude_free(opt->exclude);
	opt->exclude = NULL;
	pcb_list_fini(&in->paths);
	pcb_list_fini(&in->dfiles);
	pcb_list_fini(&in->excluded);
	pcb_list_fini(&in->notes);
}
