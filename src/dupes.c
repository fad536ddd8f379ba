/*
 * dupes.c: hard-linking a level's .pyc to the previous level's.  compileall
 * writes the second file, compares it with filecmp.cmp(shallow=False),
 * unlinks it and os.link()s the previous one over it; the engine compares
 * the bytes in memory instead and links without writing, which leaves the
 * same files and inode groups.
 */
#include <config.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dupes.h"

int
pcb_dupes_link(const char *prev, const char *cfile, struct pcb_write_error *err)
{
	int ret;

	if (unlink(cfile) < 0 && errno != ENOENT) {
		ret = -errno;
		goto fail_cfile;
	}
	if (link(prev, cfile) < 0) {
		ret = -errno;
		err->errnum = ret;
		err->path = strdup(prev);
		err->path2 = strdup(cfile);
		return ret;
	}
	return 0;
fail_cfile:
	err->errnum = ret;
	err->path = strdup(cfile);
	err->path2 = NULL;
	return ret;
}
