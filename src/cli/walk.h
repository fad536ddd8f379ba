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
 * What a walk tells its caller, in compileall's order.  Each callback
 * returns 0 or a negative errno, which ends the walk.
 */
struct pcb_walk_visitor {
	void *data;
	int all_names; /* every name that is not a directory (dangling links,
			  FIFOs, any suffix), as _walk_dir yields them; else
			  only regular files named *.py */
	/* A directory about to be listed ("Listing 'DIR'..."), or NULL. */
	int (*listing)(void *data, const char *dir);
	/* A directory that could not be listed ("Can't list 'DIR'"). */
	int (*unlisted)(void *data, const char *dir);
	/* A file, dir joined to its name. */
	int (*file)(void *data, const char *path);
};

/*
 * Walks dir as compileall's _walk_dir does, at most maxlevels directories
 * deep, telling v of each directory and file.  Returns 0, -ENOMEM, or what
 * a callback returned.
 */
int pcb_walk(const char *dir, int maxlevels, const struct pcb_walk_visitor *v);

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

/*
 * Appends the names in dir, "." and ".." left out, to names, sorted
 * bytewise.  Returns 0, or a negative errno (the directory could not be
 * read; names then holds what was read).
 */
int pcb_walk_list_dir(const char *dir, struct pcb_list *names);

/* os.path.join(a, b) for a relative b: a new string, or NULL (no memory). */
char *pcb_walk_join(const char *a, const char *b);

#endif
