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
 * 3.py_minor: py_minor is sys.version_info.minor of the Python that wrote it,
 * 9 to 15, because the layout of a code object in the stream changed in 3.11
 * and the stream does not say which one it holds.  On success *out (owned by
 * the caller, free()) holds the canonical stream and *outlen its length.  That
 * is usually a little shorter than the input but can be longer: every later
 * copy of a value becomes a 5-byte reference, even a 2-byte one (on 3.9, 44
 * of the stdlib's 1,674 modules grow, by a few bytes each).  Returns 0,
 * -ENOMEM, or -EINVAL for a py_minor outside 9 to 15 or for data it does not
 * understand (an unknown type code, a reference to nothing, a truncated or
 * over-deep stream).
 */
int pcb_canonical_rewrite(const uint8_t *in, size_t len, unsigned py_minor,
    uint8_t **out, size_t *outlen);

/* Whether name can be swapped in at all: ASCII, not identifier-like. */
int pcb_canonical_can_rename(const char *name);

/*
 * The compile cache's swap of the stored name (cache.h): every code
 * object's co_filename in the stream in[0..len), which must be the short
 * ASCII string old, becomes name, with the string's FLAG_REF and interned
 * mark kept and its type short or long by name's length, as marshal writes
 * an ASCII str.  References are numbered by order, so they stay valid.  The
 * result is what compiling under name would give, provided both names are
 * treated alike by the compiler: so name must be ASCII and neither may look
 * like an identifier (which code objects intern), no co_filename object
 * may be used elsewhere, and no other string may equal old or name.
 * Returns 0, -ENOMEM, -EINVAL for data it does not understand or a
 * co_filename that is not old, or -EEXIST where the swap could not be
 * exact (then compile under the real name).  *out as for the rewrite.
 */
int pcb_canonical_rename(const uint8_t *in, size_t len, unsigned py_minor,
    const char *old, const char *name, uint8_t **out, size_t *outlen);

#endif /* PCB_CANONICAL_H */
