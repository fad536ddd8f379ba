/*
 * levels.h: whether two optimisation levels must give a source the same
 * code, so that the higher level's .pyc can take the lower one's bytes
 * instead of a second compile (pipeline.c).
 *
 * The proof, from CPython's compiler sources for 3.9 to 3.15, is
 * doc/optimize-levels.md.  Any doubt answers "no": the level is compiled.
 */
#ifndef PCB_LEVELS_H
#define PCB_LEVELS_H

#include <stdbool.h>
#include <stddef.h>

/*
 * True when compile(source, ..., optimize=a) and optimize=b are proved to
 * give equal code.  a and b are effective levels, 0, 1 or 2 (not -1).
 * Only 0 and 1 are ever proved equal (rule R01): 2 drops docstrings, which
 * bytes alone do not rule out.
 */
bool pcb_levels_same_code(const char *source, size_t len, int a, int b);

#endif
