/*
 * evict.h: keeping the compile cache under its size (--cache-max-size).
 */
#ifndef PCB_EVICT_H
#define PCB_EVICT_H

#include <stdint.h>

/*
 * Removes the least recently used entries of the cache at top, format
 * version (top/vVERSION/XX/REST), until they take at most 90% of
 * max_size, if they take more than max_size; removes the entries of older
 * formats (top/v1 ...) whatever their size, and temp files older than an
 * hour.  Best effort: what cannot be read or removed stays.
 */
void pcb_evict_run(const char *top, int version, uint64_t max_size);

#endif
