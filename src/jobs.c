/*
 * jobs.c: the engine.  Turns the list of paths into jobs and drives them:
 * read+hash (source.c) on the libuv threadpool, compile on worker threads
 * (pipeline.c, through a backend: backend.h), messages in input order
 * (report.c).
 *
 * Threads and hand-offs:
 *  - The main thread runs a libuv loop.  It submits read jobs to the libuv
 *    threadpool, never more than a window ahead of the compilers, in files
 *    and in bytes, so that memory stays bounded, reports finished jobs in
 *    input order, and turns SIGINT, SIGTERM and SIGHUP into a stop.
 *  - A threadpool thread computes a job's targets, reads, stats and hashes
 *    its source and marks it read (order.c).
 *  - Each worker thread has a compiler of its own.  It claims jobs in input
 *    order (order.c), takes each through the pipeline, marks it done and
 *    wakes the loop with uv_async_send.
 * The engine makes no Python call: the backend does.
 *
 * With --cache, a run may start without Python: where the cache holds a
 * record of the runtime this run would start (cache.h), the workers have
 * no compiler, and every file whose levels all hit is written as usual.
 * The first file that needs a compile is put back (order.c): no further
 * file starts, the files under way finish, and a second pass starts Python
 * and runs every file not done, from that one on, reporting in input order
 * throughout.  A run whose every file hits never starts Python.
 */
#include <config.h>

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <uv.h>

#include "backend.h"
#include "fds.h"
#include "jobs.h"
#include "order.h"
#include "pipeline.h"
#include "pyc.h"
#include "report.h"
#include "source.h"

/* The signals that stop a run. */
static const int stop_signals[] = { SIGINT, SIGTERM, SIGHUP };
#define NSTOP (sizeof stop_signals / sizeof stop_signals[0])

struct engine;

struct read_req {
	uv_work_t req; /* req.data points back to the engine */
	struct pcb_job *job;
	size_t held; /* source bytes counted in engine.held, until released */
};

struct worker {
	struct engine *eng;
	size_t index;
	struct pcb_compiler *compiler;
	uv_thread_t thread;
	int started;
};

struct engine {
	const struct pcb_options *opt;
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
	uv_signal_t sigs[NSTOP];
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
	size_t nread;              /* reads finished (read_done) */
	struct pcb_report *report; /* the caller's */
};

/* Threadpool: compute the targets, read and hash; hand to the compilers. */
static void
read_work(uv_work_t *req)
{
	struct engine *eng = req->data;
	struct read_req *rr = (struct read_req *)req;
	struct pcb_job *job = rr->job;
	int ret = 0;

	for (size_t i = 0; ret == 0 && i < eng->opt->nlevels; i++)
		if ((ret = pcb_pyc_cache_path(&eng->tags, job->path,
			 eng->opt->levels[i], &job->cfiles[i])) == 0)
			job->ncfiles++;
	if (ret < 0)
		job->errnum = ret;
	else
		pcb_source_read(&eng->src, job);
	if (job->source != NULL) {
		size_t seen = __atomic_load_n(&eng->largest, __ATOMIC_RELAXED);

		rr->held = job->source_len;
		__atomic_add_fetch(&eng->held, rr->held, __ATOMIC_RELAXED);
		while (seen < rr->held &&
		    !__atomic_compare_exchange_n(&eng->largest, &seen, rr->held,
			0, __ATOMIC_RELAXED, __ATOMIC_RELAXED))
			;
	}
	pcb_order_read(&eng->order, job);
}

static void submit_reads(struct engine *eng, size_t ndone, int stop);

static void advance(struct engine *eng);

/* Main thread: the job is with the compilers; the next read may start. */
static void
read_done(uv_work_t *req, int status)
{
	struct engine *eng = req->data;

	(void)status;
	eng->nread++;
	advance(eng);
}

static void
worker_main(void *arg)
{
	struct worker *w = arg;
	struct engine *eng = w->eng;
	struct pcb_job *job;
	int skip;

	if (w->compiler != NULL)
		pcb_compiler_begin(w->compiler);
	while ((job = pcb_order_claim(&eng->order, w->index, &skip)) != NULL) {
		job->needs_compiler = 0;
		if (skip || job->status == PCB_STATUS_SKIPPED) {
			free(job->source);
			job->source = NULL;
		} else {
			pcb_pipeline_run(&eng->pipe, w->compiler, job);
		}
		if (job->needs_compiler) {
			/* Kept, read, for the next pass. */
			pcb_order_put_back(&eng->order, w->index, job);
			uv_async_send(&eng->wake);
			continue;
		}
		/* The source is freed: its bytes leave the read-ahead. */
		__atomic_sub_fetch(&eng->held, eng->reqs[job->index].held,
		    __ATOMIC_RELAXED);
		pcb_order_done(&eng->order, w->index, job);
		uv_async_send(&eng->wake);
	}
	/* The claim may have sent a job back: the loop must see it. */
	uv_async_send(&eng->wake);
	if (w->compiler != NULL)
		pcb_compiler_end(w->compiler);
}

/*
 * The read-ahead in bytes.  One job per worker is always let in; beyond
 * that a read starts only while the sources read and not yet compiled,
 * plus each read under way counted at the largest source read so far, hold
 * less than this (24 sources of 100 MB were all held at once).  Before any
 * read has finished nothing is known: then one read at a time.
 */
#define READ_AHEAD_BYTES ((size_t)64 << 20)

/* Reads under way at once beyond one job per worker. */
#define READS_AT_ONCE 4

static int
may_read_ahead(const struct engine *eng)
{
	size_t running = eng->submitted - eng->nread;
	size_t largest = __atomic_load_n(&eng->largest, __ATOMIC_RELAXED);
	size_t held = __atomic_load_n(&eng->held, __ATOMIC_RELAXED);

	if (eng->nread == 0)
		return running == 0 && held < READ_AHEAD_BYTES;
	return running < READS_AT_ONCE &&
	    held + (running + 1) * largest < READ_AHEAD_BYTES;
}

/* Main thread: keep the threadpool fed, up to the window. */
static void
submit_reads(struct engine *eng, size_t ndone, int stop)
{
	while (!stop && !eng->closed && eng->submitted < eng->njobs &&
	    eng->submitted < ndone + eng->window &&
	    (eng->submitted < ndone + eng->nworkers || may_read_ahead(eng))) {
		struct read_req *rr = &eng->reqs[eng->submitted++];

		rr->req.data = eng;
		if (uv_queue_work(&eng->loop, &rr->req, read_work, read_done) !=
		    0)
			abort(); /* only fails for a NULL callback */
	}
}

static void
free_job(struct pcb_job *job)
{
	for (size_t i = 0; i < job->ncfiles; i++) {
		free(job->cfiles[i]);
		job->cfiles[i] = NULL;
	}
	job->ncfiles = 0;
	free(job->source);
	free(job->err_path);
	free(job->err_path2);
	free(job->message);
	free(job->warnings);
	job->source = job->err_path = job->err_path2 = job->message =
	    job->warnings = NULL;
}

/* Main thread: closes the loop's handles, so that uv_run returns. */
static void
close_handles(struct engine *eng)
{
	eng->closed = 1;
	if (eng->wake_ready && !uv_is_closing((uv_handle_t *)&eng->wake))
		uv_close((uv_handle_t *)&eng->wake, NULL);
	for (size_t i = 0; i < eng->nsigs; i++)
		if (!uv_is_closing((uv_handle_t *)&eng->sigs[i]))
			uv_close((uv_handle_t *)&eng->sigs[i], NULL);
}

/* Main thread: reports the jobs done, in input order. */
static void
report_done(struct engine *eng)
{
	while (eng->reported < eng->submitted &&
	    pcb_order_is_done(&eng->order, eng->reported)) {
		struct pcb_job *job = &eng->jobs[eng->reported++];

		pcb_report_job(eng->report, job);
		free_job(job);
	}
}

/*
 * Main thread: report what is done, in order; feed more; stop at the end,
 * or at the end of a pass without Python that put a job back.
 */
static void
advance(struct engine *eng)
{
	size_t ndone;
	int stop;

	ndone = pcb_order_progress(&eng->order, &stop);
	report_done(eng);
	if (eng->without_python && pcb_order_sent_back(&eng->order)) {
		/*
		 * The pass ends once no worker holds a job; pcb_jobs_run then
		 * starts Python for the next.  Reads under way go on into it
		 * (they touch only their job and the order).
		 */
		if (pcb_order_idle(&eng->order)) {
			pcb_order_close(&eng->order);
			uv_stop(&eng->loop);
		}
		return;
	}
	submit_reads(eng, ndone, stop);
	if (eng->reported == eng->submitted &&
	    (stop || eng->submitted == eng->njobs)) {
		pcb_order_close(&eng->order);
		close_handles(eng);
	} else if (stop &&
	    pcb_order_only_reads_left(&eng->order, eng->submitted)) {
		/* Nothing but reads that may never return: leave them. */
		eng->abandoned = 1;
		pcb_order_close(&eng->order);
		close_handles(eng);
		uv_stop(&eng->loop);
	}
}

static void
on_wake(uv_async_t *handle)
{
	advance(handle->data);
}

/*
 * Main thread: SIGINT, SIGTERM or SIGHUP.  No file starts after it; files
 * being compiled are finished and written (a write is short, and the temp
 * file is renamed or removed either way), the rest is skipped, and the run
 * ends as usual with 128 + the signal as its status.
 */
static void
on_signal(uv_signal_t *handle, int signum)
{
	struct engine *eng = handle->data;

	pcb_order_signal(&eng->order, signum);
	advance(eng);
}

/* libuv gives each threadpool thread this stack, and aborts if it cannot. */
#define UV_POOL_STACK ((size_t)8 << 20)

static void
wait_for_go(void *arg)
{
	if (arg != NULL)
		uv_sem_wait(arg);
}

/* Starts a thread with that stack that waits for go (if not NULL). */
static int
start_waiting(uv_thread_t *t, size_t stack, uv_sem_t *go)
{
	uv_thread_options_t topt = { .flags = UV_THREAD_HAS_STACK_SIZE,
		.stack_size = stack };

	return uv_thread_create_ex(t, &topt, wait_for_go, go);
}

/*
 * How many threads can run at once beside the running ones, counted up to
 * want, under a process limit (ulimit -u counts threads).  They are all
 * started, with small stacks, then let go.  *errnum: why the next would not
 * start, or 0.
 */
static size_t
threads_room(size_t want, int *errnum)
{
	uv_thread_t *t = calloc(want, sizeof *t);
	uv_sem_t go;
	size_t n = 0;

	*errnum = t == NULL ? -ENOMEM : uv_sem_init(&go, 0);
	if (*errnum < 0) {
		free(t);
		return 0;
	}
	while (n < want && (*errnum = start_waiting(&t[n], 64 << 10, &go)) == 0)
		n++;
	for (size_t i = 0; i < n; i++)
		uv_sem_post(&go);
	for (size_t i = 0; i < n; i++)
		uv_thread_join(&t[i]);
	uv_sem_destroy(&go);
	free(t);
	return n;
}

/*
 * UV_THREADPOOL_SIZE is read once, at the first uv_queue_work, and libuv
 * aborts when a pool thread will not start.  So the pool is sized to what
 * can start now: under an address-space limit (ulimit -v) its stacks take
 * at most a quarter of it; under a process limit (ulimit -u) it leaves room
 * for a compiling thread and a worker process per worker, down to one
 * reading thread (fewer workers start if they must: engine_start_workers);
 * and one thread with the pool's stack is tried first.  Returns 0, or a
 * negative errno with *cause.
 */
static int
size_threadpool(size_t nworkers, char **cause)
{
	char buf[32];
	size_t n = nworkers < 4 ? 4 : nworkers, want;
	struct rlimit rl;
	struct timespec ms = { 0, 1000000 };
	uv_thread_t t;
	int errnum, limited = 0, tries;

	if (n > 128)
		n = 128;
	if (getrlimit(RLIMIT_AS, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) {
		size_t cap = (size_t)(rl.rlim_cur / 4 / UV_POOL_STACK);

		if (cap < 1)
			cap = 1;
		if (n > cap)
			n = cap;
	}
	want = n + 2 * nworkers;
	if (getrlimit(RLIMIT_NPROC, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) {
		size_t room = threads_room(want, &errnum);

		if (room == 0)
			goto err;
		/*
		 * One short of the room: a joined thread may still count
		 * against the limit for a moment.
		 */
		if (room < want) {
			limited = 1;
			n = room > 2 * nworkers + 1 ? room - 2 * nworkers - 1 :
						      1;
		}
	}
	/* For the same reason, a thread that would not start is tried again. */
	for (tries = 0;
	     (errnum = start_waiting(&t, UV_POOL_STACK, NULL)) == UV_EAGAIN &&
	     limited && tries < 100;
	     tries++)
		nanosleep(&ms, NULL);
	if (errnum < 0)
		goto err;
	uv_thread_join(&t);
	/* A limit wins over the environment; else the user's choice stands. */
	snprintf(buf, sizeof buf, "%zu", n);
	setenv("UV_THREADPOOL_SIZE", buf, limited);
	return 0;

err:
	if (asprintf(cause,
		"cannot start a reading thread: %s (ulimit -u or -v?)",
		uv_strerror(errnum)) < 0)
		*cause = NULL;
	return errnum;
}

static int
start_worker(struct engine *eng, struct worker *w)
{
	/* Without Python a worker only reads entries and writes files. */
	uv_thread_options_t topt = {
		.flags = UV_THREAD_HAS_STACK_SIZE,
		.stack_size = eng->backend == NULL ?
		    (size_t)512 << 10 :
		    pcb_backend_thread_stack(eng->backend, eng->rt.py_minor),
	};
	int ret;

	w->eng = eng;
	ret = uv_thread_create_ex(&w->thread, &topt, worker_main, w);
	/* Short of memory for a big stack: the main thread's size will do. */
	if (ret < 0 && topt.stack_size > UV_POOL_STACK) {
		topt.stack_size = UV_POOL_STACK;
		ret = uv_thread_create_ex(&w->thread, &topt, worker_main, w);
	}
	if (ret < 0)
		return ret;
	w->started = 1;
	return 0;
}

/* The jobs, the loop and its handles.  Returns 0 or -errno with *cause. */
static int
engine_init(struct engine *eng, const struct pcb_options *opt, char **paths,
    char **dfiles, size_t npaths, char **cause)
{
	int ret;

	eng->opt = opt;
	eng->njobs = npaths;
	eng->jobs = calloc(npaths, sizeof *eng->jobs);
	eng->reqs = calloc(npaths, sizeof *eng->reqs);
	if (!eng->jobs || !eng->reqs) {
		*cause = strdup("out of memory");
		return -ENOMEM;
	}
	for (size_t i = 0; i < npaths; i++) {
		eng->jobs[i].index = i;
		eng->jobs[i].path = paths[i]; /* borrowed from the caller */
		eng->jobs[i].dfile = dfiles ? dfiles[i] : NULL;
		eng->reqs[i].job = &eng->jobs[i];
	}
	/* As Python's os.getcwd(): any length (glibc walks up past PATH_MAX). */
	if ((eng->cwd = getcwd(NULL, 0)) == NULL)
		eng->tags.cwd_errnum = -errno;
	if ((ret = uv_loop_init(&eng->loop)) < 0)
		goto err_libuv;
	eng->loop_ready = 1;
	for (; eng->nsigs < NSTOP; eng->nsigs++) {
		uv_signal_t *s = &eng->sigs[eng->nsigs];

		if ((ret = uv_signal_init(&eng->loop, s)) < 0)
			goto err_signals;
		s->data = eng;
		if ((ret = uv_signal_start(s, on_signal,
			 stop_signals[eng->nsigs])) < 0) {
			eng->nsigs++; /* initialised: to be closed */
			goto err_signals;
		}
	}
	if ((ret = uv_async_init(&eng->loop, &eng->wake, on_wake)) < 0)
		goto err_libuv;
	eng->wake.data = eng;
	eng->wake_ready = 1;
	return 0;

err_signals:
	*cause = strdup("cannot watch for signals");
	return ret;
err_libuv:
	*cause = strdup("cannot initialise libuv");
	return ret;
}

/* Evicts past --cache-max-size, and says if entries could not be stored. */
static void
close_cache(struct engine *eng)
{
	char *warning = pcb_cache_close(eng->cache);

	eng->cache = eng->pipe.cache = NULL;
	if (warning != NULL && !eng->opt->quiet)
		fprintf(stderr, "%s\n", warning);
	free(warning);
}

/* Undoes engine_init, whatever part of it ran. */
static void
engine_fini(struct engine *eng)
{
	if (eng->loop_ready) {
		close_handles(eng);
		uv_run(&eng->loop, UV_RUN_DEFAULT);
		uv_loop_close(&eng->loop);
	}
	for (size_t i = 0; i < eng->njobs && eng->jobs; i++)
		free_job(&eng->jobs[i]);
	free(eng->jobs);
	free(eng->reqs);
	free(eng->workers);
	free(eng->cwd);
	free(eng->identity);
}

/*
 * Whether a (the record) and b (the runtime started) differ; *what names
 * the first field that does, "FIELD: A, not B" (owned; NULL on ENOMEM).
 */
static int
runtime_differs(const struct pcb_runtime *a, const struct pcb_runtime *b,
    char **what)
{
	const char *pa = a->pycache_prefix ? a->pycache_prefix : "(none)";
	const char *pb = b->pycache_prefix ? b->pycache_prefix : "(none)";
	char *d = NULL;
	int n = -2;

	if (strcmp(a->build, b->build) != 0)
		n = asprintf(&d, "sys.version: %s, not %s", a->build, b->build);
	else if (strcmp(a->version, b->version) != 0)
		n = asprintf(&d, "version: %s, not %s", a->version, b->version);
	else if (a->magic != b->magic)
		n = asprintf(&d, "magic number: %u, not %u", a->magic,
		    b->magic);
	else if (strcmp(a->cache_tag, b->cache_tag) != 0)
		n = asprintf(&d, "cache tag: %s, not %s", a->cache_tag,
		    b->cache_tag);
	else if (strcmp(pa, pb) != 0 ||
	    (a->pycache_prefix == NULL) != (b->pycache_prefix == NULL))
		n = asprintf(&d, "pycache prefix: %s, not %s", pa, pb);
	else if (a->optimize != b->optimize)
		n = asprintf(&d, "optimize: %d, not %d", a->optimize,
		    b->optimize);
	else if (a->py_minor != b->py_minor || a->own_gil != b->own_gil)
		n = asprintf(&d, "3.%u%s, not 3.%u%s", a->py_minor,
		    a->own_gil ? " with own GIL" : "", b->py_minor,
		    b->own_gil ? " with own GIL" : "");
	*what = n < 0 ? NULL : d;
	return n != -2;
}

/* The backend the options ask for. */
static struct pcb_backend_cfg
backend_cfg(const struct engine *eng, const char *argv0)
{
	struct pcb_backend_cfg cfg = {
		.kind = eng->opt->backend,
		.argv0 = argv0,
		.timeout = eng->opt->timeout,
		.jobs = eng->opt->jobs,
	};

	return cfg;
}

/*
 * Main thread: starts Python (the backend).  A first start records its
 * runtime in the cache; a start after a pass without Python must find the
 * runtime that pass used.  Returns 0 or -errno with *cause.
 */
static int
start_python(struct engine *eng, const char *argv0, char **cause)
{
	struct pcb_backend_cfg cfg = backend_cfg(eng, argv0);
	struct pcb_runtime rt;
	char *diff;
	int ret;

	if ((ret = pcb_backend_open(&cfg, &rt, &eng->backend, cause)) < 0)
		return ret;
	eng->report->python_started = 1;
	eng->python_started = 1;
	if (!eng->rt_recorded) {
		/* No record was found: this run makes it. */
		eng->rt = rt;
		if (eng->cache != NULL && eng->identity != NULL)
			pcb_cache_runtime_put(eng->cache, eng->identity,
			    &eng->rt);
		return 0;
	}
	if (runtime_differs(&eng->rt, &rt, &diff)) {
		/* Cannot happen unless the record lies: replace it, and say. */
		if (eng->cache != NULL && eng->identity != NULL)
			pcb_cache_runtime_put(eng->cache, eng->identity, &rt);
		if (asprintf(cause,
			"the runtime recorded in the cache is not this "
			"Python's (%s): the record is replaced; run again",
			diff ? diff : "?") < 0)
			*cause = NULL;
		free(diff);
		ret = -ESTALE;
	}
	pcb_runtime_fini(&rt);
	return ret;
}

/*
 * Main thread: opens --cache and looks for the record of the runtime this
 * run would start.  Returns 1 when it is found (eng->rt filled from it):
 * the run may start without Python.
 */
static int
runtime_from_cache(struct engine *eng, const struct pcb_backend_cfg *cfg)
{
	const struct pcb_options *opt = eng->opt;

	if (opt->cache_dir == NULL)
		return 0;
	if ((eng->cache = pcb_cache_open(opt->cache_dir, opt->cache_read_only,
		 opt->cache_max_size)) == NULL)
		return -ENOMEM;
	/* A backend that would refuse to start says so now, as without. */
	if (pcb_backend_planned_compilers(cfg) == 0 ||
	    (eng->identity = pcb_backend_identity()) == NULL)
		return 0;
	return pcb_cache_runtime_get(eng->cache, eng->identity, &eng->rt);
}

/* Main thread: what the stages need to know of the runtime (eng->rt). */
static int
use_runtime(struct engine *eng)
{
	const struct pcb_options *opt = eng->opt;
	char *build = NULL;

	eng->tags.cache_tag = eng->rt.cache_tag;
	eng->tags.prefix = eng->rt.pycache_prefix;
	eng->tags.cwd = eng->cwd;
	eng->tags.interp_optimize = eng->rt.optimize;
	eng->src.mode = opt->mode;
	eng->src.magic = eng->rt.magic;
	eng->src.py_minor = eng->rt.py_minor;
	eng->src.incremental = opt->incremental;
	eng->pipe.opt = opt;
	eng->pipe.magic = eng->rt.magic;
	eng->pipe.py_minor = eng->rt.py_minor;
	eng->pipe.interp_optimize = eng->rt.optimize;
	eng->pipe.cache = eng->cache;
	if (eng->cache == NULL)
		return 0;
	if (asprintf(&build, "%s|magic %u|tag %s|code-ref %d|%s %s",
		eng->rt.build, eng->rt.magic, eng->rt.cache_tag, PCB_CODE_REF,
		PACKAGE_NAME, PACKAGE_VERSION) < 0)
		return -ENOMEM;
	if (pcb_cache_set_build(eng->cache, build) < 0) {
		free(build);
		return -ENOMEM;
	}
	free(build);
	return 0;
}

/*
 * Sizes the worker pool to what the backend can run (or, without Python
 * yet, will run).  The first call also sets up the order.  Returns 0 or
 * -ENOMEM.
 */
static int
size_workers(struct engine *eng, unsigned max)
{
	const struct pcb_options *opt = eng->opt;
	size_t n = opt->jobs < eng->njobs ? opt->jobs : eng->njobs;

	if (n > max)
		n = max;
	if (n == 0)
		n = 1;
	if (eng->workers != NULL) {
		/* A second pass: as many or fewer, on the same order. */
		if (n < eng->nworkers)
			eng->nworkers = n;
		memset(eng->workers, 0, eng->nworkers * sizeof *eng->workers);
	} else {
		eng->nworkers = n;
		if ((eng->workers = calloc(n, sizeof *eng->workers)) == NULL) {
			eng->nworkers = 0;
			return -ENOMEM;
		}
		if (pcb_order_init(&eng->order, eng->jobs, eng->njobs, n,
			opt->fail_fast, eng->tags.prefix != NULL) < 0)
			return -ENOMEM;
	}
	eng->window = 8 * eng->nworkers + 16;
	return 0;
}

/*
 * Starts Python, or finds its runtime recorded in --cache and leaves it
 * for later (eng->without_python), fills what the stages need to know of
 * the runtime, and sizes the worker pool.  Returns 0 or -errno with
 * *cause.
 */
static int
engine_start_backend(struct engine *eng, const char *argv0, char **cause)
{
	struct pcb_backend_cfg cfg = backend_cfg(eng, argv0);
	int ret;

	if ((ret = runtime_from_cache(eng, &cfg)) < 0) {
		*cause = strdup("out of memory");
		return ret;
	}
	eng->without_python = eng->rt_recorded = ret == 1;
	if (!eng->without_python && (ret = start_python(eng, argv0, cause)) < 0)
		return ret;
	if (use_runtime(eng) < 0 ||
	    size_workers(eng,
		eng->without_python ?
		    pcb_backend_planned_compilers(&cfg) :
		    pcb_backend_max_compilers(eng->backend)) < 0) {
		*cause = strdup("out of memory");
		return -ENOMEM;
	}
	return 0;
}

/*
 * Main thread: makes the compilers and starts their workers.  The first
 * starts at once; each further one is made, one at a time, while the others
 * already compile, and only while some job is still unclaimed: a new
 * interpreter costs more than compiling a small file.  Without Python the
 * workers have no compiler, and all start.  Returns how many started;
 * *cause says why the next one did not.
 */
static size_t
engine_start_workers(struct engine *eng, char **cause)
{
	size_t i;
	int ret;

	for (i = 0; i < eng->nworkers; i++) {
		struct worker *w = &eng->workers[i];

		if (i > 0 && !eng->without_python &&
		    !pcb_order_work_left(&eng->order))
			break;
		if (!eng->without_python &&
		    pcb_compiler_new(eng->backend, &w->compiler, cause) < 0)
			break;
		w->index = i;
		if ((ret = start_worker(eng, w)) < 0) {
			free(*cause);
			if (asprintf(cause,
				"cannot start a worker thread: %s (ulimit -u or -v?)",
				uv_strerror(ret)) < 0)
				*cause = NULL;
			break;
		}
	}
	return i;
}

/* Main thread: joins the workers and frees their compilers. */
static void
stop_workers(struct engine *eng)
{
	for (size_t i = 0; i < eng->nworkers; i++) {
		if (eng->workers[i].started)
			uv_thread_join(&eng->workers[i].thread);
		eng->workers[i].started = 0;
		pcb_compiler_free(eng->workers[i].compiler);
		eng->workers[i].compiler = NULL;
	}
}

/*
 * Main thread: starts the workers and runs the loop until the run (or a
 * pass without Python) is over.  Returns 0, or -errno with *cause when no
 * worker could start.
 */
static int
run_pass(struct engine *eng, char **cause)
{
	size_t nstarted;
	int few_fds;

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
		submit_reads(eng, pcb_order_progress(&eng->order, &(int){ 0 }),
		    0);
	nstarted = engine_start_workers(eng, cause);
	if (few_fds)
		submit_reads(eng, pcb_order_progress(&eng->order, &(int){ 0 }),
		    0);
	if (nstarted == 0) {
		/* Nothing can compile: let the queued reads drain, then stop. */
		pcb_order_close(&eng->order);
		close_handles(eng);
		uv_run(&eng->loop, UV_RUN_DEFAULT);
		return -EAGAIN;
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
 * Main thread: a run that ends with jobs not reported (a stop signal in a
 * pass without Python, Python that would not start for the second pass)
 * reports them in input order: done ones as they are, the others as not
 * run.  Reads still blocked may hold the others: only their paths are read.
 */
static void
report_rest(struct engine *eng)
{
	for (; eng->reported < eng->njobs; eng->reported++) {
		struct pcb_job *job = &eng->jobs[eng->reported];

		if (eng->reported < eng->submitted &&
		    pcb_order_is_done(&eng->order, eng->reported)) {
			pcb_report_job(eng->report, job);
			free_job(job);
		} else
			pcb_report_not_run(eng->report, job->index, job->path);
	}
}

int
pcb_jobs_run(const struct pcb_options *opt, const char *argv0, char **paths,
    char **dfiles, size_t npaths, struct pcb_report *rep, int *signo,
    int *abandoned, char **cause)
{
	/* On the heap: abandoned reads keep using it after we return. */
	struct engine *eng;
	int ret;

	*signo = 0;
	*abandoned = 0;
	if (npaths == 0)
		return 0;
	/* libuv aborts when it cannot make its pipes. */
	if (pcb_fds_room() < PCB_FDS_LEAST) {
		if (asprintf(cause,
			"too few file descriptors (ulimit -n): %d free are "
			"needed",
			PCB_FDS_LEAST) < 0)
			*cause = NULL;
		return -EMFILE;
	}
	if ((eng = calloc(1, sizeof *eng)) == NULL) {
		*cause = strdup("out of memory");
		return -ENOMEM;
	}
	eng->report = rep;
	if ((ret = engine_init(eng, opt, paths, dfiles, npaths, cause)) < 0)
		goto out;
	if ((ret = engine_start_backend(eng, argv0, cause)) < 0)
		goto out_backend;
	if ((ret = size_threadpool(eng->nworkers, cause)) < 0)
		goto out_workers;
	for (;;) {
		/* Python keeps files of its own: a write needs two more. */
		if (eng->python_started && pcb_fds_room() < PCB_FDS_WRITE) {
			if (asprintf(cause,
				"too few file descriptors (ulimit -n): Python "
				"started, and %d free are needed to write",
				PCB_FDS_WRITE) < 0)
				*cause = NULL;
			ret = -EMFILE;
			goto out_workers;
		}
		if ((ret = run_pass(eng, cause)) < 0)
			goto out_workers;
		if (!eng->without_python)
			break;
		/* A file needs a compile: Python starts for a second pass. */
		stop_workers(eng);
		if (!prepare_second_pass(eng))
			break;
		if ((ret = start_python(eng, argv0, cause)) < 0)
			goto out_rest;
		if ((ret = size_workers(eng,
			 pcb_backend_max_compilers(eng->backend))) < 0) {
			*cause = strdup("out of memory");
			goto out_rest;
		}
	}
	*signo = pcb_order_signal(&eng->order, 0);
	ret = 0;
	goto out_workers;

out_rest:
	/* The jobs left are not run; the run says why. */
	pcb_order_close(&eng->order);
	close_handles(eng);
out_workers:
	stop_workers(eng);
	/* Reads a pass without Python left under way may never return. */
	if (eng->nread < eng->submitted && eng->loop_ready)
		uv_run(&eng->loop, UV_RUN_NOWAIT);
	if (eng->nread < eng->submitted)
		eng->abandoned = 1;
	report_rest(eng);
out_backend:
	close_cache(eng);
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
