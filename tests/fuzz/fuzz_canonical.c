/*
 * fuzz_canonical.c: libFuzzer target for the --reproducible rewrite.  Any
 * input must be refused or rewritten without a memory error, and a rewrite
 * must be canonical already: rewriting it again changes nothing.
 */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "canonical.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	uint8_t *once, *twice;
	size_t n1, n2;

	if (pcb_canonical_rewrite(data, len, &once, &n1) < 0)
		return 0;
	if (pcb_canonical_rewrite(once, n1, &twice, &n2) < 0 || n1 != n2 ||
	    memcmp(once, twice, n1) != 0)
		abort();
	free(twice);
	free(once);
	return 0;
}
