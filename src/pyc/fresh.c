/*
 * fresh.c: is a .pyc already what we would write?  Unlike compileall's own
 * check (timestamp only, and not looking at the flags word: gh-117204,
 * gh-121577), the whole header is compared, so a hash-based .pyc is
 * checked against the source's hash whatever its check_source bit says, and
 * a change of mode is noticed.  The level is in the file name.  The code
 * after the header is not unmarshalled: a .pyc of at least 17 bytes with the
 * right header counts as fresh, as it does for import.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pyc/fresh.h"

int
pcb_fresh_check(const char *cfile, const uint8_t expect[PCB_PYC_HEADER_SIZE])
{
	uint8_t head[PCB_PYC_HEADER_SIZE];
	struct stat st;
	size_t got = 0;
	ssize_t r;
	int fd, fresh = 0;

	fd = open(cfile, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0)
		return 0;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    st.st_size <= PCB_PYC_HEADER_SIZE)
		goto out;
	while (got < sizeof head) {
		r = read(fd, head + got, sizeof head - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			goto out;
		got += (size_t)r;
	}
	fresh = memcmp(head, expect, sizeof head) == 0;
out:
	close(fd);
	return fresh;
}
