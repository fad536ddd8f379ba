/*
 * fresh.c: is a .pyc already what we would write?  Unlike compileall's own
 * check (timestamp only, and not looking at the flags word: gh-117204,
 * gh-121577), the whole header is compared, so a hash-based .pyc is
 * checked against the source's hash whatever its check_source bit says, and
 * a change of mode is noticed.  The level is in the file name.  The code
 * after the header is not unmarshalled: a .pyc of at least 17 bytes with the
 * right header counts as fresh, as it does for import.  compileall's own
 * check is here too, for its command line (pcb_fresh_check_compileall).
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pyc/fresh.h"

/* Reads exactly n bytes of fd into buf.  Returns 1, or 0 (short, error). */
static int
read_head(int fd, uint8_t *buf, size_t n)
{
	size_t got = 0;
	ssize_t r;

	while (got < n) {
		r = read(fd, buf + got, n - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return 0;
		got += (size_t)r;
	}
	return 1;
}

int
pcb_fresh_check(const char *cfile, const uint8_t expect[PCB_PYC_HEADER_SIZE])
{
	uint8_t head[PCB_PYC_HEADER_SIZE];
	struct stat st;
	int fd, fresh = 0;

	fd = open(cfile, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0)
		return 0;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    st.st_size > PCB_PYC_HEADER_SIZE &&
	    read_head(fd, head, sizeof head))
		fresh = memcmp(head, expect, sizeof head) == 0;
	close(fd);
	return fresh;
}

int
pcb_fresh_check_compileall(const char *cfile, uint32_t magic, uint32_t mtime)
{
	uint8_t expect[PCB_PYC_HEADER_SIZE], head[12];
	static const uint8_t zero[8] = { 0 };
	int fd, fresh = 0;

	/* struct.pack('<4sLL', MAGIC_NUMBER, 0, mtime): the header's start. */
	pcb_pyc_header(expect, magic, PCB_MODE_TIMESTAMP, mtime, 0, zero);
	fd = open(cfile, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return 0;
	if (read_head(fd, head, sizeof head))
		fresh = memcmp(head, expect, sizeof head) == 0;
	close(fd);
	return fresh;
}
