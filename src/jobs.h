/*
 * jobs.h: the engine.  Turns a list of source paths into .pyc files and
 * reports each in input order.
 */
#ifndef PCB_JOBS_H
#define PCB_JOBS_H

#include <stddef.h>

#include "pcb.h"
#include "report.h"

/*
 * Compiles every path with the given options, giving compile() dfiles[i]
 * (or the path, when dfiles is NULL) as the file name, and feeding rep (opened
 * and closed by the caller) in input order.  Main thread; starts and ends
 * the Python runtime.  Returns the exit status: 0 all compiled, 1 some file
 * failed, 2 the runtime could not start (with *cause, owned by the caller).
 */
int pcb_jobs_run(const struct pcb_options *opt, const char *argv0, char **paths,
    char **dfiles, size_t npaths, struct pcb_report *rep, char **cause);

#endif
