/*
 * cli.h: the command line (SPEC 2).  Main thread, before anything starts.
 */
#ifndef PCB_CLI_H
#define PCB_CLI_H

#include "list.h"
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
 * Parses argv into opt, resolving defaults (-j 0 to the online CPUs, the
 * invalidation mode from SOURCE_DATE_EPOCH).  On a usage error *cause holds a
 * one-line reason (owned by the caller).
 */
enum pcb_cli_action pcb_cli_parse(int argc, char **argv,
    struct pcb_options *opt, char **cause);

/* Prints --help to out. */
void pcb_cli_usage(FILE *out);

/*
 * Expands the inputs into paths: a FILE is taken as it is, "-" reads the
 * list from standard input.  Returns 0 or -1 with *cause.
 */
int pcb_cli_collect(const struct pcb_options *opt, struct pcb_list *paths,
    char **cause);

#endif
