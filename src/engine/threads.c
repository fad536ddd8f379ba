/*
 * threads.c: thread stacks, and the size of libuv's threadpool under the
 * process's limits (engine.h).  Main thread only.
 */
#include <config.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

#include <uv.h>

#include "engine/engine.h"
#include "os/error.h"

/* A probe thread: waits for go (if not NULL), then ends. */
static void
wait_for_go(void *arg)
{
	if (arg != NULL)
		uv_sem_wait(arg);
}

/* Starts a thread with that stack that waits for go (if not NULL). */
static int
start_waiting(uv_thread_t *t, size_t stack, uv_sem_t *go)
{
	uv_thread_options_t topt = { .flags = UV_THREAD_HAS_STACK_SIZE,
		.stack_size = stack };

	return uv_thread_create_ex(t, &topt, wait_for_go, go);
}

/*
 * How many threads can run at once beside the running ones, counted up to
 * want (at most INT_MAX), under a process limit (ulimit -u counts threads).
 * They are all started, with small stacks, then let go.  Returns the
 * count, or a negative errno when not one would start.
 */
static int
threads_room(size_t want)
{
	uv_thread_t *t;
	uv_sem_t go;
	int n = 0, ret;

	if (want > INT_MAX)
		want = INT_MAX;
	t = calloc(want, sizeof *t);
	ret = t == NULL ? -ENOMEM : uv_sem_init(&go, 0);
	if (ret < 0) {
		free(t);
		return ret;
	}
	while ((size_t)n < want &&
	    (ret = start_waiting(&t[n], 64 << 10, &go)) == 0)
		n++;
	for (int i = 0; i < n; i++)
		uv_sem_post(&go);
	for (int i = 0; i < n; i++)
		uv_thread_join(&t[i]);
	uv_sem_destroy(&go);
	free(t);
	return n > 0 ? n : ret;
}

/*
 * UV_THREADPOOL_SIZE is read once, at the first uv_queue_work, and libuv
 * aborts when a pool thread will not start.  So the pool is sized to what
 * can start now: under an address-space limit (ulimit -v) its stacks take
 * at most a quarter of it; under a process limit (ulimit -u) it leaves room
 * for a compiling thread and a worker process per worker, down to one
 * reading thread (fewer workers start if they must: pcb_startup_workers);
 * and one thread with the pool's stack is tried first.  Returns 0, or a
 * negative errno with *cause.
 */
int
pcb_threads_size_pool(size_t nworkers, char **cause)
{
	char buf[32];
	size_t n = nworkers < 4 ? 4 : nworkers, want;
	struct rlimit rl;
	struct timespec ms = { 0, 1000000 };
	uv_thread_t t;
	int errnum, limited = 0, tries;

	if (n > 128)
		n = 128;
	if (getrlimit(RLIMIT_AS, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) {
		size_t cap = (size_t)(rl.rlim_cur / 4 / PCB_THREADS_POOL_STACK);

		if (cap < 1)
			cap = 1;
		if (n > cap)
			n = cap;
	}
	want = n + 2 * nworkers;
	if (getrlimit(RLIMIT_NPROC, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) {
		int room = threads_room(want);

		if ((errnum = room) < 0)
			goto err;
		/*
		 * One short of the room: a joined thread may still count
		 * against the limit for a moment.
		 */
		if ((size_t)room < want) {
			limited = 1;
			n = (size_t)room > 2 * nworkers + 1 ?
			    (size_t)room - 2 * nworkers - 1 :
			    1;
		}
	}
	/* For the same reason, a thread that would not start is tried again. */
	for (tries = 0; (errnum = start_waiting(&t, PCB_THREADS_POOL_STACK,
			     NULL)) == UV_EAGAIN &&
	     limited && tries < 100;
	     tries++)
		nanosleep(&ms, NULL);
	if (errnum < 0)
		goto err;
	uv_thread_join(&t);
	/* A limit wins over the environment; else the user's choice stands. */
	snprintf(buf, sizeof buf, "%zu", n);
	setenv("UV_THREADPOOL_SIZE", buf, limited);
	return 0;

err:
	return pcb_error_set(cause, errnum,
	    "cannot start a reading thread: %s (ulimit -u or -v?)",
	    uv_strerror(errnum));
}

int
pcb_threads_start(uv_thread_t *t, size_t stack, void (*fn)(void *), void *arg)
{
	uv_thread_options_t topt = { .flags = UV_THREAD_HAS_STACK_SIZE,
		.stack_size = stack };
	int ret;

	ret = uv_thread_create_ex(t, &topt, fn, arg);
	/* Short of memory for a big stack: the main thread's size will do. */
	if (ret < 0 && topt.stack_size > PCB_THREADS_POOL_STACK) {
		topt.stack_size = PCB_THREADS_POOL_STACK;
		ret = uv_thread_create_ex(t, &topt, fn, arg);
	}
	return ret;
}
