/*
 * dupes.h: --hardlink-dupes (SPEC 2).  Pure C, any thread.
 */
#ifndef PCB_DUPES_H
#define PCB_DUPES_H

#include "os/write.h"

/*
 * Makes cfile a hard link to prev, as compileall does when two levels give
 * identical bytes: unlink cfile (a missing one is fine), then link.  On
 * failure fills err and returns a negative errno.
 */
int pcb_dupes_link(const char *prev, const char *cfile,
    struct pcb_write_error *err);

#endif
