/*
 * main.c: arguments -> file list -> engine -> exit status.  Everything else
 * lives in the modules; only this file and report.c print.
 */
#include <config.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "interp.h"
#include "jobs.h"
#include "list.h"
#include "report.h"

static int
print_version(const char *argv0)
{
	struct pcb_runtime rt;
	char *cause = NULL;

	printf("%s %s\n", PACKAGE_NAME, PACKAGE_VERSION);
	if (pcb_interp_runtime_init(argv0, &rt, &cause) < 0) {
		fprintf(stderr, "%s: %s\n", PACKAGE_NAME, cause ? cause : "?");
		free(cause);
		return 2;
	}
	printf("Python %s, magic number %02x%02x%02x%02x, cache tag %s, %s\n",
	    rt.version, rt.magic & 0xff, (rt.magic >> 8) & 0xff,
	    (rt.magic >> 16) & 0xff, rt.magic >> 24, rt.cache_tag,
	    rt.own_gil ? "own-GIL subinterpreters" : "one shared GIL");
	pcb_interp_runtime_fini(&rt);
	return 0;
}

int
main(int argc, char **argv)
{
	struct pcb_options opt;
	struct pcb_inputs in = { 0 };
	struct pcb_report rep = { 0 };
	char *cause = NULL;
	int status, ret;

	switch (pcb_cli_parse(argc, argv, &opt, &cause)) {
	case PCB_CLI_HELP:
		pcb_cli_usage(stdout);
		return 0;
	case PCB_CLI_VERSION:
		return print_version(argv[0]);
	case PCB_CLI_USAGE_ERROR:
		fprintf(stderr, "%s: %s\n", PACKAGE_NAME, cause);
		free(cause);
		pcb_cli_fini(&opt, &in);
		return 2;
	case PCB_CLI_RUN:
		break;
	}
	if (pcb_cli_collect(&opt, &in, &cause) < 0) {
		status = 2;
		goto out;
	}
	/* compileall's own warnings ("Can't list", stripdir), as it words them. */
	for (size_t i = 0; !opt.quiet && i < in.notes.len; i++)
		fprintf(stderr, "%s\n", in.notes.items[i]);
	if ((ret = pcb_report_open(&rep, &opt, in.paths.items, in.paths.len)) <
	    0) {
		fprintf(stderr, "%s: cannot write the report %s: %s\n",
		    PACKAGE_NAME, opt.report_path, strerror(-ret));
		status = 2;
		goto out;
	}
	for (size_t i = 0; i < in.excluded.len; i++)
		pcb_report_excluded(&rep, in.excluded.items[i]);
	/*
	 * As Python does: a file over RLIMIT_FSIZE is an EFBIG error for that
	 * file, and a closed stderr an EPIPE, not a silent death.
	 */
	signal(SIGXFSZ, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	status = pcb_jobs_run(&opt, argv[0], in.paths.items, in.dfiles.items,
	    in.paths.len, &rep, &cause);
	if ((ret = pcb_report_close(&rep)) < 0) {
		fprintf(stderr, "%s: cannot write the report %s: %s\n",
		    PACKAGE_NAME, opt.report_path, strerror(-ret));
		if (status == 0)
			status = 1;
	}
out:
	if (cause != NULL)
		fprintf(stderr, "%s: %s\n", PACKAGE_NAME, cause);
	free(cause);
	pcb_cli_fini(&opt, &in);
	return status;
}
