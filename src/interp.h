/*
 * interp.h: the embedded Python runtime and the interpreters that compile.
 *
 * Ownership and threads: the runtime is started and finished by the main
 * thread.  A struct pcb_interp is created and freed by the main thread, one
 * at a time, and used by exactly one worker thread between attach and
 * detach.  With own-GIL subinterpreters (3.12+) each worker has its own
 * interpreter and GIL; on 3.11 all workers share the main interpreter and its
 * GIL.  Functions marked "GIL" need the calling worker attached.
 */
#ifndef PCB_INTERP_H
#define PCB_INTERP_H

#include <stddef.h>
#include <stdint.h>

#include "pcb.h"

/* What the linked Python says about itself, asked once at start-up. */
struct pcb_runtime {
	char version[32]; /* "3.13.0" */
	unsigned py_minor;
	uint32_t magic;       /* PyImport_GetMagicNumber() */
	char cache_tag[64];   /* sys.implementation.cache_tag */
	char *pycache_prefix; /* sys.pycache_prefix, or NULL (owned) */
	int optimize;         /* sys.flags.optimize */
	int own_gil;          /* built with PEP 684 subinterpreters */
};

/*
 * Starts an isolated runtime that still honours PYTHONOPTIMIZE and
 * PYTHONPYCACHEPREFIX, and fills rt.  Main thread; on return the main thread
 * holds no GIL.  Returns 0, or -1 with *cause (owned by the caller).
 */
int pcb_interp_runtime_init(const char *argv0, struct pcb_runtime *rt,
    char **cause);

/* Ends the runtime.  Main thread, after every interpreter is freed. */
void pcb_interp_runtime_fini(struct pcb_runtime *rt);

struct pcb_interp;

/*
 * Makes the interpreter for one worker: the main interpreter when use_main is
 * set or when there are no own-GIL subinterpreters, else a new subinterpreter.
 * Main thread, one at a time.  Returns 0, or -1 with *cause.
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

/* A marshalled code object; data stays valid until pcb_interp_code_free. */
struct pcb_code {
	void *obj; /* the bytes object (a PyObject *) */
	const char *data;
	size_t len;
};

/*
 * GIL.  compile(source, filename, 'exec', dont_inherit=True,
 * optimize=optimize), then marshal.dumps.  On failure returns -1 and sets
 * *message to py_compile's text for the exception (owned by the caller).
 * Either way *warnings gets what the compiler warned, or NULL.
 */
int pcb_interp_compile(struct pcb_interp *in, const char *source, size_t len,
    const char *filename, int optimize, struct pcb_code *out, char **message,
    char **warnings);

/* GIL.  Drops the code; accepts an empty one. */
void pcb_interp_code_free(struct pcb_code *code);

/*
 * GIL.  str(OSError(errnum, strerror, path, None, path2)), the text Python
 * gives for an OS error: "[Errno 2] No such file or directory: 'x.py'".
 * errnum is negative; path and path2 may be NULL.  Returns an owned string.
 */
char *pcb_interp_oserror_text(int errnum, const char *path, const char *path2);

#endif
