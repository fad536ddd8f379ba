/*
 * pyc.c: cache paths and headers, re-derived in C from importlib's rules so
 * that worker threads never need the interpreter for them.  The quirks are
 * importlib's own and are kept on purpose: the name is cut at the last dot
 * ("noext" gives "noextcpython-313.pyc"), a path of the form "/x.py" splits
 * into an empty head, and no component is normalised.
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pyc/pyc.h"

/* A growing string; failures are sticky and reported once at the end. */
struct strbuf {
	char *s;
	size_t len, cap;
	int parts; /* parts joined so far, for sb_join */
	int failed;
};

static void
sb_add(struct strbuf *b, const char *s, size_t n)
{
	if (b->failed)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 64;
		char *p;

		while (cap < b->len + n + 1)
			cap *= 2;
		if ((p = realloc(b->s, cap)) == NULL) {
			b->failed = 1;
			return;
		}
		b->s = p;
		b->cap = cap;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

/*
 * importlib's _path_join: '/'.join(p.rstrip('/') for p in parts if p).  The
 * test is on the part before stripping, so "/" joins as an empty string.
 */
static void
sb_join(struct strbuf *b, const char *part, size_t n)
{
	if (n == 0)
		return;
	while (n > 0 && part[n - 1] == '/')
		n--;
	if (b->parts++ > 0)
		sb_add(b, "/", 1);
	sb_add(b, part, n);
	if (b->s == NULL)
		sb_add(b, "", 0);
}

int
pcb_pyc_cache_path(const struct pcb_pyc_tags *tags, const char *path,
    int optimize, char **out)
{
	struct strbuf name = { 0 }, full = { 0 };
	const char *slash = strrchr(path, '/');
	const char *tail = slash ? slash + 1 : path;
	size_t headlen = slash ? (size_t)(slash - path) : 0;
	const char *dot = strrchr(tail, '.');
	int level = optimize >= 0 ? optimize : tags->interp_optimize;
	int ret = 0;

	if (tags->legacy)
		return asprintf(out, "%sc", path) < 0 ? -ENOMEM : 0;

	/* tail.rpartition('.'): base if there is one, else what follows. */
	if (dot != NULL && dot != tail)
		sb_add(&name, tail, (size_t)(dot - tail));
	else if (dot != NULL)
		sb_add(&name, dot + 1, strlen(dot + 1));
	else
		sb_add(&name, tail, strlen(tail));
	if (dot != NULL)
		sb_add(&name, ".", 1);
	sb_add(&name, tags->cache_tag, strlen(tags->cache_tag));
	if (level != 0) {
		char opt[32];
		int n = snprintf(opt, sizeof opt, ".opt-%d", level);

		sb_add(&name, opt, (size_t)n);
	}
	sb_add(&name, ".pyc", 4);

	if (tags->prefix != NULL) {
		/* prefix + abspath(head) made root-relative + name */
		struct strbuf head = { 0 };
		size_t i = 0;

		if (headlen == 0 || path[0] != '/') {
			if (tags->cwd == NULL) {
				free(name.s);
				free(full.s);
				return tags->cwd_errnum ? tags->cwd_errnum :
							  -ENOENT;
			}
			sb_join(&head, tags->cwd, strlen(tags->cwd));
		}
		sb_join(&head, path, headlen);
		sb_join(&full, tags->prefix, strlen(tags->prefix));
		while (head.s != NULL && head.s[i] == '/')
			i++;
		if (head.s != NULL)
			sb_join(&full, head.s + i, head.len - i);
		if (head.failed)
			full.failed = 1;
		free(head.s);
	} else {
		sb_join(&full, path, headlen);
		sb_join(&full, "__pycache__", 11);
	}
	if (name.s != NULL)
		sb_join(&full, name.s, name.len);

	if (name.failed || full.failed || full.s == NULL) {
		free(full.s);
		ret = -ENOMEM;
	} else
		*out = full.s;
	free(name.s);
	return ret;
}

uint32_t
pcb_pyc_mtime(int64_t sec, long nsec)
{
	/* CPython's st_mtime is the double sec + nsec * 1e-9; int() truncates. */
	double d = (double)sec + (double)nsec * 1e-9;
	int64_t t;

	if (d >= 9.2e18)
		t = INT64_MAX;
	else if (d <= -9.2e18)
		t = INT64_MIN;
	else
		t = (int64_t)d;
	return (uint32_t)((uint64_t)t & 0xFFFFFFFFu);
}

static void
put_le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

void
pcb_pyc_header(uint8_t out[PCB_PYC_HEADER_SIZE], uint32_t magic,
    enum pcb_mode mode, uint32_t mtime, uint32_t size, const uint8_t hash[8])
{
	put_le32(out, magic);
	put_le32(out + 4, (uint32_t)mode);
	if (mode == PCB_MODE_TIMESTAMP) {
		put_le32(out + 8, mtime);
		put_le32(out + 12, size);
	} else
		memcpy(out + 8, hash, 8);
}
