/*
 * debpython.h: Debian's py3compile rules (--py3compile), as its debpython
 * modules apply them: which Pythons a run compiles for (supported in
 * /usr/share/python3/debian_defaults or $DEBPYTHON3_SUPPORTED, within -V,
 * installed as /usr/bin/python3.X), and which files each compiles (dpkg -L
 * for -p, a walk for DIR_OR_FILE, the public directories' versions, -X and
 * /usr/share/python3/bcep exclusions).  Main thread, before the engine
 * starts; nothing is written.
 */
#ifndef PCB_DEBPYTHON_H
#define PCB_DEBPYTHON_H

#include <stddef.h>

#include "cli/list.h"
#include "pcb.h"

/* A -V range: each end a version as major * 100 + minor, or -1 for none. */
struct pcb_deb_range {
	int min, max;
};

/* What a py3compile run compiles: per Python, ascending, its files. */
struct pcb_deb_plan {
	int versions[PCB_MAX_PYTHONS];  /* major * 100 + minor */
	char *pythons[PCB_MAX_PYTHONS]; /* "/usr/bin/python3.X" (owned) */
	struct pcb_list files[PCB_MAX_PYTHONS];
	size_t n;
	struct pcb_list notes; /* warnings, one line each (py3compile's) */
};

/*
 * Parses a range as debpython's parse_vrange: "3.13", "3.13-", "-3.14",
 * "3.12-3.14" (the upper bound left out), "" or "-" for any.  Returns 0 or
 * -EINVAL.
 */
int pcb_debpython_parse_range(const char *s, struct pcb_deb_range *r);

/*
 * Plans the run opt asks for (--py3compile) into plan (zeroed by the
 * caller).  Returns 0; -ENOENT with *cause when no Python of the range is
 * installed (exit status 3); -EINVAL with *cause for a bad range, pattern
 * or package; -ENOMEM.
 */
int pcb_debpython_plan(const struct pcb_options *opt, struct pcb_deb_plan *plan,
    char **cause);

/* Frees what a plan owns; accepts a zeroed one. */
void pcb_debpython_fini(struct pcb_deb_plan *plan);

#endif
