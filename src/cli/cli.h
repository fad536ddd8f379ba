/*
 * cli.h: the command line (SPEC 2).  Main thread, before anything starts.
 */
#ifndef PCB_CLI_H
#define PCB_CLI_H

#include <stdio.h>

#include "pcb.h"

enum pcb_cli_action {
	PCB_CLI_RUN,
	PCB_CLI_HELP,
	PCB_CLI_VERSION,
	PCB_CLI_USAGE_ERROR,
};

/* The most workers -j 0 (online CPUs) asks for. */
#define PCB_MAX_AUTO_JOBS 64

/*
 * Parses argv into opt, resolving defaults; a first argument --compileall
 * makes the rest compileall's command line (opt->dialect), which may name
 * no FILE.  Resolves defaults (-j 0 to the online CPUs, the
 * invalidation mode from SOURCE_DATE_EPOCH).  opt->inputs borrows argv.  On a
 * usage error *cause holds a one-line reason (owned by the caller); opt is
 * then still safe to give to pcb_cli_fini.  Resets getopt's state, so that
 * it may be called more than once.
 */
enum pcb_cli_action pcb_cli_parse(int argc, char **argv,
    struct pcb_options *opt, char **cause);

/* Prints --help to out. */
void pcb_cli_usage(FILE *out);

/* Prints --compileall --help to out. */
void pcb_cli_usage_compileall(FILE *out);

/* py3compile's usage (after --py3compile), on out. */
void pcb_cli_usage_py3compile(FILE *out);

/* Frees what parse allocated (the -x pattern); accepts a failed parse's. */
void pcb_cli_fini(struct pcb_options *opt);

#endif
