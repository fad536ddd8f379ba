/*
 * interp.h: the embedded Python runtime and the interpreters that compile.
 *
 * Ownership and threads: the runtime is started and finished by the main
 * thread.  A struct pcb_interp is created and freed by the main thread, one
 * at a time, and used by exactly one worker thread between attach and
 * detach.  With own-GIL subinterpreters (3.12+) each worker has its own
 * interpreter and GIL; without, only the main interpreter exists.  Used by
 * the subinterpreters backend and by a worker process (child.c).  Functions
 * marked "GIL" need the calling worker attached.
 */
#ifndef PCB_INTERP_H
#define PCB_INTERP_H

#include <stddef.h>
#include <stdint.h>

#include "pcb.h"

/*
 * Starts an isolated runtime that still honours PYTHONOPTIMIZE and
 * PYTHONPYCACHEPREFIX, and fills rt.  Main thread; on return the main thread
 * holds no GIL.  Returns 0, or -EIO with *cause (owned by the caller).
 */
int pcb_interp_runtime_init(const char *argv0, struct pcb_runtime *rt,
    char **cause);

/* Ends the runtime.  Main thread, after every interpreter is freed. */
void pcb_interp_runtime_fini(void);

/*
 * Starts Python as the python3 command would start for "-m compileall"
 * (environment, site), writes each entry of its sys.path to fd, each
 * followed by a NUL byte, and finalises it.  For a process of its own
 * (child.h), never one that runs the engine.  Returns 0 or a negative errno
 * with *cause.
 */
int pcb_interp_sys_path(const char *argv0, int fd, char **cause);

/* Whether this build has own-GIL subinterpreters (PEP 684, 3.12+). */
int pcb_interp_own_gil(void);

/* PY_VERSION_HEX of the Python this program was built against. */
unsigned long pcb_interp_version_hex(void);

/* The linked Python's sys.version, whole; needs no runtime. */
const char *pcb_interp_build(void);

/*
 * What decides pcb_interp_runtime_init's answer, without starting Python:
 * the linked library (Py_GetVersion, its cache tag, its file's path, size
 * and mtime) and the environment the runtime reads (PYTHONPYCACHEPREFIX,
 * PYTHONOPTIMIZE, the locale).  Equal identities give equal runtimes.
 * Returns 0 with *out (owned by the caller), or a negative errno: -ENOENT
 * when the library's file cannot be found, stat(2)'s error, or -ENOMEM.
 * Any thread.
 */
int pcb_interp_identity(char **out);

struct pcb_interp;

/*
 * Makes the interpreter for one worker: the main interpreter when use_main is
 * set or when there are no own-GIL subinterpreters, else a new subinterpreter.
 * Main thread, one at a time.  Returns 0, or -ENOMEM or -EIO with *cause.
 */
int pcb_interp_new(int use_main, struct pcb_interp **out, char **cause);

/* Ends a subinterpreter (if it is one) and frees; accepts NULL.  Main thread. */
void pcb_interp_free(struct pcb_interp *in);

/* Worker thread: enter the interpreter with a thread state of its own. */
void pcb_interp_attach(struct pcb_interp *in);
/* Worker thread: leave it and delete that thread state. */
void pcb_interp_detach(struct pcb_interp *in);

/* Worker thread: let other threads of this interpreter run during I/O. */
void pcb_interp_unlock(struct pcb_interp *in);
void pcb_interp_relock(struct pcb_interp *in);

/*
 * GIL.  compile(source, filename, 'exec', dont_inherit=True,
 * optimize=optimize), then marshal.dumps, into res (see backend.h): the
 * marshal bytes copied out of Python, or py_compile's text for the
 * exception, and what the compiler warned.  Returns 0, -EINVAL (the compiler
 * refused the source) or -ENOMEM, with res->message (NULL only if there
 * was no memory for it).
 */
int pcb_interp_compile(struct pcb_interp *in, const struct pcb_compile_req *req,
    struct pcb_compile_result *res);

#endif
