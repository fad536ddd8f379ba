/*
 * evict.c: --cache-max-size (evict.h).  The entries of DIR/vN/XX/ are
 * listed with their mtimes (their last use, cache.c) and the least recently
 * used removed; an older format's directory goes whole; a temp file left by
 * a run that died goes.  Every directory is opened through os/fds.c and no
 * link is followed.  Main thread, at the cache's close.
 */
#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "os/fds.h"
#include "pyc/evict.h"

/* A temp file this old belongs to a run that died: eviction removes it. */
#define STALE_TEMP_S 3600

/* One entry met by eviction. */
struct entry {
	struct timespec used;
	uint64_t size;
	char *path;
};

static int
older(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;

	if (x->used.tv_sec != y->used.tv_sec)
		return x->used.tv_sec < y->used.tv_sec ? -1 : 1;
	if (x->used.tv_nsec != y->used.tv_nsec)
		return x->used.tv_nsec < y->used.tv_nsec ? -1 : 1;
	return strcmp(x->path, y->path);
}

static int
dot_or_dotdot(const char *name)
{
	return name[0] == '.' &&
	    (name[1] == '\0' || (name[1] == '.' && name[2] == '\0'));
}

/* Adds one entry to *v.  Returns 0 or -ENOMEM. */
static int
add_entry(struct entry **v, size_t *n, size_t *cap, struct entry e)
{
	if (*n == *cap) {
		size_t nc = *cap ? 2 * *cap : 1024;
		struct entry *nv = realloc(*v, nc * sizeof *nv);

		if (nv == NULL)
			return -ENOMEM;
		*v = nv;
		*cap = nc;
	}
	(*v)[(*n)++] = e;
	return 0;
}

/*
 * Adds the entries of one DIR/v2/XX to *v; removes stale temp files.
 * Returns 0 or -ENOMEM.
 */
static int
scan_subdir(const char *sub, struct entry **v, size_t *n, size_t *cap,
    uint64_t *total)
{
	struct dirent *de;
	time_t now = time(NULL);
	int ret = 0;
	DIR *d;

	/* A link in a subdirectory's place is not followed: not ours. */
	if (pcb_fds_opendir(AT_FDCWD, sub, O_NOFOLLOW, &d) < 0)
		return 0;
	while ((de = readdir(d)) != NULL) {
		struct stat st;
		char *path;

		if (dot_or_dotdot(de->d_name) ||
		    fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) <
			0 ||
		    !S_ISREG(st.st_mode))
			continue;
		if (asprintf(&path, "%s/%s", sub, de->d_name) < 0) {
			ret = -ENOMEM;
			break;
		}
		/* Entry names are hex; write.c's temp files have a dot. */
		if (strchr(de->d_name, '.') != NULL) {
			if (now - st.st_mtime > STALE_TEMP_S)
				(void)unlink(path);
			free(path);
			continue;
		}
		if ((ret = add_entry(v, n, cap,
			 (struct entry){ st.st_mtim, (uint64_t)st.st_size,
			     path })) < 0) {
			free(path);
			break;
		}
		*total += (uint64_t)st.st_size;
	}
	pcb_fds_closedir(d);
	return ret;
}

/*
 * Removes path (relative to dir): a file or a link is unlinked, a
 * directory emptied, links not followed, down to depth levels below it,
 * and removed; what is deeper, or cannot be removed, stays (and so does
 * its directory).
 */
static void
remove_tree(int dir, const char *path, int depth)
{
	struct dirent *de;
	struct stat st;
	DIR *d;

	if (fstatat(dir, path, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return;
	if (!S_ISDIR(st.st_mode)) {
		(void)unlinkat(dir, path, 0);
		return;
	}
	if (pcb_fds_opendir(dir, path, O_NOFOLLOW, &d) < 0)
		return;
	while ((de = readdir(d)) != NULL) {
		if (dot_or_dotdot(de->d_name) ||
		    fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		if (!S_ISDIR(st.st_mode))
			(void)unlinkat(dirfd(d), de->d_name, 0);
		else if (depth > 0)
			remove_tree(dirfd(d), de->d_name, depth - 1);
	}
	pcb_fds_closedir(d);
	(void)unlinkat(dir, path, AT_REMOVEDIR);
}

/*
 * The entries of an older format (DIR/v1 ...) are never read again: they
 * go, so that --cache-max-size bounds the whole directory.  Their layout
 * was this one's, DIR/vN/XX/REST; REMOVE_DEPTH levels is far deeper, and
 * bounds the descriptors held at once (one a level).
 */
#define REMOVE_DEPTH 16

static void
remove_old_formats(const char *top, int version)
{
	for (int v = 1; v < version; v++) {
		char *old;

		if (asprintf(&old, "%s/v%d", top, v) < 0)
			return;
		remove_tree(AT_FDCWD, old, REMOVE_DEPTH);
		free(old);
	}
}

void
pcb_evict_run(const char *top, int version, uint64_t max_size)
{
	struct entry *v = NULL;
	size_t n = 0, cap = 0;
	uint64_t total = 0, goal = max_size / 10 * 9;
	struct dirent *de;
	char *dir;
	DIR *d;

	remove_old_formats(top, version);
	if (asprintf(&dir, "%s/v%d", top, version) < 0)
		return;
	/* DIR/vN itself may be a link, as DIR may: both are followed. */
	if (pcb_fds_opendir(AT_FDCWD, dir, 0, &d) < 0) {
		free(dir);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		char *sub;

		if (strlen(de->d_name) != 2 ||
		    strspn(de->d_name, "0123456789abcdef") != 2)
			continue;
		if (asprintf(&sub, "%s/%s", dir, de->d_name) < 0)
			break;
		if (scan_subdir(sub, &v, &n, &cap, &total) < 0) {
			free(sub);
			break;
		}
		free(sub);
	}
	pcb_fds_closedir(d);
	free(dir);
	if (total > max_size) {
		qsort(v, n, sizeof *v, older);
		for (size_t i = 0; i < n && total > goal; i++)
			if (unlink(v[i].path) == 0 || errno == ENOENT)
				total -= v[i].size;
	}
	for (size_t i = 0; i < n; i++)
		free(v[i].path);
	free(v);
}
