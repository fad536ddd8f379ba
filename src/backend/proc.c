/*
 * proc.c: the processes backend.  Each compiler is a child process,
 * this program run again in child mode (child.c), spawned with a fresh
 * exec, never a bare fork of this threaded process.  Parent and child speak
 * frames (wire.h) over one socket.  With --python, the child is that
 * interpreter running the worker script (worker.py), which speaks the same
 * frames; it sees of the environment's PYTHON* variables only those the
 * linked Python honours (interp.c), so that both compile alike.
 *
 * Each compiler owns a libuv loop of its own, with the child's process
 * handle, the socket and a timer.  The worker thread that uses the compiler
 * runs that loop while it waits for a reply, so that the child's death
 * (SIGCHLD, through libuv), its reply and --timeout are all events of one
 * loop; the engine's loop is not involved.  A compiler's loop is touched by
 * the main thread before the worker thread starts (the first spawn) and
 * after it is joined (the free), and by that worker thread in between.
 *
 * A child that dies or runs out of time fails the file it held; the next
 * compile starts a new child.
 */
#include <config.h>

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <uv.h>

#include "backend/child.h"
#include "backend/ops.h"
#include "backend/wire.h"
#include "os/error.h"
#include "os/fds.h"
#include "pyc/text.h"

/* The PYTHON* variables a --python worker keeps: those interp.c reads. */
static const char *const kept_env[] = {
	"PYTHONPYCACHEPREFIX=",
	"PYTHONOPTIMIZE=",
	"PYTHONUTF8=",
	"PYTHONCOERCECLOCALE=",
};

/* A child's arguments, at most: PYTHON -B -S -s SCRIPT. */
#define PROC_MAX_ARGS 6

struct proc_backend {
	char exe[PATH_MAX];        /* this program, or --python's interpreter */
	char *args[PROC_MAX_ARGS]; /* exe's arguments, args[0] = exe */
	char **env;          /* a --python worker's environment, or NULL */
	int foreign;         /* exe is --python's interpreter */
	uint64_t timeout_ms; /* 0: none */
	uint32_t magic;      /* what the first child said; all must agree */
	struct proc_compiler *first; /* spawned by open, not yet handed out */
};

struct proc_compiler {
	struct proc_backend *be;
	uv_loop_t loop;
	uv_process_t proc;
	uv_pipe_t sock;
	uv_timer_t timer;
	int running;   /* a child is up: proc and sock are open */
	int greeted;   /* its HELLO was read */
	int exited;    /* its exit callback ran */
	int eof;       /* its end of the socket closed */
	int timed_out; /* the timer killed it */
	int writing;   /* write_req is in flight */
	int64_t exit_status;
	int term_signal;
	uint8_t *in; /* bytes read and not yet taken */
	size_t in_len, in_cap;
	struct pcb_wire_buf out; /* the request being written */
	uv_write_t write_req;
};

static void
on_child_exit(uv_process_t *proc, int64_t exit_status, int term_signal)
{
	struct proc_compiler *c = proc->data;

	c->exited = 1;
	c->exit_status = exit_status;
	c->term_signal = term_signal;
}

static void
on_alloc(uv_handle_t *handle, size_t suggested, uv_buf_t *buf)
{
	struct proc_compiler *c = handle->data;
	size_t want = suggested < 65536 ? 65536 : suggested;

	if (c->in_cap - c->in_len < want) {
		size_t cap = c->in_cap ? c->in_cap : want;
		uint8_t *p;

		while (cap - c->in_len < want)
			cap *= 2;
		if ((p = realloc(c->in, cap)) == NULL) {
			*buf =
			    uv_buf_init(NULL, 0); /* read_cb gets UV_ENOBUFS */
			return;
		}
		c->in = p;
		c->in_cap = cap;
	}
	*buf = uv_buf_init((char *)c->in + c->in_len,
	    (unsigned)(c->in_cap - c->in_len > UINT_MAX ?
		    UINT_MAX :
		    c->in_cap - c->in_len));
}

static void
on_read(uv_stream_t *stream, ssize_t nread, const uv_buf_t *buf)
{
	struct proc_compiler *c = stream->data;

	if (nread > 0) {
		c->in_len += (size_t)nread;
		return;
	}
	if (nread < 0) {
		/* End of input, or a socket error: either way, no reply. */
		c->eof = 1;
		uv_read_stop(stream);
		/* A child that closed its end is going: see that it does. */
		if (!c->exited)
			uv_process_kill(&c->proc, SIGKILL);
	}
}

static void
on_write(uv_write_t *req, int status)
{
	struct proc_compiler *c = req->data;

	/* A failed write means a dead child, which on_child_exit reports. */
	c->writing = 0;
}

static void
on_timeout(uv_timer_t *timer)
{
	struct proc_compiler *c = timer->data;

	if (!c->exited) {
		c->timed_out = 1;
		uv_process_kill(&c->proc, SIGKILL);
	}
}

/* Starts a child.  Returns 0 or a negative errno. */
static int
spawn(struct proc_compiler *c)
{
	uv_stdio_container_t stdio[PCB_CHILD_FD + 1];
	uv_process_options_t opts;
	int ret;

	memset(stdio, 0, sizeof stdio);
	for (int i = 0; i < PCB_CHILD_FD; i++)
		stdio[i].flags = UV_IGNORE;
	stdio[PCB_CHILD_FD].flags =
	    UV_CREATE_PIPE | UV_READABLE_PIPE | UV_WRITABLE_PIPE;
	stdio[PCB_CHILD_FD].data.stream = (uv_stream_t *)&c->sock;
	memset(&opts, 0, sizeof opts);
	opts.file = c->be->exe;
	opts.args = c->be->args;
	opts.env = c->be->env;
	opts.exit_cb = on_child_exit;
	opts.stdio_count = PCB_CHILD_FD + 1;
	opts.stdio = stdio;

	c->exited = c->eof = c->timed_out = c->greeted = 0;
	c->in_len = 0;
	if ((ret = uv_pipe_init(&c->loop, &c->sock, 0)) < 0)
		return ret;
	c->sock.data = c;
	c->proc.data = c;
	if ((ret = uv_spawn(&c->loop, &c->proc, &opts)) < 0) {
		/* libuv registered the process handle even so: close both. */
		uv_close((uv_handle_t *)&c->sock, NULL);
		uv_close((uv_handle_t *)&c->proc, NULL);
		uv_run(&c->loop, UV_RUN_DEFAULT);
		return ret;
	}
	c->running = 1;
	if ((ret = uv_read_start((uv_stream_t *)&c->sock, on_alloc, on_read)) <
	    0) {
		c->eof = 1;
		uv_process_kill(&c->proc, SIGKILL);
	}
	return 0;
}

/* spawn(), waiting out a shortage of file descriptors (fds.h). */
static int
spawn_waiting(struct proc_compiler *c)
{
	unsigned tries = 0;
	int ret;

	while ((ret = spawn(c)) < 0 && pcb_fds_wait(ret, &tries))
		;
	return ret;
}

/*
 * Ends the child: closing the socket tells it to leave; a child that is
 * still compiling (we gave up on it) is killed.  Waits for its exit, so
 * that no zombie stays, then closes the handles.
 */
static void
reap(struct proc_compiler *c, int kill_it)
{
	if (!c->running)
		return;
	/* A running timer would keep the uv_run below waiting for it. */
	uv_timer_stop(&c->timer);
	if (!uv_is_closing((uv_handle_t *)&c->sock))
		uv_close((uv_handle_t *)&c->sock, NULL);
	if (kill_it && !c->exited)
		uv_process_kill(&c->proc, SIGKILL);
	while (!c->exited)
		uv_run(&c->loop, UV_RUN_ONCE);
	uv_close((uv_handle_t *)&c->proc, NULL);
	uv_run(&c->loop, UV_RUN_DEFAULT);
	c->running = 0;
	c->writing = 0;
}

/*
 * Runs the loop until a whole frame has arrived (returns 0 with its type,
 * payload and total length) or the child is gone (returns -ETIMEDOUT or
 * -ECHILD).
 */
static int
wait_frame(struct proc_compiler *c, uint32_t *type, size_t *total)
{
	for (;;) {
		if (pcb_wire_frame(c->in, c->in_len, type, total))
			return 0;
		if (c->exited && c->eof)
			return c->timed_out ? -ETIMEDOUT : -ECHILD;
		uv_run(&c->loop, UV_RUN_ONCE);
	}
}

/* Drops the first n bytes read. */
static void
consume(struct proc_compiler *c, size_t n)
{
	memmove(c->in, c->in + n, c->in_len - n);
	c->in_len -= n;
}

/*
 * Reads the child's HELLO into rt.  Returns 0, or a negative errno with
 * *cause: the child could not start Python, or died first.
 */
static int
greet(struct proc_compiler *c, struct pcb_runtime *rt, char **cause)
{
	uint32_t type;
	size_t total;
	int ret;

	if ((ret = wait_frame(c, &type, &total)) < 0) {
		if (ret == -ETIMEDOUT)
			pcb_error_set(cause, ret,
			    "a new worker process did "
			    "not start Python within "
			    "--timeout");
		else if (c->be->foreign)
			pcb_error_set(cause, ret,
			    "%s did not start the worker script %s: it %s %d "
			    "(is it Python 3.9 or later?)",
			    c->be->exe, c->be->args[4],
			    c->term_signal ? "was killed by signal" :
					     "exited with status",
			    c->term_signal ? c->term_signal :
					     (int)c->exit_status);
		else
			pcb_error_set(cause, ret,
			    "a worker process died before it could start "
			    "Python");
		reap(c, 1);
		return ret;
	}
	ret = type == PCB_WIRE_HELLO ?
	    pcb_wire_take_hello(c->in + PCB_WIRE_HEADER,
		total - PCB_WIRE_HEADER, rt, cause) :
	    -EPROTO;
	consume(c, total);
	if (ret == -EPROTO && *cause == NULL)
		pcb_error_set(cause, ret,
		    "a worker process said something unexpected");
	if (ret < 0) {
		reap(c, 1);
		return ret;
	}
	c->greeted = 1;
	return 0;
}

static int
compiler_make(struct proc_backend *be, struct proc_compiler **out, char **cause)
{
	struct proc_compiler *c;
	int ret;

	if ((c = calloc(1, sizeof *c)) == NULL)
		return pcb_error_set(cause, -ENOMEM, "out of memory");
	c->be = be;
	if ((ret = uv_loop_init(&c->loop)) < 0)
		goto err_after_alloc;
	if ((ret = uv_timer_init(&c->loop, &c->timer)) < 0)
		goto err_after_loop;
	c->timer.data = c;
	if ((ret = spawn_waiting(c)) < 0)
		goto err_after_timer;
	*out = c;
	return 0;

err_after_timer:
	uv_close((uv_handle_t *)&c->timer, NULL);
	uv_run(&c->loop, UV_RUN_DEFAULT);
err_after_loop:
	uv_loop_close(&c->loop);
err_after_alloc:
	free(c);
	return pcb_error_set(cause, ret, "cannot start a worker process: %s",
	    uv_strerror(ret));
}

static void
proc_compiler_free(void *compiler)
{
	struct proc_compiler *c = compiler;

	if (c == NULL)
		return;
	reap(c, 0);
	uv_close((uv_handle_t *)&c->timer, NULL);
	uv_run(&c->loop, UV_RUN_DEFAULT);
	uv_loop_close(&c->loop);
	pcb_wire_buf_fini(&c->out);
	free(c->in);
	free(c);
}

/* environ without the PYTHON* variables kept_env leaves out (owned). */
static char **
worker_env(void)
{
	extern char **environ;
	size_t n = 0, k = 0;
	char **env;

	while (environ[n] != NULL)
		n++;
	if ((env = calloc(n + 1, sizeof *env)) == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		int keep = strncmp(environ[i], "PYTHON", 6) != 0;

		for (size_t j = 0;
		     !keep && j < sizeof kept_env / sizeof *kept_env; j++)
			keep = strncmp(environ[i], kept_env[j],
				   strlen(kept_env[j])) == 0;
		if (keep)
			env[k++] = environ[i];
	}
	return env;
}

/*
 * What a child runs: this program in child mode, or cfg->python with the
 * worker script, which must be readable.  Returns 0 or -errno with *cause.
 */
static int
child_command(struct proc_backend *be, const struct pcb_backend_cfg *cfg,
    char **cause)
{
	const char *script = pcb_backend_worker_script();
	size_t size = sizeof be->exe;
	int ret;

	if (cfg->python == NULL) {
		if ((ret = uv_exepath(be->exe, &size)) < 0)
			return pcb_error_set(cause, ret,
			    "cannot find this program: %s", uv_strerror(ret));
		be->args[0] = be->exe;
		be->args[1] = (char *)PCB_CHILD_ARG;
		return 0;
	}
	if (access(script, R_OK) < 0)
		return pcb_error_set(cause, -errno,
		    "cannot read the worker script %s: %s "
		    "(PYCOMPILE_BATCH_WORKER names another)",
		    script, strerror(errno));
	if (snprintf(be->exe, sizeof be->exe, "%s", cfg->python) >=
	    (int)sizeof be->exe)
		return pcb_error_set(cause, -ENAMETOOLONG, "%s: %s",
		    cfg->python, strerror(ENAMETOOLONG));
	if ((be->env = worker_env()) == NULL)
		return pcb_error_set(cause, -ENOMEM, "out of memory");
	/* No .pyc of its own modules written, no site, no user site. */
	be->args[0] = be->exe;
	be->args[1] = (char *)"-B";
	be->args[2] = (char *)"-S";
	be->args[3] = (char *)"-s";
	be->args[4] = (char *)script;
	be->foreign = 1;
	return 0;
}

static int
proc_open(const struct pcb_backend_cfg *cfg, struct pcb_runtime *rt,
    void **state, char **cause)
{
	struct proc_backend *be;
	int ret;

	if ((be = calloc(1, sizeof *be)) == NULL)
		return pcb_error_set(cause, -ENOMEM, "out of memory");
	if ((ret = child_command(be, cfg, cause)) < 0)
		goto err_after_alloc;
	if (cfg->timeout > 0)
		be->timeout_ms = cfg->timeout * 1000 < 1 ?
		    1 :
		    (uint64_t)(cfg->timeout * 1000);
	/* The first child says what the runtime is; the others start later. */
	if ((ret = compiler_make(be, &be->first, cause)) < 0)
		goto err_after_alloc;
	if ((ret = greet(be->first, rt, cause)) < 0)
		goto err_after_first;
	be->magic = rt->magic;
	*state = be;
	return 0;

err_after_first:
	proc_compiler_free(be->first);
err_after_alloc:
	free(be->env);
	free(be);
	return ret;
}

static void
proc_close(void *state)
{
	struct proc_backend *be = state;

	proc_compiler_free(be->first);
	free(be->env);
	free(be);
}

static unsigned
proc_max_compilers(const void *state)
{
	return UINT_MAX;
}

static int
proc_compiler_new(void *state, void **compiler, char **cause)
{
	struct proc_backend *be = state;
	struct proc_compiler *c;
	int ret;

	if (be->first != NULL) {
		*compiler = be->first;
		be->first = NULL;
		return 0;
	}
	if ((ret = compiler_make(be, &c, cause)) < 0)
		return ret;
	*compiler = c;
	return 0;
}

static void
proc_begin(void *compiler)
{
}

static void
proc_end(void *compiler)
{
	reap(compiler, 0);
}

/*
 * res->message for a file whose child failed us: what happened, and to
 * which file.  cause, when not NULL, says it instead of the child's end.
 * Returns ret, or -ENOMEM when there was no memory for the text.
 */
static int
child_failure(struct proc_compiler *c, const struct pcb_compile_req *req,
    int ret, const char *cause, struct pcb_compile_result *res)
{
	char *name = pcb_text_repr_str(req->path ? req->path : req->filename);
	const char *q = name ? name : "?";
	char **msg = &res->message;

	if (cause != NULL)
		pcb_error_set(msg, ret, "Sorry: compiling %s: %s", q, cause);
	else if (ret == -ETIMEDOUT)
		pcb_error_set(msg, ret,
		    "Sorry: compiling %s took more than %g s (--timeout); its "
		    "worker process was killed",
		    q, (double)c->be->timeout_ms / 1000);
	else if (ret != -ECHILD)
		pcb_error_set(msg, ret,
		    "Sorry: the worker process compiling %s failed: %s", q,
		    strerror(-ret));
	else if (c->term_signal != 0)
		pcb_error_set(msg, ret,
		    "Sorry: the worker process compiling %s was killed by "
		    "signal %d (%s)",
		    q, c->term_signal, strsignal(c->term_signal));
	else
		pcb_error_set(msg, ret,
		    "Sorry: the worker process compiling %s exited with status "
		    "%lld",
		    q, (long long)c->exit_status);
	free(name);
	return *msg == NULL ? -ENOMEM : ret;
}

/*
 * A child that died while idle, or that a timer killed just as its reply
 * came, is reaped here, so that its end is not blamed on the next file.
 */
static void
drop_stale_child(struct proc_compiler *c)
{
	if (!c->running)
		return;
	uv_run(&c->loop, UV_RUN_NOWAIT);
	if (c->exited || c->eof || c->timed_out)
		reap(c, 1);
}

/*
 * Makes sure a live, greeted child waits, starting one if needed.  Returns
 * 0, or a negative errno with *cause (owned).
 */
static int
ready_child(struct proc_compiler *c, char **cause)
{
	struct pcb_runtime rt = { 0 };
	int ret;

	if (!c->running && (ret = spawn_waiting(c)) < 0)
		return pcb_error_set(cause, ret,
		    "cannot start a worker process: %s", uv_strerror(ret));
	if (c->greeted)
		return 0;
	ret = greet(c, &rt, cause);
	if (ret == 0 && rt.magic != c->be->magic) {
		ret = pcb_error_set(cause, -EPROTO,
		    "a worker process runs another Python");
		reap(c, 1);
	}
	pcb_runtime_fini(&rt);
	return ret;
}

static int
proc_compile(void *compiler, const struct pcb_compile_req *req,
    struct pcb_compile_result *res)
{
	struct proc_compiler *c = compiler;
	char *cause = NULL;
	uv_buf_t bufs[2];
	uint32_t type;
	size_t total;
	int ret, cret;

	memset(res, 0, sizeof *res);
	if (req->source_len > UINT_MAX)
		return child_failure(c, req, -EFBIG,
		    "the processes backend takes sources under 4 GiB", res);
	drop_stale_child(c);
	/* The limit covers a new worker's start too; the clock may be stale. */
	uv_update_time(&c->loop);
	if (c->be->timeout_ms > 0)
		uv_timer_start(&c->timer, on_timeout, c->be->timeout_ms, 0);
	c->timed_out = 0;
	if ((ret = ready_child(c, &cause)) < 0) {
		uv_timer_stop(&c->timer);
		ret = child_failure(c, req, ret,
		    cause ? cause : "a worker process failed to start", res);
		free(cause);
		return ret;
	}

	if ((ret = pcb_wire_request(&c->out, req)) < 0) {
		uv_timer_stop(&c->timer);
		return child_failure(c, req, ret, "out of memory", res);
	}
	bufs[0] = uv_buf_init((char *)c->out.data, (unsigned)c->out.len);
	bufs[1] = uv_buf_init((char *)req->source, (unsigned)req->source_len);
	c->write_req.data = c;
	if (uv_write(&c->write_req, (uv_stream_t *)&c->sock, bufs, 2,
		on_write) < 0) {
		/* A dead socket: the child is going, see that it does. */
		uv_process_kill(&c->proc, SIGKILL);
		c->eof = 1;
	} else {
		c->writing = 1;
	}
	ret = wait_frame(c, &type, &total);
	uv_timer_stop(&c->timer);
	/* The request's buffers are reused: let the write finish first. */
	while (ret == 0 && c->writing)
		uv_run(&c->loop, UV_RUN_ONCE);
	if (ret == 0 && type != PCB_WIRE_REPLY)
		ret = -EPROTO;
	if (ret == 0) {
		ret = pcb_wire_take_reply(c->in + PCB_WIRE_HEADER,
		    total - PCB_WIRE_HEADER, &cret, res);
		consume(c, total);
	}
	if (ret < 0) {
		reap(c, 1);
		return child_failure(c, req, ret, NULL, res);
	}
	return cret;
}

const struct pcb_backend_ops pcb_backend_proc_ops = {
	.open = proc_open,
	.close = proc_close,
	.max_compilers = proc_max_compilers,
	.compiler_new = proc_compiler_new,
	.compiler_free = proc_compiler_free,
	.begin = proc_begin,
	.end = proc_end,
	.compile = proc_compile,
};
