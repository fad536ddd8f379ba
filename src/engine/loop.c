/*
 * loop.c: the engine's libuv loop (engine.h).  The main thread submits
 * reads to the threadpool within the read-ahead window, hands finished jobs
 * to the sink in input order and turns stop signals into a stop; each
 * worker thread claims jobs in order and takes them through the pipeline.
 */
#include <config.h>

#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include <uv.h>

#include "engine/engine.h"
#include "os/error.h"

/* The signals that stop a run. */
static const int stop_signals[] = { SIGINT, SIGTERM, SIGHUP };
_Static_assert(sizeof stop_signals / sizeof stop_signals[0] == PCB_ENGINE_NSTOP,
    "engine.h's PCB_ENGINE_NSTOP counts the stop signals");

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

void
pcb_loop_worker(void *arg)
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

/* Main thread: the reads the window allows now. */
void
pcb_loop_feed(struct engine *eng)
{
	submit_reads(eng, pcb_order_progress(&eng->order, &(int){ 0 }), 0);
}

void
pcb_loop_free_job(struct pcb_job *job)
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
void
pcb_loop_close(struct engine *eng)
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

		eng->sink->job(eng->sink->data, job);
		pcb_loop_free_job(job);
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
		pcb_loop_close(eng);
	} else if (stop &&
	    pcb_order_only_reads_left(&eng->order, eng->submitted)) {
		/* Nothing but reads that may never return: leave them. */
		eng->abandoned = 1;
		pcb_order_close(&eng->order);
		pcb_loop_close(eng);
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

int
pcb_loop_init(struct engine *eng, char **cause)
{
	int ret;

	if ((ret = uv_loop_init(&eng->loop)) < 0)
		goto err_libuv;
	eng->loop_ready = 1;
	for (; eng->nsigs < PCB_ENGINE_NSTOP; eng->nsigs++) {
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
	return pcb_error_set(cause, ret, "cannot watch for signals");
err_libuv:
	return pcb_error_set(cause, ret, "cannot initialise libuv");
}

void
pcb_loop_fini(struct engine *eng)
{
	if (!eng->loop_ready)
		return;
	pcb_loop_close(eng);
	uv_run(&eng->loop, UV_RUN_DEFAULT);
	uv_loop_close(&eng->loop);
}

/*
 * Main thread: a run that ends with jobs not reported (a stop signal in a
 * pass without Python, Python that would not start for the second pass)
 * reports them in input order: done ones as they are, the others as not
 * run.  Reads still blocked may hold the others: only their paths are read.
 */
void
pcb_loop_report_rest(struct engine *eng)
{
	for (; eng->reported < eng->njobs; eng->reported++) {
		struct pcb_job *job = &eng->jobs[eng->reported];

		if (eng->reported < eng->submitted &&
		    pcb_order_is_done(&eng->order, eng->reported)) {
			eng->sink->job(eng->sink->data, job);
			pcb_loop_free_job(job);
		} else
			eng->sink->not_run(eng->sink->data, job->index,
			    job->path);
	}
}
