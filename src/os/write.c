/*
 * write.c: makedirs and the atomic write.  A .pyc appears at its target path
 * only by rename(2) of a complete temp file from the same directory, so a
 * reader (or a kill at any moment) sees the old file or the new one, never a
 * part.  The temp file is opened O_EXCL|O_NOFOLLOW under an unpredictable
 * name, cfile + "." + 12 random digits, the shape of importlib's cfile + "."
 * + id() (15 digits), so messages read alike, and shorter, so that every
 * .pyc importlib can write is written here too.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "os/error.h"
#include "os/fds.h"
#include "os/write.h"

int
pcb_write_check_target(const char *cfile, char **cause, const char **class)
{
	struct stat st;
	int ret;

	if (lstat(cfile, &st) < 0 || S_ISREG(st.st_mode))
		return 0;
	if (class != NULL)
		*class = S_ISLNK(st.st_mode) ? "FileExistsError" : "ValueError";
	if (S_ISLNK(st.st_mode))
		ret = pcb_error_set(cause, -EEXIST,
		    "%s is a symlink and will be changed into "
		    "a regular file if import writes a byte-compiled file to it",
		    cfile);
	else
		ret = pcb_error_set(cause, -EINVAL,
		    "%s is a non-regular file and will be "
		    "changed into a regular one if import writes a byte-compiled "
		    "file to it",
		    cfile);
	/* The text is the whole of this failure: without it, say why. */
	return cause != NULL && *cause == NULL ? -ENOMEM : ret;
}

/* A copy of path (or NULL) into *out, if wanted, freeing what was there. */
static void
set_path(char **out, const char *path)
{
	if (out == NULL)
		return;
	free(*out);
	*out = path ? strdup(path) : NULL;
}

/*
 * A copy that cannot be made leaves the path unnamed, as Python's OSError
 * without a filename.
 */
int
pcb_write_os_error(char **err_path, char **err_path2, int errnum,
    const char *path, const char *path2)
{
	set_path(err_path, path);
	set_path(err_path2, path2);
	return errnum;
}

/*
 * The way to a .pyc's directory, walked one name at a time from "/" or
 * ".", each directory opened O_PATH|O_NOFOLLOW relative to the last, so that
 * the temp file and the rename land in the directory that was checked, even
 * if names are swapped meanwhile.  Missing directories are made on the way,
 * as os.makedirs makes them (not within a link's target, as it does not).
 * A symbolic link is followed by reading it and walking its target (the
 * kernel follows /proc's); run as root, only a link root owns in a
 * directory root owns (walk_may_follow): another user's link could point
 * root's write at any file.
 */
struct walk {
	const char *path; /* the directory as given, for messages */
	size_t shown;     /* how much of it a failure names */
	const char *last; /* the path a failure past the end names */
	unsigned links;   /* symbolic links followed */
	unsigned depth;   /* within how many links' targets */
	char **err_path;  /* the caller's (write.h) */
	char **cause;
};

/* Symbolic links followed on one way, at most (Linux's own limit). */
#define MAX_LINKS 40

static int
walk_fail(struct walk *w, int errnum)
{
	char *p;

	/*
	 * Within a link's target py_compile makes no directory: the temp
	 * file's open fails.
	 */
	if (w->shown == (size_t)-1 || w->depth > 0)
		return pcb_write_os_error(w->err_path, NULL, errnum, w->last,
		    NULL);
	p = strndup(w->path, w->shown);
	pcb_write_os_error(w->err_path, NULL, errnum, p, NULL);
	free(p);
	return errnum;
}

static int walk_names(struct walk *w, int fd, const char *p, size_t len,
    int top);

/*
 * openat for the walk: the fd is counted as briefly open, and a shortage
 * of descriptors is waited out (fds.h); the walk holds one fd meanwhile.
 */
static int
walk_open(int fd, const char *name, int flags)
{
	return pcb_fds_openat(fd, name, flags | O_CLOEXEC, 0);
}

/*
 * Run as root, a symbolic link is followed only if root owns both it and the
 * directory holding it (dir: that directory's fd): another user could point
 * it, or move one of root's links into a directory of theirs (SPEC 6).
 * Returns 0, or -EPERM with *w->cause set.
 */
static int
walk_may_follow(struct walk *w, int dir, const char *name,
    const struct stat *link)
{
	struct stat d;
	uid_t owner = link->st_uid;
	char *p;

	if (geteuid() != 0)
		return 0;
	if (owner == 0 && fstat(dir, &d) == 0 && d.st_uid == 0)
		return 0;
	p = w->depth > 0 ? strdup(name) : strndup(w->path, w->shown);
	if (p == NULL)
		return -EPERM;
	pcb_error_set(w->cause, -EPERM,
	    "not following the symbolic link %s: %s belongs to user %u, "
	    "and a run as root follows only links that root owns, in "
	    "directories root owns, on the way to a .pyc",
	    p, owner != 0 ? "it" : "its directory",
	    owner != 0 ? (unsigned)owner : (unsigned)d.st_uid);
	free(p);
	return -EPERM;
}

/*
 * One step from directory fd to its entry name: opened, made if missing,
 * or, a symbolic link, walked.  after: how much of the directory as given
 * a failure names if name is no directory (os.makedirs fails making the
 * next name; with none, the temp file fails: (size_t)-1).  Returns the new
 * directory's fd, or a negative errno with the walk's failure set.
 */
static int
walk_step(struct walk *w, int fd, const char *name, size_t after)
{
	struct statfs fs;
	struct stat st;
	char *target;
	ssize_t n;
	int next, lfd, ret;

	next = walk_open(fd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW);
	if (next == -ENOENT && w->depth == 0) {
		if (mkdirat(fd, name, 0777) < 0 && errno != EEXIST)
			return walk_fail(w, -errno);
		next = walk_open(fd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW);
	}
	if (next >= 0)
		return next;
	if (next != -ENOTDIR && next != -ELOOP)
		return walk_fail(w, next);

	/* The link itself, so that its owner and its target are one file's. */
	if ((lfd = walk_open(fd, name, O_PATH | O_NOFOLLOW)) < 0)
		return walk_fail(w, lfd);
	if (fstat(lfd, &st) < 0 || !S_ISLNK(st.st_mode)) {
		pcb_fds_close(lfd);
		w->shown = after;
		return walk_fail(w, -ENOTDIR);
	}
	if ((ret = walk_may_follow(w, fd, name, &st)) < 0) {
		pcb_fds_close(lfd);
		return ret;
	}
	/*
	 * /proc's links (a process's root, cwd, fds) lead to the object, not
	 * to their text: the kernel follows them.
	 */
	if (fstatfs(lfd, &fs) == 0 && fs.f_type == PROC_SUPER_MAGIC) {
		pcb_fds_close(lfd);
		next = walk_open(fd, name, O_PATH | O_DIRECTORY);
		return next >= 0 ? next : walk_fail(w, next);
	}
	if (++w->links > MAX_LINKS || (target = malloc(PATH_MAX)) == NULL) {
		pcb_fds_close(lfd);
		return walk_fail(w, w->links > MAX_LINKS ? -ELOOP : -ENOMEM);
	}
	n = readlinkat(lfd, "", target, PATH_MAX);
	pcb_fds_close(lfd);
	if (n < 0 || n == PATH_MAX) {
		free(target);
		return walk_fail(w, n < 0 ? -errno : -ENAMETOOLONG);
	}
	if (target[0] == '/')
		next = walk_open(AT_FDCWD, "/", O_PATH | O_DIRECTORY);
	else
		next = walk_open(fd, ".", O_PATH | O_DIRECTORY);
	if (next < 0) {
		free(target);
		return walk_fail(w, next);
	}
	w->depth++;
	next = walk_names(w, next, target, (size_t)n, 0);
	w->depth--;
	free(target);
	return next;
}

/*
 * Walks the names of p (len bytes) from directory fd, which it takes.
 * top: p is the directory as given (a failure names it up to that name),
 * not a link's target (a failure names the link).  Returns the last
 * directory's fd, or a negative errno with the walk's failure set.
 */
static int
walk_names(struct walk *w, int fd, const char *p, size_t len, int top)
{
	char name[NAME_MAX + 1];
	size_t i = 0;

	while (i < len) {
		size_t j = i, k, n, after;
		int next;

		while (j < len && p[j] != '/')
			j++;
		n = j - i;
		if (n == 0 || (n == 1 && p[i] == '.')) {
			i = j + 1;
			continue;
		}
		/* The end of the next name, for walk_step's after. */
		for (k = j; k < len && p[k] == '/'; k++)
			;
		while (k < len && p[k] != '/')
			k++;
		after = (size_t)-1;
		if (!top)
			after = w->shown;
		else if (k > j)
			after = (size_t)(p + k - w->path);
		if (top)
			w->shown = (size_t)(p + j - w->path);
		/*
		 * os.makedirs makes the directories it can name, and fails
		 * at the first name as long as PATH_MAX.
		 */
		if (n > NAME_MAX || (top && w->shown >= PATH_MAX)) {
			pcb_fds_close(fd);
			return walk_fail(w, -ENAMETOOLONG);
		}
		memcpy(name, p + i, n);
		name[n] = '\0';
		next = walk_step(w, fd, name, after);
		pcb_fds_close(fd);
		if (next < 0)
			return next;
		fd = next;
		i = j + 1;
	}
	return fd;
}

int
pcb_write_open_dir(const char *cfile, const char *last, const char **base,
    char **err_path, char **cause)
{
	const char *slash = strrchr(cfile, '/');
	struct walk w = { .path = cfile,
		.last = last,
		.err_path = err_path,
		.cause = cause };
	size_t len = slash ? (size_t)(slash - cfile) : 0;
	int fd;

	*base = slash ? slash + 1 : cfile;
	fd = walk_open(AT_FDCWD, cfile[0] == '/' ? "/" : ".",
	    O_PATH | O_DIRECTORY);
	if (fd < 0) {
		w.shown = len;
		return walk_fail(&w, fd);
	}
	return walk_names(&w, fd, cfile, len, 1);
}

static uint64_t
random_u64(void)
{
	uint64_t v;
	struct timespec ts;

	if (getrandom(&v, sizeof v, GRND_NONBLOCK) == (ssize_t)sizeof v)
		return v;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_nsec * 0x9E3779B97F4A7C15ULL ^
	    (uint64_t)getpid();
}

int
pcb_write_all(int fd, const void *head, size_t headlen, const void *body,
    size_t bodylen)
{
	struct iovec iov[2] = {
		{ (void *)head, headlen },
		{ (void *)body, bodylen },
	};
	int i = 0;

	while (i < 2) {
		ssize_t n = writev(fd, iov + i, 2 - i);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		while (i < 2 && (size_t)n >= iov[i].iov_len) {
			n -= (ssize_t)iov[i].iov_len;
			i++;
		}
		if (i < 2) {
			iov[i].iov_base = (char *)iov[i].iov_base + n;
			iov[i].iov_len -= (size_t)n;
		}
	}
	return 0;
}

#define TMP_DIGITS 12

/*
 * The temp name for cfile into tmp (n bytes, at least strlen(cfile) + 14).
 * Its last component is cut where cfile + suffix would pass NAME_MAX, and
 * where the whole would pass PATH_MAX: any name in the directory will do,
 * O_EXCL makes it ours.
 */
static void
temp_name(char *tmp, size_t n, const char *cfile)
{
	const char *slash = strrchr(cfile, '/');
	size_t dirlen = slash ? (size_t)(slash + 1 - cfile) : 0;
	size_t keep = strlen(cfile + dirlen);

	if (keep > NAME_MAX - 1 - TMP_DIGITS)
		keep = NAME_MAX - 1 - TMP_DIGITS;
	if (dirlen + keep + 1 + TMP_DIGITS >= PATH_MAX &&
	    dirlen + 1 + TMP_DIGITS < PATH_MAX)
		keep = PATH_MAX - 1 - dirlen - 1 - TMP_DIGITS;
	snprintf(tmp, n, "%.*s%.*s.%0*" PRIu64, (int)dirlen, cfile, (int)keep,
	    cfile + dirlen, TMP_DIGITS, random_u64() % UINT64_C(1000000000000));
}

int
pcb_write_pyc(const char *cfile, const void *head, size_t headlen,
    const void *body, size_t bodylen, mode_t source_mode, char **err_path,
    char **err_path2, char **cause)
{
	/* importlib's _calc_mode: the source's mode plus owner write. */
	mode_t mode = ((source_mode ? source_mode : 0666) | 0200) & 0666;
	size_t n = strlen(cfile) + 32;
	char *tmp = malloc(n);
	const char *base, *tmp_base;
	int dir, fd = -EEXIST, ret, cret, tries;

	if (tmp == NULL)
		return -ENOMEM;
	temp_name(tmp, n, cfile);
	if ((dir = pcb_write_open_dir(cfile, tmp, &base, err_path, cause)) <
	    0) {
		free(tmp);
		return dir;
	}
	for (tries = 0; tries < 100; tries++) {
		if (tries > 0)
			temp_name(tmp, n, cfile);
		tmp_base = tmp + (base - cfile);
		if (strlen(tmp) >= PATH_MAX) {
			fd = -ENAMETOOLONG; /* as open(2) would say */
			break;
		}
		fd = pcb_fds_openat(dir, tmp_base,
		    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
		if (fd != -EEXIST)
			break;
	}
	if (fd < 0) {
		ret = pcb_write_os_error(err_path, err_path2, fd, tmp, NULL);
		goto out;
	}
	ret = pcb_write_all(fd, head, headlen, body, bodylen);
	cret = pcb_fds_close(fd);
	if (ret == 0)
		ret = cret;
	/* A write error names no file, as Python's does not. */
	if (ret < 0)
		goto err_after_open;
	if (renameat(dir, tmp_base, dir, base) < 0) {
		ret =
		    pcb_write_os_error(err_path, err_path2, -errno, tmp, cfile);
		goto err_after_open;
	}
	ret = 0;
	goto out;

err_after_open:
	unlinkat(dir, tmp_base, 0);
out:
	pcb_fds_close(dir);
	free(tmp);
	return ret;
}
