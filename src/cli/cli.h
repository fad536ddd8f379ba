/*
 * cli.h: the command line (SPEC 2).  Main thread, before anything starts.
 */
#ifndef PCB_CLI_H
#define PCB_CLI_H

#include "cli/list.h"
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

/* What the arguments expand to; every list is owned. */
struct pcb_inputs {
	struct pcb_list paths;    /* sources to compile, in input order */
	struct pcb_list dfiles;   /* per path: the name given to compile() */
	struct pcb_list excluded; /* paths -x matched */
	struct pcb_list notes;    /* warnings for the user, one line each */
};

/*
 * Expands the inputs: a FILE is taken as it is, a DIR is walked (walk.c),
 * "-" reads the list of files from standard input; -x drops paths, -d/-s/-p
 * give each its stored name (dfile.c).  Returns 0 or a negative errno with
 * *cause.
 */
int pcb_cli_collect(const struct pcb_options *opt, struct pcb_inputs *in,
    char **cause);

/* Frees what parse and collect allocated. */
void pcb_cli_fini(struct pcb_options *opt, struct pcb_inputs *in);

#endif
