/*
 * startup.c: what a pass needs before its loop runs (engine.h): the
 * runtime (from Python, or from the record in --cache), what the stages
 * need to know of it, the worker pool's size, the compilers and the worker
 * threads.  Main thread only.
 *
 * With --cache, a run may start without Python: where the cache holds a
 * record of the runtime this run would start (cache.h), the workers have
 * no compiler, and every file whose levels all hit is written as usual.
 * The first file that needs a compile is put back (order.c), and jobs.c
 * runs a second pass with Python (pcb_startup_python).  Python's first
 * start records its runtime; a later start must find the one recorded.
 */
#include <config.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uv.h>

#include "engine/engine.h"
#include "os/error.h"

/* Evicts past --cache-max-size, and says if entries could not be stored. */
void
pcb_startup_close_cache(struct engine *eng)
{
	char *cause = NULL, *warning;

	if (pcb_cache_close(eng->cache, &cause) < 0 && cause != NULL &&
	    asprintf(&warning, "pycompile-batch: warning: %s", cause) >= 0) {
		eng->sink->warning(eng->sink->data, warning);
		free(warning);
	}
	free(cause);
	eng->cache = eng->pipe.cache = NULL;
}

/*
 * Whether a (the record) and b (the runtime started) differ: 0 when they
 * do not, else -ESTALE with *cause naming the first field that does,
 * "FIELD: A, not B".
 */
static int
runtime_differs(const struct pcb_runtime *a, const struct pcb_runtime *b,
    char **cause)
{
	const char *pa = a->pycache_prefix ? a->pycache_prefix : "(none)";
	const char *pb = b->pycache_prefix ? b->pycache_prefix : "(none)";

	if (strcmp(a->build, b->build) != 0)
		return pcb_error_set(cause, -ESTALE, "sys.version: %s, not %s",
		    a->build, b->build);
	if (strcmp(a->version, b->version) != 0)
		return pcb_error_set(cause, -ESTALE, "version: %s, not %s",
		    a->version, b->version);
	if (a->magic != b->magic)
		return pcb_error_set(cause, -ESTALE, "magic number: %u, not %u",
		    a->magic, b->magic);
	if (strcmp(a->cache_tag, b->cache_tag) != 0)
		return pcb_error_set(cause, -ESTALE, "cache tag: %s, not %s",
		    a->cache_tag, b->cache_tag);
	if (strcmp(pa, pb) != 0 ||
	    (a->pycache_prefix == NULL) != (b->pycache_prefix == NULL))
		return pcb_error_set(cause, -ESTALE,
		    "pycache prefix: %s, not %s", pa, pb);
	if (a->optimize != b->optimize)
		return pcb_error_set(cause, -ESTALE, "optimize: %d, not %d",
		    a->optimize, b->optimize);
	if (a->py_minor != b->py_minor || a->own_gil != b->own_gil)
		return pcb_error_set(cause, -ESTALE, "3.%u%s, not 3.%u%s",
		    a->py_minor, a->own_gil ? " with own GIL" : "", b->py_minor,
		    b->own_gil ? " with own GIL" : "");
	return 0;
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
		.python = eng->python,
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
	char *diff = NULL;
	int ret;

	if ((ret = pcb_backend_open(&cfg, &rt, &eng->backend, cause)) < 0)
		return ret;
	eng->sink->python_started(eng->sink->data);
	eng->python_started = 1;
	if (!eng->rt_recorded) {
		/* No record was found: this run makes it. */
		eng->rt = rt;
		if (eng->cache != NULL && eng->identity != NULL)
			pcb_cache_runtime_put(eng->cache, eng->identity,
			    &eng->rt);
		return 0;
	}
	if (runtime_differs(&eng->rt, &rt, &diff) < 0) {
		/* Cannot happen unless the record lies: replace it, and say. */
		if (eng->cache != NULL && eng->identity != NULL)
			pcb_cache_runtime_put(eng->cache, eng->identity, &rt);
		ret = pcb_error_set(cause, -ESTALE,
		    "the runtime recorded in the cache is not this "
		    "Python's (%s): the record is replaced; run again",
		    diff ? diff : "?");
		free(diff);
	}
	pcb_runtime_fini(&rt);
	return ret;
}

/*
 * Main thread: opens --cache and looks for the record of the runtime this
 * run would start.  Returns 1 when it is found (eng->rt filled from it):
 * the run may start without Python; 0, or -errno with *cause.
 */
static int
runtime_from_cache(struct engine *eng, const struct pcb_backend_cfg *cfg,
    char **cause)
{
	const struct pcb_options *opt = eng->opt;
	int ret;

	if (opt->cache_dir == NULL)
		return 0;
	if ((ret = pcb_cache_open(opt->cache_dir, opt->cache_read_only,
		 opt->cache_max_size, &eng->cache, cause)) < 0)
		return ret;
	/*
	 * A backend that would refuse to start says so now, as without.  The
	 * record is the linked Python's: another interpreter always starts.
	 */
	if (cfg->python != NULL || pcb_backend_planned_compilers(cfg) == 0 ||
	    pcb_backend_identity(&eng->identity) < 0)
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
	eng->tags.legacy = opt->legacy;
	eng->src.mode = opt->mode;
	eng->src.magic = eng->rt.magic;
	eng->src.py_minor = eng->rt.py_minor;
	eng->src.fresh = opt->fresh;
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
int
pcb_startup_backend(struct engine *eng, const char *argv0, char **cause)
{
	struct pcb_backend_cfg cfg = backend_cfg(eng, argv0);
	int ret;

	if ((ret = runtime_from_cache(eng, &cfg, cause)) < 0)
		return ret;
	eng->without_python = eng->rt_recorded = ret == 1;
	if (!eng->without_python && (ret = start_python(eng, argv0, cause)) < 0)
		return ret;
	if (use_runtime(eng) < 0 ||
	    size_workers(eng,
		eng->without_python ?
		    pcb_backend_planned_compilers(&cfg) :
		    pcb_backend_max_compilers(eng->backend)) < 0)
		return pcb_error_set(cause, -ENOMEM, "out of memory");
	return 0;
}

int
pcb_startup_python(struct engine *eng, const char *argv0, char **cause)
{
	int ret;

	if ((ret = start_python(eng, argv0, cause)) < 0)
		return ret;
	if (size_workers(eng, pcb_backend_max_compilers(eng->backend)) < 0)
		return pcb_error_set(cause, -ENOMEM, "out of memory");
	return 0;
}

/* Starts a worker thread, with the stack its compiler needs. */
static int
start_worker(struct engine *eng, struct worker *w)
{
	/* Without Python a worker only reads entries and writes files. */
	size_t stack = eng->backend == NULL ?
	    (size_t)512 << 10 :
	    pcb_backend_thread_stack(eng->backend, eng->rt.py_minor);
	int ret;

	w->eng = eng;
	if ((ret = pcb_threads_start(&w->thread, stack, pcb_loop_worker, w)) <
	    0)
		return ret;
	w->started = 1;
	return 0;
}

/*
 * Main thread: makes the compilers and starts their workers.  The first
 * starts at once; each further one is made, one at a time, while the others
 * already compile, and only while some job is still unclaimed: a new
 * interpreter costs more than compiling a small file.  Without Python the
 * workers have no compiler, and all start.  Returns how many started, with
 * *cause saying why the next one did not where one failed; or, when none
 * started, a negative errno with *cause.
 */
int
pcb_startup_workers(struct engine *eng, char **cause)
{
	size_t i;
	int ret = 0;

	for (i = 0; i < eng->nworkers && i < INT_MAX; i++) {
		struct worker *w = &eng->workers[i];

		if (i > 0 && !eng->without_python &&
		    !pcb_order_work_left(&eng->order))
			break;
		if (!eng->without_python &&
		    (ret = pcb_compiler_new(eng->backend, &w->compiler,
			 cause)) < 0)
			break;
		w->index = i;
		if ((ret = start_worker(eng, w)) < 0) {
			pcb_error_set(cause, ret,
			    "cannot start a worker thread: %s (ulimit -u or -v?)",
			    uv_strerror(ret));
			break;
		}
	}
	if (i > 0)
		return (int)i;
	return ret < 0 ? ret : -EAGAIN; /* no worker to start */
}

/* Main thread: joins the workers and frees their compilers. */
void
pcb_startup_stop_workers(struct engine *eng)
{
	for (size_t i = 0; i < eng->nworkers; i++) {
		if (eng->workers[i].started)
			uv_thread_join(&eng->workers[i].thread);
		eng->workers[i].started = 0;
		pcb_compiler_free(eng->workers[i].compiler);
		eng->workers[i].compiler = NULL;
	}
}
