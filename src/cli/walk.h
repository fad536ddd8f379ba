/*
 * walk.h: directory arguments walked as compileall walks them (SPEC 2).
 * Pure C, no Python, no libuv; main thread, before the engine starts.
 */
#ifndef PCB_WALK_H
#define PCB_WALK_H

#include "cli/list.h"

/* compileall's default depth: sys.getrecursionlimit(). */
#define PCB_WALK_MAXLEVELS 1000

/*
 * Appends to files every regular file (symlinks followed) whose name ends in
 * ".py" below dir, in compileall's order: each directory's names sorted
 * bytewise, files and subdirectories interleaved, "__pycache__" and
 * symlinked directories left out, at most maxlevels directories deep.  A
 * path is dir joined to the names as os.path.join joins them.  A directory
 * that cannot be listed is appended to unlisted and skipped.  Returns 0 or
 * -ENOMEM.
 */
int pcb_walk_dir(const char *dir, int maxlevels, struct pcb_list *files,
    struct pcb_list *unlisted);

/* os.path.join(a, b) for a relative b: a new string, or NULL (no memory). */
char *pcb_walk_join(const char *a, const char *b);

#endif
