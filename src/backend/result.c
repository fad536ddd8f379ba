/*
 * result.c: freeing the plain-C values of backend.h, a runtime and a
 * compile result.  In the core library, so that wire.c and the unit tests
 * need neither libuv nor Python.
 */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "pcb.h"

void
pcb_runtime_fini(struct pcb_runtime *rt)
{
	free(rt->pycache_prefix);
	rt->pycache_prefix = NULL;
}

void
pcb_compile_result_fini(struct pcb_compile_result *res)
{
	free(res->data);
	free(res->message);
	free(res->warnings);
	memset(res, 0, sizeof *res);
}
