/*
 * fds.c: the count of briefly open files, and the wait for one to close
 * (fds.h).
 */
#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "os/fds.h"

/* Sources, temp files and directories open now: all threads', this one's. */
static unsigned open_now;
static __thread unsigned open_here;

/* Writes take turns (set before any thread writes). */
static int turns;
static pthread_mutex_t turn = PTHREAD_MUTEX_INITIALIZER;

/* A wait with none of ours open was in vain (sticky). */
static int in_vain;

/* 1 ms at a time: 10,000 waits are about 10 s, 200 about 0.2 s. */
#define WAIT_NS 1000000L
#define MAX_TRIES 10000u
#define SHORT_TRIES 200u

long
pcb_fds_room(void)
{
	struct rlimit rl;
	struct dirent *e;
	long used = 0;
	DIR *d;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur == RLIM_INFINITY ||
	    rl.rlim_cur > 4096)
		return PCB_FDS_PLENTY;
	if ((d = opendir("/proc/self/fd")) == NULL)
		return errno == EMFILE || errno == ENFILE ? 0 : PCB_FDS_PLENTY;
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			used++;
	closedir(d);
	used--; /* the directory's own */
	return (long)rl.rlim_cur - used < PCB_FDS_PLENTY ?
	    (long)rl.rlim_cur - used :
	    PCB_FDS_PLENTY;
}

void
pcb_fds_take_turns(void)
{
	turns = 1;
}

void
pcb_fds_turn(int take)
{
	if (!turns)
		return;
	if (take)
		pthread_mutex_lock(&turn);
	else
		pthread_mutex_unlock(&turn);
}

int
pcb_fds_close(int fd)
{
	int ret = close(fd) < 0 ? -errno : 0;

	__atomic_sub_fetch(&open_now, 1, __ATOMIC_RELAXED);
	open_here--;
	return ret;
}

/* Counts a new fd; passes a negative errno through. */
static int
counted(int fd)
{
	if (fd >= 0) {
		__atomic_add_fetch(&open_now, 1, __ATOMIC_RELAXED);
		open_here++;
	}
	return fd;
}

/*
 * open(2) when relative to the working directory: the same call, and one
 * ThreadSanitizer sees (GCC 12's libtsan does not intercept openat, so it
 * would take the source's fstat for a race with the last owner of the
 * descriptor number; tests/tsan.supp covers the walk's own descriptors).
 * Returns the fd or a negative errno.
 */
static int
open_at(int dir, const char *path, int flags, mode_t mode)
{
	int fd;

	if (dir == AT_FDCWD)
		fd = open(path, flags, mode);
	else
		fd = openat(dir, path, flags, mode);
	return fd < 0 ? -errno : fd;
}

int
pcb_fds_openat(int dir, const char *path, int flags, mode_t mode)
{
	unsigned tries = 0;
	int fd;

	while ((fd = counted(open_at(dir, path, flags, mode))) < 0 &&
	    pcb_fds_wait(fd, &tries))
		;
	return fd;
}

int
pcb_fds_opendir(int dir, const char *path, int flags, DIR **out)
{
	int fd = pcb_fds_openat(dir, path,
	    O_RDONLY | O_DIRECTORY | O_CLOEXEC | flags, 0);

	if (fd < 0)
		return fd;
	if ((*out = fdopendir(fd)) == NULL) {
		int ret = -errno;

		pcb_fds_close(fd);
		return ret;
	}
	return 0;
}

int
pcb_fds_closedir(DIR *d)
{
	int ret = closedir(d) < 0 ? -errno : 0;

	__atomic_sub_fetch(&open_now, 1, __ATOMIC_RELAXED);
	open_here--;
	return ret;
}

int
pcb_fds_wait(int errnum, unsigned *tries)
{
	struct timespec ts = { 0, WAIT_NS };

	if (errnum != -EMFILE && errnum != -ENFILE)
		return 0;
	if (*tries >= MAX_TRIES)
		return 0;
	/*
	 * None of ours open: Python's own (an interpreter importing) may close
	 * soon, so wait a little, once; not again if that was in vain.
	 */
	if (__atomic_load_n(&open_now, __ATOMIC_RELAXED) <= open_here) {
		if (__atomic_load_n(&in_vain, __ATOMIC_RELAXED))
			return 0;
		if (*tries >= SHORT_TRIES) {
			__atomic_store_n(&in_vain, 1, __ATOMIC_RELAXED);
			return 0;
		}
	}
	(*tries)++;
	nanosleep(&ts, NULL);
	return 1;
}
