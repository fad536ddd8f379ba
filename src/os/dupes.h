/*
 * dupes.h: --hardlink-dupes (SPEC 2).  Pure C, any thread.
 */
#ifndef PCB_DUPES_H
#define PCB_DUPES_H

#include "os/write.h"

/*
 * Makes cfile a hard link to prev, as compileall does when two levels give
 * identical bytes: unlink cfile (a missing one is fine), then link.
 * Returns 0 or a negative errno with *err_path (and *err_path2: the
 * link's) or *cause, as write.h's functions fill them.
 */
int pcb_dupes_link(const char *prev, const char *cfile, char **err_path,
    char **err_path2, char **cause);

#endif
