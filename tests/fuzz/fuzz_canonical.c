/*
 * fuzz_canonical.c: libFuzzer target for the --reproducible rewrite.  The
 * first input byte picks the Python that wrote the rest, 3.9 to 3.15, so that
 * every code object layout is fuzzed.  Any input must be refused or rewritten
 * without a memory error, and a rewrite must be canonical already: rewriting
 * it again, for the same Python, changes nothing.  The cache's name swap
 * (pcb_canonical_rename) gets the same input: refused or swapped without a
 * memory error, and swapping the name back gives the input again.
 */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pyc/canonical.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	uint8_t *once, *twice;
	unsigned minor;
	size_t n1, n2;

	if (len < 1)
		return 0;
	minor = 9 + data[0] % 7;
	if (pcb_canonical_rename(data + 1, len - 1, minor, "a.py", "dir/b.py",
		&once, &n1) == 0) {
		if (pcb_canonical_rename(once, n1, minor, "dir/b.py", "a.py",
			&twice, &n2) < 0 ||
		    n2 != len - 1 || memcmp(twice, data + 1, n2) != 0)
			abort();
		free(twice);
		free(once);
	}
	if (pcb_canonical_rewrite(data + 1, len - 1, minor, &once, &n1) < 0)
		return 0;
	if (pcb_canonical_rewrite(once, n1, minor, &twice, &n2) < 0 ||
	    n1 != n2 || memcmp(once, twice, n1) != 0)
		abort();
	free(twice);
	free(once);
	return 0;
}
