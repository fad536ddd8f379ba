/*
 * check_cli.c: the command line (cli.c) and the expansion of its arguments
 * (inputs.c).  Each test runs in its own process (Check forks), with the
 * environment variables the parser reads unset by the fixture; parse()
 * still resets getopt, since a test may parse more than once.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backend/backend.h"
#include "check_units.h"
#include "cli/cli.h"
#include "cli/debpython.h"
#include "cli/exclude.h"
#include "cli/inputs.h"

#define MAX_ARGS 32

static char prog[] = "pycompile-batch";
static char *args[MAX_ARGS + 2];

/* Fills args with the program name and the arguments in ap; returns argc. */
static int
set_args(va_list ap)
{
	const char *a;
	int n = 0;

	args[n++] = prog;
	while ((a = va_arg(ap, const char *)) != NULL) {
		ck_assert_int_lt(n, MAX_ARGS);
		args[n++] = (char *)a;
	}
	args[n] = NULL;
	return n;
}

/* pcb_cli_parse on the program name and the NULL-terminated arguments. */
static enum pcb_cli_action
parse_args(struct pcb_options *opt, char **cause, ...)
{
	va_list ap;
	int argc;

	va_start(ap, cause);
	argc = set_args(ap);
	va_end(ap);
	optind = 0;
	return pcb_cli_parse(argc, args, opt, cause);
}

/* The same without resetting getopt first: pcb_cli_parse must do it. */
static enum pcb_cli_action
parse_args_as_is(struct pcb_options *opt, char **cause, ...)
{
	va_list ap;
	int argc;

	va_start(ap, cause);
	argc = set_args(ap);
	va_end(ap);
	return pcb_cli_parse(argc, args, opt, cause);
}

/* Parses the arguments, which must be accepted, and collects them into in.
 * Returns pcb_inputs_collect's value. */
static int
collect_args(struct pcb_options *opt, struct pcb_inputs *in, char **cause, ...)
{
	va_list ap;
	int argc;

	va_start(ap, cause);
	argc = set_args(ap);
	va_end(ap);
	optind = 0;
	ck_assert_int_eq(pcb_cli_parse(argc, args, opt, cause), PCB_CLI_RUN);
	return pcb_inputs_collect(opt,
	    (unsigned)(pcb_backend_python_version() >> 16 & 0xff), in, cause);
}

#define parse(opt, cause, ...) \
	parse_args(opt, cause, __VA_ARGS__, (const char *)NULL)
#define parse_as_is(opt, cause, ...) \
	parse_args_as_is(opt, cause, __VA_ARGS__, (const char *)NULL)
#define collect(opt, in, cause, ...) \
	collect_args(opt, in, cause, __VA_ARGS__, (const char *)NULL)

static void
clear_env(void)
{
	unsetenv("PYCOMPILE_BATCH_BACKEND");
	unsetenv("PYCOMPILE_BATCH_CACHE");
	unsetenv("SOURCE_DATE_EPOCH");
}

START_TEST(test_defaults)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	struct pcb_options opt;
	char *cause = NULL;

	ck_assert_int_eq(parse(&opt, &cause, "a.py"), PCB_CLI_RUN);
	ck_assert_ptr_null(cause);
	/* -j 0: the online CPUs, at least 1, at most PCB_MAX_AUTO_JOBS. */
	if (cpus < 1)
		cpus = 1;
	if (cpus > PCB_MAX_AUTO_JOBS)
		cpus = PCB_MAX_AUTO_JOBS;
	ck_assert_uint_eq(opt.jobs, (unsigned)cpus);
	ck_assert_int_eq(opt.optimize, -1);
	ck_assert_uint_eq(opt.nlevels, 1);
	ck_assert_int_eq(opt.levels[0], -1);
	ck_assert_int_eq(opt.mode, PCB_MODE_TIMESTAMP);
	ck_assert_int_eq(opt.progress, PCB_PROGRESS_AUTO);
	ck_assert_int_eq(opt.backend, PCB_BACKEND_AUTO);
	ck_assert(opt.timeout == 0);
	ck_assert_int_eq(opt.quiet | opt.verbose | opt.fail_fast |
		opt.reproducible | opt.null_list | opt.hardlink_dupes |
		opt.compile_every_level | opt.incremental | opt.cache_read_only,
	    0);
	ck_assert_ptr_null(opt.cache_dir);
	ck_assert_uint_eq(opt.cache_max_size, 0);
	ck_assert_ptr_null(opt.ddir);
	ck_assert_ptr_null(opt.stripdir);
	ck_assert_ptr_null(opt.prependdir);
	ck_assert_ptr_null(opt.exclude);
	ck_assert_ptr_null(opt.report_path);
	ck_assert_uint_eq(opt.ninputs, 1);
	ck_assert_str_eq(opt.inputs[0], "a.py");
	pcb_cli_fini(&opt);

	/* -j 0 said outright is the same as not saying it. */
	ck_assert_int_eq(parse(&opt, &cause, "-j", "0", "a.py"), PCB_CLI_RUN);
	ck_assert_uint_eq(opt.jobs, (unsigned)cpus);
}
END_TEST

/* py_compile: checked-hash when SOURCE_DATE_EPOCH is set and not empty. */
START_TEST(test_source_date_epoch)
{
	struct pcb_options opt;
	char *cause = NULL;

	setenv("SOURCE_DATE_EPOCH", "", 1);
	ck_assert_int_eq(parse(&opt, &cause, "a.py"), PCB_CLI_RUN);
	ck_assert_int_eq(opt.mode, PCB_MODE_TIMESTAMP);
	setenv("SOURCE_DATE_EPOCH", "1700000000", 1);
	ck_assert_int_eq(parse(&opt, &cause, "a.py"), PCB_CLI_RUN);
	ck_assert_int_eq(opt.mode, PCB_MODE_CHECKED_HASH);
	/* An explicit mode wins over the environment. */
	ck_assert_int_eq(parse(&opt, &cause, "--invalidation-mode=timestamp",
			     "a.py"),
	    PCB_CLI_RUN);
	ck_assert_int_eq(opt.mode, PCB_MODE_TIMESTAMP);
	ck_assert_ptr_null(cause);
}
END_TEST

START_TEST(test_flags)
{
	struct pcb_options opt;
	char *cause = NULL;

	ck_assert_int_eq(parse(&opt, &cause, "-0", "-q", "-u", "-v",
			     "--fail-fast", "--reproducible",
			     "--compile-every-level", "a.py"),
	    PCB_CLI_RUN);
	ck_assert_int_eq(opt.null_list, 1);
	ck_assert_int_eq(opt.quiet, 1);
	ck_assert_int_eq(opt.incremental, 1);
	ck_assert_int_eq(opt.verbose, 1);
	ck_assert_int_eq(opt.fail_fast, 1);
	ck_assert_int_eq(opt.reproducible, 1);
	ck_assert_int_eq(opt.compile_every_level, 1);

	/* The long spellings, clustered short ones, and options after files
	 * (GNU getopt moves the files to the end). */
	ck_assert_int_eq(parse(&opt, &cause, "a.py", "--null", "--quiet",
			     "b.py", "--incremental", "--verbose"),
	    PCB_CLI_RUN);
	ck_assert_int_eq(opt.null_list & opt.quiet & opt.incremental &
		opt.verbose,
	    1);
	ck_assert_uint_eq(opt.ninputs, 2);
	ck_assert_str_eq(opt.inputs[0], "a.py");
	ck_assert_str_eq(opt.inputs[1], "b.py");
	ck_assert_int_eq(parse(&opt, &cause, "-qv0", "a.py"), PCB_CLI_RUN);
	ck_assert_int_eq(opt.quiet & opt.verbose & opt.null_list, 1);
	ck_assert_int_eq(opt.incremental, 0);

	/* "--" ends the options; "-" is an input. */
	ck_assert_int_eq(parse(&opt, &cause, "-", "--", "-q"), PCB_CLI_RUN);
	ck_assert_int_eq(opt.quiet, 0);
	ck_assert_uint_eq(opt.ninputs, 2);
	ck_assert_str_eq(opt.inputs[0], "-");
	ck_assert_str_eq(opt.inputs[1], "-q");
	/* An unambiguous abbreviation, as getopt_long takes it. */
	ck_assert_int_eq(parse(&opt, &cause, "--fail", "a.py"), PCB_CLI_RUN);
	ck_assert_int_eq(opt.fail_fast, 1);
	ck_assert_ptr_null(cause);
}
END_TEST

START_TEST(test_values)
{
	struct pcb_options opt;
	char *cause = NULL;

	ck_assert_int_eq(parse(&opt, &cause, "-j", "7", "--report=r.json", "-s",
			     "/strip", "-p", "/pre", "--cache", "/c",
			     "--cache-read-only", "--cache-max-size=2K",
			     "--progress=never", "--backend=processes",
			     "--timeout=1.5", "--invalidation-mode",
			     "unchecked-hash", "a.py"),
	    PCB_CLI_RUN);
	ck_assert_uint_eq(opt.jobs, 7);
	ck_assert_str_eq(opt.report_path, "r.json");
	ck_assert_str_eq(opt.stripdir, "/strip");
	ck_assert_str_eq(opt.prependdir, "/pre");
	ck_assert_str_eq(opt.cache_dir, "/c");
	ck_assert_int_eq(opt.cache_read_only, 1);
	ck_assert_uint_eq(opt.cache_max_size, 2048);
	ck_assert_int_eq(opt.progress, PCB_PROGRESS_NEVER);
	ck_assert_int_eq(opt.backend, PCB_BACKEND_PROCESSES);
	ck_assert(opt.timeout == 1.5);
	ck_assert_int_eq(opt.mode, PCB_MODE_UNCHECKED_HASH);

	ck_assert_int_eq(parse(&opt, &cause, "--jobs=1024", "-d", "/dd",
			     "--progress=always", "--backend=subinterpreters",
			     "--invalidation-mode=checked-hash", "--cache=/c",
			     "--cache-max-size=3m", "a.py"),
	    PCB_CLI_RUN);
	ck_assert_uint_eq(opt.jobs, 1024);
	ck_assert_str_eq(opt.ddir, "/dd");
	ck_assert_int_eq(opt.progress, PCB_PROGRESS_ALWAYS);
	ck_assert_int_eq(opt.backend, PCB_BACKEND_SUBINTERPRETERS);
	ck_assert_int_eq(opt.mode, PCB_MODE_CHECKED_HASH);
	ck_assert_uint_eq(opt.cache_max_size, 3 << 20);

	ck_assert_int_eq(parse(&opt, &cause, "--progress=auto", "--backend",
			     "auto", "--cache=/c", "--cache-max-size=5G",
			     "--timeout=86400", "a.py"),
	    PCB_CLI_RUN);
	ck_assert_int_eq(opt.progress, PCB_PROGRESS_AUTO);
	ck_assert_int_eq(opt.backend, PCB_BACKEND_AUTO);
	ck_assert_uint_eq(opt.cache_max_size, (uint64_t)5 << 30);
	ck_assert(opt.timeout == 86400);
	ck_assert_ptr_null(cause);
}
END_TEST

/* compileall's sorted(set(optimize)); the first is opt.optimize. */
START_TEST(test_levels)
{
	struct pcb_options opt;
	char *cause = NULL;

	ck_assert_int_eq(parse(&opt, &cause, "-o", "2", "-o0", "--optimize=2",
			     "--hardlink-dupes", "a.py"),
	    PCB_CLI_RUN);
	ck_assert_uint_eq(opt.nlevels, 2);
	ck_assert_int_eq(opt.levels[0], 0);
	ck_assert_int_eq(opt.levels[1], 2);
	ck_assert_int_eq(opt.optimize, 0);
	ck_assert_int_eq(opt.hardlink_dupes, 1);

	ck_assert_int_eq(parse(&opt, &cause, "-o", "1", "-o", "-1", "-o", "2",
			     "-o", "0", "a.py"),
	    PCB_CLI_RUN);
	ck_assert_uint_eq(opt.nlevels, 4);
	for (int l = -1; l <= 2; l++)
		ck_assert_int_eq(opt.levels[l + 1], l);
	ck_assert_int_eq(opt.optimize, -1);

	ck_assert_int_eq(parse(&opt, &cause, "-o1", "a.py"), PCB_CLI_RUN);
	ck_assert_uint_eq(opt.nlevels, 1);
	ck_assert_int_eq(opt.optimize, 1);
	ck_assert_ptr_null(cause);
}
END_TEST

START_TEST(test_exclude)
{
	struct pcb_options opt;
	char *cause = NULL;

	/* The last -x is the one kept, so a bad one before it is harmless. */
	ck_assert_int_eq(parse(&opt, &cause, "-x", "(", "-x",
			     "/test_\\w+\\.py$", "a.py"),
	    PCB_CLI_RUN);
	ck_assert_ptr_nonnull(opt.exclude);
	ck_assert_int_eq(pcb_exclude_match(opt.exclude, "pkg/test_x.py"), 1);
	ck_assert_int_eq(pcb_exclude_match(opt.exclude, "pkg/x.py"), 0);
	pcb_cli_fini(&opt);
	ck_assert_ptr_null(opt.exclude);
	pcb_cli_fini(&opt); /* twice is harmless */
	ck_assert_ptr_null(cause);
}
END_TEST

START_TEST(test_environment)
{
	struct pcb_options opt;
	char *cause = NULL;

	setenv("PYCOMPILE_BATCH_BACKEND", "processes", 1);
	setenv("PYCOMPILE_BATCH_CACHE", "/env-cache", 1);
	ck_assert_int_eq(parse(&opt, &cause, "--timeout=2", "a.py"),
	    PCB_CLI_RUN);
	ck_assert_int_eq(opt.backend, PCB_BACKEND_PROCESSES);
	ck_assert_str_eq(opt.cache_dir, "/env-cache");
	/* The options win over the environment; an empty cache is none. */
	ck_assert_int_eq(parse(&opt, &cause, "--backend=auto",
			     "--cache=", "a.py"),
	    PCB_CLI_RUN);
	ck_assert_int_eq(opt.backend, PCB_BACKEND_AUTO);
	ck_assert_ptr_null(opt.cache_dir);
	ck_assert_int_eq(parse(&opt, &cause, "--cache=/opt-cache", "a.py"),
	    PCB_CLI_RUN);
	ck_assert_str_eq(opt.cache_dir, "/opt-cache");
	setenv("PYCOMPILE_BATCH_BACKEND", "", 1);
	setenv("PYCOMPILE_BATCH_CACHE", "", 1);
	ck_assert_int_eq(parse(&opt, &cause, "a.py"), PCB_CLI_RUN);
	ck_assert_int_eq(opt.backend, PCB_BACKEND_AUTO);
	ck_assert_ptr_null(opt.cache_dir);
	ck_assert_ptr_null(cause);
}
END_TEST

START_TEST(test_actions)
{
	struct pcb_options opt;
	char *cause = NULL;

	ck_assert_int_eq(parse(&opt, &cause, "-h"), PCB_CLI_HELP);
	ck_assert_int_eq(parse(&opt, &cause, "--help", "a.py"), PCB_CLI_HELP);
	ck_assert_int_eq(parse(&opt, &cause, "-V"), PCB_CLI_VERSION);
	ck_assert_int_eq(parse(&opt, &cause, "--version"), PCB_CLI_VERSION);
	ck_assert_int_eq(parse(&opt, &cause, "--vers"), PCB_CLI_VERSION);
	/* An action ends the parse: what follows is not read. */
	ck_assert_int_eq(parse(&opt, &cause, "--help", "-j", "x"),
	    PCB_CLI_HELP);
	ck_assert_int_eq(parse(&opt, &cause, "-V", "--frobnicate"),
	    PCB_CLI_VERSION);
	ck_assert_ptr_null(cause);
	/* What comes before it is. */
	ck_assert_int_eq(parse(&opt, &cause, "-j", "x", "--help"),
	    PCB_CLI_USAGE_ERROR);
	ck_assert_ptr_nonnull(cause);
	ck_assert_ptr_nonnull(strstr(cause, "jobs"));
	free(cause);
}
END_TEST

/* Each kind of bad value, and the words its cause must hold. */
static const struct {
	const char *args[8];
	const char *want[2];
} bad_cases[] = {
	{ { "--python=", "a.py" }, { "--python", "''" } },
	{ { "--python=a,,b", "a.py" }, { "--python", "'a,,b'" } },
	{ { "--python=a,", "a.py" }, { "--python", "'a,'" } },
	{ { "--python=a,b,c,d,e,f,g,h", "--python=i,j,k,l,m,n,o,p",
	      "--python=q", "a.py" },
	    { "--python", "'q'" } },
	{ { "-j", "x", "a.py" }, { "number of jobs", "'x'" } },
	{ { "--jobs=1025", "a.py" }, { "number of jobs", "'1025'" } },
	{ { "-j", "-1", "a.py" }, { "number of jobs", "'-1'" } },
	{ { "-j", "", "a.py" }, { "number of jobs", "''" } },
	{ { "-j", "2x", "a.py" }, { "number of jobs", "'2x'" } },
	{ { "-o", "3", "a.py" }, { "optimization level", "'3'" } },
	{ { "--optimize=-2", "a.py" }, { "optimization level", "'-2'" } },
	{ { "-o", "one", "a.py" }, { "optimization level", "'one'" } },
	{ { "--invalidation-mode=sometimes", "a.py" },
	    { "invalidation mode", "'sometimes'" } },
	{ { "--invalidation-mode=Timestamp", "a.py" },
	    { "invalidation mode", "'Timestamp'" } },
	{ { "--progress=maybe", "a.py" }, { "progress", "'maybe'" } },
	{ { "--backend=threads", "a.py" }, { "backend", "'threads'" } },
	{ { "--timeout=0", "a.py" }, { "timeout", "'0'" } },
	{ { "--timeout=-1", "a.py" }, { "timeout", "'-1'" } },
	{ { "--timeout=86401", "a.py" }, { "timeout", "'86401'" } },
	{ { "--timeout=nan", "a.py" }, { "timeout", "'nan'" } },
	{ { "--timeout=1s", "a.py" }, { "timeout", "'1s'" } },
	{ { "--cache=/c", "--cache-max-size=0", "a.py" },
	    { "cache size", "'0'" } },
	{ { "--cache=/c", "--cache-max-size=12Q", "a.py" },
	    { "cache size", "'12Q'" } },
	{ { "--cache=/c", "--cache-max-size=-1", "a.py" },
	    { "cache size", "'-1'" } },
	{ { "--cache=/c", "--cache-max-size=K", "a.py" },
	    { "cache size", "'K'" } },
	{ { "--cache=/c", "--cache-max-size=1KB", "a.py" },
	    { "cache size", "'1KB'" } },
	/* 2^34 G is 2^64 bytes, one more than uint64_t holds. */
	{ { "--cache=/c", "--cache-max-size=17179869184G", "a.py" },
	    { "cache size", "'17179869184G'" } },
	{ { "--frobnicate", "a.py" }, { "unknown option", "'--frobnicate'" } },
	{ { "-Z", "a.py" }, { "unknown option", "'-Z'" } },
	{ { "--cach=/c", "a.py" }, { "unknown option", "'--cach=/c'" } },
	{ { "--help=x" }, { "unknown option", "'--help=x'" } },
	{ { "a.py", "-j" }, { "needs a value", "'-j'" } },
	{ { "a.py", "--jobs" }, { "needs a value", "'--jobs'" } },
	{ { "a.py", "-x" }, { "needs a value", "'-x'" } },
	{ { "-j2" }, { "no files", NULL } },
	{ { "--" }, { "no files", NULL } },
	{ { "--hardlink-dupes", "a.py" },
	    { "Hardlinking", "more than one optimization level" } },
	{ { "--hardlink-dupes", "-o1", "-o1", "a.py" },
	    { "Hardlinking", NULL } },
	{ { "-d", "a", "-s", "b", "x.py" }, { "-d", "-s or -p" } },
	{ { "-d", "a", "-p", "b", "x.py" }, { "-d", "-s or -p" } },
	{ { "--cache-read-only", "a.py" }, { "--cache-read-only", "--cache" } },
	{ { "--cache=", "--cache-max-size=1", "a.py" },
	    { "--cache-max-size", "--cache=DIR" } },
	{ { "--backend=subinterpreters", "--timeout=5", "a.py" },
	    { "--timeout", "processes" } },
	{ { "-x", "(", "a.py" }, { "regular expression", "'('" } },
	{ { "-x", "[a", "a.py" }, { "regular expression", "position" } },
};

/* py3compile's -V, as debpython's parse_vrange reads it (its doctests). */
START_TEST(test_deb_range)
{
	static const struct {
		const char *s;
		int min, max;
	} good[] = {
		{ "3.0-", 300, -1 },
		{ "3.1-3.3", 301, 303 },
		{ "3.2-4.0", 302, 400 },
		{ "-3.7", -1, 307 },
		{ "3.2", 302, 302 },
		{ "", -1, -1 },
		{ "-", -1, -1 },
		{ "3.13", 313, 313 },
		{ "3.13x", 313, 313 },
		{ "3.12-x", 312, -1 },
	};
	static const char *const bad[] = { "x", "3", "3.", "-x", "3.3-3.1",
		"3.100", "13.1" };
	struct pcb_deb_range r;

	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		ck_assert_msg(pcb_debpython_parse_range(good[i].s, &r) == 0,
		    "'%s' refused", good[i].s);
		ck_assert_msg(r.min == good[i].min && r.max == good[i].max,
		    "'%s': %d-%d", good[i].s, r.min, r.max);
	}
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		ck_assert_msg(pcb_debpython_parse_range(bad[i], &r) == -EINVAL,
		    "'%s' taken", bad[i]);
}
END_TEST

/* --py3compile: py3compile's options, and what they decide. */
START_TEST(test_py3compile_options)
{
	struct pcb_options opt;
	char *cause = NULL;

	ck_assert_int_eq(parse(&opt, &cause, "--py3compile", "-v", "-q", "-V",
			     "3.13-", "-X", "a", "-X", "b", "/usr/share/foo"),
	    PCB_CLI_RUN);
	ck_assert_int_eq(opt.dialect, PCB_DIALECT_PY3COMPILE);
	ck_assert_int_eq(opt.verbose, 0);
	ck_assert_str_eq(opt.deb_vrange, "3.13-");
	ck_assert_uint_eq(opt.ndeb_excludes, 2);
	ck_assert_str_eq(opt.deb_excludes[1], "b");
	ck_assert_int_eq(opt.fresh, PCB_FRESH_COMPILEALL);
	ck_assert_int_eq(opt.levels[0], -1);
	pcb_cli_fini(&opt);
	ck_assert_int_eq(parse(&opt, &cause, "--py3compile", "-O", "-p", "pkg"),
	    PCB_CLI_RUN);
	ck_assert_str_eq(opt.deb_package, "pkg");
	ck_assert_int_eq(opt.levels[0], 1);
	ck_assert_int_eq(opt.fresh, PCB_FRESH_NONE);
	pcb_cli_fini(&opt);
	ck_assert_int_eq(parse(&opt, &cause, "--py3compile", "-f", "d"),
	    PCB_CLI_RUN);
	ck_assert_int_eq(opt.fresh, PCB_FRESH_NONE);
	pcb_cli_fini(&opt);
	ck_assert_int_eq(parse(&opt, &cause, "--py3compile"),
	    PCB_CLI_USAGE_ERROR);
	free(cause);
	cause = NULL;
	ck_assert_int_eq(parse(&opt, &cause, "--py3compile", "-p", "p", "-X",
			     "a"),
	    PCB_CLI_USAGE_ERROR);
	ck_assert_ptr_nonnull(strstr(cause, "private directories only"));
	free(cause);
}
END_TEST

/* --python: names split at commas, kept in order across repeats. */
START_TEST(test_pythons)
{
	struct pcb_options opt;
	char *cause = NULL;

	ck_assert_int_eq(parse(&opt, &cause, "a.py"), PCB_CLI_RUN);
	ck_assert_uint_eq(opt.npythons, 0);
	pcb_cli_fini(&opt);
	ck_assert_int_eq(parse(&opt, &cause,
			     "--python=python3.12,/opt/py/bin/python3",
			     "--python", "python3.9", "a.py"),
	    PCB_CLI_RUN);
	ck_assert_uint_eq(opt.npythons, 3);
	ck_assert_str_eq(opt.pythons[0], "python3.12");
	ck_assert_str_eq(opt.pythons[1], "/opt/py/bin/python3");
	ck_assert_str_eq(opt.pythons[2], "python3.9");
	pcb_cli_fini(&opt);
	ck_assert_uint_eq(opt.npythons, 0);
	/* compileall's dialect takes it too. */
	ck_assert_int_eq(parse(&opt, &cause, "--compileall", "--python=python3",
			     "a.py"),
	    PCB_CLI_RUN);
	ck_assert_uint_eq(opt.npythons, 1);
	pcb_cli_fini(&opt);
}
END_TEST

START_TEST(test_bad_values)
{
	struct pcb_options opt;
	char *cause = NULL;
	int n;

	for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
		args[0] = prog;
		for (n = 0; bad_cases[i].args[n] != NULL; n++)
			args[n + 1] = (char *)bad_cases[i].args[n];
		args[n + 1] = NULL;
		optind = 0;
		ck_assert_msg(pcb_cli_parse(n + 1, args, &opt, &cause) ==
			PCB_CLI_USAGE_ERROR,
		    "case %zu (%s) was accepted", i, bad_cases[i].args[0]);
		ck_assert_msg(cause != NULL, "case %zu: no cause", i);
		for (int w = 0; w < 2 && bad_cases[i].want[w] != NULL; w++)
			ck_assert_msg(strstr(cause, bad_cases[i].want[w]),
			    "case %zu: \"%s\" lacks \"%s\"", i, cause,
			    bad_cases[i].want[w]);
		/* One line, for "pycompile-batch: <cause>". */
		ck_assert_ptr_null(strchr(cause, '\n'));
		pcb_cli_fini(&opt);
		free(cause);
		cause = NULL;
	}
}
END_TEST

START_TEST(test_bad_environment)
{
	struct pcb_options opt;
	char *cause = NULL;

	setenv("PYCOMPILE_BATCH_BACKEND", "threads", 1);
	/* Read before the options, so even --help is refused. */
	ck_assert_int_eq(parse(&opt, &cause, "--help"), PCB_CLI_USAGE_ERROR);
	ck_assert_ptr_nonnull(cause);
	ck_assert_ptr_nonnull(strstr(cause, "PYCOMPILE_BATCH_BACKEND"));
	ck_assert_ptr_nonnull(strstr(cause, "'threads'"));
	pcb_cli_fini(&opt);
	/* --backend does not save it either. */
	ck_assert_int_eq(parse(&opt, &cause, "--backend=auto", "a.py"),
	    PCB_CLI_USAGE_ERROR);
	free(cause);
}
END_TEST

/*
 * A parse after one that stopped early starts afresh, in getopt too: "-hv"
 * stops at h with v still to read, and a parse that did not reset getopt
 * would take that v from the old argv.  parse_as_is leaves getopt as it is.
 */
START_TEST(test_parse_again)
{
	struct pcb_options opt;
	char *cause = NULL;

	ck_assert_int_eq(parse(&opt, &cause, "-hv"), PCB_CLI_HELP);
	ck_assert_int_eq(parse_as_is(&opt, &cause, "b.py"), PCB_CLI_RUN);
	ck_assert_int_eq(opt.verbose, 0);
	ck_assert_uint_eq(opt.ninputs, 1);
	ck_assert_str_eq(opt.inputs[0], "b.py");

	ck_assert_int_eq(parse(&opt, &cause, "-qj", "x", "a.py"),
	    PCB_CLI_USAGE_ERROR);
	ck_assert_int_eq(parse_as_is(&opt, &cause, "c.py", "-v"), PCB_CLI_RUN);
	ck_assert_int_eq(opt.quiet, 0);
	ck_assert_int_eq(opt.verbose, 1);
	ck_assert_uint_eq(opt.ninputs, 1);
	ck_assert_str_eq(opt.inputs[0], "c.py");
	free(cause);
}
END_TEST

/* A scratch tree, the working directory of every test. */
static char tmp[32];

static void
make_tree(void)
{
	static const char *const dirs[] = { "d", "d/sub", "d/__pycache__",
		"d/.hidden" };
	static const char *const files[] = { "a.py", "b.py", "d/b.py", "d/A.py",
		"d/sub/c.py", "d/__pycache__/x.py", "d/notes.txt",
		"d/.hidden/h.py" };
	char path[512];
	FILE *f;

	clear_env();
	snprintf(tmp, sizeof tmp, "/tmp/pcb-cli.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmp));
	for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
		snprintf(path, sizeof path, "%s/%s", tmp, dirs[i]);
		ck_assert_int_eq(mkdir(path, 0777), 0);
	}
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		snprintf(path, sizeof path, "%s/%s", tmp, files[i]);
		ck_assert_ptr_nonnull(f = fopen(path, "w"));
		fputs("x = 1\n", f);
		fclose(f);
	}
	ck_assert_int_eq(chdir(tmp), 0);
}

static void
remove_tree(void)
{
	char cmd[600];

	if (chdir("/") == 0 && strncmp(tmp, "/tmp/pcb-cli.", 13) == 0) {
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
		ck_assert_int_eq(system(cmd), 0);
	}
}

/* The list holds exactly the n strings of want (NULL-terminated). */
static void
expect_list(const struct pcb_list *l, const char *const *want)
{
	size_t n = 0;

	while (want[n] != NULL)
		n++;
	ck_assert_uint_eq(l->len, n);
	for (size_t i = 0; i < n; i++)
		ck_assert_str_eq(l->items[i], want[i]);
}

#define LIST(...) ((const char *const[]){ __VA_ARGS__, NULL })

START_TEST(test_collect_files)
{
	struct pcb_options opt;
	struct pcb_inputs in = { 0 };
	char *cause = NULL;

	/* Files stay in the order given, missing ones too (py_compile will
	 * report them), each stored under its own name. */
	ck_assert_int_eq(collect(&opt, &in, &cause, "b.py", "missing.py",
			     "a.py", "b.py"),
	    0);
	expect_list(&in.paths, LIST("b.py", "missing.py", "a.py", "b.py"));
	expect_list(&in.dfiles, LIST("b.py", "missing.py", "a.py", "b.py"));
	ck_assert_uint_eq(in.excluded.len, 0);
	ck_assert_uint_eq(in.notes.len, 0);
	pcb_inputs_fini(&in);
	ck_assert_uint_eq(in.paths.len, 0);
	pcb_inputs_fini(&in); /* twice is harmless */
	ck_assert_ptr_null(cause);
}
END_TEST

START_TEST(test_collect_dir)
{
	struct pcb_options opt;
	struct pcb_inputs in = { 0 };
	char *cause = NULL;

	/* compileall's order: names sorted bytewise, subdirectories where
	 * they sort, __pycache__ and non-.py files left out. */
	ck_assert_int_eq(collect(&opt, &in, &cause, "a.py", "d", "d/"), 0);
	expect_list(&in.paths,
	    LIST("a.py", "d/.hidden/h.py", "d/A.py", "d/b.py", "d/sub/c.py",
		"d/.hidden/h.py", "d/A.py", "d/b.py", "d/sub/c.py"));
	expect_list(&in.dfiles,
	    LIST("a.py", "d/.hidden/h.py", "d/A.py", "d/b.py", "d/sub/c.py",
		"d/.hidden/h.py", "d/A.py", "d/b.py", "d/sub/c.py"));
	pcb_inputs_fini(&in);
	pcb_cli_fini(&opt);
	ck_assert_ptr_null(cause);
}
END_TEST

START_TEST(test_collect_exclude)
{
	struct pcb_options opt;
	struct pcb_inputs in = { 0 };
	char *cause = NULL;

	/* re.search on the path as given, before anything else. */
	ck_assert_int_eq(collect(&opt, &in, &cause, "-x", "(^|/)b\\.py$|sub/",
			     "-d", "/dd", "b.py", "a.py", "d"),
	    0);
	expect_list(&in.paths, LIST("a.py", "d/.hidden/h.py", "d/A.py"));
	expect_list(&in.dfiles,
	    LIST("/dd/a.py", "/dd/.hidden/h.py", "/dd/A.py"));
	expect_list(&in.excluded, LIST("b.py", "d/b.py", "d/sub/c.py"));
	pcb_inputs_fini(&in);
	pcb_cli_fini(&opt);
	ck_assert_ptr_null(cause);
}
END_TEST

START_TEST(test_collect_dfiles)
{
	struct pcb_options opt;
	struct pcb_inputs in = { 0 };
	char *cause = NULL;

	/* -d: DIR/basename for a file, DIR in place of a directory. */
	ck_assert_int_eq(collect(&opt, &in, &cause, "-d", "/dd", "d/sub/c.py",
			     "d/sub"),
	    0);
	expect_list(&in.paths, LIST("d/sub/c.py", "d/sub/c.py"));
	expect_list(&in.dfiles, LIST("/dd/c.py", "/dd/c.py"));
	pcb_inputs_fini(&in);

	/* -s then -p, for files and for what a directory holds. */
	ck_assert_int_eq(collect(&opt, &in, &cause, "-s", "d", "-p", "/usr/lib",
			     "d/A.py", "d/sub"),
	    0);
	expect_list(&in.dfiles, LIST("/usr/lib/A.py", "/usr/lib/sub/c.py"));
	ck_assert_uint_eq(in.notes.len, 0);
	pcb_inputs_fini(&in);

	/* A -s that is no prefix is ignored, with compileall's warning. */
	ck_assert_int_eq(collect(&opt, &in, &cause, "-s", "/nowhere", "-p",
			     "/p", "a.py"),
	    0);
	expect_list(&in.dfiles, LIST("/p/a.py"));
	ck_assert_uint_eq(in.notes.len, 1);
	ck_assert_ptr_nonnull(strstr(in.notes.items[0], "'/nowhere'"));
	ck_assert_ptr_nonnull(strstr(in.notes.items[0], "'a.py'"));
	ck_assert_ptr_nonnull(strstr(in.notes.items[0], "not a valid prefix"));
	pcb_inputs_fini(&in);
	ck_assert_ptr_null(cause);
}
END_TEST

/* Makes standard input a file holding the n bytes at data. */
static void
stdin_from(const char *data, size_t n)
{
	int fd = open("list", O_RDWR | O_CREAT | O_TRUNC, 0666);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, data, n), (ssize_t)n);
	ck_assert_int_eq(lseek(fd, 0, SEEK_SET), 0);
	ck_assert_int_eq(dup2(fd, STDIN_FILENO), STDIN_FILENO);
	close(fd);
}

START_TEST(test_collect_stdin)
{
	static const char lines[] = "d/A.py\nd\n\nb.py\n";
	static const char nuls[] = "a.py\0with\nnewline.py\0";
	struct pcb_options opt;
	struct pcb_inputs in = { 0 };
	char *cause = NULL;

	/* Listed paths are files, even a directory; "-" twice adds its list once. */
	stdin_from(lines, sizeof lines - 1);
	ck_assert_int_eq(collect(&opt, &in, &cause, "a.py", "-", "-d", "/dd",
			     "-", "d/sub"),
	    0);
	expect_list(&in.paths,
	    LIST("a.py", "d/A.py", "d", "b.py", "d/sub/c.py"));
	expect_list(&in.dfiles,
	    LIST("/dd/a.py", "/dd/A.py", "/dd/d", "/dd/b.py", "/dd/c.py"));
	pcb_inputs_fini(&in);

	stdin_from(nuls, sizeof nuls - 1);
	ck_assert_int_eq(collect(&opt, &in, &cause, "-0", "-"), 0);
	expect_list(&in.paths, LIST("a.py", "with\nnewline.py"));
	pcb_inputs_fini(&in);
	ck_assert_ptr_null(cause);
}
END_TEST

START_TEST(test_collect_stdin_nul)
{
	static const char nuls[] = "a.py\0b.py\0";
	struct pcb_options opt;
	struct pcb_inputs in = { 0 };
	char *cause = NULL;

	/* A NUL in a newline list: find -print0's output without -0. */
	stdin_from(nuls, sizeof nuls - 1);
	ck_assert_int_eq(collect(&opt, &in, &cause, "b.py", "-"), -EILSEQ);
	ck_assert_ptr_nonnull(cause);
	ck_assert_ptr_nonnull(strstr(cause, "NUL byte"));
	ck_assert_ptr_nonnull(strstr(cause, "-0"));
	/* What came before it was collected, and is freed as usual. */
	expect_list(&in.paths, LIST("b.py"));
	pcb_inputs_fini(&in);
	free(cause);
}
END_TEST

START_TEST(test_collect_stdin_unreadable)
{
	struct pcb_options opt;
	struct pcb_inputs in = { 0 };
	char *cause = NULL;
	int fd;

	/* Standard input open for writing only: read() fails with EBADF. */
	ck_assert_int_ge(fd = open("list", O_WRONLY | O_CREAT, 0666), 0);
	ck_assert_int_eq(dup2(fd, STDIN_FILENO), STDIN_FILENO);
	close(fd);
	ck_assert_int_eq(collect(&opt, &in, &cause, "-"), -EBADF);
	ck_assert_ptr_nonnull(cause);
	ck_assert_ptr_nonnull(strstr(cause, "cannot read the file list"));
	ck_assert_ptr_nonnull(strstr(cause, strerror(EBADF)));
	pcb_inputs_fini(&in);
	free(cause);
}
END_TEST

START_TEST(test_collect_missing_dir)
{
	struct pcb_options opt;
	struct pcb_inputs in = { 0 };
	char *cause = NULL;

	/* A path that is not there is a file to py_compile (it fails then);
	 * a trailing slash does not make it a directory. */
	ck_assert_int_eq(collect(&opt, &in, &cause, "gone/", "gone/x.py"), 0);
	expect_list(&in.paths, LIST("gone/", "gone/x.py"));
	ck_assert_uint_eq(in.notes.len, 0);
	pcb_inputs_fini(&in);
	ck_assert_ptr_null(cause);
}
END_TEST

START_TEST(test_compileall_options)
{
	struct pcb_options opt;
	char *cause = NULL;

	/* Every option of compileall's, in its spellings ("-r 2" as one
	 * argument is " 2" to getopt, which int() takes). */
	ck_assert_int_eq(parse(&opt, &cause, "--compileall", "-qq", "-l",
			     "-r 2", "-f", "-b", "-e", "lim", "-i", "lst", "-j",
			     "3", "-o 2", "-o", "1", "--hardlink-dupes", "-d",
			     "dd", "-x", "z", "--invalidation-mode",
			     "unchecked-hash", "d"),
	    PCB_CLI_RUN);
	ck_assert_ptr_null(cause);
	ck_assert_int_eq(opt.dialect, PCB_DIALECT_COMPILEALL);
	ck_assert_int_eq(opt.quiet, 2);
	ck_assert_int_eq(opt.maxlevels, 2); /* -r wins over -l */
	ck_assert_int_eq(opt.fresh, PCB_FRESH_NONE);
	ck_assert_int_eq(opt.legacy, 1);
	ck_assert_str_eq(opt.limit_sl_dest, "lim");
	ck_assert_str_eq(opt.flist, "lst");
	ck_assert_uint_eq(opt.jobs, 3);
	ck_assert_uint_eq(opt.nlevels, 2);
	ck_assert_int_eq(opt.levels[0], 1);
	ck_assert_int_eq(opt.levels[1], 2);
	ck_assert_int_eq(opt.hardlink_dupes, 1);
	ck_assert_str_eq(opt.ddir, "dd");
	ck_assert_ptr_nonnull(opt.exclude);
	ck_assert_int_eq(opt.mode, PCB_MODE_UNCHECKED_HASH);
	ck_assert_uint_eq(opt.ninputs, 1);
	pcb_cli_fini(&opt);

	/* The defaults: its own up-to-date check, every level deep, no
	 * progress line beside its Listing lines; -l alone; -e "" is none. */
	ck_assert_int_eq(parse(&opt, &cause, "--compileall", "-e", "", "-i", "",
			     "d"),
	    PCB_CLI_RUN);
	ck_assert_ptr_null(opt.flist);
	ck_assert_int_eq(opt.fresh, PCB_FRESH_COMPILEALL);
	ck_assert_int_eq(opt.maxlevels, 1000);
	ck_assert_int_eq(opt.quiet, 0);
	ck_assert_int_eq(opt.progress, PCB_PROGRESS_NEVER);
	ck_assert_ptr_null(opt.limit_sl_dest);
	ck_assert_int_eq(opt.legacy, 0);
	ck_assert_int_eq(parse(&opt, &cause, "--compileall", "-l", "d"),
	    PCB_CLI_RUN);
	ck_assert_int_eq(opt.maxlevels, 0);

	/* No FILE|DIR: compile_path(), which ignores -r, -o, -d, -x, -e. */
	ck_assert_int_eq(parse(&opt, &cause, "--compileall", "-r", "5", "-o",
			     "2", "-d", "x", "-x", "y", "-e", "z", "-q"),
	    PCB_CLI_RUN);
	ck_assert_uint_eq(opt.ninputs, 0);
	ck_assert_int_eq(opt.maxlevels, 0);
	ck_assert_uint_eq(opt.nlevels, 1);
	ck_assert_int_eq(opt.levels[0], -1);
	ck_assert_ptr_null(opt.ddir);
	ck_assert_ptr_null(opt.exclude);
	ck_assert_ptr_null(opt.limit_sl_dest);
	ck_assert_int_eq(opt.quiet, 1);
	ck_assert_ptr_null(cause);
	/* ... after compileall's main() has checked them. */
	ck_assert_int_eq(parse(&opt, &cause, "--compileall",
			     "--hardlink-dupes"),
	    PCB_CLI_USAGE_ERROR);
	ck_assert_int_eq(parse(&opt, &cause, "--compileall", "-d", "x", "-s",
			     "y"),
	    PCB_CLI_USAGE_ERROR);
	ck_assert_int_eq(parse(&opt, &cause, "--compileall", "-x", "("),
	    PCB_CLI_USAGE_ERROR);
	free(cause);
}
END_TEST

START_TEST(test_compileall_refused)
{
	struct pcb_options opt;
	char *cause = NULL;

	/* The own dialect's letters are not compileall's; --compileall
	 * counts only first. */
	ck_assert_int_eq(parse(&opt, &cause, "--compileall", "-u", "d"),
	    PCB_CLI_USAGE_ERROR);
	ck_assert_str_eq(cause, "unknown option '-u'");
	ck_assert_int_eq(parse(&opt, &cause, "--compileall", "-v", "d"),
	    PCB_CLI_USAGE_ERROR);
	ck_assert_int_eq(parse(&opt, &cause, "d", "--compileall"),
	    PCB_CLI_USAGE_ERROR);
	ck_assert_int_eq(parse(&opt, &cause, "--compileall", "-r", "x", "d"),
	    PCB_CLI_USAGE_ERROR);
	ck_assert_str_eq(cause, "invalid recursion level 'x' (a whole number)");
	ck_assert_int_eq(parse(&opt, &cause, "--compileall", "-o", "1",
			     "--hardlink-dupes", "d"),
	    PCB_CLI_USAGE_ERROR);
	ck_assert_int_eq(parse(&opt, &cause, "--compileall", "-h"),
	    PCB_CLI_HELP);
	ck_assert_int_eq(parse(&opt, &cause, "--compileall", "--version"),
	    PCB_CLI_VERSION);
	free(cause);
}
END_TEST

START_TEST(test_collect_compileall)
{
	struct pcb_options opt;
	struct pcb_inputs in = { 0 };
	char *cause = NULL;

	/* A regular file is compiled if it is named *.py; anything else is
	 * walked ("Can't list" if it is no directory), and each directory
	 * listed is a note before the files found in it. */
	ck_assert_int_eq(collect(&opt, &in, &cause, "--compileall", "-r", "1",
			     "a.py", "d/notes.txt", "d", "gone"),
	    0);
	expect_list(&in.paths,
	    LIST("a.py", "d/.hidden/h.py", "d/A.py", "d/b.py", "d/sub/c.py"));
	expect_list(&in.notes,
	    LIST("Listing 'd'...", "Listing 'd/.hidden'...",
		"Listing 'd/sub'...", "Listing 'gone'...",
		"Can't list 'gone'"));
	ck_assert_uint_eq(in.note_at[0], 1);
	ck_assert_uint_eq(in.note_at[1], 1);
	ck_assert_uint_eq(in.note_at[2], 4);
	ck_assert_uint_eq(in.note_at[3], 5);
	ck_assert_uint_eq(in.note_at[4], 5);
	pcb_inputs_fini(&in);
	pcb_cli_fini(&opt);

	/* -q drops the Listing notes, -qq every note. */
	ck_assert_int_eq(collect(&opt, &in, &cause, "--compileall", "-q", "d",
			     "gone"),
	    0);
	expect_list(&in.notes, LIST("Can't list 'gone'"));
	pcb_inputs_fini(&in);
	ck_assert_int_eq(collect(&opt, &in, &cause, "--compileall", "-qq", "d",
			     "gone"),
	    0);
	ck_assert_uint_eq(in.notes.len, 0);
	pcb_inputs_fini(&in);
	ck_assert_ptr_null(cause);
}
END_TEST

START_TEST(test_collect_compileall_list)
{
	struct pcb_options opt;
	struct pcb_inputs in = { 0 };
	char *cause = NULL;
	FILE *f = fopen("lst", "w");

	/* -i: each line stripped, taken after the arguments, as a FILE or
	 * a DIR; an empty line is a directory that cannot be listed. */
	ck_assert_ptr_nonnull(f);
	fputs("  d/sub \r\n\nb.py", f);
	fclose(f);
	ck_assert_int_eq(collect(&opt, &in, &cause, "--compileall", "-q", "-i",
			     "lst", "a.py"),
	    0);
	expect_list(&in.paths, LIST("a.py", "d/sub/c.py", "b.py"));
	expect_list(&in.notes, LIST("Can't list ''"));
	pcb_inputs_fini(&in);
	ck_assert_ptr_null(cause);

	/* A list that cannot be read: compileall's words, nothing taken. */
	ck_assert_int_eq(collect(&opt, &in, &cause, "--compileall", "-i",
			     "nolist", "a.py"),
	    -ENOENT);
	ck_assert_str_eq(cause, "Error reading file list nolist");
	ck_assert_uint_eq(in.paths.len, 0);
	pcb_inputs_fini(&in);
	free(cause);
}
END_TEST

START_TEST(test_collect_compileall_limit)
{
	struct pcb_options opt;
	struct pcb_inputs in = { 0 };
	char *cause = NULL;

	/* -e d: a symlink to a file below d is kept, one elsewhere (or
	 * dangling) dropped; a file that is no symlink is always kept. */
	ck_assert_int_eq(symlink("d/b.py", "in.py"), 0);
	ck_assert_int_eq(symlink("a.py", "out.py"), 0);
	ck_assert_int_eq(symlink("nowhere.py", "dangling.py"), 0);
	ck_assert_int_eq(collect(&opt, &in, &cause, "--compileall", "-e", "d",
			     "in.py", "out.py", "dangling.py", "b.py"),
	    0);
	expect_list(&in.paths, LIST("in.py", "b.py"));
	pcb_inputs_fini(&in);
	pcb_cli_fini(&opt);
	ck_assert_ptr_null(cause);
}
END_TEST

Suite *
cli_suite(void)
{
	Suite *s = suite_create("cli");
	TCase *core = tcase_create("Core");
	TCase *limits = tcase_create("Limits");

	tcase_add_checked_fixture(core, make_tree, remove_tree);
	tcase_add_test(core, test_defaults);
	tcase_add_test(core, test_source_date_epoch);
	tcase_add_test(core, test_flags);
	tcase_add_test(core, test_values);
	tcase_add_test(core, test_levels);
	tcase_add_test(core, test_exclude);
	tcase_add_test(core, test_environment);
	tcase_add_test(core, test_actions);
	tcase_add_test(core, test_pythons);
	tcase_add_test(core, test_deb_range);
	tcase_add_test(core, test_py3compile_options);
	tcase_add_test(core, test_collect_files);
	tcase_add_test(core, test_collect_dir);
	tcase_add_test(core, test_collect_exclude);
	tcase_add_test(core, test_collect_dfiles);
	tcase_add_test(core, test_collect_stdin);
	suite_add_tcase(s, core);

	tcase_add_checked_fixture(limits, make_tree, remove_tree);
	tcase_add_test(limits, test_bad_values);
	tcase_add_test(limits, test_bad_environment);
	tcase_add_test(limits, test_parse_again);
	tcase_add_test(limits, test_collect_stdin_nul);
	tcase_add_test(limits, test_collect_stdin_unreadable);
	tcase_add_test(limits, test_collect_missing_dir);
	tcase_add_test(core, test_compileall_options);
	tcase_add_test(core, test_compileall_refused);
	tcase_add_test(core, test_collect_compileall);
	tcase_add_test(core, test_collect_compileall_list);
	tcase_add_test(core, test_collect_compileall_limit);
	suite_add_tcase(s, limits);
	return s;
}
