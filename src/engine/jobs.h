/*
 * jobs.h: the engine.  Turns a list of source paths into .pyc files and
 * hands each outcome, in input order, to the caller's sink.
 */
#ifndef PCB_JOBS_H
#define PCB_JOBS_H

#include <stddef.h>

#include "pcb.h"

/*
 * Where the engine sends what it has to say, on the main thread: each job
 * in input order, done (job) or never started (not_run); python_started
 * once Python has started; warning, a line of text the user should see
 * (the cache could not store entries).  The engine prints nothing itself.
 */
struct pcb_jobs_sink {
	void *data;
	void (*job)(void *data, const struct pcb_job *job);
	void (*not_run)(void *data, size_t index, const char *path);
	void (*python_started)(void *data);
	void (*warning)(void *data, const char *text);
};

/*
 * Compiles every path with the given options, giving compile() dfiles[i]
 * (or the path, when dfiles is NULL) as the file name, and feeding sink in
 * input order.  python is the interpreter to compile for (--python, in its
 * worker processes), or NULL for the linked Python.  Main thread; starts and stops the backend.  Returns 0 when
 * the run happened (*signo is the stop signal that ended it early, or 0),
 * or a negative errno with *cause (owned by the caller) when nothing could
 * compile.
 *
 * A stop signal while reads block (a FIFO, a hung file system) abandons
 * them: the run ends without them, and *abandoned says so.  Their threads
 * still hold the engine, so the caller must then end the process with
 * _exit(), not exit(): libuv's exit handler would wait for those threads.
 */
int pcb_jobs_run(const struct pcb_options *opt, const char *python,
    const char *argv0, char **paths, char **dfiles, size_t npaths,
    const struct pcb_jobs_sink *sink, int *signo, int *abandoned, char **cause);

#endif
