/*
 * ops.h: what a backend implements, for backend.c to dispatch to.
 * Each function has the meaning and the thread of its pcb_backend_* or
 * pcb_compiler_* counterpart in backend.h; state and compiler are the
 * backend's own objects.
 */
#ifndef PCB_BACKEND_OPS_H
#define PCB_BACKEND_OPS_H

#include "backend/backend.h"

struct pcb_backend_ops {
	int (*open)(const struct pcb_backend_cfg *cfg, struct pcb_runtime *rt,
	    void **state, char **cause);
	void (*close)(void *state);
	unsigned (*max_compilers)(const void *state);
	int (*compiler_new)(void *state, void **compiler, char **cause);
	void (*compiler_free)(void *compiler);
	void (*begin)(void *compiler);
	void (*end)(void *compiler);
	int (*compile)(void *compiler, const struct pcb_compile_req *req,
	    struct pcb_compile_result *res);
};

extern const struct pcb_backend_ops pcb_backend_subinterp_ops;
extern const struct pcb_backend_ops pcb_backend_proc_ops;

#endif
