/*
 * pyc.h: where a .pyc goes and what its 16-byte header says (SPEC 4, 5).
 * Pure functions of their arguments; any thread.
 */
#ifndef PCB_PYC_H
#define PCB_PYC_H

#include <stdint.h>
#include <time.h>

#include "pcb.h"

#define PCB_PYC_HEADER_SIZE 16

/* What the embedded interpreter says about cache paths, asked once. */
struct pcb_pyc_tags {
	const char *cache_tag; /* sys.implementation.cache_tag, "cpython-313" */
	const char *prefix;    /* sys.pycache_prefix, or NULL */
	const char
	    *cwd; /* current directory, for a relative path with a prefix */
	int cwd_errnum; /* when cwd is NULL: getcwd's -errno (ENAMETOOLONG) */
	int interp_optimize; /* sys.flags.optimize, used for level -1 */
	int legacy;          /* compileall -b: PATH + "c" for every level */
};

/*
 * Computes importlib.util.cache_from_source(path, optimization=...) as
 * py_compile calls it for level optimize (-1, 0, 1, 2), or with
 * tags->legacy path + "c" whatever the level, as compileall -b does.  On success *out is a
 * new string the caller frees.  Returns 0, -ENOMEM, or tags->cwd_errnum for
 * a relative path with a prefix when the current directory is unknown (as
 * importlib's os.getcwd() raises).
 */
int pcb_pyc_cache_path(const struct pcb_pyc_tags *tags, const char *path,
    int optimize, char **out);

/* The mtime field: int(st_mtime) as CPython computes st_mtime, mod 2^32. */
uint32_t pcb_pyc_mtime(int64_t sec, long nsec);

/*
 * Packs the header: magic, flags for mode, then mtime and size (timestamp)
 * or the 8-byte source hash (hash modes).
 */
void pcb_pyc_header(uint8_t out[PCB_PYC_HEADER_SIZE], uint32_t magic,
    enum pcb_mode mode, uint32_t mtime, uint32_t size, const uint8_t hash[8]);

#endif
