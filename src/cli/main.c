/*
 * main.c: arguments -> file list -> engine -> exit status.  Everything else
 * lives in the modules; only this file and report.c print.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend/backend.h"
#include "backend/child.h"
#include "cli/cli.h"
#include "cli/debpython.h"
#include "cli/inputs.h"
#include "cli/list.h"
#include "cli/pythons.h"
#include "cli/report.h"
#include "engine/jobs.h"
#include "os/error.h"

/*
 * A standard stream the program was started without (2>&-, >&-) would give
 * its descriptor to the first file opened, the report or a source, and
 * messages would land there.  Each is held on /dev/null instead: what it
 * would have shown is lost, as Python loses it (its sys.stderr is None).
 */
static void
hold_std_fds(void)
{
	for (int fd = 0; fd <= 2; fd++) {
		int n;

		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		/* The lowest free descriptor: fd itself. */
		n = open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);
		if (n >= 0 && n != fd) {
			dup2(n, fd);
			close(n);
		}
	}
}

static int
print_version(const char *argv0)
{
	struct pcb_runtime rt;
	char *cause = NULL;

	printf("%s %s\n", PACKAGE_NAME, PACKAGE_VERSION);
	if (pcb_backend_probe(argv0, &rt, &cause) < 0) {
		fprintf(stderr, "%s: %s\n", PACKAGE_NAME, cause ? cause : "?");
		free(cause);
		return 2;
	}
	printf("Python %s, magic number %02x%02x%02x%02x, cache tag %s, %s\n",
	    rt.version, rt.magic & 0xff, (rt.magic >> 8) & 0xff,
	    (rt.magic >> 16) & 0xff, rt.magic >> 24, rt.cache_tag,
	    rt.own_gil ? "own-GIL subinterpreters" : "one shared GIL");
	printf("backend: auto uses %s",
	    pcb_backend_name(pcb_backend_resolve(PCB_BACKEND_AUTO, 2, 0)));
	if (pcb_backend_resolve(PCB_BACKEND_AUTO, 2, 0) !=
	    pcb_backend_resolve(PCB_BACKEND_AUTO, 1, 0))
		printf(" (%s with -j1)",
		    pcb_backend_name(
			pcb_backend_resolve(PCB_BACKEND_AUTO, 1, 0)));
	printf(", processes with --timeout\n");
	pcb_runtime_fini(&rt);
	return 0;
}

/* Child mode: started by the processes backend, never by a user. */
static int
child_mode(const char *argv0)
{
	char *cause = NULL;
	int ret = pcb_child_main(argv0, &cause);

	if (cause != NULL)
		fprintf(stderr, "%s: %s\n", PACKAGE_NAME, cause);
	free(cause);
	return ret == -ENOTSOCK ? 2 : 1;
}

/* Prints sys.path for pcb_backend_sys_path, never for a user. */
static int
sys_path_mode(const char *argv0)
{
	char *cause = NULL;

	if (pcb_child_sys_path(argv0, &cause) == 0)
		return 0;
	fprintf(stderr, "%s: %s\n", PACKAGE_NAME, cause ? cause : "?");
	free(cause);
	return 1;
}

/*
 * Closes the report and checks standard output: -v lines that could not
 * be written (a full device) fail the run.  Returns the exit status.
 */
static int
finish_output(struct pcb_report *rep, const struct pcb_options *opt, int status)
{
	int ret;

	if ((ret = pcb_report_close(rep)) < 0) {
		fprintf(stderr, "%s: cannot write the report %s: %s\n",
		    PACKAGE_NAME, opt->report_path, strerror(-ret));
		if (status == 0)
			status = 1;
	}
	if (fflush(stdout) != 0 && rep->out_errno == 0)
		rep->out_errno = errno;
	if (rep->out_errno != 0 || ferror(stdout)) {
		fprintf(stderr, "%s: cannot write to standard output: %s\n",
		    PACKAGE_NAME,
		    strerror(rep->out_errno ? rep->out_errno : EIO));
		if (status == 0)
			status = 1;
	}
	return status;
}

/*
 * The arguments could not be collected.  compileall prints "Error reading
 * file list FILE" on stdout (not with -qq) and exits 1 without compiling
 * anything; any other failure is exit status 2, said by the caller.
 */
static int
list_error(const struct pcb_options *opt, int ret, char **cause)
{
	if (opt->dialect != PCB_DIALECT_COMPILEALL || opt->flist == NULL ||
	    ret == -ENOMEM)
		return 2;
	if (opt->quiet < 2)
		printf("%s\n", *cause);
	free(*cause);
	*cause = NULL;
	return 1;
}

/*
 * The Python minor version whose -s rule the stored names follow
 * (gh-105931 changed it in 3.13): the linked Python's, or that of every
 * --python interpreter, which must agree where compileall's -s is given.
 * Returns 0, or -EDOM with *cause.
 */
static int
strip_minor(const struct pcb_options *opt, const struct pcb_pythons *pys,
    unsigned *minor, char **cause)
{
	*minor = (unsigned)(pcb_backend_python_version() >> 16 & 0xff);
	if (pys->n == 0)
		return 0;
	*minor = pys->items[0].rt.py_minor;
	for (size_t i = 1; i < pys->n; i++)
		if (opt->dialect == PCB_DIALECT_COMPILEALL &&
		    opt->stripdir != NULL &&
		    (pys->items[i].rt.py_minor < 13) != (*minor < 13))
			return pcb_error_set(cause, -EDOM,
			    "-s strips differently before Python 3.13 "
			    "(gh-105931): give --python interpreters of one "
			    "side of 3.13 at a time");
	return 0;
}

/* One pass: an interpreter (NULL: the linked Python) and its paths. */
struct pass {
	const struct pcb_python *py;
	char **paths, **dfiles; /* borrowed from the plan */
	size_t n;
};

/* What a run compiles: its passes, and the lists they borrow. */
struct plan {
	struct pcb_pythons pys;
	struct pcb_inputs in;    /* the own and compileall's dialects */
	struct pcb_deb_plan deb; /* py3compile's */
	struct pass passes[PCB_MAX_PYTHONS];
	size_t npasses;
};

static void
plan_fini(struct plan *pl)
{
	pcb_pythons_fini(&pl->pys);
	pcb_inputs_fini(&pl->in);
	pcb_debpython_fini(&pl->deb);
}

/*
 * The own and compileall's plan: the --python interpreters (or the linked
 * Python), each over every path collected.  Returns 0 or the exit status
 * for a run that cannot happen, with *cause.
 */
static int
plan_own(const struct pcb_options *opt, struct plan *pl, char **cause)
{
	unsigned py_minor;
	int ret;

	if (pcb_pythons_find(opt, opt->pythons, opt->npythons, 1, &pl->pys,
		cause) < 0)
		return 2;
	if ((ret = strip_minor(opt, &pl->pys, &py_minor, cause)) < 0 ||
	    (ret = pcb_inputs_collect(opt, py_minor, &pl->in, cause)) < 0)
		return ret == -EDOM ? 2 : list_error(opt, ret, cause);
	pl->npasses = pl->pys.n ? pl->pys.n : 1;
	for (size_t i = 0; i < pl->npasses; i++)
		pl->passes[i] = (struct pass){
			.py = pl->pys.n ? &pl->pys.items[i] : NULL,
			.paths = pl->in.paths.items,
			.dfiles = pl->in.dfiles.items,
			.n = pl->in.paths.len,
		};
	return 0;
}

/*
 * py3compile's plan: each Python of the range over its own files
 * (debpython.c).  Returns 0 or the exit status, with *cause: 3 where no
 * Python of the range is installed, as py3compile exits.
 */
static int
plan_py3compile(const struct pcb_options *opt, struct plan *pl, char **cause)
{
	int ret;

	if ((ret = pcb_debpython_plan(opt, &pl->deb, cause)) < 0)
		return ret == -ENOENT ? 3 : 2;
	if (pcb_pythons_find(opt, pl->deb.pythons, pl->deb.n, 0, &pl->pys,
		cause) < 0)
		return 2;
	pl->npasses = pl->pys.n;
	for (size_t i = 0; i < pl->npasses; i++)
		pl->passes[i] = (struct pass){
			.py = &pl->pys.items[i],
			.paths = pl->deb.files[i].items,
			.n = pl->deb.files[i].len,
		};
	return 0;
}

/*
 * Runs the passes in order.  A stop signal, or a failure under
 * --fail-fast, leaves the later passes not run.  Returns 0 (*signo set if
 * a signal stopped it) or -errno with *cause.
 */
static int
run_passes(const struct pcb_options *opt, const char *argv0,
    const struct plan *pl, struct pcb_report *rep, int *signo, int *abandoned,
    char **cause)
{
	struct pcb_jobs_sink sink;
	int stopped = 0;

	pcb_report_sink(rep, &sink);
	for (size_t i = 0; i < pl->npasses; i++) {
		const struct pass *ps = &pl->passes[i];
		const struct pcb_python *py = ps->py;
		size_t failed;

		pcb_report_pass(rep, py ? py->path : NULL, ps->paths, ps->n);
		if (!stopped &&
		    pcb_jobs_run(opt, py && !py->linked ? py->path : NULL,
			argv0, ps->paths, ps->dfiles, ps->n, &sink, signo,
			abandoned, cause) < 0)
			return -EIO;
		failed = pcb_report_pass_end(rep);
		stopped |=
		    *signo != 0 || *abandoned || (opt->fail_fast && failed > 0);
		/*
		 * Which interpreter failed, where several compile; not in
		 * py3compile's output, which says nothing of the kind.
		 */
		if (failed > 0 && pl->npasses > 1 && !opt->quiet &&
		    opt->dialect != PCB_DIALECT_PY3COMPILE)
			fprintf(stderr,
			    "%s: %zu file%s failed with %s (Python %s)\n",
			    PACKAGE_NAME, failed, failed == 1 ? "" : "s",
			    py->path, py->rt.version);
	}
	return 0;
}

/*
 * The data path: interpreters, inputs -> jobs (the engine) -> report.
 * Returns the exit status; *cause says why the run could not happen.
 */
static int
compile_all(const struct pcb_options *opt, const char *argv0, struct plan *pl,
    int *abandoned, char **cause)
{
	struct pcb_report rep = { 0 };
	struct pcb_inputs *in = &pl->in;
	int ret, signo = 0, status;

	if ((status = opt->dialect == PCB_DIALECT_PY3COMPILE ?
		    plan_py3compile(opt, pl, cause) :
		    plan_own(opt, pl, cause)) != 0)
		return status;
	if ((ret = pcb_report_open(&rep, opt, pl->passes[0].paths,
		 pl->passes[0].n)) < 0) {
		fprintf(stderr, "%s: cannot write the report %s: %s\n",
		    PACKAGE_NAME, opt->report_path, strerror(-ret));
		return 2;
	}
	/* compileall's own warnings ("Can't list", stripdir), as it words them. */
	if (opt->dialect == PCB_DIALECT_PY3COMPILE)
		pcb_report_notes(&rep, pl->deb.notes.items, NULL,
		    pl->deb.notes.len);
	else
		pcb_report_notes(&rep, in->notes.items, in->note_at,
		    in->notes.len);
	for (size_t i = 0; i < in->excluded.len; i++)
		pcb_report_excluded(&rep, in->excluded.items[i]);
	/*
	 * As Python does: a file over RLIMIT_FSIZE is an EFBIG error for that
	 * file, and a closed stderr an EPIPE, not a silent death.
	 */
	signal(SIGXFSZ, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	if (run_passes(opt, argv0, pl, &rep, &signo, abandoned, cause) < 0)
		status = 2;
	else
		status = signo ? 128 + signo : rep.failed > 0 ? 1 : 0;
	status = finish_output(&rep, opt, status);
	/* compileall's KeyboardInterrupt: its words, and exit status 1. */
	if (opt->dialect == PCB_DIALECT_COMPILEALL && signo == SIGINT) {
		if (opt->quiet < 2)
			printf("\n[interrupted]\n");
		status = 1;
	}
	return status;
}

int
main(int argc, char **argv)
{
	struct pcb_options opt;
	static struct plan plan; /* zeroed; abandoned reads may hold it */
	char *cause = NULL;
	int status, abandoned = 0;

	hold_std_fds();
	if (argc == 2 && strcmp(argv[1], PCB_CHILD_ARG) == 0)
		return child_mode(argv[0]);
	if (argc == 2 && strcmp(argv[1], PCB_SYS_PATH_ARG) == 0)
		return sys_path_mode(argv[0]);
	switch (pcb_cli_parse(argc, argv, &opt, &cause)) {
	case PCB_CLI_HELP:
		if (opt.dialect == PCB_DIALECT_COMPILEALL)
			pcb_cli_usage_compileall(stdout);
		else if (opt.dialect == PCB_DIALECT_PY3COMPILE)
			pcb_cli_usage_py3compile(stdout);
		else
			pcb_cli_usage(stdout);
		return 0;
	case PCB_CLI_VERSION:
		return print_version(argv[0]);
	case PCB_CLI_USAGE_ERROR:
		fprintf(stderr, "%s: %s\n", PACKAGE_NAME, cause);
		free(cause);
		pcb_cli_fini(&opt);
		return 2;
	case PCB_CLI_RUN:
		break;
	}
	status = compile_all(&opt, argv[0], &plan, &abandoned, &cause);
	if (cause != NULL)
		fprintf(stderr, "%s: %s\n", PACKAGE_NAME, cause);
	free(cause);
	if (abandoned) {
		/*
		 * Threads still blocked in read() hold the paths: exit() would
		 * wait for them in libuv's exit handler.
		 */
		fflush(stdout);
		fflush(stderr);
		_exit(status);
	}
	pcb_cli_fini(&opt);
	plan_fini(&plan);
	return status;
}
