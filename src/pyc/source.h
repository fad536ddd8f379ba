/*
 * source.h: the read stage.  Runs on a libuv threadpool thread with no
 * interpreter: it checks the target, reads and stats the source, and hashes
 * it when the invalidation mode needs a hash.
 */
#ifndef PCB_SOURCE_H
#define PCB_SOURCE_H

#include <stdint.h>

#include "pcb.h"

/* What the read stage needs to know about the linked Python. */
struct pcb_source_cfg {
	enum pcb_mode mode;
	uint32_t magic;
	unsigned py_minor;
	enum pcb_fresh_rule fresh; /* mark a job whose .pyc files are fresh
				    * SKIPPED: -u, or compileall's check */
};

/*
 * Reads the whole of fd, whose size is probably hint, into *out (owned by the
 * caller, NUL-terminated).  Returns 0 or -errno.
 */
int pcb_source_read_fd(int fd, size_t hint, char **out, size_t *outlen);

/*
 * Fills job->source, mtime, size, st_mode and hash, or with -u sets
 * job->status to PCB_STATUS_SKIPPED (and reads nothing more) when every
 * job->cfiles[i] is already fresh (fresh.c).  On failure returns a
 * negative errno, which it also sets in job->errnum, with job->err_path
 * (an OS error) or job->message (a refused target: pcb.h).
 */
int pcb_source_read(const struct pcb_source_cfg *cfg, struct pcb_job *job);

#endif
