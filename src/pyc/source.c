/*
 * source.c: reading one source file, in py_compile's order: refuse a target
 * that is a symlink or not a regular file before touching the source, then
 * read the bytes, then stat them (the header's mtime and size, and the mode
 * the .pyc will get).  Any threadpool thread; touches only its own job.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "os/fds.h"
#include "os/write.h"
#include "pyc/fresh.h"
#include "pyc/pyc.h"
#include "pyc/siphash.h"
#include "pyc/source.h"

int
pcb_source_read_fd(int fd, size_t hint, char **out, size_t *outlen)
{
	size_t cap = hint + 1, n = 0;
	char *buf = malloc(cap), *p;
	ssize_t r;

	if (buf == NULL)
		return -ENOMEM;
	for (;;) {
		if (n + 1 >= cap) {
			if ((p = realloc(buf, cap * 2)) == NULL) {
				free(buf);
				return -ENOMEM;
			}
			buf = p;
			cap *= 2;
		}
		r = read(fd, buf + n, cap - 1 - n);
		if (r == 0)
			break;
		if (r < 0) {
			if (errno == EINTR)
				continue;
			r = -errno;
			free(buf);
			return (int)r;
		}
		n += (size_t)r;
	}
	buf[n] = '\0';
	*out = buf;
	*outlen = n;
	return 0;
}

/*
 * The identity of the directory holding the source, and so its __pycache__:
 * "p/m.py", "./p/m.py" and "p/../p/m.py" spell one target three ways.
 */
static void
stat_dir(struct pcb_job *job)
{
	const char *slash = strrchr(job->path, '/');
	char *dir;
	struct stat st;
	int ret;

	if (slash == NULL)
		ret = stat(".", &st);
	else if (slash == job->path)
		ret = stat("/", &st);
	else if ((dir = strndup(job->path, (size_t)(slash - job->path))) ==
	    NULL)
		ret = -1;
	else {
		ret = stat(dir, &st);
		free(dir);
	}
	if (ret == 0) {
		job->dir_dev = st.st_dev;
		job->dir_ino = st.st_ino;
	}
}

/*
 * Are the .pyc files of every level already fresh: -u, this run's header
 * exactly; compileall without -f, its 12-byte check (fresh.h).
 */
static int
all_fresh(const struct pcb_source_cfg *cfg, const struct pcb_job *job,
    const struct stat *st)
{
	uint8_t head[PCB_PYC_HEADER_SIZE];
	uint32_t mtime =
	    pcb_pyc_mtime((int64_t)st->st_mtim.tv_sec, st->st_mtim.tv_nsec);

	pcb_pyc_header(head, cfg->magic, cfg->mode, mtime,
	    (uint32_t)((uint64_t)st->st_size & 0xFFFFFFFFu), job->hash);
	for (size_t i = 0; i < job->ncfiles; i++)
		if (cfg->fresh == PCB_FRESH_COMPILEALL ?
			!pcb_fresh_check_compileall(job->cfiles[i], cfg->magic,
			    mtime) :
			!pcb_fresh_check(job->cfiles[i], head))
			return 0;
	return 1;
}

/*
 * compileall checks its .pyc files before py_compile looks at the target:
 * os.stat(fullname).st_mtime, then each level's first 12 bytes.
 */
static int
compileall_fresh(const struct pcb_source_cfg *cfg, const struct pcb_job *job)
{
	struct stat st;

	return cfg->fresh == PCB_FRESH_COMPILEALL &&
	    stat(job->path, &st) == 0 && all_fresh(cfg, job, &st);
}

int
pcb_source_read(const struct pcb_source_cfg *cfg, struct pcb_job *job)
{
	struct stat st;
	int fd, ret;

	if (compileall_fresh(cfg, job)) {
		job->status = PCB_STATUS_SKIPPED;
		return 0;
	}
	/* Later levels' targets are checked just before they are written. */
	if ((ret = pcb_write_check_target(job->cfiles[0], &job->message,
		 &job->err_class)) < 0) {
		job->errnum = ret;
		goto err;
	}

	fd = pcb_fds_openat(AT_FDCWD, job->path, O_RDONLY | O_CLOEXEC, 0);
	if (fd < 0) {
		ret = fd;
		goto err_path;
	}
	if (fstat(fd, &st) < 0) {
		ret = -errno;
		goto err_after_open;
	}
	if (S_ISDIR(st.st_mode)) {
		ret = -EISDIR;
		goto err_after_open;
	}
	/* Timestamp mode needs no read to know the .pyc is fresh. */
	if (cfg->fresh == PCB_FRESH_HEADER && cfg->mode == PCB_MODE_TIMESTAMP &&
	    S_ISREG(st.st_mode) && all_fresh(cfg, job, &st)) {
		pcb_fds_close(fd);
		job->status = PCB_STATUS_SKIPPED;
		return 0;
	}
	ret =
	    pcb_source_read_fd(fd, S_ISREG(st.st_mode) ? (size_t)st.st_size : 0,
		&job->source, &job->source_len);
	if (ret < 0)
		goto err_after_open;

	/* py_compile stats after reading; a file changed meanwhile gets the new stamp. */
	if (fstat(fd, &st) < 0) {
		ret = -errno;
		goto err_after_open;
	}
	pcb_fds_close(fd);
	job->mtime =
	    pcb_pyc_mtime((int64_t)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
	job->size = (uint32_t)((uint64_t)st.st_size & 0xFFFFFFFFu);
	job->st_mode = st.st_mode;
	stat_dir(job);
	if (cfg->mode != PCB_MODE_TIMESTAMP)
		pcb_siphash_source(cfg->magic, cfg->py_minor, job->source,
		    job->source_len, job->hash);
	if (cfg->fresh == PCB_FRESH_HEADER && cfg->mode != PCB_MODE_TIMESTAMP &&
	    all_fresh(cfg, job, &st)) {
		free(job->source);
		job->source = NULL;
		job->status = PCB_STATUS_SKIPPED;
	}
	return 0;

err_after_open:
	pcb_fds_close(fd);
err_path:
	/* Without memory for the copy the text names no file (write.h). */
	job->errnum = ret;
	job->err_path = strdup(job->path);
err:
	return ret;
}
