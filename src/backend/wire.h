/*
 * wire.h: the frames the processes backend and its worker processes
 * exchange over one socket (proc.c, child.c).
 *
 * A frame is a 4-byte type, an 8-byte payload length, then the payload: a
 * sequence of fields, each a little-endian integer or a length-prefixed byte
 * string (length 2^64-1 for NULL).  Both ends are this program, so a frame
 * that does not parse means a broken worker, never a guess.  Pure C, any
 * thread; a buffer or reader belongs to its caller.
 */
#ifndef PCB_WIRE_H
#define PCB_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include "pcb.h"

#define PCB_WIRE_HEADER 12

/* Frame types. */
#define PCB_WIRE_HELLO 0x6f6c6548u   /* worker -> parent, once: its runtime */
#define PCB_WIRE_REQUEST 0x3f706d63u /* parent -> worker: compile this */
#define PCB_WIRE_REPLY 0x21706d63u   /* worker -> parent: the result */

/*
 * A frame being built, owned by the caller and reused from frame to frame.
 * Its fields are the builders' own: while wire.c appends a frame's fields,
 * err keeps the first failure (-ENOMEM) for the builder to return.
 */
struct pcb_wire_buf {
	uint8_t *data;
	size_t len, cap;
	int err;
};

/* Frees b's memory; accepts a zeroed buffer. */
void pcb_wire_buf_fini(struct pcb_wire_buf *b);

/*
 * Is a whole frame at p[0..avail)?  Returns 1 with *type and *total (header
 * included) set, 0 if more bytes are needed.
 */
int pcb_wire_frame(const uint8_t *p, size_t avail, uint32_t *type,
    size_t *total);

/*
 * The three messages.  Each builder fills b with a whole frame and returns
 * 0 or a negative errno; each taker parses a frame's payload and returns a
 * negative errno for one that does not parse.
 */

/* HELLO: status 0 and the runtime, or a negative errno and the cause. */
int pcb_wire_hello(struct pcb_wire_buf *b, int status,
    const struct pcb_runtime *rt, const char *cause);
/*
 * Returns the status: 0 with rt filled, or the worker's negative errno with
 * its *cause (owned by the caller); or -EPROTO for a frame that does not
 * parse, -ENOMEM for one that could not be read.
 */
int pcb_wire_take_hello(const uint8_t *payload, size_t len,
    struct pcb_runtime *rt, char **cause);

/* REQUEST: everything but the source, whose bytes the caller sends after. */
int pcb_wire_request(struct pcb_wire_buf *b, const struct pcb_compile_req *req);
/*
 * Fills req, pointing into the payload (req->path is NULL).  Returns 0 or
 * -EPROTO; *filename is an owned copy that req->filename points to.
 */
int pcb_wire_take_request(const uint8_t *payload, size_t len,
    struct pcb_compile_req *req, char **filename);

/* REPLY: what pcb_compiler_compile returned, and the result. */
int pcb_wire_reply(struct pcb_wire_buf *b, int ret,
    const struct pcb_compile_result *res);
/* Fills res (owned copies); returns *ret's value through ret.  0 or -errno. */
int pcb_wire_take_reply(const uint8_t *payload, size_t len, int *ret,
    struct pcb_compile_result *res);

/*
 * Blocking I/O for the worker's side (it writes with write.c's
 * pcb_write_all).  Reads one frame from fd into *payload (owned by the
 * caller); returns 0, -EPIPE at a clean end of input, or a negative errno.
 */
int pcb_wire_read(int fd, uint32_t *type, uint8_t **payload, size_t *len);

#endif
