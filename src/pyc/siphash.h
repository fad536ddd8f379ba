/*
 * siphash.h: SipHash-c-d over a byte string, as CPython's _Py_KeyedHash
 * computes it for hash-based .pyc files.  Pure functions, any thread.
 */
#ifndef PCB_SIPHASH_H
#define PCB_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

/* SipHash with c compression and d finalisation rounds (1-3 or 2-4). */
uint64_t pcb_siphash(unsigned c, unsigned d, uint64_t k0, uint64_t k1,
    const void *src, size_t len);

/* The source hash of a .pyc for a Python whose magic number is magic. */
void pcb_siphash_source(uint32_t magic, unsigned py_minor, const void *src,
    size_t len, uint8_t out[8]);

#endif
