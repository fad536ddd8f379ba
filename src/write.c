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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "fds.h"
#include "write.h"

int
pcb_write_check_target(const char *cfile, char **message)
{
	struct stat st;
	size_t n = strlen(cfile) + 128;

	if (lstat(cfile, &st) < 0 || S_ISREG(st.st_mode))
		return 0;
	if ((*message = malloc(n)) == NULL)
		return -ENOMEM;
	if (S_ISLNK(st.st_mode))
		snprintf(*message, n,
		    "%s is a symlink and will be changed into "
		    "a regular file if import writes a byte-compiled file to it",
		    cfile);
	else
		snprintf(*message, n,
		    "%s is a non-regular file and will be "
		    "changed into a regular one if import writes a byte-compiled "
		    "file to it",
		    cfile);
	return -EEXIST;
}

static int
set_error(struct pcb_write_error *err, int errnum, const char *path,
    const char *path2)
{
	err->errnum = errnum;
	err->path = path ? strdup(path) : NULL;
	err->path2 = path2 ? strdup(path2) : NULL;
	return errnum;
}

/* os.makedirs(dir): parents first, an existing directory is not an error. */
static int
makedirs(char *dir, struct pcb_write_error *err)
{
	struct stat st;
	char *slash;
	int ret;

	/* os.path.split: the head loses its trailing slashes, unless all slashes. */
	slash = strrchr(dir, '/');
	if (slash != NULL && slash[1] != '\0') {
		char *end = slash;

		while (end > dir && end[-1] == '/')
			end--;
		if (end > dir) {
			char save = *end;

			*end = '\0';
			if (stat(dir, &st) < 0) {
				ret = makedirs(dir, err);
				if (ret < 0 && ret != -EEXIST) {
					*end = save;
					return ret;
				}
			}
			*end = save;
		}
		if (strcmp(slash + 1, ".") == 0)
			return 0;
	}
	if (mkdir(dir, 0777) < 0) {
		if (errno == EEXIST)
			return -EEXIST;
		return set_error(err, -errno, dir, NULL);
	}
	return 0;
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
    const void *body, size_t bodylen, mode_t source_mode,
    struct pcb_write_error *err)
{
	/* importlib's _calc_mode: the source's mode plus owner write. */
	mode_t mode = ((source_mode ? source_mode : 0666) | 0200) & 0666;
	size_t n = strlen(cfile) + 32;
	char *tmp = malloc(n), *dir = NULL;
	const char *slash;
	unsigned waits = 0;
	int fd = -1, ret, tries;

	if (tmp == NULL)
		return set_error(err, -ENOMEM, NULL, NULL);

	slash = strrchr(cfile, '/');
	if (slash != NULL && slash != cfile) {
		if ((dir = strndup(cfile, (size_t)(slash - cfile))) == NULL) {
			ret = set_error(err, -ENOMEM, NULL, NULL);
			goto out;
		}
		ret = makedirs(dir, err);
		if (ret < 0 && ret != -EEXIST)
			goto out;
	}

	for (tries = 0; tries < 100; tries++) {
		temp_name(tmp, n, cfile);
		fd = pcb_fds_opened(open(tmp,
		    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		    mode));
		if (fd < 0 && pcb_fds_wait(errno, 0, &waits)) {
			tries--;
			continue;
		}
		if (fd >= 0 || errno != EEXIST)
			break;
	}
	if (fd < 0) {
		ret = set_error(err, -errno, tmp, NULL);
		goto out;
	}
	ret = pcb_write_all(fd, head, headlen, body, bodylen);
	if (pcb_fds_close(fd) < 0 && ret == 0)
		ret = -errno;
	if (ret < 0) {
		set_error(err, ret, NULL, NULL);
		goto err_after_open;
	}
	if (rename(tmp, cfile) < 0) {
		ret = set_error(err, -errno, tmp, cfile);
		goto err_after_open;
	}
	ret = 0;
	goto out;

err_after_open:
	unlink(tmp);
out:
	free(dir);
	free(tmp);
	return ret;
}
