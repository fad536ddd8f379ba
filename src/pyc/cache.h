/*
 * cache.h: the content-addressed compile cache (--cache=DIR).
 *
 * An entry holds the marshal data of one source compiled at one level
 * under a fixed placeholder name; it is found by a SHA-256 hash (OpenSSL's
 * libcrypto) of the source bytes, the level and the exact Python build,
 * never by path or mtime.  On a hit the real name goes in
 * (pcb_canonical_rename) and the header is made from the real file, so a
 * fresh copy of a tree compiles without a compiler.  Entries are written
 * by temp file and rename, carry a checksum checked on every read, and are
 * evicted least recently used first under --cache-max-size.  Any number of
 * runs may share a cache.  Pure C, no Python: any thread.
 */
#ifndef PCB_CACHE_H
#define PCB_CACHE_H

#include <stddef.h>
#include <stdint.h>

/* The name every cached compile stores, swapped on the way out. */
#define PCB_CACHE_PLACEHOLDER "<pycompile-batch cache>/m.py"

#define PCB_CACHE_KEY_SIZE 32

struct pcb_cache;

/*
 * Opens the cache in dir into *out (owned; pcb_cache_close frees it).
 * Nothing is made on disk before the first store.  read_only: never write
 * or touch; max_size: bytes, 0 for no limit.  Returns 0, or -ENOMEM (or
 * -ENOSYS: OpenSSL has no SHA-256) with *cause.
 */
int pcb_cache_open(const char *dir, int read_only, uint64_t max_size,
    struct pcb_cache **out, char **cause);

/*
 * Names the Python exactly (sys.version, magic number, cache tag), for
 * every key after it.  Before the first pcb_cache_key.  Returns 0 or
 * -ENOMEM.
 */
int pcb_cache_set_build(struct pcb_cache *c, const char *build);

struct pcb_runtime;

/*
 * The runtime record: what a run that started Python found its runtime to
 * be, stored under the runtime's identity (pcb_backend_identity), so that
 * a run whose every file hits can write them without starting Python.
 * get: 1 with *rt filled (rt->pycache_prefix owned), or 0 (none, or not a
 * good one).  put: stores it (nothing when read-only) as pcb_cache_put.
 */
int pcb_cache_runtime_get(struct pcb_cache *c, const char *identity,
    struct pcb_runtime *rt);
int pcb_cache_runtime_put(struct pcb_cache *c, const char *identity,
    const struct pcb_runtime *rt);

/*
 * The key of source at optimisation level optimize (0, 1, 2).  Returns 0,
 * -EINVAL before pcb_cache_set_build, or -ENOMEM when the hash could not be
 * made (then do not use the cache).
 */
int pcb_cache_key(const struct pcb_cache *c, const char *source, size_t len,
    int optimize, uint8_t key[PCB_CACHE_KEY_SIZE]);

/*
 * Looks the key up.  Returns 1 with *data (owned, free()) and *len on a
 * hit, 0 on a miss, -EBADMSG for an entry that fails its checks (*cause
 * says why: "checksum mismatch"), or another negative errno (with *cause).
 * *data is NULL unless it hits.  A hit marks the entry used (its mtime),
 * unless read-only.
 */
int pcb_cache_get(struct pcb_cache *c, const uint8_t key[PCB_CACHE_KEY_SIZE],
    uint8_t **data, size_t *len, char **cause);

/* Whether the key has an entry, unread and unchecked: 1 or 0. */
int pcb_cache_has(const struct pcb_cache *c,
    const uint8_t key[PCB_CACHE_KEY_SIZE]);

/*
 * Stores data under the key (nothing when read-only).  Returns 0 or a
 * negative errno; a failure is also counted for pcb_cache_close, and is
 * never the file's failure.
 */
int pcb_cache_put(struct pcb_cache *c, const uint8_t key[PCB_CACHE_KEY_SIZE],
    const uint8_t *data, size_t len);

/*
 * Removes the key's entry (nothing when read-only): a bad one that the
 * compile which met it could not replace.  Returns 0 or a negative errno.
 */
int pcb_cache_drop(struct pcb_cache *c, const uint8_t key[PCB_CACHE_KEY_SIZE]);

/* The path of the key's entry (owned), for messages. */
char *pcb_cache_entry_path(const struct pcb_cache *c,
    const uint8_t key[PCB_CACHE_KEY_SIZE]);

/*
 * Ends the run: tags the directory (CACHEDIR.TAG) once something was
 * stored, evicts least recently used entries beyond max_size (to 90% of
 * it), and frees c (NULL is accepted).  Returns 0, or when stores failed
 * the first failure's negative errno with *cause ("N cache entries could
 * not be stored in DIR: why"), for a warning: the run is not failed.
 */
int pcb_cache_close(struct pcb_cache *c, char **cause);

#endif
