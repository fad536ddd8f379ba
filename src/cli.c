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
#include <unistd.h>

#include "cli.h"
#include "source.h"

enum {
	OPT_INVALIDATION_MODE = 256,
	OPT_FAIL_FAST,
	OPT_REPRODUCIBLE,
};

static const struct option long_options[] = {
	{ "jobs", required_argument, NULL, 'j' },
	{ "null", no_argument, NULL, '0' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "optimize", required_argument, NULL, 'o' },
	{ "invalidation-mode", required_argument, NULL, OPT_INVALIDATION_MODE },
	{ "fail-fast", no_argument, NULL, OPT_FAIL_FAST },
	{ "reproducible", no_argument, NULL, OPT_REPRODUCIBLE },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

void
pcb_cli_usage(FILE *out)
{
	fputs(
	    "Usage: pycompile-batch [OPTION]... [FILE|-]...\n"
	    "Byte-compile Python sources to .pyc files in parallel, exactly as\n"
	    "py_compile.compile() would, and exit 1 if any file failed.\n"
	    "\n"
	    "  -                        read the file list from standard input, one per line\n"
	    "  -0, --null               the standard-input list is NUL-separated\n"
	    "  -j, --jobs=N             N workers (0, the default: one per online CPU)\n"
	    "  -o, --optimize=LEVEL     -1 (the interpreter's level, PYTHONOPTIMIZE), 0, 1 or 2\n"
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
	    "Python runtime could not start.\n",
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

/* A whole decimal number within [lo, hi]. */
static int
parse_int(const char *s, long lo, long hi, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi)
		return -1;
	*out = v;
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
	const char *sde;
	long v;
	int c;

	memset(opt, 0, sizeof *opt);
	opt->optimize = -1;
	opt->mode = PCB_MODE_DEFAULT;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":j:0qo:hV", long_options, NULL)) !=
	    -1) {
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
			opt->optimize = (int)v;
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

int
pcb_cli_collect(const struct pcb_options *opt, struct pcb_list *paths,
    char **cause)
{
	int stdin_read = 0, ret;

	for (size_t i = 0; i < opt->ninputs; i++) {
		const char *in = opt->inputs[i];

		if (strcmp(in, "-") == 0) {
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
				return -1;
			}
			ret = pcb_list_parse(paths, buf, len,
			    opt->null_list ? '\0' : '\n');
			free(buf);
		} else
			ret = pcb_list_add(paths, in, strlen(in));
		if (ret < 0) {
			*cause = format_cause("out of memory");
			return -1;
		}
	}
	return 0;
}
