/*
 * fresh.h: --incremental's test of an existing .pyc (SPEC 2), and
 * compileall's.  Pure C, any thread: it reads at most the 16-byte header.
 */
#ifndef PCB_FRESH_H
#define PCB_FRESH_H

#include <stdint.h>

#include "pyc/pyc.h"

/*
 * Whether cfile is a regular file (not a symlink), longer than a header,
 * whose header is exactly expect: magic, flags word (so the invalidation
 * mode), then mtime and size or the source hash.  Returns 1 (fresh), 0
 * (missing, different, truncated or unreadable: compile it).
 */
int pcb_fresh_check(const char *cfile,
    const uint8_t expect[PCB_PYC_HEADER_SIZE]);

/*
 * compileall's own test, without -f: whether the first 12 bytes of cfile
 * (symlinks followed) are magic, a flags word of 0 and mtime, whatever the
 * invalidation mode asked for (so a hash-based .pyc is never fresh, and a
 * timestamp one is even when a hash mode is asked for).  Returns 1 or 0.
 */
int pcb_fresh_check_compileall(const char *cfile, uint32_t magic,
    uint32_t mtime);

#endif
