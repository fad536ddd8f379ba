/*
 * order.h: which job a worker compiles next, and when.
 *
 * Workers claim jobs strictly in input order, each once its read is done:
 * which files start, and so where --fail-fast stops, does not depend on
 * timing.  A job whose .pyc an earlier job still in flight writes waits for
 * it, so that one source listed under two spellings is written in list
 * order and the last one wins, as with py_compile.  Everything here is under
 * one mutex; any thread.  A job's own fields pass from stage to stage
 * through these states, so that one thread touches them at a time.
 */
#ifndef PCB_ORDER_H
#define PCB_ORDER_H

#include <stddef.h>

#include <uv.h>

#include "pcb.h"

struct pcb_order {
	uv_mutex_t lock;
	uv_cond_t ready_cond; /* the next job in order was read */
	uv_cond_t done_cond;  /* a worker finished a job */
	struct pcb_job *jobs; /* borrowed */
	size_t njobs;
	unsigned char *state;           /* per job; order.c's enum */
	const struct pcb_job **current; /* per worker: its job, or NULL */
	size_t nworkers;
	size_t next_claim; /* the next job a worker takes, once read */
	size_t ndone;
	int fail_fast;
	int by_name;  /* a pycache prefix: same .pyc name, same target */
	int closing;  /* no job will be claimed any more */
	int put_back; /* a job was sent back (pcb_order_put_back) */
	size_t *
	    backs; /* the jobs sent back in this pass, at most one per worker */
	size_t nbacks;
	int failed_seen;
	int signo; /* the first stop signal, or 0 */
	int ready; /* lock and conds initialised */
};

/*
 * Sets o up for jobs[0..njobs) and nworkers workers.  Returns 0 or a
 * negative errno.
 */
int pcb_order_init(struct pcb_order *o, struct pcb_job *jobs, size_t njobs,
    size_t nworkers, int fail_fast, int by_name);

/* Frees it; accepts one whose init failed or never ran (zeroed). */
void pcb_order_fini(struct pcb_order *o);

/* The read stage: job is read and may be claimed. */
void pcb_order_read(struct pcb_order *o, const struct pcb_job *job);

/*
 * Worker `worker`: waits for the next job in order, and then for any earlier
 * job writing its .pyc.  Returns the job, or NULL once closed with nothing
 * left.  *skip says the run is stopping (--fail-fast, a signal): the job is
 * to be dropped, not compiled.
 */
struct pcb_job *pcb_order_claim(struct pcb_order *o, size_t worker, int *skip);

/* Worker: its job has its outcome. */
void pcb_order_done(struct pcb_order *o, size_t worker, struct pcb_job *job);

/*
 * Worker: its job needs Python, which this pass runs without (jobs.c): the
 * job, still read (its source kept), goes back to be run in the next pass,
 * and no further job is claimed in this pass.  Jobs claimed already finish,
 * but one that writes the same .pyc as a job sent back goes back too, to
 * be written after it.  A job sent back is not skipped by --fail-fast.
 */
void pcb_order_put_back(struct pcb_order *o, size_t worker,
    struct pcb_job *job);

/* Whether a job was put back in this pass. */
int pcb_order_sent_back(struct pcb_order *o);

/* Whether no worker holds a job. */
int pcb_order_idle(struct pcb_order *o);

/*
 * Between passes, with no worker running (reads may be: they take the
 * lock): claiming starts over from the first job not done (jobs sent back
 * are read already).  Returns whether a job was put back (else there is
 * nothing to run again).
 */
int pcb_order_reopen(struct pcb_order *o);

/* Whether job index i has its outcome. */
int pcb_order_is_done(struct pcb_order *o, size_t i);

/* How many are done, and whether the run is stopping. */
size_t pcb_order_progress(struct pcb_order *o, int *stopping);

/* Records a stop signal (the first one counts; 0 only asks).  Returns the
 * first, or 0. */
int pcb_order_signal(struct pcb_order *o, int signo);

/* No more claims: wakes every waiting worker. */
void pcb_order_close(struct pcb_order *o);

/* Whether any job is still unclaimed (and the run not closed). */
int pcb_order_work_left(struct pcb_order *o);

/*
 * Whether a stopping run waits only on reads: no worker holds a job and the
 * next job in order, submitted for reading (index below submitted), is not
 * read yet (a FIFO, a hung file system), so that nothing else will ever
 * finish.
 */
int pcb_order_only_reads_left(struct pcb_order *o, size_t submitted);

#endif
