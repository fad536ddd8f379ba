/*
 * pipeline.h: one file after its read: compile each level (backend.h) or
 * take the previous level's code where it is proved the same (levels.h),
 * --reproducible's rewrite (canonical.c), write or hard-link the .pyc
 * (write.c, dupes.c), and the outcome in py_compile's words.
 *
 * Runs on a worker thread with no lock held: between claim and done the job
 * is that worker's alone.  Plain C.
 */
#ifndef PCB_PIPELINE_H
#define PCB_PIPELINE_H

#include <stdint.h>

#include "backend/backend.h"
#include "pcb.h"
#include "pyc/cache.h"

/* What every file shares; read-only once the run starts. */
struct pcb_pipeline {
	const struct pcb_options *opt;
	uint32_t magic;          /* for the header */
	unsigned py_minor;       /* for the marshal layout */
	int interp_optimize;     /* what -o -1 means: the interpreter's level */
	struct pcb_cache *cache; /* --cache, or NULL */
};

/*
 * Takes the job from read to outcome: sets job->status to COMPILED or
 * FAILED, job->message for a failure and job->warnings, and frees the
 * source.  A job that failed its read only gets its message.  Returns 0
 * when compiled, or job->errnum, the failure's negative errno.  With c
 * NULL (no Python started yet) a job that needs a compile is left PENDING
 * with job->needs_compiler set, its outcome fields cleared and its source
 * kept, to be run again: -EAGAIN.
 */
int pcb_pipeline_run(const struct pcb_pipeline *p, struct pcb_compiler *c,
    struct pcb_job *job);

#endif
