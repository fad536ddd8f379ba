/*
 * pythons.h: the interpreters a run compiles for (--python).  Each name is
 * found (a path, or on PATH), its worker is started once to say which
 * Python it is, and an interpreter whose cache tag an earlier one has is
 * dropped: it would write the same .pyc files.  Main thread, before the
 * engine starts; nothing is written.
 */
#ifndef PCB_PYTHONS_H
#define PCB_PYTHONS_H

#include <stddef.h>

#include "pcb.h"

/* One interpreter of the run: one pass of the engine over the files. */
struct pcb_python {
	const char *name;      /* as --python gave it (borrowed) */
	char *path;            /* the executable found (owned) */
	struct pcb_runtime rt; /* what its worker said (owned) */
	int linked; /* the linked Python's build: compiled in this process */
};

struct pcb_pythons {
	struct pcb_python items[PCB_MAX_PYTHONS];
	size_t n;
};

/*
 * Finds the interpreters names[0..n) name, in order, into out (zeroed by
 * the caller), with dedupe an interpreter of an earlier one's cache tag
 * dropped.  opt says which backend and --timeout.  Returns 0, or a negative
 * errno with *cause naming the interpreter: not found, not runnable, not a
 * Python this program can use.
 */
int pcb_pythons_find(const struct pcb_options *opt, char *const *names,
    size_t n, int dedupe, struct pcb_pythons *out, char **cause);

/* Frees what pcb_pythons_find filled; accepts a zeroed one. */
void pcb_pythons_fini(struct pcb_pythons *ps);

#endif
