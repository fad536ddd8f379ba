/* check_siphash.c: SipHash against the paper and the linked Python. */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "check_units.h"
#include "pyc/siphash.h"

/* The reference vector of the SipHash paper (appendix A), SipHash-2-4. */
START_TEST(test_paper_vector)
{
	unsigned char msg[15];
	uint64_t k0 = 0x0706050403020100ULL, k1 = 0x0f0e0d0c0b0a0908ULL;

	for (int i = 0; i < 15; i++)
		msg[i] = (unsigned char)i;
	ck_assert_uint_eq(pcb_siphash(2, 4, k0, k1, msg, sizeof msg),
	    0xa129ca6149be45e5ULL);
}
END_TEST

/* Every source_hash vector of the linked Python, 0..64 bytes and 100 kB. */
START_TEST(test_python_vectors)
{
	struct vector *magic, *v;
	size_t nm = vectors_load("magic", &magic);
	size_t n = vectors_load("hash", &v);
	uint32_t m;
	unsigned minor;

	ck_assert_uint_ge(nm, 1);
	ck_assert_uint_ge(n, 60);
	m = (uint32_t)strtoul(magic[0].fields[1], NULL, 10);
	minor = (unsigned)strtoul(magic[0].fields[2], NULL, 10);
	for (size_t i = 0; i < n; i++) {
		const char *in = v[i].fields[1];
		size_t len, elen;
		unsigned char *src, *want;
		uint8_t got[8];

		/* strtok drops an empty field: the empty source has 2 fields. */
		if (v[i].nfields == 2) {
			in = "";
			want = hex_decode(v[i].fields[1], &elen);
		} else
			want = hex_decode(v[i].fields[2], &elen);
		src = hex_decode(in, &len);
		ck_assert_uint_eq(elen, 8);
		pcb_siphash_source(m, minor, src, len, got);
		ck_assert_msg(memcmp(got, want, 8) == 0,
		    "source_hash differs for %zu bytes", len);
		free(src);
		free(want);
	}
	vectors_free(magic, nm);
	vectors_free(v, n);
}
END_TEST

/* Length matters, not only content: two inputs differing in length only. */
START_TEST(test_length_in_hash)
{
	static const char zeros[16];
	uint64_t a = pcb_siphash(1, 3, 1, 0, zeros, 8);
	uint64_t b = pcb_siphash(1, 3, 1, 0, zeros, 9);

	ck_assert_uint_ne(a, b);
	ck_assert_uint_ne(pcb_siphash(1, 3, 1, 0, "", 0),
	    pcb_siphash(2, 4, 1, 0, "", 0));
}
END_TEST

Suite *
siphash_suite(void)
{
	Suite *s = suite_create("siphash");
	TCase *core = tcase_create("Core"), *limits = tcase_create("Limits");

	tcase_set_timeout(core, 120); /* slow under valgrind */
	tcase_add_test(core, test_paper_vector);
	tcase_add_test(core, test_python_vectors);
	tcase_add_test(limits, test_length_in_hash);
	suite_add_tcase(s, core);
	suite_add_tcase(s, limits);
	return s;
}
