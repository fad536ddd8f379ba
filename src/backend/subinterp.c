/*
 * subinterp.c: the subinterpreters backend.  The runtime lives in
 * this process; the first compiler uses the main interpreter, each further
 * one an own-GIL subinterpreter of its own (interp.c), so that compilers run
 * in parallel on their worker threads.  Without an own GIL (before 3.12)
 * there is the main interpreter alone, and one compiler.
 *
 * A compiler's worker thread stays attached to its interpreter from begin to
 * end and holds its GIL only while compiling.
 */
#include <config.h>

#include <errno.h>
#include <limits.h>
#include <stdlib.h>

#include "backend/interp.h"
#include "backend/ops.h"
#include "os/error.h"

struct subinterp_backend {
	unsigned ncompilers; /* made so far; the first uses the main one */
};

static int
subinterp_open(const struct pcb_backend_cfg *cfg, struct pcb_runtime *rt,
    void **state, char **cause)
{
	struct subinterp_backend *sb;
	int ret;

	if (!pcb_interp_own_gil() && cfg->jobs > 1)
		return pcb_error_set(cause, -ENOTSUP,
		    "the subinterpreters backend needs Python 3.12 "
		    "or newer for more than one job; use -j1 or "
		    "--backend=processes");
	if ((sb = calloc(1, sizeof *sb)) == NULL)
		return pcb_error_set(cause, -ENOMEM, "out of memory");
	if ((ret = pcb_interp_runtime_init(cfg->argv0, rt, cause)) < 0) {
		pcb_interp_runtime_fini();
		free(sb);
		return ret;
	}
	*state = sb;
	return 0;
}

static void
subinterp_close(void *state)
{
	pcb_interp_runtime_fini();
	free(state);
}

static unsigned
subinterp_max_compilers(const void *state)
{
	return pcb_interp_own_gil() ? UINT_MAX : 1;
}

static int
subinterp_compiler_new(void *state, void **compiler, char **cause)
{
	struct subinterp_backend *sb = state;
	struct pcb_interp *in;
	int ret;

	if ((ret = pcb_interp_new(sb->ncompilers == 0, &in, cause)) < 0)
		return ret;
	sb->ncompilers++;
	*compiler = in;
	return 0;
}

static void
subinterp_compiler_free(void *compiler)
{
	pcb_interp_free(compiler);
}

static void
subinterp_begin(void *compiler)
{
	pcb_interp_attach(compiler);
	pcb_interp_unlock(compiler);
}

static void
subinterp_end(void *compiler)
{
	pcb_interp_relock(compiler);
	pcb_interp_detach(compiler);
}

static int
subinterp_compile(void *compiler, const struct pcb_compile_req *req,
    struct pcb_compile_result *res)
{
	int ret;

	pcb_interp_relock(compiler);
	ret = pcb_interp_compile(compiler, req, res);
	pcb_interp_unlock(compiler);
	return ret;
}

const struct pcb_backend_ops pcb_backend_subinterp_ops = {
	.open = subinterp_open,
	.close = subinterp_close,
	.max_compilers = subinterp_max_compilers,
	.compiler_new = subinterp_compiler_new,
	.compiler_free = subinterp_compiler_free,
	.begin = subinterp_begin,
	.end = subinterp_end,
	.compile = subinterp_compile,
};
