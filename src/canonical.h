/*
 * canonical.h: --reproducible's rewrite of a marshal stream (SPEC 8).
 *
 * marshal.dumps() sets FLAG_REF on every object whose reference count is
 * above one when it is written, and numbers those objects in the order they
 * appear.  The count depends on what the interpreter did before (caches,
 * interned strings, the objects a worker compiled earlier), so the same
 * source can give different bytes from run to run.  The rewrite keeps
 * FLAG_REF only on the objects that a TYPE_REF later points at and renumbers
 * the references in order: the result depends on the object graph alone, and
 * loads to the same objects.
 *
 * Pure C, no Python: any thread, no lock.
 */
#ifndef PCB_CANONICAL_H
#define PCB_CANONICAL_H

#include <stddef.h>
#include <stdint.h>

/*
 * Rewrites the marshal data in[0..len) of a code object written by Python
 * 3.11 or later.  On success *out (owned by the caller, free()) holds the
 * canonical stream, never longer than the input, and *outlen its length.
 * Returns 0, -ENOMEM, or -EINVAL for data it does not understand (an unknown
 * type code, a reference to nothing, a truncated or over-deep stream).
 */
int pcb_canonical_rewrite(const uint8_t *in, size_t len, uint8_t **out,
    size_t *outlen);

#endif /* PCB_CANONICAL_H */
