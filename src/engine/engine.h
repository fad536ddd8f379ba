/*
 * engine.h: the engine's own state, shared by its files and by no one
 * else (jobs.h is the engine's face).
 *
 *  - jobs.c: pcb_jobs_run, the passes of a run, start to end.
 *  - startup.c: the runtime, the cache, the backend and the compilers.
 *  - loop.c: the libuv loop on the main thread, the reads on the libuv
 *    threadpool, the worker threads' loop, stop signals.
 *  - threads.c: thread stacks and the threadpool's size under rlimits.
 *
 * Threads and hand-offs:
 *  - The main thread runs a libuv loop.  It submits read jobs to the libuv
 *    threadpool, never more than a window ahead of the compilers, in files
 *    and in bytes, so that memory stays bounded, hands finished jobs to the
 *    sink in input order, and turns SIGINT, SIGTERM and SIGHUP into a stop.
 *  - A threadpool thread computes a job's targets, reads, stats and hashes
 *    its source and marks it read (order.c).
 *  - Each worker thread has a compiler of its own.  It claims jobs in input
 *    order (order.c), takes each through the pipeline, marks it done and
 *    wakes the loop with uv_async_send.
 * The engine makes no Python call: the backend does.
 */
#ifndef PCB_ENGINE_H
#define PCB_ENGINE_H

#include <signal.h>
#include <stddef.h>

#include <uv.h>

#include "backend/backend.h"
#include "engine/jobs.h"
#include "engine/order.h"
#include "engine/pipeline.h"
#include "pyc/pyc.h"
#include "pyc/source.h"

/* The signals that stop a run. */
#define PCB_ENGINE_NSTOP 3

struct engine;

struct read_req {
	uv_work_t req; /* req.data points back to the engine */
	struct pcb_job *job;
	size_t held; /* source bytes counted in engine.held, until released */
};

/* A worker thread and its compiler (NULL in a pass without Python). */
struct worker {
	struct engine *eng;
	size_t index;
	struct pcb_compiler *compiler;
	uv_thread_t thread;
	int started;
};

struct engine {
	const struct pcb_options *opt;
	const char *python; /* --python's interpreter, or NULL: the linked */
	struct pcb_runtime rt;
	struct pcb_backend *backend;
	struct pcb_pyc_tags tags;
	struct pcb_source_cfg src;
	struct pcb_pipeline pipe;
	struct pcb_order order;
	char *cwd; /* owned; NULL if getcwd failed */

	struct pcb_job *jobs;
	struct read_req *reqs;
	size_t njobs;

	struct worker *workers;
	size_t nworkers;

	struct pcb_cache *cache; /* --cache (also eng->pipe.cache), or NULL */
	char *identity;          /* the runtime's (backend.h), or NULL */
	int rt_recorded;         /* eng->rt came from the cache's record */
	int without_python;      /* this pass runs with no compiler */
	int python_started;

	uv_loop_t loop;
	uv_async_t wake;
	uv_signal_t sigs[PCB_ENGINE_NSTOP];
	size_t nsigs; /* initialised */
	int loop_ready, wake_ready;
	int abandoned; /* stopped with reads still blocked */
	int closed;    /* no more reads are submitted */

	/* Source bytes read and not yet compiled (atomic: every thread). */
	size_t held;

	/* The largest source read so far (atomic: every thread). */
	size_t largest;

	/* Main thread only. */
	size_t submitted, reported, window;
	size_t nread;                     /* reads finished (read_done) */
	const struct pcb_jobs_sink *sink; /* the caller's */
};

/* loop.c, main thread unless said. */

/* The loop, its wake-up and its stop signals.  0 or -errno with *cause. */
int pcb_loop_init(struct engine *eng, char **cause);

/* Closes the handles and the loop, whatever part of pcb_loop_init ran. */
void pcb_loop_fini(struct engine *eng);

/* Closes the loop's handles, so that uv_run returns: no more reads. */
void pcb_loop_close(struct engine *eng);

/* Submits the reads the window allows now. */
void pcb_loop_feed(struct engine *eng);

/* Hands every job not yet handed to the sink: done ones, or not run. */
void pcb_loop_report_rest(struct engine *eng);

/* Frees what a job owns (not its path or dfile, which are borrowed). */
void pcb_loop_free_job(struct pcb_job *job);

/* A worker thread's body (arg: its struct worker). */
void pcb_loop_worker(void *arg);

/* threads.c, main thread. */

/* libuv gives each threadpool thread this stack, and aborts if it cannot. */
#define PCB_THREADS_POOL_STACK ((size_t)8 << 20)

/*
 * Sizes libuv's threadpool (UV_THREADPOOL_SIZE) to what can start now
 * beside nworkers workers.  0 or -errno with *cause.
 */
int pcb_threads_size_pool(size_t nworkers, char **cause);

/*
 * Starts fn(arg) on a thread with that stack, or with the pool's stack if
 * the bigger one cannot be had.  0 or -errno (libuv's).
 */
int pcb_threads_start(uv_thread_t *t, size_t stack, void (*fn)(void *),
    void *arg);

/* startup.c, main thread. */

/*
 * Starts Python, or finds its runtime recorded in --cache and leaves it
 * for later (eng->without_python), fills what the stages need to know of
 * the runtime, and sizes the worker pool.  0 or -errno with *cause.
 */
int pcb_startup_backend(struct engine *eng, const char *argv0, char **cause);

/*
 * Starts Python for the pass after one without it, and sizes the pool to
 * its compilers.  0 or -errno with *cause.
 */
int pcb_startup_python(struct engine *eng, const char *argv0, char **cause);

/*
 * Makes the compilers and starts the workers: returns how many started
 * (*cause says why the next did not, if one failed), or -errno with *cause
 * when none did.
 */
int pcb_startup_workers(struct engine *eng, char **cause);

/* Joins the workers and frees their compilers. */
void pcb_startup_stop_workers(struct engine *eng);

/* Closes --cache (evicting), warning through the sink if it must. */
void pcb_startup_close_cache(struct engine *eng);

#endif
