/* check_pyc.c: cache paths against importlib, and header packing. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_units.h"
#include "pyc/pyc.h"

/* Every cache_from_source vector: opt tags, prefixes, noext, .hidden, ./ .. */
START_TEST(test_cache_paths)
{
	struct vector *v, *magic;
	size_t n = vectors_load("path", &v);
	size_t nm = vectors_load("magic", &magic);
	size_t checked = 0;

	ck_assert_uint_ge(nm, 1);
	ck_assert_uint_ge(n, 300);
	ck_assert_int_eq(v[0].nfields, 7);
	for (size_t i = 0; i < n; i++) {
		struct pcb_pyc_tags tags = { 0 };
		const char *expect = v[i].fields[6];
		char *got = NULL, tag[64];
		int minor = (int)strtol(magic[0].fields[2], NULL, 10);

		snprintf(tag, sizeof tag, "cpython-3%d", minor);
		tags.cache_tag = tag;
		tags.interp_optimize = (int)strtol(v[i].fields[2], NULL, 10);
		tags.prefix =
		    strcmp(v[i].fields[3], "-") ? v[i].fields[3] : NULL;
		tags.cwd = v[i].fields[4];
		ck_assert_int_eq(pcb_pyc_cache_path(&tags, v[i].fields[5],
				     (int)strtol(v[i].fields[1], NULL, 10),
				     &got),
		    0);
		ck_assert_msg(strcmp(got, expect) == 0,
		    "%s (opt %s, prefix %s): got %s, want %s", v[i].fields[5],
		    v[i].fields[1], v[i].fields[3], got, expect);
		free(got);
		checked++;
	}
	ck_assert_uint_eq(checked, n);
	vectors_free(magic, nm);
	vectors_free(v, n);
}
END_TEST

START_TEST(test_header_timestamp)
{
	uint8_t h[16];
	static const uint8_t want[16] = {
		0xf3,
		0x0d,
		0x0d,
		0x0a,
		0,
		0,
		0,
		0,
		0x01,
		0xf1,
		0x53,
		0x65,
		0x2a,
		0,
		0,
		0,
	};
	uint8_t hash[8] = { 0 };

	pcb_pyc_header(h, 0x0a0d0df3u, PCB_MODE_TIMESTAMP,
	    pcb_pyc_mtime(1700000001, 0), 42, hash);
	ck_assert_mem_eq(h, want, 16);
}
END_TEST

START_TEST(test_header_hash)
{
	uint8_t h[16];
	uint8_t hash[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };

	pcb_pyc_header(h, 0x0a0d0da7u, PCB_MODE_CHECKED_HASH, 99, 99, hash);
	ck_assert_uint_eq(h[4], 3);
	ck_assert_mem_eq(h + 8, hash, 8);
	pcb_pyc_header(h, 0x0a0d0da7u, PCB_MODE_UNCHECKED_HASH, 99, 99, hash);
	ck_assert_uint_eq(h[4], 1);
	ck_assert_uint_eq(h[0], 0xa7);
}
END_TEST

/* int(sec + nsec * 1e-9): .999999999 rounds up in the double. */
START_TEST(test_mtime_rounding)
{
	ck_assert_uint_eq(pcb_pyc_mtime(1700000000, 999999999), 1700000001u);
	ck_assert_uint_eq(pcb_pyc_mtime(1700000000, 500000000), 1700000000u);
	ck_assert_uint_eq(pcb_pyc_mtime(0, 999999999), 0u);
	ck_assert_uint_eq(pcb_pyc_mtime(-1, 500000000), 0u);
	ck_assert_uint_eq(pcb_pyc_mtime(-2, 0), 0xFFFFFFFEu);
}
END_TEST

/* Values of 2^32 and more keep their low 32 bits, as _pack_uint32 does. */
START_TEST(test_mtime_wraps)
{
	uint8_t h[16], hash[8] = { 0 };

	ck_assert_uint_eq(pcb_pyc_mtime(4294967296LL + 5, 0), 5u);
	ck_assert_uint_eq(pcb_pyc_mtime(8589934591LL, 0), 0xFFFFFFFFu);
	pcb_pyc_header(h, 1, PCB_MODE_TIMESTAMP, 0,
	    (uint32_t)(5000000000ULL & 0xFFFFFFFFu), hash);
	ck_assert_uint_eq(h[12] | h[13] << 8 | h[14] << 16 |
		(uint32_t)h[15] << 24,
	    (uint32_t)(5000000000ULL - 4294967296ULL));
}
END_TEST

Suite *
pyc_suite(void)
{
	Suite *s = suite_create("pyc");
	TCase *core = tcase_create("Core"), *limits = tcase_create("Limits");

	tcase_set_timeout(core, 120); /* slow under valgrind */
	tcase_add_test(core, test_cache_paths);
	tcase_add_test(core, test_header_timestamp);
	tcase_add_test(core, test_header_hash);
	tcase_add_test(limits, test_mtime_rounding);
	tcase_add_test(limits, test_mtime_wraps);
	suite_add_tcase(s, core);
	suite_add_tcase(s, limits);
	return s;
}
