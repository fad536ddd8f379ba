/*
 * dupes.c: hard-linking a level's .pyc to the previous level's.  compileall
 * writes the second file, compares it with filecmp.cmp(shallow=False),
 * unlinks it and os.link()s the previous one over it; the engine compares
 * the bytes in memory instead and links without writing, which leaves the
 * same files and inode groups.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "os/dupes.h"
#include "os/fds.h"

int
pcb_dupes_link(const char *prev, const char *cfile, char **err_path,
    char **err_path2, char **cause)
{
	const char *prev_base, *base;
	int prev_dir, dir, ret = 0;

	prev_dir = pcb_write_open_dir(prev, prev, &prev_base, err_path, cause);
	if (prev_dir < 0)
		return prev_dir;
	if ((dir = pcb_write_open_dir(cfile, cfile, &base, err_path, cause)) <
	    0) {
		pcb_fds_close(prev_dir);
		return dir;
	}
	if (unlinkat(dir, base, 0) < 0 && errno != ENOENT) {
		ret = pcb_write_os_error(err_path, err_path2, -errno, cfile,
		    NULL);
	} else if (linkat(prev_dir, prev_base, dir, base, 0) < 0) {
		ret = pcb_write_os_error(err_path, err_path2, -errno, prev,
		    cfile);
	}
	pcb_fds_close(dir);
	pcb_fds_close(prev_dir);
	return ret;
}
