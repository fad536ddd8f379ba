/*
 * fuzz_list.c: libFuzzer target for the standard-input list and the target
 * path computed from each entry.  The first byte picks the separator and the
 * optimisation level; every entry must come back non-empty, without its
 * separator, and its cache path must end in ".pyc".
 */
#include <config.h>

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli/list.h"
#include "pyc/pyc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct pcb_list list = { 0 };
	struct pcb_pyc_tags tags = { .cache_tag = "cpython-313", .cwd = "/w" };
	char sep;
	int optimize;

	if (len == 0)
		return 0;
	sep = (data[0] & 1) ? '\0' : '\n';
	optimize = (int)(data[0] >> 1) % 4 - 1;
	if (data[0] & 0x80)
		tags.prefix = "/cache";
	switch (pcb_list_parse(&list, (const char *)data + 1, len - 1, sep)) {
	case 0:
		break;
	case -EILSEQ: /* a NUL in a newline list */
		if (sep != '\n' || memchr(data + 1, 0, len - 1) == NULL)
			abort();
		pcb_list_fini(&list);
		return 0;
	default:
		abort();
	}
	for (size_t i = 0; i < list.len; i++) {
		const char *item = list.items[i];
		size_t n = strlen(item);
		char *cfile;

		if (n == 0 || (sep == '\n' && strchr(item, '\n') != NULL))
			abort();
		if (pcb_pyc_cache_path(&tags, item, optimize, &cfile) < 0)
			abort();
		n = strlen(cfile);
		if (n < 4 || strcmp(cfile + n - 4, ".pyc") != 0)
			abort();
		free(cfile);
	}
	pcb_list_fini(&list);
	return 0;
}
