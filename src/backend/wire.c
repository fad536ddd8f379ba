/*
 * wire.c: building, finding and reading frames (wire.h).  A frame's fields
 * are appended (put_*) and read (get_*) without a check after each: the
 * buffer and the reader keep their first failure (a sticky negative errno,
 * as a FILE keeps its error), and each builder and taker returns it once,
 * at the end, as 0 or a negative errno.
 */
#include <config.h>

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend/wire.h"
#include "os/error.h"

#define WIRE_NULL UINT64_MAX

static void
put_le(uint8_t *p, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t
get_le(const uint8_t *p, int n)
{
	uint64_t v = 0;

	for (int i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

/* Appends n bytes (p NULL: room only, zeroed).  Sets b->err on failure. */
static void
append(struct pcb_wire_buf *b, const void *p, size_t n)
{
	if (b->err != 0)
		return;
	if (b->cap - b->len < n) {
		size_t cap = b->cap ? b->cap : 256;
		uint8_t *d;

		while (cap - b->len < n) {
			if (cap > SIZE_MAX / 2) {
				b->err = -ENOMEM;
				return;
			}
			cap *= 2;
		}
		if ((d = realloc(b->data, cap)) == NULL) {
			b->err = -ENOMEM;
			return;
		}
		b->data = d;
		b->cap = cap;
	}
	if (p != NULL)
		memcpy(b->data + b->len, p, n);
	else
		memset(b->data + b->len, 0, n);
	b->len += n;
}

/* Starts a frame of this type in b (zeroed or finished before). */
static void
begin_frame(struct pcb_wire_buf *b, uint32_t type)
{
	uint8_t head[PCB_WIRE_HEADER] = { 0 };

	b->len = 0;
	b->err = 0;
	put_le(head, type, 4);
	append(b, head, sizeof head);
}

static void
put_u32(struct pcb_wire_buf *b, uint32_t v)
{
	uint8_t p[4];

	put_le(p, v, 4);
	append(b, p, 4);
}

static void
put_i32(struct pcb_wire_buf *b, int32_t v)
{
	put_u32(b, (uint32_t)v);
}

/* The length of a byte string whose extra bytes the caller sends after. */
static void
put_len(struct pcb_wire_buf *b, size_t n)
{
	uint8_t p[8];

	put_le(p, (uint64_t)n, 8);
	append(b, p, 8);
}

/* A byte string; p NULL writes NULL. */
static void
put_bytes(struct pcb_wire_buf *b, const void *p, size_t n)
{
	uint8_t len[8];

	put_le(len, p ? (uint64_t)n : WIRE_NULL, 8);
	append(b, len, 8);
	if (p != NULL)
		append(b, p, n);
}

/* A string without its NUL; NULL writes NULL. */
static void
put_str(struct pcb_wire_buf *b, const char *s)
{
	put_bytes(b, s, s ? strlen(s) : 0);
}

/*
 * Ends the frame; extra bytes will follow the buffer on the wire as the
 * last field's contents.  Returns 0 or the frame's first failure.
 */
static int
end_frame(struct pcb_wire_buf *b, size_t extra)
{
	if (b->err == 0)
		put_le(b->data + 4,
		    (uint64_t)(b->len - PCB_WIRE_HEADER) + extra, 8);
	return b->err;
}

void
pcb_wire_buf_fini(struct pcb_wire_buf *b)
{
	free(b->data);
	memset(b, 0, sizeof *b);
}

int
pcb_wire_frame(const uint8_t *p, size_t avail, uint32_t *type, size_t *total)
{
	uint64_t len;

	if (avail < PCB_WIRE_HEADER)
		return 0;
	len = get_le(p + 4, 8);
	if (len > avail - PCB_WIRE_HEADER)
		return 0;
	*type = (uint32_t)get_le(p, 4);
	*total = PCB_WIRE_HEADER + (size_t)len;
	return 1;
}

/* Reads the fields of one frame's payload.  err sticks at -EPROTO. */
struct reader {
	const uint8_t *p;
	size_t len, pos;
	int err;
};

static void
reader_init(struct reader *r, const uint8_t *payload, size_t len)
{
	r->p = payload;
	r->len = len;
	r->pos = 0;
	r->err = 0;
}

/* The next n bytes, or NULL (and r->err) past the end. */
static const uint8_t *
take(struct reader *r, uint64_t n)
{
	const uint8_t *p;

	if (r->err != 0 || n > r->len - r->pos) {
		r->err = -EPROTO;
		return NULL;
	}
	p = r->p + r->pos;
	r->pos += (size_t)n;
	return p;
}

static uint32_t
get_u32(struct reader *r)
{
	const uint8_t *p = take(r, 4);

	return p ? (uint32_t)get_le(p, 4) : 0;
}

static int32_t
get_i32(struct reader *r)
{
	return (int32_t)get_u32(r);
}

/* A byte string, pointing into the payload; *p NULL for NULL. */
static void
get_bytes(struct reader *r, const uint8_t **p, size_t *n)
{
	const uint8_t *lp = take(r, 8);
	uint64_t len = lp ? get_le(lp, 8) : WIRE_NULL;

	*p = NULL;
	*n = 0;
	if (len == WIRE_NULL)
		return;
	if ((*p = take(r, len)) != NULL)
		*n = (size_t)len;
}

/*
 * A copy of a string field, NUL-terminated (owned), or NULL for NULL and
 * on failure (r->err says which).
 */
static char *
get_str(struct reader *r)
{
	const uint8_t *p;
	size_t n;
	char *s;

	get_bytes(r, &p, &n);
	if (p == NULL)
		return NULL;
	if ((s = malloc(n + 1)) == NULL) {
		r->err = -ENOMEM;
		return NULL;
	}
	memcpy(s, p, n);
	s[n] = '\0';
	return s;
}

/* Reads exactly n bytes.  Returns 0, -EPIPE at end of input, or -errno. */
static int
read_all(int fd, void *buf, size_t n)
{
	uint8_t *p = buf;
	ssize_t r;

	while (n > 0) {
		r = read(fd, p, n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			return -EPIPE;
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

int
pcb_wire_read(int fd, uint32_t *type, uint8_t **payload, size_t *len)
{
	uint8_t head[PCB_WIRE_HEADER];
	uint64_t n;
	int ret;

	*payload = NULL;
	*len = 0;
	if ((ret = read_all(fd, head, sizeof head)) < 0)
		return ret;
	*type = (uint32_t)get_le(head, 4);
	n = get_le(head + 4, 8);
	if (n > SIZE_MAX - 1)
		return -EPROTO;
	if ((*payload = malloc(n ? (size_t)n : 1)) == NULL)
		return -ENOMEM;
	if ((ret = read_all(fd, *payload, (size_t)n)) < 0) {
		free(*payload);
		*payload = NULL;
		return ret == -EPIPE ? -EPROTO : ret;
	}
	*len = (size_t)n;
	return 0;
}

int
pcb_wire_hello(struct pcb_wire_buf *b, int status, const struct pcb_runtime *rt,
    const char *cause)
{
	begin_frame(b, PCB_WIRE_HELLO);
	put_i32(b, status);
	if (status < 0) {
		put_str(b, cause ? cause : "?");
		return end_frame(b, 0);
	}
	put_str(b, rt->version);
	put_str(b, rt->build);
	put_u32(b, rt->py_minor);
	put_u32(b, rt->magic);
	put_str(b, rt->cache_tag);
	put_str(b, rt->pycache_prefix);
	put_i32(b, rt->optimize);
	put_u32(b, (uint32_t)rt->own_gil);
	return end_frame(b, 0);
}

/* Copies a string field into a fixed array; a field that does not fit is
 * an error. */
static void
get_fixed(struct reader *r, char *out, size_t size)
{
	const uint8_t *p;
	size_t n;

	get_bytes(r, &p, &n);
	if (p == NULL || n >= size) {
		r->err = -EPROTO;
		return;
	}
	memcpy(out, p, n);
	out[n] = '\0';
}

int
pcb_wire_take_hello(const uint8_t *payload, size_t len, struct pcb_runtime *rt,
    char **cause)
{
	struct reader r;
	const uint8_t *text;
	size_t n;
	int status;

	memset(rt, 0, sizeof *rt);
	reader_init(&r, payload, len);
	status = get_i32(&r);
	if (r.err == 0 && status < 0) {
		get_bytes(&r, &text, &n);
		if (r.err != 0 || n > INT_MAX)
			return -EPROTO;
		if (text == NULL)
			return status;
		return pcb_error_set(cause, status, "%.*s", (int)n,
		    (const char *)text);
	}
	get_fixed(&r, rt->version, sizeof rt->version);
	get_fixed(&r, rt->build, sizeof rt->build);
	rt->py_minor = get_u32(&r);
	rt->magic = get_u32(&r);
	get_fixed(&r, rt->cache_tag, sizeof rt->cache_tag);
	rt->pycache_prefix = get_str(&r);
	rt->optimize = get_i32(&r);
	rt->own_gil = (int)get_u32(&r);
	if (r.err != 0) {
		free(rt->pycache_prefix);
		rt->pycache_prefix = NULL;
		return r.err;
	}
	return 0;
}

int
pcb_wire_request(struct pcb_wire_buf *b, const struct pcb_compile_req *req)
{
	begin_frame(b, PCB_WIRE_REQUEST);
	put_i32(b, req->optimize);
	put_u32(b, (uint32_t)req->new_file);
	put_str(b, req->filename);
	put_len(b, req->source_len);
	return end_frame(b, req->source_len);
}

int
pcb_wire_take_request(const uint8_t *payload, size_t len,
    struct pcb_compile_req *req, char **filename)
{
	struct reader r;
	const uint8_t *src;

	memset(req, 0, sizeof *req);
	reader_init(&r, payload, len);
	req->optimize = get_i32(&r);
	req->new_file = (int)get_u32(&r);
	*filename = get_str(&r);
	get_bytes(&r, &src, &req->source_len);
	if (r.err == 0 && (*filename == NULL || src == NULL))
		r.err = -EPROTO;
	if (r.err != 0) {
		free(*filename);
		*filename = NULL;
		return r.err;
	}
	req->filename = *filename;
	req->source = (const char *)src;
	return 0;
}

int
pcb_wire_reply(struct pcb_wire_buf *b, int ret,
    const struct pcb_compile_result *res)
{
	begin_frame(b, PCB_WIRE_REPLY);
	put_i32(b, ret);
	put_bytes(b, res->data, res->len);
	put_str(b, res->message);
	put_str(b, res->warnings);
	return end_frame(b, 0);
}

int
pcb_wire_take_reply(const uint8_t *payload, size_t len, int *ret,
    struct pcb_compile_result *res)
{
	struct reader r;
	const uint8_t *data;

	memset(res, 0, sizeof *res);
	reader_init(&r, payload, len);
	*ret = get_i32(&r);
	get_bytes(&r, &data, &res->len);
	if (r.err == 0 && data != NULL) {
		if ((res->data = malloc(res->len ? res->len : 1)) == NULL)
			r.err = -ENOMEM;
		else
			memcpy(res->data, data, res->len);
	}
	res->message = get_str(&r);
	res->warnings = get_str(&r);
	if (r.err == 0 && *ret == 0 && res->data == NULL)
		r.err = -EPROTO;
	if (r.err == 0 && *ret < 0 && res->message == NULL)
		r.err = -EPROTO;
	if (r.err != 0) {
		free(res->data);
		free(res->message);
		free(res->warnings);
		memset(res, 0, sizeof *res);
		return r.err;
	}
	return 0;
}
