/*
 * backend.h: the one place the engine meets Python.
 *
 * A backend turns (source bytes, stored name, level) into marshal bytes or a
 * py_compile-style message, plus what the compiler warned (the request,
 * result and runtime types are in pcb.h, since the worker's side and the
 * wire format use them too).  The engine and the per-file pipeline see only
 * this header: plain C, no GIL, no PyObject.
 *
 * Two backends, and a variant:
 *  - subinterpreters (subinterp.c): one interpreter per worker thread
 *    in this process, own-GIL subinterpreters on Python 3.12+ (SPEC 7).  On
 *    an older Python it has the main interpreter alone: one worker.
 *  - processes (proc.c): one child process per worker, this program
 *    run again in child mode (child.c), fed over pipes (wire.h).  Crash
 *    isolation and --timeout.  Any Python 3.9+.
 *  - processes of another interpreter (proc.c, worker.py): the same
 *    frames, answered by a script that interpreter runs (--python).
 *
 * Threads: pcb_backend_open, pcb_backend_close, pcb_compiler_new and
 * pcb_compiler_free run on the main thread, one at a time.  A compiler is
 * used by one worker thread at a time, between pcb_compiler_begin and
 * pcb_compiler_end; several compilers compile at once.
 */
#ifndef PCB_BACKEND_H
#define PCB_BACKEND_H

#include <stddef.h>
#include <stdint.h>

#include "pcb.h"

/* How the engine wants its backend. */
struct pcb_backend_cfg {
	enum pcb_backend_kind kind; /* AUTO is resolved by pcb_backend_open */
	const char *argv0;          /* this program, for the interpreter */
	double timeout;             /* seconds per file, 0 for none */
	unsigned jobs;              /* workers wanted */
	/*
	 * An interpreter's executable (--python) whose worker processes
	 * compile, running the worker script (worker.py) instead of this
	 * program; NULL for the linked Python.
	 */
	const char *python;
};

struct pcb_backend;
struct pcb_compiler;

/*
 * The backend that AUTO stands for with this build and these options:
 * subinterpreters where the linked Python has an own GIL, or where one
 * worker is asked for and no timeout (no child to start); else processes.
 */
enum pcb_backend_kind pcb_backend_resolve(enum pcb_backend_kind kind,
    unsigned jobs, double timeout);

/*
 * How many compilers the backend cfg asks for will give, known before it
 * starts: 0 where it would refuse (subinterpreters for more than one job
 * without an own GIL), else 1 or UINT_MAX.  A backend that gives way
 * (pcb_backend_open) may give fewer: ask pcb_backend_max_compilers then.
 */
unsigned pcb_backend_planned_compilers(const struct pcb_backend_cfg *cfg);

/* "subinterpreters" or "processes". */
const char *pcb_backend_name(enum pcb_backend_kind kind);

/*
 * Starts the backend cfg asks for and fills rt (rt->pycache_prefix owned by
 * rt, see pcb_runtime_fini).  Main thread.  Returns 0, or a negative errno
 * with *cause (owned by the caller): -ENOTSUP for a backend this Python
 * cannot run, another for a runtime that would not start.
 */
int pcb_backend_open(const struct pcb_backend_cfg *cfg, struct pcb_runtime *rt,
    struct pcb_backend **out, char **cause);

/* Stops it; every compiler is freed first.  Accepts NULL.  Main thread. */
void pcb_backend_close(struct pcb_backend *be);

/*
 * The worker script another interpreter runs: $PYCOMPILE_BATCH_WORKER, or
 * the one installed in the package's data directory.
 */
const char *pcb_backend_worker_script(void);

/*
 * Whether the linked Python is the build whose sys.version is build: the
 * same compiler, so the same .pyc files.  Needs no runtime.
 */
int pcb_backend_is_linked(const char *build);

/*
 * The stack size for a worker thread using be's compilers, with Python
 * 3.py_minor.  The processes backend compiles in its children, on their
 * main threads: its worker threads only pass frames, and small stacks keep
 * them startable under a low ulimit -v.  In-process, up to 3.13 the
 * compiler bounds its recursion by a counter, and a big stack only keeps
 * deep nesting from overflowing first; from 3.14 on the bound is the C stack
 * itself, as pthread reports the thread's: a worker gets the stack of
 * python3's main thread (RLIMIT_STACK), where py_compile compiles, so that
 * the same sources fail with RecursionError.
 */
size_t pcb_backend_thread_stack(const struct pcb_backend *be,
    unsigned py_minor);

/* How many compilers this backend can run at once (at least 1). */
unsigned pcb_backend_max_compilers(const struct pcb_backend *be);

/*
 * Makes one worker's compiler.  Main thread.  Returns 0 or a negative errno
 * with *cause.
 */
int pcb_compiler_new(struct pcb_backend *be, struct pcb_compiler **out,
    char **cause);

/* Frees it; accepts NULL.  Main thread, after pcb_compiler_end. */
void pcb_compiler_free(struct pcb_compiler *c);

/* The worker thread that will use c, before its first compile. */
void pcb_compiler_begin(struct pcb_compiler *c);

/* The same thread, after its last compile. */
void pcb_compiler_end(struct pcb_compiler *c);

/*
 * Compiles one file: compile(source, filename, 'exec', dont_inherit=True,
 * optimize=optimize), then marshal.dumps.  Worker thread.  Fills *res: data
 * on success, message on failure, warnings either way.  Returns 0 when
 * compiled, or a negative errno with res->message: -EINVAL the compiler
 * refused the source, -ETIMEDOUT --timeout ran out, -ECHILD the worker
 * process died, -ENOMEM, or another for a worker that could not be started.
 */
int pcb_compiler_compile(struct pcb_compiler *c,
    const struct pcb_compile_req *req, struct pcb_compile_result *res);

/*
 * What decides the runtime pcb_backend_open fills, known without starting
 * it (pcb_interp_identity): a runtime recorded under the same identity is
 * the one this run would start.  Returns 0 with *out (owned by the
 * caller), or a negative errno when it cannot be told.  Any thread.
 */
int pcb_backend_identity(char **out);

/*
 * The runtime alone, for --version: started in this process and ended.
 * Returns 0 or a negative errno with *cause.
 */
int pcb_backend_probe(const char *argv0, struct pcb_runtime *rt, char **cause);

/*
 * The linked Python's version as PY_VERSION_HEX gives it (0x030D00F0 for
 * 3.13.0), without starting it.
 */
unsigned long pcb_backend_python_version(void);

/*
 * The linked Python's sys.path as "python3 -m compileall" sees it, but for
 * the current directory, which -m puts first (the caller's to add): this
 * program run again in a hidden mode (child.h).  *buf holds the entries,
 * each followed by a NUL byte (owned by the caller).  Main thread, before
 * the engine starts.  Returns 0 or a negative errno with *cause.
 */
int pcb_backend_sys_path(char **buf, size_t *len, char **cause);

#endif
