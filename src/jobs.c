/*
 * jobs.c: the engine.
 *
 * Threads and hand-offs:
 *  - The main thread runs a libuv loop.  It submits read jobs to the libuv
 *    threadpool, never more than a window ahead of the compilers so that
 *    memory stays bounded, and reports finished jobs in input order.
 *  - A threadpool thread reads, stats and hashes one source (source.c) and
 *    appends the job to the ready queue.
 *  - Each compile worker is a thread of its own attached to its own
 *    interpreter (interp.c).  It takes a job from the ready queue, compiles
 *    it, writes the .pyc with its GIL released (write.c), marks the job done
 *    and wakes the loop with uv_async_send.
 * Workers claim jobs strictly in input order (reads run a window ahead, so
 * the next job is nearly always ready): which files start, and so where
 * --fail-fast stops, does not depend on timing.  The job states, `closing` and
 * `failed_seen` are protected by `lock`; a job's own fields are handed from
 * stage to stage through those states, so one thread touches them at a time.
 */
#include <config.h>

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <uv.h>

#include "canonical.h"
#include "dupes.h"
#include "interp.h"
#include "jobs.h"
#include "pyc.h"
#include "report.h"
#include "source.h"
#include "write.h"

/* Compile workers get big stacks: deep nesting recurses in the compiler. */
#define PCB_WORKER_STACK (32u << 20)

struct engine;

enum job_state {
	JOB_WAITING = 0, /* not read yet */
	JOB_READY,       /* read, waiting for a compiler */
	JOB_CLAIMED,     /* a compiler has it */
	JOB_DONE,        /* outcome set, waiting to be reported */
};

struct read_req {
	uv_work_t req; /* req.data points back to the engine */
	struct pcb_job *job;
};

struct worker {
	struct engine *eng;
	struct pcb_interp *interp;
	uv_thread_t thread;
	int started;
	const struct pcb_job *current; /* in flight; protected by eng->lock */
};

struct engine {
	const struct pcb_options *opt;
	struct pcb_runtime rt;
	struct pcb_pyc_tags tags;
	struct pcb_source_cfg src;
	char cwd[PATH_MAX];

	struct pcb_job *jobs;
	struct read_req *reqs;
	size_t njobs;

	struct worker *workers;
	size_t nworkers;

	uv_loop_t loop;
	uv_async_t wake;
	uv_signal_t sigs[3]; /* SIGINT, SIGTERM, SIGHUP */

	/* Protected by lock. */
	uv_mutex_t lock;
	uv_cond_t ready_cond;
	uv_cond_t done_cond;  /* a worker finished a job */
	unsigned char *state; /* enum job_state, per job */
	size_t next_claim;    /* the next job a worker takes, once READY */
	size_t ndone;
	int closing; /* no job will be queued any more */
	int failed_seen;
	int signo; /* the first stop signal caught, or 0 */

	/* Main thread only. */
	size_t submitted, reported, window;
	struct pcb_report *report; /* the caller's */
};

/* Threadpool: compute the target, read and hash; queue for a compiler. */
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

	uv_mutex_lock(&eng->lock);
	eng->state[job->index] = JOB_READY;
	if (job->index == eng->next_claim)
		uv_cond_signal(&eng->ready_cond);
	uv_mutex_unlock(&eng->lock);
}

static void
read_done(uv_work_t *req, int status)
{
	/* Nothing to do: the job is already with the compilers. */
}

/* Keeps the first write (or link) failure of a job. */
static void
set_write_error(struct pcb_job *job, struct pcb_write_error *werr)
{
	job->errnum = werr->errnum;
	job->err_path = werr->path;
	job->err_path2 = werr->path2;
}

/* Adds w (owned, taken) after the job's warnings.  Returns 0 or -ENOMEM. */
static int
append_warnings(struct pcb_job *job, char *w)
{
	size_t a, b;
	char *both;

	if (job->warnings == NULL) {
		job->warnings = w;
		return 0;
	}
	a = strlen(job->warnings);
	b = strlen(w);
	if ((both = realloc(job->warnings, a + b + 1)) == NULL) {
		free(w);
		job->errnum = -ENOMEM;
		return -ENOMEM;
	}
	memcpy(both + a, w, b + 1);
	job->warnings = both;
	free(w);
	return 0;
}

/*
 * What one level writes: Python's marshal bytes, or with --reproducible their
 * canonical form (canonical.c).  Freeing the code needs the GIL.
 */
struct level_bytes {
	struct pcb_code code;
	uint8_t *canon; /* owned; NULL without --reproducible */
	size_t canon_len;
};

static const char *
level_data(const struct level_bytes *b)
{
	return b->canon ? (const char *)b->canon : b->code.data;
}

static size_t
level_len(const struct level_bytes *b)
{
	return b->canon ? b->canon_len : b->code.len;
}

/* GIL: drops the bytes; accepts empty ones. */
static void
level_free(struct level_bytes *b)
{
	pcb_interp_code_free(&b->code);
	free(b->canon);
	b->canon = NULL;
	b->canon_len = 0;
}

/*
 * --reproducible: the canonical form of the marshal data, or a failure of
 * the job, in py_compile's "Sorry: ..." style, if Python wrote something the
 * rewrite does not know.  Returns 0 or -1.
 */
static int
make_canonical(struct pcb_job *job, struct level_bytes *b)
{
	char buf[160];
	int ret;

	ret = pcb_canonical_rewrite((const uint8_t *)b->code.data, b->code.len,
	    &b->canon, &b->canon_len);
	if (ret < 0) {
		snprintf(buf, sizeof buf,
		    "Sorry: --reproducible cannot rewrite the marshal data: %s",
		    strerror(-ret));
		job->message = strdup(buf);
		if (job->message == NULL)
			job->errnum = -ENOMEM;
		return -1;
	}
	return 0;
}

/*
 * One level: compile under the GIL, write without it (so that, on 3.11's
 * shared GIL, others compile meanwhile).  With --hardlink-dupes, bytes equal
 * to the previous level's are linked, not written.  *prev holds the previous
 * level's bytes and gets this one's.  Returns 0 or -1 (the job failed).
 */
static int
compile_level(struct engine *eng, struct pcb_interp *in, struct pcb_job *job,
    size_t level, struct level_bytes *prev)
{
	uint8_t head[PCB_PYC_HEADER_SIZE];
	struct pcb_write_error werr = { 0 };
	struct level_bytes cur = { 0 };
	const char *cfile = job->cfiles[level];
	char *warnings = NULL;
	int ret;

	/* py_compile checks each target when that level's turn comes. */
	if (level > 0 &&
	    (ret = pcb_write_check_target(cfile, &job->message)) < 0) {
		if (job->message == NULL)
			job->errnum = ret;
		return -1;
	}
	pcb_interp_relock(in);
	ret = pcb_interp_compile(in, job->source, job->source_len,
	    job->dfile ? job->dfile : job->path, eng->opt->levels[level],
	    &cur.code, &job->message, &warnings);
	pcb_interp_unlock(in);
	/* py_compile warns once per level: keep every level's warnings. */
	if (warnings != NULL && append_warnings(job, warnings) < 0)
		ret = -1;
	if (ret == 0 && eng->opt->reproducible)
		ret = make_canonical(job, &cur);
	if (ret < 0) {
		if (cur.code.obj != NULL) {
			pcb_interp_relock(in);
			level_free(&cur);
			pcb_interp_unlock(in);
		}
		return -1;
	}

	pcb_pyc_header(head, eng->rt.magic, eng->opt->mode, job->mtime,
	    job->size, job->hash);
	if (level > 0 && eng->opt->hardlink_dupes && prev->code.obj != NULL &&
	    level_len(prev) == level_len(&cur) &&
	    memcmp(level_data(prev), level_data(&cur), level_len(&cur)) == 0)
		ret = pcb_dupes_link(job->cfiles[level - 1], cfile, &werr);
	else
		ret = pcb_write_pyc(cfile, head, sizeof head, level_data(&cur),
		    level_len(&cur), job->st_mode, &werr);
	pcb_interp_relock(in);
	level_free(prev);
	pcb_interp_unlock(in);
	*prev = cur;
	if (ret < 0) {
		set_write_error(job, &werr);
		return -1;
	}
	return 0;
}

/* Worker, no GIL held on entry or exit: every level, then the outcome. */
static void
compile_job(struct engine *eng, struct pcb_interp *in, struct pcb_job *job)
{
	struct level_bytes prev = { 0 };

	if (job->message == NULL && job->errnum == 0)
		for (size_t i = 0; i < job->ncfiles; i++)
			if (compile_level(eng, in, job, i, &prev) < 0)
				break;
	if (prev.code.obj != NULL ||
	    (job->message == NULL && job->errnum != 0)) {
		pcb_interp_relock(in);
		level_free(&prev);
		if (job->message == NULL && job->errnum != 0)
			job->message = pcb_interp_oserror_text(job->errnum,
			    job->err_path, job->err_path2);
		pcb_interp_unlock(in);
	}
	job->status = job->message || job->errnum ? PCB_STATUS_FAILED :
						    PCB_STATUS_COMPILED;
	free(job->source);
	job->source = NULL;
}

/* With lock held: is the next job in input order read? */
static int
next_ready(const struct engine *eng)
{
	return eng->next_claim < eng->njobs &&
	    eng->state[eng->next_claim] == JOB_READY;
}

/*
 * Do two jobs write the same .pyc?  Spellings of one source ("p/m.py",
 * "./p/m.py", "p/../p/m.py") give different strings for one file, so the
 * test is the .pyc's name plus the identity of the source's directory.
 * Where that is unknown, or a pycache prefix maps directories elsewhere,
 * the name alone decides: a false match only makes one job wait.
 */
static int
same_target(const struct engine *eng, const struct pcb_job *a,
    const struct pcb_job *b)
{
	const char *na = strrchr(a->cfiles[0], '/');
	const char *nb = strrchr(b->cfiles[0], '/');

	na = na ? na + 1 : a->cfiles[0];
	nb = nb ? nb + 1 : b->cfiles[0];
	if (strcmp(na, nb) != 0)
		return 0;
	if (eng->tags.prefix != NULL || a->dir_ino == 0 || b->dir_ino == 0)
		return 1;
	return a->dir_dev == b->dir_dev && a->dir_ino == b->dir_ino;
}

/*
 * With lock held: is an earlier job, still in flight, writing the same .pyc?
 * One source listed under two spellings must be written in list order, so
 * that the last one wins, as with py_compile.  Only in-flight jobs can be
 * earlier, since jobs are claimed in order.
 */
static int
earlier_same_target(const struct engine *eng, const struct pcb_job *job)
{
	if (job->ncfiles == 0)
		return 0;
	for (size_t i = 0; i < eng->nworkers; i++) {
		const struct pcb_job *o = eng->workers[i].current;

		if (o != NULL && o->index < job->index && o->ncfiles > 0 &&
		    same_target(eng, o, job))
			return 1;
	}
	return 0;
}

static void
worker_main(void *arg)
{
	struct worker *w = arg;
	struct engine *eng = w->eng;
	struct pcb_job *job;
	int skip;

	pcb_interp_attach(w->interp);
	pcb_interp_unlock(w->interp);
	for (;;) {
		uv_mutex_lock(&eng->lock);
		while (!next_ready(eng) && !eng->closing)
			uv_cond_wait(&eng->ready_cond, &eng->lock);
		if (!next_ready(eng)) {
			uv_mutex_unlock(&eng->lock);
			break;
		}
		job = &eng->jobs[eng->next_claim++];
		eng->state[job->index] = JOB_CLAIMED;
		/* The one after may be read already: pass the baton. */
		if (next_ready(eng))
			uv_cond_signal(&eng->ready_cond);
		w->current = job;
		while (earlier_same_target(eng, job))
			uv_cond_wait(&eng->done_cond, &eng->lock);
		skip = (eng->opt->fail_fast && eng->failed_seen) || eng->signo;
		uv_mutex_unlock(&eng->lock);

		if (skip || job->status == PCB_STATUS_SKIPPED) {
			free(job->source);
			job->source = NULL;
		} else
			compile_job(eng, w->interp, job);

		uv_mutex_lock(&eng->lock);
		eng->state[job->index] = JOB_DONE;
		eng->ndone++;
		w->current = NULL;
		uv_cond_broadcast(&eng->done_cond);
		if (job->status == PCB_STATUS_FAILED)
			eng->failed_seen = 1;
		uv_mutex_unlock(&eng->lock);
		uv_async_send(&eng->wake);
	}
	pcb_interp_relock(w->interp);
	pcb_interp_detach(w->interp);
}

/* Main thread: keep the threadpool fed, up to the window. */
static void
submit_reads(struct engine *eng, size_t ndone, int stop)
{
	while (!stop && eng->submitted < eng->njobs &&
	    eng->submitted - ndone < eng->window) {
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

/* Main thread: report what is done, in order; feed more; stop at the end. */
static void
on_wake(uv_async_t *handle)
{
	struct engine *eng = handle->data;
	size_t ndone;
	int stop, finished;

	uv_mutex_lock(&eng->lock);
	ndone = eng->ndone;
	stop = (eng->opt->fail_fast && eng->failed_seen) || eng->signo;
	while (eng->reported < eng->submitted &&
	    eng->state[eng->reported] == JOB_DONE) {
		struct pcb_job *job = &eng->jobs[eng->reported++];

		uv_mutex_unlock(&eng->lock);
		pcb_report_job(eng->report, job);
		free_job(job);
		uv_mutex_lock(&eng->lock);
	}
	uv_mutex_unlock(&eng->lock);

	submit_reads(eng, ndone, stop);
	finished = eng->reported == eng->submitted &&
	    (stop || eng->submitted == eng->njobs);
	if (finished) {
		uv_mutex_lock(&eng->lock);
		eng->closing = 1;
		uv_cond_broadcast(&eng->ready_cond);
		uv_mutex_unlock(&eng->lock);
		uv_close((uv_handle_t *)&eng->wake, NULL);
		for (size_t i = 0; i < 3; i++)
			uv_close((uv_handle_t *)&eng->sigs[i], NULL);
	}
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

	uv_mutex_lock(&eng->lock);
	if (eng->signo == 0)
		eng->signo = signum;
	uv_mutex_unlock(&eng->lock);
	on_wake(&eng->wake);
}

/* UV_THREADPOOL_SIZE is read once, at the first uv_queue_work. */
static void
size_threadpool(size_t nworkers)
{
	char buf[32];
	size_t n = nworkers < 4 ? 4 : nworkers;

	if (n > 128)
		n = 128;
	snprintf(buf, sizeof buf, "%zu", n);
	setenv("UV_THREADPOOL_SIZE", buf, 0);
}

/* Main thread: is some job still unclaimed, so that a new worker has work? */
static int
work_left(struct engine *eng)
{
	int left;

	uv_mutex_lock(&eng->lock);
	left = eng->next_claim < eng->njobs && !eng->closing;
	uv_mutex_unlock(&eng->lock);
	return left;
}

static int
start_worker(struct engine *eng, struct worker *w)
{
	uv_thread_options_t topt = {
		.flags = UV_THREAD_HAS_STACK_SIZE,
		.stack_size = PCB_WORKER_STACK,
	};

	w->eng = eng;
	if (uv_thread_create_ex(&w->thread, &topt, worker_main, w) != 0)
		return -1;
	w->started = 1;
	return 0;
}

static int
engine_init(struct engine *eng, const struct pcb_options *opt, char **paths,
    char **dfiles, size_t npaths, char **cause)
{
	eng->opt = opt;
	eng->njobs = npaths;
	eng->jobs = calloc(npaths, sizeof *eng->jobs);
	eng->reqs = calloc(npaths, sizeof *eng->reqs);
	eng->state = calloc(npaths, 1);
	eng->nworkers = opt->jobs < npaths ? opt->jobs : npaths;
	if (eng->nworkers == 0)
		eng->nworkers = 1;
	eng->workers = calloc(eng->nworkers, sizeof *eng->workers);
	if (!eng->jobs || !eng->reqs || !eng->state || !eng->workers) {
		*cause = strdup("out of memory");
		return -1;
	}
	for (size_t i = 0; i < npaths; i++) {
		eng->jobs[i].index = i;
		eng->jobs[i].path = paths[i]; /* borrowed from the caller */
		eng->jobs[i].dfile = dfiles ? dfiles[i] : NULL;
		eng->reqs[i].job = &eng->jobs[i];
	}
	eng->window = 8 * eng->nworkers + 16;
	if (getcwd(eng->cwd, sizeof eng->cwd) == NULL)
		eng->cwd[0] = '\0';
	if (uv_mutex_init(&eng->lock) != 0 ||
	    uv_cond_init(&eng->ready_cond) != 0 ||
	    uv_cond_init(&eng->done_cond) != 0 ||
	    uv_loop_init(&eng->loop) != 0) {
		*cause = strdup("cannot initialise libuv");
		return -1;
	}
	for (size_t i = 0; i < 3; i++) {
		static const int signums[3] = { SIGINT, SIGTERM, SIGHUP };

		eng->sigs[i].data = eng;
		if (uv_signal_init(&eng->loop, &eng->sigs[i]) != 0 ||
		    uv_signal_start(&eng->sigs[i], on_signal, signums[i]) !=
			0) {
			*cause = strdup("cannot watch for signals");
			return -1;
		}
	}
	if (uv_async_init(&eng->loop, &eng->wake, on_wake) != 0) {
		*cause = strdup("cannot initialise libuv");
		return -1;
	}
	eng->wake.data = eng;
	return 0;
}

static void
engine_fini(struct engine *eng)
{
	for (size_t i = 0; i < eng->njobs && eng->jobs; i++)
		free_job(&eng->jobs[i]);
	free(eng->jobs);
	free(eng->reqs);
	free(eng->state);
	free(eng->workers);
}

int
pcb_jobs_run(const struct pcb_options *opt, const char *argv0, char **paths,
    char **dfiles, size_t npaths, struct pcb_report *rep, char **cause)
{
	struct engine eng = { 0 };
	size_t i;
	int ret = 2;

	if (npaths == 0)
		return 0;
	eng.report = rep;
	if (engine_init(&eng, opt, paths, dfiles, npaths, cause) < 0)
		goto out;
	if (pcb_interp_runtime_init(argv0, &eng.rt, cause) < 0)
		goto err_after_loop;

	eng.tags.cache_tag = eng.rt.cache_tag;
	eng.tags.prefix = eng.rt.pycache_prefix;
	eng.tags.cwd = eng.cwd;
	eng.tags.interp_optimize = eng.rt.optimize;
	eng.src.mode = opt->mode;
	eng.src.magic = eng.rt.magic;
	eng.src.py_minor = eng.rt.py_minor;
	eng.src.incremental = opt->incremental;

	/* Reading starts first, so that it overlaps interpreter creation. */
	size_threadpool(eng.nworkers);
	submit_reads(&eng, 0, 0);

	/*
	 * The main interpreter's worker starts at once; each subinterpreter is
	 * created, one at a time, while the others already compile, and only
	 * while some job is still unclaimed: creating one costs more than
	 * compiling a small file.
	 */
	for (i = 0; i < eng.nworkers; i++) {
		if (i > 0 && !work_left(&eng))
			break;
		if (pcb_interp_new(i == 0, &eng.workers[i].interp, cause) < 0)
			break;
		if (start_worker(&eng, &eng.workers[i]) < 0) {
			*cause = strdup("cannot start a worker thread");
			break;
		}
	}
	if (i == 0) {
		/* Nothing can compile: let the queued reads drain, then stop. */
		uv_mutex_lock(&eng.lock);
		eng.closing = 1;
		uv_mutex_unlock(&eng.lock);
		uv_close((uv_handle_t *)&eng.wake, NULL);
		for (i = 0; i < 3; i++)
			uv_close((uv_handle_t *)&eng.sigs[i], NULL);
		uv_run(&eng.loop, UV_RUN_DEFAULT);
		goto err_after_runtime;
	}

	uv_run(&eng.loop, UV_RUN_DEFAULT);
	for (i = 0; i < eng.nworkers; i++)
		if (eng.workers[i].started)
			uv_thread_join(&eng.workers[i].thread);
	ret = eng.signo ? 128 + eng.signo : rep->failed > 0 ? 1 : 0;

err_after_runtime:
	for (i = 0; i < eng.nworkers; i++)
		pcb_interp_free(eng.workers[i].interp);
	pcb_interp_runtime_fini(&eng.rt);
err_after_loop:
	uv_loop_close(&eng.loop);
out:
	engine_fini(&eng);
	return ret;
}
