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
 * and closed by the caller) in input order.  Main thread; starts and stops
 * the backend.  Returns 0 when the run happened (rep counts the failures;
 * *signo is the stop signal that ended it early, or 0), or a negative errno
 * with *cause (owned by the caller) when nothing could compile.
 *
 * A stop signal while reads block (a FIFO, a hung file system) abandons
 * them: the run ends without them, and *abandoned says so.  Their threads
 * still hold the engine, so the caller must then end the process with
 * _exit(), not exit(): libuv's exit handler would wait for those threads.
 */
int pcb_jobs_run(const struct pcb_options *opt, const char *argv0, char **paths,
    char **dfiles, size_t npaths, struct pcb_report *rep, int *signo,
    int *abandoned, char **cause);

#endif
