/*
 * cache.c: the content-addressed compile cache (cache.h).
 *
 * Layout: DIR/CACHEDIR.TAG, and DIR/v2/XX/REST for the entry whose key is
 * the hex XXREST.  An entry is a 64-byte head (ENTRY_MAGIC, the format
 * version, a reserved word, the payload's length, and the SHA-256 of the
 * key and payload) followed by the payload: marshal data.  A write is
 * write.c's temp file and rename, so a reader sees a whole entry or none;
 * a reader that loses a race with eviction sees none.  The mtime of an
 * entry is its last use, for eviction (evict.c), to within USED_WITHIN_S.  Every
 * descriptor it opens, eviction's directories too, goes through os/fds.c,
 * so that a shortage of them is waited out as for sources (fds.h).
 *
 * SHA-256 rather than BLAKE2b: OpenSSL runs it on the CPU's SHA
 * instructions (x86 SHA-NI, ARMv8 SHA2), 2.5 times BLAKE2b's speed here,
 * and a warm run hashes every source and every entry.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "os/error.h"
#include "os/fds.h"
#include "os/write.h"
#include "pcb.h"
#include "pyc/cache.h"
#include "pyc/evict.h"

#define ENTRY_MAGIC "pycompile-batch\n"
#define ENTRY_VERSION 2
#define HEAD_SIZE 64
/* An entry larger than this is not one of ours. */
#define MAX_ENTRY (1ULL << 31)
/*
 * A hit on an entry used less than this long ago leaves its mtime as it
 * is: eviction's order is kept to within a minute, and a warm run does not
 * write an inode per file.
 */
#define USED_WITHIN_S 60

struct pcb_cache {
	char *top;   /* DIR */
	char *dir;   /* DIR/v2 */
	char *build; /* the Python, exactly */
	EVP_MD *sha256;
	int read_only;
	uint64_t max_size;
	unsigned stored;       /* atomic */
	unsigned put_failures; /* atomic */
	int first_errno;       /* atomic: of the first failed store */
};

/* Frees c and what it owns; accepts NULL. */
static void
cache_free(struct pcb_cache *c)
{
	if (c == NULL)
		return;
	EVP_MD_free(c->sha256);
	free(c->top);
	free(c->dir);
	free(c->build);
	free(c);
}

int
pcb_cache_open(const char *dir, int read_only, uint64_t max_size,
    struct pcb_cache **out, char **cause)
{
	struct pcb_cache *c;
	int ret;

	*out = NULL;
	if ((c = calloc(1, sizeof *c)) == NULL)
		return pcb_error_set(cause, -ENOMEM, "out of memory");
	c->read_only = read_only;
	c->max_size = max_size;
	if ((c->top = strdup(dir)) == NULL ||
	    asprintf(&c->dir, "%s/v%d", dir, ENTRY_VERSION) < 0) {
		c->dir = NULL;
		ret = pcb_error_set(cause, -ENOMEM, "out of memory");
		goto err_after_alloc;
	}
	/* Fetched once: an implicit fetch on every digest takes locks. */
	if ((c->sha256 = EVP_MD_fetch(NULL, "SHA256", NULL)) == NULL) {
		ret = pcb_error_set(cause, -ENOSYS,
		    "--cache needs SHA-256, which OpenSSL does not give");
		goto err_after_alloc;
	}
	*out = c;
	return 0;

err_after_alloc:
	cache_free(c);
	return ret;
}

int
pcb_cache_set_build(struct pcb_cache *c, const char *build)
{
	char *b = strdup(build);

	if (b == NULL)
		return -ENOMEM;
	free(c->build);
	c->build = b;
	return 0;
}

/* SHA-256 of the parts.  Returns 0 or -ENOMEM. */
static int
digest(const struct pcb_cache *c, const void *const *parts, const size_t *lens,
    size_t n, uint8_t out[PCB_CACHE_KEY_SIZE])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned mdlen = 0;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int ok;

	if (ctx == NULL)
		return -ENOMEM;
	ok = EVP_DigestInit_ex(ctx, c->sha256, NULL);
	for (size_t i = 0; ok && i < n; i++)
		ok = EVP_DigestUpdate(ctx, parts[i], lens[i]);
	ok = ok && EVP_DigestFinal_ex(ctx, md, &mdlen) &&
	    mdlen >= PCB_CACHE_KEY_SIZE;
	EVP_MD_CTX_free(ctx);
	if (!ok)
		return -ENOMEM;
	memcpy(out, md, PCB_CACHE_KEY_SIZE);
	return 0;
}

int
pcb_cache_key(const struct pcb_cache *c, const char *source, size_t len,
    int optimize, uint8_t key[PCB_CACHE_KEY_SIZE])
{
	static const char domain[] = "pycompile-batch cache key 2";
	char level[16];
	const void *parts[] = { domain, c->build, level, source };
	size_t lens[] = { sizeof domain, 0, 0, len };

	if (c->build == NULL)
		return -EINVAL;
	lens[1] = strlen(c->build) + 1;
	lens[2] = (size_t)snprintf(level, sizeof level, "%d", optimize) + 1;
	return digest(c, parts, lens, 4, key);
}

static int
checksum(const struct pcb_cache *c, const uint8_t key[PCB_CACHE_KEY_SIZE],
    const uint8_t *data, size_t len, uint8_t out[PCB_CACHE_KEY_SIZE])
{
	static const char domain[] = "pycompile-batch cache entry 2";
	const void *parts[] = { domain, key, data };
	size_t lens[] = { sizeof domain, PCB_CACHE_KEY_SIZE, len };

	return digest(c, parts, lens, 3, out);
}

char *
pcb_cache_entry_path(const struct pcb_cache *c,
    const uint8_t key[PCB_CACHE_KEY_SIZE])
{
	char hex[2 * PCB_CACHE_KEY_SIZE + 1], *path;

	for (size_t i = 0; i < PCB_CACHE_KEY_SIZE; i++)
		snprintf(hex + 2 * i, 3, "%02x", key[i]);
	if (asprintf(&path, "%s/%.2s/%s", c->dir, hex, hex + 2) < 0)
		return NULL;
	return path;
}

int
pcb_cache_drop(struct pcb_cache *c, const uint8_t key[PCB_CACHE_KEY_SIZE])
{
	char *path;
	int ret = 0;

	if (c->read_only)
		return 0;
	if ((path = pcb_cache_entry_path(c, key)) == NULL)
		return -ENOMEM;
	if (unlink(path) < 0 && errno != ENOENT)
		ret = -errno;
	free(path);
	return ret;
}

static uint64_t
get_u64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static void
put_u64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/*
 * Reads the whole file open on fd into *buf (owned by the caller, also on
 * failure); *st is its status.  Returns its size, -EBADMSG with *bad
 * saying why it cannot be an entry, or another negative errno.
 */
static ssize_t
read_entry(int fd, uint8_t **buf, struct stat *st, const char **bad)
{
	size_t got = 0;

	*buf = NULL;
	if (fstat(fd, st) < 0)
		return -errno;
	if (!S_ISREG(st->st_mode)) {
		*bad = "not a regular file";
		return -EBADMSG;
	}
	if ((uint64_t)st->st_size > MAX_ENTRY) {
		*bad = "too large";
		return -EBADMSG;
	}
	if ((*buf = malloc((size_t)st->st_size + 1)) == NULL)
		return -ENOMEM;
	while (got < (size_t)st->st_size) {
		ssize_t n = read(fd, *buf + got, (size_t)st->st_size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0) {
			/* Truncated in place since the fstat: not by us. */
			*bad = "shorter than its size";
			return -EBADMSG;
		}
		got += (size_t)n;
	}
	return (ssize_t)got;
}

/* Why the entry buf[0..size) is not a good one, or NULL. */
static const char *
check_entry(const struct pcb_cache *c, const uint8_t key[PCB_CACHE_KEY_SIZE],
    const uint8_t *buf, size_t size)
{
	uint8_t sum[PCB_CACHE_KEY_SIZE];

	if (size < HEAD_SIZE || memcmp(buf, ENTRY_MAGIC, 16) != 0)
		return "not a cache entry";
	if (buf[16] != ENTRY_VERSION || buf[17] || buf[18] || buf[19])
		return "an unknown entry format";
	if (get_u64(buf + 24) != size - HEAD_SIZE)
		return "truncated or too long";
	if (checksum(c, key, buf + HEAD_SIZE, size - HEAD_SIZE, sum) < 0)
		return "out of memory while checking it";
	if (memcmp(sum, buf + 32, PCB_CACHE_KEY_SIZE) != 0)
		return "checksum mismatch";
	return NULL;
}

int
pcb_cache_get(struct pcb_cache *c, const uint8_t key[PCB_CACHE_KEY_SIZE],
    uint8_t **data, size_t *len, char **cause)
{
	char *path = pcb_cache_entry_path(c, key);
	const char *bad = NULL;
	uint8_t *buf = NULL;
	struct stat st;
	ssize_t size;
	int fd, ret;

	*data = NULL;
	*len = 0;
	if (path == NULL)
		return pcb_error_set(cause, -ENOMEM, "out of memory");
	/* O_NONBLOCK: a FIFO in an entry's place must not hang the run. */
	fd = pcb_fds_openat(AT_FDCWD, path,
	    O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0);
	if (fd == -ENOENT || fd == -ENOTDIR) {
		ret = 0;
		goto out;
	}
	if (fd == -ELOOP) {
		ret = pcb_error_set(cause, -EBADMSG, "a symbolic link");
		goto out;
	}
	if (fd < 0) {
		ret = pcb_error_set(cause, fd, "cannot open %s: %s", path,
		    strerror(-fd));
		goto out;
	}
	size = read_entry(fd, &buf, &st, &bad);
	if (size >= 0 && (bad = check_entry(c, key, buf, (size_t)size)) != NULL)
		size = -EBADMSG;
	if (size == -EBADMSG) {
		ret = pcb_error_set(cause, -EBADMSG, "%s", bad);
		goto out_after_open;
	}
	if (size < 0) {
		ret = pcb_error_set(cause, (int)size, "cannot read %s: %s",
		    path, strerror((int)-size));
		goto out_after_open;
	}
	/* Last use, for eviction; a failure only makes it look older. */
	if (!c->read_only && time(NULL) - st.st_mtime >= USED_WITHIN_S)
		(void)futimens(fd, NULL);
	*len = (size_t)size - HEAD_SIZE;
	memmove(buf, buf + HEAD_SIZE, *len);
	*data = buf;
	buf = NULL;
	ret = 1;

out_after_open:
	pcb_fds_close(fd);
out:
	free(buf);
	free(path);
	return ret;
}

int
pcb_cache_has(const struct pcb_cache *c, const uint8_t key[PCB_CACHE_KEY_SIZE])
{
	char *path = pcb_cache_entry_path(c, key);
	struct stat st;
	int has;

	if (path == NULL)
		return 0;
	has = lstat(path, &st) == 0 && S_ISREG(st.st_mode);
	free(path);
	return has;
}

static void
put_failed(struct pcb_cache *c, int errnum)
{
	int none = 0;

	__atomic_add_fetch(&c->put_failures, 1, __ATOMIC_RELAXED);
	__atomic_compare_exchange_n(&c->first_errno, &none, errnum, 0,
	    __ATOMIC_RELAXED, __ATOMIC_RELAXED);
}

int
pcb_cache_put(struct pcb_cache *c, const uint8_t key[PCB_CACHE_KEY_SIZE],
    const uint8_t *data, size_t len)
{
	uint8_t head[HEAD_SIZE] = { 0 };
	char *path;
	int ret;

	if (c->read_only)
		return 0;
	if ((path = pcb_cache_entry_path(c, key)) == NULL ||
	    checksum(c, key, data, len, head + 32) < 0) {
		ret = -ENOMEM;
		goto out;
	}
	memcpy(head, ENTRY_MAGIC, 16);
	head[16] = ENTRY_VERSION;
	put_u64(head + 24, len);
	/* The errno is all pcb_cache_close says: no paths or text wanted. */
	ret = pcb_write_pyc(path, head, sizeof head, data, len, 0, NULL, NULL,
	    NULL);
out:
	if (ret < 0)
		put_failed(c, -ret);
	else
		__atomic_add_fetch(&c->stored, 1, __ATOMIC_RELAXED);
	free(path);
	return ret;
}

/*
 * The runtime record: the entry under the key of the identity, holding the
 * runtime's fields as NUL-terminated text, in this order.
 */
#define RUNTIME_FORMAT "pycompile-batch runtime 1"

static int
runtime_key(const struct pcb_cache *c, const char *identity,
    uint8_t key[PCB_CACHE_KEY_SIZE])
{
	static const char domain[] = "pycompile-batch runtime key 1";
	const void *parts[] = { domain, PACKAGE_VERSION, identity };
	size_t lens[] = { sizeof domain, sizeof PACKAGE_VERSION,
		strlen(identity) + 1 };

	return digest(c, parts, lens, 3, key);
}

/* The next NUL-terminated field of [*p, end), or NULL. */
static const char *
next_field(const char **p, const char *end)
{
	const char *f = *p, *nul = memchr(f, '\0', (size_t)(end - f));

	if (f >= end || nul == NULL)
		return NULL;
	*p = nul + 1;
	return f;
}

/* Parses a record into rt (zeroed first).  Returns 0 or -EBADMSG. */
static int
parse_runtime(const char *p, size_t len, struct pcb_runtime *rt)
{
	const char *end = p + len, *f[10];
	char *e1, *e2, *e3, *e4;
	unsigned long magic, minor;
	long opt, gil;

	memset(rt, 0, sizeof *rt);
	for (size_t i = 0; i < 10; i++)
		if ((f[i] = next_field(&p, end)) == NULL)
			return -EBADMSG;
	magic = strtoul(f[3], &e1, 10);
	opt = strtol(f[7], &e2, 10);
	minor = strtoul(f[8], &e3, 10);
	gil = strtol(f[9], &e4, 10);
	if (p != end || strcmp(f[0], RUNTIME_FORMAT) != 0 || *e1 || *e2 ||
	    *e3 || *e4 || magic > UINT32_MAX ||
	    (f[5][0] != 'p' && f[5][0] != '-') ||
	    strlen(f[1]) >= sizeof rt->version ||
	    strlen(f[2]) >= sizeof rt->build ||
	    strlen(f[4]) >= sizeof rt->cache_tag)
		return -EBADMSG;
	strcpy(rt->version, f[1]);
	strcpy(rt->build, f[2]);
	rt->magic = (uint32_t)magic;
	strcpy(rt->cache_tag, f[4]);
	if (f[5][0] == 'p' && (rt->pycache_prefix = strdup(f[6])) == NULL)
		return -ENOMEM;
	rt->optimize = (int)opt;
	rt->py_minor = (unsigned)minor;
	rt->own_gil = (int)gil;
	return 0;
}

int
pcb_cache_runtime_get(struct pcb_cache *c, const char *identity,
    struct pcb_runtime *rt)
{
	uint8_t key[PCB_CACHE_KEY_SIZE], *data;
	size_t len;
	int ret;

	memset(rt, 0, sizeof *rt);
	if (runtime_key(c, identity, key) < 0)
		return 0;
	/* A bad record is only not one: the run starts Python and replaces it. */
	if (pcb_cache_get(c, key, &data, &len, NULL) != 1)
		return 0;
	ret = parse_runtime((const char *)data, len, rt);
	free(data);
	if (ret < 0) {
		free(rt->pycache_prefix);
		memset(rt, 0, sizeof *rt);
		return 0;
	}
	return 1;
}

int
pcb_cache_runtime_put(struct pcb_cache *c, const char *identity,
    const struct pcb_runtime *rt)
{
	uint8_t key[PCB_CACHE_KEY_SIZE];
	char *text;
	int n, ret;

	if (c->read_only)
		return 0;
	if (runtime_key(c, identity, key) < 0) {
		put_failed(c, ENOMEM);
		return -ENOMEM;
	}
	n = asprintf(&text, "%s%c%s%c%s%c%u%c%s%c%c%c%s%c%d%c%u%c%d%c",
	    RUNTIME_FORMAT, 0, rt->version, 0, rt->build, 0, rt->magic, 0,
	    rt->cache_tag, 0, rt->pycache_prefix ? 'p' : '-', 0,
	    rt->pycache_prefix ? rt->pycache_prefix : "", 0, rt->optimize, 0,
	    rt->py_minor, 0, rt->own_gil, 0);
	if (n < 0) {
		put_failed(c, ENOMEM);
		return -ENOMEM;
	}
	ret = pcb_cache_put(c, key, (const uint8_t *)text, (size_t)n);
	free(text);
	return ret;
}

/* DIR/CACHEDIR.TAG, which backup tools know to skip. */
static void
tag_dir(const struct pcb_cache *c)
{
	static const char tag[] =
	    "Signature: 8a477f597d28d172789f06886806bc55\n"
	    "# This file is a cache directory tag created by pycompile-batch.\n"
	    "# For information about cache directory tags, see:\n"
	    "#\thttps://bford.info/cachedir/\n";
	struct stat st;
	char *path;

	if (asprintf(&path, "%s/CACHEDIR.TAG", c->top) < 0)
		return;
	if (stat(path, &st) < 0)
		(void)pcb_write_pyc(path, tag, sizeof tag - 1, "", 0, 0, NULL,
		    NULL, NULL);
	free(path);
}

int
pcb_cache_close(struct pcb_cache *c, char **cause)
{
	int ret = 0, errnum;

	if (c == NULL)
		return 0;
	if (c->stored > 0)
		tag_dir(c);
	if (c->max_size > 0 && !c->read_only)
		pcb_evict_run(c->top, ENTRY_VERSION, c->max_size);
	if (c->put_failures > 0) {
		errnum = c->first_errno > 0 ? c->first_errno : EIO;
		ret = pcb_error_set(cause, -errnum,
		    "%u cache entries could not be stored in %s: %s",
		    c->put_failures, c->top, strerror(errnum));
	}
	cache_free(c);
	return ret;
}
