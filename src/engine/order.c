/*
 * order.c: claiming in input order, and same-target waits (order.h).
 */
#include <config.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "engine/order.h"

enum job_state {
	JOB_WAITING = 0, /* not read yet */
	JOB_READY,       /* read, waiting for a compiler */
	JOB_CLAIMED,     /* a compiler has it */
	JOB_DONE,        /* outcome set, waiting to be reported */
};

int
pcb_order_init(struct pcb_order *o, struct pcb_job *jobs, size_t njobs,
    size_t nworkers, int fail_fast, int by_name)
{
	memset(o, 0, sizeof *o);
	o->jobs = jobs;
	o->njobs = njobs;
	o->nworkers = nworkers;
	o->fail_fast = fail_fast;
	o->by_name = by_name;
	o->state = calloc(njobs ? njobs : 1, 1);
	o->current = calloc(nworkers ? nworkers : 1, sizeof *o->current);
	o->backs = calloc(nworkers ? nworkers : 1, sizeof *o->backs);
	if (o->state == NULL || o->current == NULL || o->backs == NULL)
		return -ENOMEM;
	if (uv_mutex_init(&o->lock) != 0)
		return -ENOMEM;
	if (uv_cond_init(&o->ready_cond) != 0)
		goto err_after_lock;
	if (uv_cond_init(&o->done_cond) != 0)
		goto err_after_ready;
	o->ready = 1;
	return 0;

err_after_ready:
	uv_cond_destroy(&o->ready_cond);
err_after_lock:
	uv_mutex_destroy(&o->lock);
	return -ENOMEM;
}

void
pcb_order_fini(struct pcb_order *o)
{
	if (o->ready) {
		uv_cond_destroy(&o->done_cond);
		uv_cond_destroy(&o->ready_cond);
		uv_mutex_destroy(&o->lock);
		o->ready = 0;
	}
	free(o->state);
	free(o->current);
	free(o->backs);
	o->state = NULL;
	o->current = NULL;
	o->backs = NULL;
}

/*
 * With lock held: steps over jobs already done, which a second pass
 * (pcb_order_reopen) leaves among the others.
 */
static void
skip_done(struct pcb_order *o)
{
	while (o->next_claim < o->njobs && o->state[o->next_claim] == JOB_DONE)
		o->next_claim++;
}

/* With lock held: is the next job in input order read? */
static int
next_ready(const struct pcb_order *o)
{
	return o->next_claim < o->njobs && o->state[o->next_claim] == JOB_READY;
}

void
pcb_order_read(struct pcb_order *o, const struct pcb_job *job)
{
	uv_mutex_lock(&o->lock);
	o->state[job->index] = JOB_READY;
	if (job->index == o->next_claim)
		uv_cond_signal(&o->ready_cond);
	uv_mutex_unlock(&o->lock);
}

/*
 * Do two jobs write the same .pyc?  Spellings of one source ("p/m.py",
 * "./p/m.py", "p/../p/m.py") give different strings for one file, so the
 * test is the .pyc's name plus the identity of the source's directory.
 * Where that is unknown, or a pycache prefix maps directories elsewhere,
 * the name alone decides: a false match only makes one job wait.
 */
static int
same_target(const struct pcb_order *o, const struct pcb_job *a,
    const struct pcb_job *b)
{
	const char *na = strrchr(a->cfiles[0], '/');
	const char *nb = strrchr(b->cfiles[0], '/');

	na = na ? na + 1 : a->cfiles[0];
	nb = nb ? nb + 1 : b->cfiles[0];
	if (strcmp(na, nb) != 0)
		return 0;
	if (o->by_name || a->dir_ino == 0 || b->dir_ino == 0)
		return 1;
	return a->dir_dev == b->dir_dev && a->dir_ino == b->dir_ino;
}

/* With lock held: does other come before job and write the same .pyc? */
static int
before_same(const struct pcb_order *o, const struct pcb_job *other,
    const struct pcb_job *job)
{
	return other != NULL && other->index < job->index &&
	    other->ncfiles > 0 && same_target(o, other, job);
}

/*
 * With lock held: is an earlier job writing the same .pyc still to finish?
 * 1: one in flight; 2: one sent back to the next pass (pcb_order_put_back);
 * 0: none.  Only those can be earlier and not done, since jobs are claimed
 * in order.
 */
static int
earlier_same_target(const struct pcb_order *o, const struct pcb_job *job)
{
	if (job->ncfiles == 0)
		return 0;
	for (size_t i = 0; i < o->nbacks; i++)
		if (before_same(o, &o->jobs[o->backs[i]], job))
			return 2;
	for (size_t i = 0; i < o->nworkers; i++)
		if (before_same(o, o->current[i], job))
			return 1;
	return 0;
}

/* With lock held: --fail-fast saw a failure, or a stop signal came. */
static int
stopping(const struct pcb_order *o)
{
	return (o->fail_fast && o->failed_seen) || o->signo;
}

/* With lock held: job, claimed by worker, goes to the next pass. */
static void
send_back(struct pcb_order *o, size_t worker, struct pcb_job *job)
{
	/* A job once claimed is not skipped by --fail-fast (claim). */
	job->needs_compiler = 1;
	o->state[job->index] = JOB_READY;
	o->current[worker] = NULL;
	if (o->nbacks < o->nworkers)
		o->backs[o->nbacks++] = job->index;
	o->put_back = 1;
	o->closing = 1;
	uv_cond_broadcast(&o->ready_cond);
	uv_cond_broadcast(&o->done_cond);
}

struct pcb_job *
pcb_order_claim(struct pcb_order *o, size_t worker, int *skip)
{
	struct pcb_job *job;

	uv_mutex_lock(&o->lock);
	while (!next_ready(o) && !o->closing)
		uv_cond_wait(&o->ready_cond, &o->lock);
	if (!next_ready(o) || o->put_back) {
		uv_mutex_unlock(&o->lock);
		return NULL;
	}
	job = &o->jobs[o->next_claim++];
	o->state[job->index] = JOB_CLAIMED;
	skip_done(o);
	/* The one after may be read already: pass the baton. */
	if (next_ready(o))
		uv_cond_signal(&o->ready_cond);
	o->current[worker] = job;
	for (int e; (e = earlier_same_target(o, job)) != 0;) {
		/* Stopping: skipped below, as it would be after the wait. */
		if (e == 2 && stopping(o))
			break;
		if (e == 2) {
			/*
			 * It must be written after that one: next pass too.
			 * It has not started: a stop skips it after the wait.
			 */
			send_back(o, worker, job);
			job->needs_compiler = 0;
			uv_mutex_unlock(&o->lock);
			return NULL;
		}
		uv_cond_wait(&o->done_cond, &o->lock);
	}
	/*
	 * A job sent back (pcb_order_put_back) had started: it is finished,
	 * as a job under way when the run stops is.
	 */
	*skip = !job->needs_compiler && stopping(o);
	uv_mutex_unlock(&o->lock);
	return job;
}

void
pcb_order_done(struct pcb_order *o, size_t worker, struct pcb_job *job)
{
	uv_mutex_lock(&o->lock);
	o->state[job->index] = JOB_DONE;
	o->ndone++;
	o->current[worker] = NULL;
	uv_cond_broadcast(&o->done_cond);
	if (job->status == PCB_STATUS_FAILED)
		o->failed_seen = 1;
	uv_mutex_unlock(&o->lock);
}

void
pcb_order_put_back(struct pcb_order *o, size_t worker, struct pcb_job *job)
{
	uv_mutex_lock(&o->lock);
	send_back(o, worker, job);
	uv_mutex_unlock(&o->lock);
}

int
pcb_order_reopen(struct pcb_order *o)
{
	int again;

	uv_mutex_lock(&o->lock);
	again = o->put_back;
	o->next_claim = 0;
	skip_done(o);
	o->nbacks = 0;
	o->put_back = 0;
	o->closing = 0;
	uv_mutex_unlock(&o->lock);
	return again;
}

/* With lock held: does no worker hold a job? */
static int
no_job_held(const struct pcb_order *o)
{
	for (size_t i = 0; i < o->nworkers; i++)
		if (o->current[i] != NULL)
			return 0;
	return 1;
}

int
pcb_order_idle(struct pcb_order *o)
{
	int idle;

	uv_mutex_lock(&o->lock);
	idle = no_job_held(o);
	uv_mutex_unlock(&o->lock);
	return idle;
}

int
pcb_order_sent_back(struct pcb_order *o)
{
	int put_back;

	uv_mutex_lock(&o->lock);
	put_back = o->put_back;
	uv_mutex_unlock(&o->lock);
	return put_back;
}

int
pcb_order_is_done(struct pcb_order *o, size_t i)
{
	int done;

	uv_mutex_lock(&o->lock);
	done = o->state[i] == JOB_DONE;
	uv_mutex_unlock(&o->lock);
	return done;
}

size_t
pcb_order_progress(struct pcb_order *o, int *stopping)
{
	size_t ndone;

	uv_mutex_lock(&o->lock);
	ndone = o->ndone;
	*stopping = (o->fail_fast && o->failed_seen) || o->signo;
	uv_mutex_unlock(&o->lock);
	return ndone;
}

int
pcb_order_signal(struct pcb_order *o, int signo)
{
	int first;

	uv_mutex_lock(&o->lock);
	if (o->signo == 0)
		o->signo = signo;
	first = o->signo;
	uv_mutex_unlock(&o->lock);
	return first;
}

void
pcb_order_close(struct pcb_order *o)
{
	uv_mutex_lock(&o->lock);
	o->closing = 1;
	uv_cond_broadcast(&o->ready_cond);
	uv_mutex_unlock(&o->lock);
}

int
pcb_order_only_reads_left(struct pcb_order *o, size_t submitted)
{
	int idle;

	uv_mutex_lock(&o->lock);
	/* A job sent back ends the pass instead (jobs.c). */
	idle = no_job_held(o) && !o->put_back && o->next_claim < submitted &&
	    !next_ready(o);
	uv_mutex_unlock(&o->lock);
	return idle;
}

int
pcb_order_work_left(struct pcb_order *o)
{
	int left;

	uv_mutex_lock(&o->lock);
	left = o->next_claim < o->njobs && !o->closing;
	uv_mutex_unlock(&o->lock);
	return left;
}
