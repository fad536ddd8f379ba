/*
 * check_cache.c: the --cache store (cache.c): layout, round trips, every
 * kind of bad entry, read-only use, eviction and the runtime record.
 * Each test runs in a directory of its own; the cache is "c" in it.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "check_units.h"
#include "pcb.h"
#include "pyc/cache.h"

static char dir[64];

static void
setup(void)
{
	snprintf(dir, sizeof dir, "/tmp/pcb-check-XXXXXX");
	ck_assert(mkdtemp(dir) != NULL);
	ck_assert_int_eq(chdir(dir), 0);
}

static void
teardown(void)
{
	char cmd[256];

	ck_assert_int_eq(chdir("/"), 0);
	snprintf(cmd, sizeof cmd, "chmod -R u+w %s; rm -rf %s", dir, dir);
	ck_assert_int_eq(system(cmd), 0);
}

/* Opens the cache at path for a test build of Python. */
static struct pcb_cache *
open_cache(const char *path, int read_only, uint64_t max_size)
{
	struct pcb_cache *c = NULL;
	char *cause = NULL;

	ck_assert_int_eq(pcb_cache_open(path, read_only, max_size, &c, &cause),
	    0);
	ck_assert_ptr_nonnull(c);
	ck_assert_ptr_null(cause);
	ck_assert_int_eq(pcb_cache_set_build(c, "3.13.0 (test build)"), 0);
	return c;
}

/* Closes a cache whose stores all went well. */
static void
close_cache(struct pcb_cache *c)
{
	char *cause = NULL;

	ck_assert_int_eq(pcb_cache_close(c, &cause), 0);
	ck_assert_ptr_null(cause);
}

static void
key_of(struct pcb_cache *c, const char *source, int optimize, uint8_t *key)
{
	ck_assert_int_eq(pcb_cache_key(c, source, strlen(source), optimize,
			     key),
	    0);
}

/* Stores payload under the key of source (level 0). */
static void
put(struct pcb_cache *c, const char *source, const char *payload, uint8_t *key)
{
	key_of(c, source, 0, key);
	ck_assert_int_eq(pcb_cache_put(c, key, (const uint8_t *)payload,
			     strlen(payload)),
	    0);
}

/* Whether path names something, not following a link. */
static int
exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

static time_t
mtime_of(const char *path)
{
	struct stat st;

	ck_assert_int_eq(lstat(path, &st), 0);
	return st.st_mtime;
}

/* Sets path's mtime (and atime) to t. */
static void
set_mtime(const char *path, time_t t)
{
	struct timespec ts[2] = { { t, 0 }, { t, 0 } };

	ck_assert_int_eq(utimensat(AT_FDCWD, path, ts, AT_SYMLINK_NOFOLLOW), 0);
}

/* Looks key up, expecting a hit on payload. */
static void
assert_hit(struct pcb_cache *c, const uint8_t *key, const char *payload)
{
	uint8_t *data = NULL;
	char *cause = NULL;
	size_t len = 99;

	ck_assert_int_eq(pcb_cache_get(c, key, &data, &len, &cause), 1);
	ck_assert_ptr_null(cause);
	ck_assert_ptr_nonnull(data);
	ck_assert_uint_eq(len, strlen(payload));
	ck_assert_mem_eq(data, payload, len);
	free(data);
}

/* Looks key up, expecting a miss. */
static void
assert_miss(struct pcb_cache *c, const uint8_t *key)
{
	uint8_t *data = (uint8_t *)"x";
	char *cause = NULL;
	size_t len = 99;

	ck_assert_int_eq(pcb_cache_get(c, key, &data, &len, &cause), 0);
	ck_assert_ptr_null(data);
	ck_assert_uint_eq(len, 0);
	ck_assert_ptr_null(cause);
}

/* Looks key up, expecting a bad entry for the reason why. */
static void
assert_bad(struct pcb_cache *c, const uint8_t *key, const char *why)
{
	uint8_t *data = (uint8_t *)"x";
	char *cause = NULL;
	size_t len = 99;

	ck_assert_int_eq(pcb_cache_get(c, key, &data, &len, &cause), -EBADMSG);
	ck_assert_ptr_null(data);
	ck_assert_uint_eq(len, 0);
	ck_assert_pstr_eq(cause, why);
	free(cause);
}

/* Opening makes nothing; the first store makes v2/XX/REST and the tag. */
START_TEST(test_layout)
{
	struct pcb_cache *c = open_cache("c", 0, 0);
	uint8_t key[PCB_CACHE_KEY_SIZE];
	char want[128], *path;
	FILE *f;

	ck_assert(!exists("c"));
	key_of(c, "x = 1\n", 0, key);
	path = pcb_cache_entry_path(c, key);
	snprintf(want, sizeof want, "c/v2/%02x/", key[0]);
	for (size_t i = 1; i < PCB_CACHE_KEY_SIZE; i++)
		snprintf(want + strlen(want), 3, "%02x", key[i]);
	ck_assert_str_eq(path, want);
	ck_assert_int_eq(pcb_cache_put(c, key, (const uint8_t *)"code", 4), 0);
	ck_assert(exists(path));
	ck_assert_int_eq(pcb_cache_has(c, key), 1);
	close_cache(c);
	f = fopen("c/CACHEDIR.TAG", "r");
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(fgets(want, sizeof want, f));
	fclose(f);
	ck_assert_str_eq(want, "Signature: 8a477f597d28d172789f06886806bc55\n");
	free(path);

	/* A run that stored nothing leaves no tag. */
	c = open_cache("d", 0, 0);
	close_cache(c);
	ck_assert(!exists("d"));
}
END_TEST

/* put then get gives the payload back, whatever its bytes. */
START_TEST(test_round_trip)
{
	static const uint8_t bin[] = { 0xe3, 0, 0, 0, 0xff, '\n', 0 };
	struct pcb_cache *c = open_cache("c", 0, 0);
	uint8_t key[PCB_CACHE_KEY_SIZE], *data = NULL;
	struct stat st;
	char *cause = NULL, *path;
	size_t len;

	put(c, "x = 1\n", "marshal data", key);
	assert_hit(c, key, "marshal data");
	path = pcb_cache_entry_path(c, key);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_size, 64 + 12);
	free(path);

	/* Not code at all: the store does not look inside (pipeline.c does). */
	key_of(c, "y = 2\n", 0, key);
	ck_assert_int_eq(pcb_cache_put(c, key, bin, sizeof bin), 0);
	ck_assert_int_eq(pcb_cache_get(c, key, &data, &len, &cause), 1);
	ck_assert_uint_eq(len, sizeof bin);
	ck_assert_mem_eq(data, bin, sizeof bin);
	free(data);

	/* Empty, and replaced. */
	put(c, "z = 3\n", "", key);
	assert_hit(c, key, "");
	put(c, "z = 3\n", "second", key);
	assert_hit(c, key, "second");
	close_cache(c);
}
END_TEST

/* Another source, level or Python is another key: a miss. */
START_TEST(test_other_key_misses)
{
	struct pcb_cache *c = open_cache("c", 0, 0), *c2;
	uint8_t key[PCB_CACHE_KEY_SIZE], other[PCB_CACHE_KEY_SIZE];

	put(c, "x = 1\n", "code", key);
	key_of(c, "x = 2\n", 0, other);
	ck_assert_mem_ne(key, other, sizeof key);
	assert_miss(c, other);
	ck_assert_int_eq(pcb_cache_has(c, other), 0);
	key_of(c, "x = 1\n", 1, other);
	ck_assert_mem_ne(key, other, sizeof key);
	assert_miss(c, other);

	c2 = open_cache("c", 0, 0);
	ck_assert_int_eq(pcb_cache_set_build(c2, "3.13.1 (test build)"), 0);
	key_of(c2, "x = 1\n", 0, other);
	ck_assert_mem_ne(key, other, sizeof key);
	assert_miss(c2, other);
	close_cache(c2);

	/* The same inputs, the same key, in any cache object. */
	c2 = open_cache("c", 0, 0);
	key_of(c2, "x = 1\n", 0, other);
	ck_assert_mem_eq(key, other, sizeof key);
	assert_hit(c2, other, "code");
	close_cache(c2);
	close_cache(c);
}
END_TEST

/* No key before the build is known. */
START_TEST(test_key_needs_build)
{
	struct pcb_cache *c = NULL;
	uint8_t key[PCB_CACHE_KEY_SIZE];
	char *cause = NULL;

	ck_assert_int_eq(pcb_cache_open("c", 0, 0, &c, &cause), 0);
	ck_assert_int_eq(pcb_cache_key(c, "x", 1, 0, key), -EINVAL);
	ck_assert_int_eq(pcb_cache_close(c, &cause), 0);
	ck_assert_int_eq(pcb_cache_close(NULL, &cause), 0);
	ck_assert_ptr_null(cause);
}
END_TEST

/* Writes len bytes of buf over path's, from offset. */
static void
poke(const char *path, off_t offset, const void *buf, size_t len)
{
	int fd = open(path, O_WRONLY);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(pwrite(fd, buf, len, offset), (ssize_t)len);
	close(fd);
}

/* A corrupted entry is bad, not returned, and replaced by the next put. */
START_TEST(test_bad_entries)
{
	static const struct {
		off_t offset; /* -1: truncate to len instead */
		size_t len;
		const char *bytes, *why;
	} cases[] = {
		{ 0, 1, "P", "not a cache entry" },
		{ -1, 10, NULL, "not a cache entry" },
		{ 16, 1, "\3", "an unknown entry format" },
		{ 18, 1, "\1", "an unknown entry format" },
		{ -1, 64 + 3, NULL, "truncated or too long" },
		{ 24, 1, "\2", "truncated or too long" },
		{ 64, 1, "C", "checksum mismatch" },
		{ 40, 1, "\0", "checksum mismatch" },
	};
	struct pcb_cache *c = open_cache("c", 0, 0);
	uint8_t key[PCB_CACHE_KEY_SIZE];
	char *path;

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		put(c, "x = 1\n", "code", key);
		path = pcb_cache_entry_path(c, key);
		if (cases[i].offset < 0)
			ck_assert_int_eq(truncate(path, (off_t)cases[i].len),
			    0);
		else
			poke(path, cases[i].offset, cases[i].bytes,
			    cases[i].len);
		assert_bad(c, key, cases[i].why);
		/* Unchecked: it is there. */
		ck_assert_int_eq(pcb_cache_has(c, key), 1);
		free(path);
	}
	put(c, "x = 1\n", "code", key);
	assert_hit(c, key, "code");
	close_cache(c);
}
END_TEST

/* A good entry under another key's name fails its checksum. */
START_TEST(test_entry_under_other_key)
{
	struct pcb_cache *c = open_cache("c", 0, 0);
	uint8_t a[PCB_CACHE_KEY_SIZE], b[PCB_CACHE_KEY_SIZE];
	char *pa, *pb;

	put(c, "a = 1\n", "code of a", a);
	put(c, "b = 1\n", "code of b", b);
	pa = pcb_cache_entry_path(c, a);
	pb = pcb_cache_entry_path(c, b);
	ck_assert_int_eq(rename(pa, pb), 0);
	assert_bad(c, b, "checksum mismatch");
	assert_miss(c, a);
	free(pa);
	free(pb);
	close_cache(c);
}
END_TEST

/*
 * Something else in an entry's place: a link (not followed), a FIFO (not
 * waited on), a directory; a file where the XX directory goes is a miss.
 */
START_TEST(test_not_a_file)
{
	struct pcb_cache *c = open_cache("c", 0, 0);
	uint8_t key[PCB_CACHE_KEY_SIZE];
	char *path, *sub;

	put(c, "x = 1\n", "code", key);
	path = pcb_cache_entry_path(c, key);
	ck_assert_int_eq(rename(path, "elsewhere"), 0);
	ck_assert_int_eq(symlink("../../../elsewhere", path), 0);
	assert_bad(c, key, "a symbolic link");
	ck_assert_int_eq(pcb_cache_has(c, key), 0);

	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(mkfifo(path, 0666), 0);
	assert_bad(c, key, "not a regular file");
	ck_assert_int_eq(pcb_cache_has(c, key), 0);
	/* A put replaces it. */
	put(c, "x = 1\n", "code", key);
	assert_hit(c, key, "code");

	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(mkdir(path, 0777), 0);
	assert_bad(c, key, "not a regular file");
	ck_assert_int_eq(pcb_cache_has(c, key), 0);
	/* Not over a directory: a failure, counted. */
	ck_assert_int_lt(pcb_cache_put(c, key, (const uint8_t *)"code", 4), 0);
	ck_assert_int_eq(rmdir(path), 0);

	sub = strdup(path);
	*strrchr(sub, '/') = '\0';
	ck_assert_int_eq(rename(sub, "oldsub"), 0);
	fclose(fopen(sub, "w"));
	assert_miss(c, key);
	ck_assert_int_eq(pcb_cache_has(c, key), 0);
	free(sub);
	free(path);
	ck_assert_int_eq(pcb_cache_close(c, NULL), -EISDIR);
}
END_TEST

/* An entry too large to be one is refused unread (a sparse file). */
START_TEST(test_too_large)
{
	struct pcb_cache *c = open_cache("c", 0, 0);
	uint8_t key[PCB_CACHE_KEY_SIZE];
	char *path;

	put(c, "x = 1\n", "code", key);
	path = pcb_cache_entry_path(c, key);
	ck_assert_int_eq(truncate(path, ((off_t)1 << 31) + 1), 0);
	assert_bad(c, key, "too large");
	ck_assert_int_eq(truncate(path, 0), 0);
	free(path);
	close_cache(c);
}
END_TEST

/* A hit marks the entry used, unless it was used within the minute. */
START_TEST(test_hit_marks_used)
{
	struct pcb_cache *c = open_cache("c", 0, 0);
	uint8_t key[PCB_CACHE_KEY_SIZE];
	time_t now = time(NULL);
	char *path;

	put(c, "x = 1\n", "code", key);
	path = pcb_cache_entry_path(c, key);
	set_mtime(path, 978307200); /* 2001-01-01 */
	assert_hit(c, key, "code");
	ck_assert_int_ge(mtime_of(path), now);
	set_mtime(path, now - 10);
	assert_hit(c, key, "code");
	ck_assert_int_eq(mtime_of(path), now - 10);
	free(path);
	close_cache(c);
}
END_TEST

/* Read-only: hits as usual, but nothing is stored, touched or evicted. */
START_TEST(test_read_only)
{
	struct pcb_cache *c = open_cache("c", 0, 0);
	uint8_t key[PCB_CACHE_KEY_SIZE], other[PCB_CACHE_KEY_SIZE];
	struct pcb_runtime rt = { .version = "3.13.0", .magic = 3571 };
	char *path;

	put(c, "x = 1\n", "code", key);
	close_cache(c);
	c = open_cache("c", 1, 1);
	path = pcb_cache_entry_path(c, key);
	set_mtime(path, 978307200);
	assert_hit(c, key, "code");
	ck_assert_int_eq(mtime_of(path), 978307200);
	put(c, "x = 2\n", "other", other);
	ck_assert_int_eq(pcb_cache_has(c, other), 0);
	assert_miss(c, other);
	ck_assert_int_eq(pcb_cache_runtime_put(c, "python", &rt), 0);
	ck_assert_int_eq(pcb_cache_runtime_get(c, "python", &rt), 0);
	/* max_size 1: a writable cache would lose the entry. */
	close_cache(c);
	ck_assert(exists(path));
	free(path);

	c = open_cache("empty", 1, 0);
	put(c, "x = 1\n", "code", key);
	close_cache(c);
	ck_assert(!exists("empty"));
}
END_TEST

/* Entries of 1000-byte payloads, 1064 bytes on disk. */
#define EVICT_ENTRY 1064
/* The order in which entry i of ten was last used. */
static int
rank(int i)
{
	return (i * 7 + 3) % 10;
}

/* Stores ten entries of 1000 bytes, last used in the order of rank. */
static void
fill_ten(struct pcb_cache *c, char *paths[10])
{
	uint8_t key[PCB_CACHE_KEY_SIZE];
	char payload[1001], src[32];

	memset(payload, 'p', 1000);
	payload[1000] = '\0';
	for (int i = 0; i < 10; i++) {
		snprintf(src, sizeof src, "x = %d\n", i);
		put(c, src, payload, key);
		paths[i] = pcb_cache_entry_path(c, key);
		set_mtime(paths[i], 978307200 + 86400 * rank(i));
	}
}

/* Of fill_ten's entries, the four used last are kept; frees paths. */
static void
assert_four_kept(char *paths[10])
{
	for (int i = 0; i < 10; i++) {
		ck_assert_msg(exists(paths[i]) == (rank(i) >= 6),
		    "entry %d, used %d-th, %s", i, rank(i) + 1,
		    exists(paths[i]) ? "kept" : "evicted");
		free(paths[i]);
	}
}

/*
 * Over --cache-max-size the least recently used entries go, down to 90% of
 * it; a stale temp file goes, a fresh one stays; an older format goes.
 */
START_TEST(test_evict_lru)
{
	struct pcb_cache *c = open_cache("c", 0, 5 * EVICT_ENTRY + 100);
	char *paths[10];
	time_t now = time(NULL);

	fill_ten(c, paths);
	ck_assert(mkdir("c/v2/ab", 0777) == 0 || errno == EEXIST);
	fclose(fopen("c/v2/ab/cd.stale", "w"));
	set_mtime("c/v2/ab/cd.stale", now - 7200);
	fclose(fopen("c/v2/ab/cd.fresh", "w"));
	ck_assert_int_eq(mkdir("c/v1", 0777), 0);
	ck_assert_int_eq(mkdir("c/v1/ab", 0777), 0);
	fclose(fopen("c/v1/ab/cdef", "w"));
	close_cache(c);

	/*
	 * 10640 bytes against 5420: down to 4878 (90%), so the six least
	 * recently used go: 10640 - 6 * 1064 = 4256.
	 */
	assert_four_kept(paths);
	ck_assert(!exists("c/v2/ab/cd.stale"));
	ck_assert(exists("c/v2/ab/cd.fresh"));
	ck_assert(!exists("c/v1"));
	ck_assert(exists("c/CACHEDIR.TAG"));
}
END_TEST

/*
 * DIR/v2 may be a link (a cache moved to another disk): entries are read
 * and stored through it, so eviction follows it too; an older format's
 * DIR/v1 that is a link is unlinked, its target left alone.
 */
START_TEST(test_evict_through_link)
{
	struct pcb_cache *c;
	char *paths[10];

	ck_assert_int_eq(mkdir("c", 0777), 0);
	ck_assert_int_eq(mkdir("elsewhere", 0777), 0);
	ck_assert_int_eq(symlink("../elsewhere", "c/v2"), 0);
	ck_assert_int_eq(mkdir("old", 0777), 0);
	fclose(fopen("old/keep", "w"));
	ck_assert_int_eq(symlink("../old", "c/v1"), 0);
	c = open_cache("c", 0, 5 * EVICT_ENTRY + 100);
	fill_ten(c, paths);
	close_cache(c);
	assert_four_kept(paths);
	ck_assert(!exists("c/v1"));
	ck_assert(exists("old/keep"));
}
END_TEST

/* Under --cache-max-size nothing goes; without it nothing either. */
START_TEST(test_evict_under_limit)
{
	struct pcb_cache *c = open_cache("c", 0, 10 * EVICT_ENTRY);
	uint8_t key[PCB_CACHE_KEY_SIZE];
	char payload[1001], *path;

	memset(payload, 'p', 1000);
	payload[1000] = '\0';
	put(c, "x = 1\n", payload, key);
	path = pcb_cache_entry_path(c, key);
	set_mtime(path, 978307200);
	close_cache(c);
	ck_assert(exists(path));

	c = open_cache("c", 0, 0);
	put(c, "x = 2\n", payload, key);
	close_cache(c);
	ck_assert(exists(path));
	free(path);
}
END_TEST

/* Cuts the last byte off every entry in c/v2; returns how many. */
static int
shorten_entries(void)
{
	FILE *f = popen("find c/v2 -type f", "r");
	char line[256];
	struct stat st;
	int n = 0;

	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof line, f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		ck_assert_int_eq(stat(line, &st), 0);
		ck_assert_int_eq(truncate(line, st.st_size - 1), 0);
		n++;
	}
	ck_assert_int_eq(pclose(f), 0);
	return n;
}

/* The runtime record: put, get, another identity, a bad record. */
START_TEST(test_runtime_record)
{
	struct pcb_cache *c = open_cache("c", 0, 0);
	struct pcb_runtime rt = {
		.version = "3.13.0",
		.build = "3.13.0 (main, Oct 8 2024) [GCC 12.2.0]",
		.py_minor = 13,
		.magic = 3571,
		.cache_tag = "cpython-313",
		.pycache_prefix = NULL,
		.optimize = 1,
		.own_gil = 1,
	},
			   got;
	char prefix[] = "/tmp/prefix";

	ck_assert_int_eq(pcb_cache_runtime_put(c, "python A", &rt), 0);
	ck_assert_int_eq(pcb_cache_runtime_get(c, "python A", &got), 1);
	ck_assert_str_eq(got.version, rt.version);
	ck_assert_str_eq(got.build, rt.build);
	ck_assert_uint_eq(got.py_minor, 13);
	ck_assert_uint_eq(got.magic, 3571);
	ck_assert_str_eq(got.cache_tag, rt.cache_tag);
	ck_assert_ptr_null(got.pycache_prefix);
	ck_assert_int_eq(got.optimize, 1);
	ck_assert_int_eq(got.own_gil, 1);
	ck_assert_int_eq(pcb_cache_runtime_get(c, "python B", &got), 0);
	ck_assert_str_eq(got.version, "");

	rt.pycache_prefix = prefix;
	rt.own_gil = 0;
	ck_assert_int_eq(pcb_cache_runtime_put(c, "python B", &rt), 0);
	ck_assert_int_eq(pcb_cache_runtime_get(c, "python B", &got), 1);
	ck_assert_pstr_eq(got.pycache_prefix, prefix);
	ck_assert_int_eq(got.own_gil, 0);
	pcb_runtime_fini(&got);
	close_cache(c);

	/* A record cut short is no record. */
	ck_assert_int_eq(shorten_entries(), 2);
	c = open_cache("c", 0, 0);
	ck_assert_int_eq(pcb_cache_runtime_get(c, "python A", &got), 0);
	ck_assert_int_eq(pcb_cache_runtime_get(c, "python B", &got), 0);
	ck_assert_ptr_null(got.pycache_prefix);
	close_cache(c);
}
END_TEST

/*
 * A cache that cannot be written: each put fails, and close says how many
 * and why, once; nothing is made.
 */
START_TEST(test_unwritable)
{
	struct pcb_cache *c;
	uint8_t key[PCB_CACHE_KEY_SIZE];
	char *cause = NULL;

	fclose(fopen("plain", "w"));
	c = open_cache("plain/cache", 0, 1);
	key_of(c, "x = 1\n", 0, key);
	ck_assert_int_eq(pcb_cache_put(c, key, (const uint8_t *)"code", 4),
	    -ENOTDIR);
	key_of(c, "x = 2\n", 0, key);
	ck_assert_int_eq(pcb_cache_put(c, key, (const uint8_t *)"code", 4),
	    -ENOTDIR);
	assert_miss(c, key);
	ck_assert_int_eq(pcb_cache_close(c, &cause), -ENOTDIR);
	ck_assert_pstr_eq(cause,
	    "2 cache entries could not be stored in plain/cache: "
	    "Not a directory");
	free(cause);

	/* A directory without write permission: root writes anyway. */
	ck_assert_int_eq(mkdir("ro", 0555), 0);
	c = open_cache("ro", 0, 0);
	key_of(c, "x = 1\n", 0, key);
	if (geteuid() == 0) {
		ck_assert_int_eq(pcb_cache_put(c, key, (const uint8_t *)"code",
				     4),
		    0);
		close_cache(c);
		return;
	}
	ck_assert_int_eq(pcb_cache_put(c, key, (const uint8_t *)"code", 4),
	    -EACCES);
	cause = NULL;
	ck_assert_int_eq(pcb_cache_close(c, &cause), -EACCES);
	ck_assert_ptr_nonnull(cause);
	free(cause);
	ck_assert(!exists("ro/CACHEDIR.TAG"));
}
END_TEST

Suite *
cache_suite(void)
{
	Suite *s = suite_create("cache");
	TCase *core = tcase_create("Core"), *limits = tcase_create("Limits");

	tcase_add_checked_fixture(core, setup, teardown);
	tcase_add_checked_fixture(limits, setup, teardown);
	tcase_add_test(core, test_layout);
	tcase_add_test(core, test_round_trip);
	tcase_add_test(core, test_other_key_misses);
	tcase_add_test(core, test_key_needs_build);
	tcase_add_test(core, test_hit_marks_used);
	tcase_add_test(core, test_read_only);
	tcase_add_test(core, test_runtime_record);
	tcase_add_test(limits, test_bad_entries);
	tcase_add_test(limits, test_entry_under_other_key);
	tcase_add_test(limits, test_not_a_file);
	tcase_add_test(limits, test_too_large);
	tcase_add_test(limits, test_evict_lru);
	tcase_add_test(limits, test_evict_under_limit);
	tcase_add_test(limits, test_evict_through_link);
	tcase_add_test(limits, test_unwritable);
	suite_add_tcase(s, core);
	suite_add_tcase(s, limits);
	return s;
}
