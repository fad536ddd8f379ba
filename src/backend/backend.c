/*
 * backend.c: picks a backend and passes each call to it (ops.h).
 * Knows nothing of Python: whether this build has own-GIL subinterpreters
 * is the one fact it asks of interp.c.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <uv.h>

#include "backend/backend.h"
#include "backend/child.h"
#include "backend/interp.h"
#include "backend/ops.h"
#include "os/error.h"
#include "os/fds.h"
#include "pyc/source.h"

struct pcb_backend {
	const struct pcb_backend_ops *ops;
	void *state;
};

struct pcb_compiler {
	const struct pcb_backend_ops *ops;
	void *impl;
};

enum pcb_backend_kind
pcb_backend_resolve(enum pcb_backend_kind kind, unsigned jobs, double timeout)
{
	if (kind != PCB_BACKEND_AUTO)
		return kind;
	if (timeout > 0)
		return PCB_BACKEND_PROCESSES;
	if (pcb_interp_own_gil() || jobs == 1)
		return PCB_BACKEND_SUBINTERPRETERS;
	return PCB_BACKEND_PROCESSES;
}

unsigned
pcb_backend_planned_compilers(const struct pcb_backend_cfg *cfg)
{
	if (cfg->python != NULL)
		return cfg->kind == PCB_BACKEND_SUBINTERPRETERS ? 0 : UINT_MAX;
	if (pcb_backend_resolve(cfg->kind, cfg->jobs, cfg->timeout) ==
	    PCB_BACKEND_PROCESSES)
		return UINT_MAX;
	if (pcb_interp_own_gil())
		return UINT_MAX;
	return cfg->jobs > 1 ? 0 : 1;
}

const char *
pcb_backend_name(enum pcb_backend_kind kind)
{
	switch (kind) {
	case PCB_BACKEND_SUBINTERPRETERS:
		return "subinterpreters";
	case PCB_BACKEND_PROCESSES:
		return "processes";
	case PCB_BACKEND_AUTO:
		break;
	}
	return "auto";
}

/*
 * Worker processes, chosen for speed alone (no --backend, no --timeout),
 * give way to compiling in this process, one file at a time, where they
 * cannot start: too few file descriptors for them (about 4 each), or none,
 * no process or no memory left when the first starts.
 */
static int
gives_way(const struct pcb_backend_cfg *cfg, int ret)
{
	return cfg->kind == PCB_BACKEND_AUTO && cfg->timeout <= 0 &&
	    (ret == -EMFILE || ret == -ENFILE || ret == -EAGAIN ||
		ret == -ENOMEM);
}

int
pcb_backend_open(const struct pcb_backend_cfg *cfg, struct pcb_runtime *rt,
    struct pcb_backend **out, char **cause)
{
	struct pcb_backend_cfg in_process = *cfg;
	struct pcb_backend *be;
	int ret = 0;

	memset(rt, 0, sizeof *rt);
	if (cfg->python != NULL && cfg->kind == PCB_BACKEND_SUBINTERPRETERS)
		return pcb_error_set(cause, -ENOTSUP,
		    "--backend=subinterpreters compiles with the linked Python "
		    "only, not with %s",
		    cfg->python);
	if ((be = calloc(1, sizeof *be)) == NULL)
		return pcb_error_set(cause, -ENOMEM, "out of memory");
	if (cfg->python != NULL) {
		/* Never the linked Python in its place: no giving way. */
		be->ops = &pcb_backend_proc_ops;
		ret = be->ops->open(cfg, rt, &be->state, cause);
	} else if (pcb_backend_resolve(cfg->kind, cfg->jobs, cfg->timeout) ==
	    PCB_BACKEND_PROCESSES) {
		be->ops = &pcb_backend_proc_ops;
		if (gives_way(cfg, -EMFILE) &&
		    pcb_fds_room() < PCB_FDS_LEAST + 4 * (long)cfg->jobs)
			ret = -EMFILE;
		else
			ret = be->ops->open(cfg, rt, &be->state, cause);
		if (ret < 0 && gives_way(cfg, ret)) {
			free(*cause);
			*cause = NULL;
			memset(rt, 0, sizeof *rt);
			be->ops = NULL;
			in_process.jobs = 1;
		}
	}
	if (be->ops != &pcb_backend_proc_ops) {
		be->ops = &pcb_backend_subinterp_ops;
		ret = be->ops->open(&in_process, rt, &be->state, cause);
	}
	if (ret < 0) {
		free(be);
		return ret;
	}
	*out = be;
	return 0;
}

void
pcb_backend_close(struct pcb_backend *be)
{
	if (be == NULL)
		return;
	be->ops->close(be->state);
	free(be);
}

size_t
pcb_backend_thread_stack(const struct pcb_backend *be, unsigned py_minor)
{
	const size_t big = (size_t)32 << 20;
	struct rlimit rl;

	if (be->ops == &pcb_backend_proc_ops)
		return (size_t)512 << 10;
	/*
	 * Under an address-space limit (ulimit -v) a stack's reservation
	 * counts whole: the main thread's usual 8 MiB leaves the compiler
	 * more of the limit (py_compile compiles on such a stack).
	 */
	if (getrlimit(RLIMIT_AS, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
		return (size_t)8 << 20;

	/* An unlimited main stack has no size to copy: the old default. */
	if (py_minor < 14 || getrlimit(RLIMIT_STACK, &rl) < 0 ||
	    rl.rlim_cur == RLIM_INFINITY)
		return big;
	if (rl.rlim_cur < ((rlim_t)1 << 20))
		return (size_t)1 << 20;
	if (rl.rlim_cur > ((rlim_t)1 << 30))
		return (size_t)1 << 30;
	return (size_t)rl.rlim_cur;
}

unsigned
pcb_backend_max_compilers(const struct pcb_backend *be)
{
	return be->ops->max_compilers(be->state);
}

int
pcb_compiler_new(struct pcb_backend *be, struct pcb_compiler **out,
    char **cause)
{
	struct pcb_compiler *c;
	int ret;

	if ((c = calloc(1, sizeof *c)) == NULL)
		return pcb_error_set(cause, -ENOMEM, "out of memory");
	c->ops = be->ops;
	if ((ret = be->ops->compiler_new(be->state, &c->impl, cause)) < 0) {
		free(c);
		return ret;
	}
	*out = c;
	return 0;
}

void
pcb_compiler_free(struct pcb_compiler *c)
{
	if (c == NULL)
		return;
	c->ops->compiler_free(c->impl);
	free(c);
}

void
pcb_compiler_begin(struct pcb_compiler *c)
{
	c->ops->begin(c->impl);
}

void
pcb_compiler_end(struct pcb_compiler *c)
{
	c->ops->end(c->impl);
}

int
pcb_compiler_compile(struct pcb_compiler *c, const struct pcb_compile_req *req,
    struct pcb_compile_result *res)
{
	return c->ops->compile(c->impl, req, res);
}

int
pcb_backend_identity(char **out)
{
	return pcb_interp_identity(out);
}

int
pcb_backend_probe(const char *argv0, struct pcb_runtime *rt, char **cause)
{
	int ret;

	if ((ret = pcb_interp_runtime_init(argv0, rt, cause)) < 0)
		return ret;
	pcb_interp_runtime_fini();
	return 0;
}

int
pcb_backend_sys_path(char **buf, size_t *len, char **cause)
{
	char exe[PATH_MAX];
	size_t size = sizeof exe;
	int fds[2], status, ret;
	pid_t pid;

	*buf = NULL;
	*len = 0;
	if ((ret = uv_exepath(exe, &size)) < 0)
		return pcb_error_set(cause, ret, "cannot find this program: %s",
		    uv_strerror(ret));
	if (pipe2(fds, O_CLOEXEC) < 0)
		return pcb_error_set(cause, -errno, "pipe: %s",
		    strerror(errno));
	/* Single-threaded still: a fork then exec is safe. */
	if ((pid = fork()) == 0) {
		char *args[] = { exe, (char *)PCB_SYS_PATH_ARG, NULL };

		dup2(fds[1], STDOUT_FILENO);
		execv(exe, args);
		_exit(127);
	}
	ret = pid < 0 ? -errno : 0;
	close(fds[1]);
	if (ret == 0)
		ret = pcb_source_read_fd(fds[0], 4096, buf, len);
	close(fds[0]);
	if (pid < 0)
		return pcb_error_set(cause, ret, "fork: %s", strerror(-ret));
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (ret == 0 && !(WIFEXITED(status) && WEXITSTATUS(status) == 0))
		ret = -EIO;
	if (ret < 0) {
		free(*buf);
		*buf = NULL;
		return pcb_error_set(cause, ret,
		    "cannot read the linked Python's sys.path");
	}
	return 0;
}

const char *
pcb_backend_worker_script(void)
{
	const char *env = getenv("PYCOMPILE_BATCH_WORKER");

	return env != NULL && *env != '\0' ? env : PCB_WORKER_SCRIPT;
}

int
pcb_backend_is_linked(const char *build)
{
	return strcmp(build, pcb_interp_build()) == 0;
}

unsigned long
pcb_backend_python_version(void)
{
	return pcb_interp_version_hex();
}
