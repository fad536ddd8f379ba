/*
 * jobs.c: a run, start to end (jobs.h).  Makes a job per path, starts the
 * backend (startup.c), sizes the threadpool (threads.c) and runs the loop
 * (loop.c) for one pass, or two: with --cache a run may start without
 * Python, and a second pass starts it for the files the cache did not hold
 * (startup.c says how).  Jobs reach the sink in input order throughout.
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <uv.h>

#include "engine/engine.h"
#include "os/error.h"
#include "os/fds.h"

/* The jobs, the loop and its handles.  Returns 0 or -errno with *cause. */
static int
engine_init(struct engine *eng, const struct pcb_options *opt, char **paths,
    char **dfiles, size_t npaths, char **cause)
{
	eng->opt = opt;
	eng->njobs = npaths;
	eng->jobs = calloc(npaths, sizeof *eng->jobs);
	eng->reqs = calloc(npaths, sizeof *eng->reqs);
	if (!eng->jobs || !eng->reqs)
		return pcb_error_set(cause, -ENOMEM, "out of memory");
	for (size_t i = 0; i < npaths; i++) {
		eng->jobs[i].index = i;
		eng->jobs[i].path = paths[i]; /* borrowed from the caller */
		eng->jobs[i].dfile = dfiles ? dfiles[i] : NULL;
		eng->reqs[i].job = &eng->jobs[i];
	}
	/* As Python's os.getcwd(): any length (glibc walks up past PATH_MAX). */
	if ((eng->cwd = getcwd(NULL, 0)) == NULL)
		eng->tags.cwd_errnum = -errno;
	return pcb_loop_init(eng, cause);
}

/* Undoes engine_init, whatever part of it ran. */
static void
engine_fini(struct engine *eng)
{
	pcb_loop_fini(eng);
	for (size_t i = 0; i < eng->njobs && eng->jobs; i++)
		pcb_loop_free_job(&eng->jobs[i]);
	free(eng->jobs);
	free(eng->reqs);
	free(eng->workers);
	free(eng->cwd);
	free(eng->identity);
}

/*
 * Main thread: starts the workers and runs the loop until the run (or a
 * pass without Python) is over.  Returns 0, or -errno with *cause when no
 * worker could start.
 */
static int
run_pass(struct engine *eng, char **cause)
{
	int few_fds, nstarted;

	/*
	 * Reading starts first, so that it overlaps the compilers' start;
	 * short of file descriptors, after it, one file per worker at a time:
	 * a starting interpreter opens files too.
	 */
	few_fds = pcb_fds_room() < PCB_FDS_PLENTY;
	if (few_fds) {
		eng->window = eng->nworkers;
		pcb_fds_take_turns();
	} else
		pcb_loop_feed(eng);
	nstarted = pcb_startup_workers(eng, cause);
	if (few_fds)
		pcb_loop_feed(eng);
	if (nstarted < 0) {
		/* Nothing can compile: let the queued reads drain, then stop. */
		pcb_order_close(&eng->order);
		pcb_loop_close(eng);
		uv_run(&eng->loop, UV_RUN_DEFAULT);
		return nstarted;
	}
	/* Some workers run: a later one that would not start is no error. */
	free(*cause);
	*cause = NULL;
	uv_run(&eng->loop, UV_RUN_DEFAULT);
	return 0;
}

/*
 * Main thread, after a pass without Python, its workers joined: whether a
 * job was put back, for a second pass.  Those jobs are read, and reads
 * under way go on: nothing is read again.  After a stop (a signal,
 * --fail-fast) the second pass finishes the jobs put back, which had
 * started, and skips the rest.
 */
static int
prepare_second_pass(struct engine *eng)
{
	if (eng->abandoned || !pcb_order_reopen(&eng->order))
		return 0;
	eng->without_python = 0;
	return 1;
}

/*
 * Main thread: one pass, or a pass without Python and then one with it.
 * Returns 0 (*signo: the stop signal, or 0), or -errno with *cause.
 */
static int
run_passes(struct engine *eng, const char *argv0, int *signo, char **cause)
{
	int ret;

	for (;;) {
		/* Python keeps files of its own: a write needs two more. */
		if (eng->python_started && pcb_fds_room() < PCB_FDS_WRITE)
			return pcb_error_set(cause, -EMFILE,
			    "too few file descriptors (ulimit -n): Python "
			    "started, and %d free are needed to write",
			    PCB_FDS_WRITE);
		if ((ret = run_pass(eng, cause)) < 0)
			return ret;
		if (!eng->without_python)
			break;
		/* A file needs a compile: Python starts for a second pass. */
		pcb_startup_stop_workers(eng);
		if (!prepare_second_pass(eng))
			break;
		if ((ret = pcb_startup_python(eng, argv0, cause)) < 0) {
			/* The jobs left are not run; the run says why. */
			pcb_order_close(&eng->order);
			pcb_loop_close(eng);
			return ret;
		}
	}
	*signo = pcb_order_signal(&eng->order, 0);
	return 0;
}

/*
 * Main thread, however the passes ended: joins the workers, takes in the
 * reads that finished, and hands every job not yet handed to the sink.
 * Reads a pass without Python left under way may never return: the run
 * is then abandoned.
 */
static void
end_passes(struct engine *eng)
{
	pcb_startup_stop_workers(eng);
	if (eng->nread < eng->submitted && eng->loop_ready)
		uv_run(&eng->loop, UV_RUN_NOWAIT);
	if (eng->nread < eng->submitted)
		eng->abandoned = 1;
	pcb_loop_report_rest(eng);
}

int
pcb_jobs_run(const struct pcb_options *opt, const char *python,
    const char *argv0, char **paths, char **dfiles, size_t npaths,
    const struct pcb_jobs_sink *sink, int *signo, int *abandoned, char **cause)
{
	/* On the heap: abandoned reads keep using it after we return. */
	struct engine *eng;
	int ret;

	*signo = 0;
	*abandoned = 0;
	if (npaths == 0)
		return 0;
	/* libuv aborts when it cannot make its pipes. */
	if (pcb_fds_room() < PCB_FDS_LEAST)
		return pcb_error_set(cause, -EMFILE,
		    "too few file descriptors (ulimit -n): %d free are needed",
		    PCB_FDS_LEAST);
	if ((eng = calloc(1, sizeof *eng)) == NULL)
		return pcb_error_set(cause, -ENOMEM, "out of memory");
	eng->sink = sink;
	eng->python = python;
	if ((ret = engine_init(eng, opt, paths, dfiles, npaths, cause)) < 0)
		goto out;
	if ((ret = pcb_startup_backend(eng, argv0, cause)) < 0)
		goto out_backend;
	if ((ret = pcb_threads_size_pool(eng->nworkers, cause)) == 0)
		ret = run_passes(eng, argv0, signo, cause);
	end_passes(eng);
out_backend:
	pcb_startup_close_cache(eng);
	pcb_backend_close(eng->backend);
	if (eng->abandoned) {
		/*
		 * The blocked reads, and queued ones a free thread may still
		 * start, use the jobs, the order, the loop and the runtime.
		 */
		*abandoned = 1;
		return ret;
	}
	pcb_runtime_fini(&eng->rt);
	pcb_order_fini(&eng->order);
out:
	engine_fini(eng);
	free(eng);
	return ret;
}
