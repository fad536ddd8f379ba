/*
 * inputs.h: what the FILE, DIR and "-" arguments expand to (SPEC 2), with
 * -x, -d, -s and -p applied.  Main thread, before the engine starts.
 */
#ifndef PCB_INPUTS_H
#define PCB_INPUTS_H

#include "cli/list.h"
#include "pcb.h"

/* What the arguments expand to; every list is owned. */
struct pcb_inputs {
	struct pcb_list paths;    /* sources to compile, in input order */
	struct pcb_list dfiles;   /* per path: the name given to compile() */
	struct pcb_list excluded; /* paths -x matched */
	struct pcb_list notes;    /* warnings for the user, one line each */
	size_t *note_at;          /* per note: how many paths came before it */
	size_t note_cap;
};

/*
 * Expands opt's inputs into in, which starts zeroed: a FILE is taken as it
 * is, a DIR is walked (walk.c), "-" reads the list of files from standard
 * input (once, however often it is given); -x drops paths, -d/-s/-p give
 * each its stored name (dfile.c).
 *
 * In compileall's dialect, as compileall.main takes its arguments: -i's
 * list is added to them, and each is compiled if it is a regular file
 * named *.py, else walked as a directory (to "Can't list" if it is none);
 * each directory listed is a note "Listing 'DIR'..." unless -q; -e drops
 * symlinks that point outside its directory.
 *
 * py_minor is the Python 3.x compiled for, whose compileall -s rule the
 * stored names follow.
 *
 * Returns 0 or a negative errno with *cause; in then holds what was
 * collected before the failure.  In compileall's dialect *cause is then
 * compileall's own words ("Error reading file list FILE").
 */
int pcb_inputs_collect(const struct pcb_options *opt, unsigned py_minor,
    struct pcb_inputs *in, char **cause);

/* Frees every list and leaves in empty; accepts a zeroed one. */
void pcb_inputs_fini(struct pcb_inputs *in);

#endif
