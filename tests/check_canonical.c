/* check_canonical.c: the canonical marshal rewrite of --reproducible. */
#include <config.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "canonical.h"
#include "check_units.h"

#define REF 0x80

/* Rewrites in and checks the result is exactly want. */
static void
expect(const uint8_t *in, size_t len, const uint8_t *want, size_t wantlen)
{
	uint8_t *out;
	size_t outlen;

	ck_assert_int_eq(pcb_canonical_rewrite(in, len, &out, &outlen), 0);
	ck_assert_uint_eq(outlen, wantlen);
	ck_assert_mem_eq(out, want, wantlen);
	free(out);
}

/* Checks that in is refused as not understood. */
static void
refuse(const uint8_t *in, size_t len)
{
	uint8_t *out = (uint8_t *)"untouched";
	size_t outlen = 7;

	ck_assert_int_eq(pcb_canonical_rewrite(in, len, &out, &outlen),
	    -EINVAL);
	ck_assert_ptr_null(out);
	ck_assert_uint_eq(outlen, 0);
}

START_TEST(test_unused_flag_dropped)
{
	/* (1.5, None) where the tuple and the float were flagged. */
	static const uint8_t in[] = { ')' | REF, 2, 'g' | REF, 0, 0, 0, 0, 0, 0,
		0xf8, 0x3f, 'N' };
	static const uint8_t want[] = { ')', 2, 'g', 0, 0, 0, 0, 0, 0, 0xf8,
		0x3f, 'N' };

	expect(in, sizeof in, want, sizeof want);
}
END_TEST

START_TEST(test_used_ref_renumbered)
{
	/* ("ab", "ab"): the string is reference 1 before and 0 after. */
	static const uint8_t in[] = { ')' | REF, 2, 'z' | REF, 2, 'a', 'b', 'r',
		1, 0, 0, 0 };
	static const uint8_t want[] = { ')', 2, 'z' | REF, 2, 'a', 'b', 'r', 0,
		0, 0, 0 };

	expect(in, sizeof in, want, sizeof want);
}
END_TEST

START_TEST(test_refs_in_stream_order)
{
	/* [x, None, y, y, x]: two kept references, numbered as they appear. */
	static const uint8_t in[] = { '[' | REF, 5, 0, 0, 0, 'i' | REF, 7, 0, 0,
		0, 'N', 'i' | REF, 9, 0, 0, 0, 'r', 2, 0, 0, 0, 'r', 1, 0, 0,
		0 };
	static const uint8_t want[] = { '[', 5, 0, 0, 0, 'i' | REF, 7, 0, 0, 0,
		'N', 'i' | REF, 9, 0, 0, 0, 'r', 1, 0, 0, 0, 'r', 0, 0, 0, 0 };
	expect(in, sizeof in, want, sizeof want);
}
END_TEST

START_TEST(test_interned_marks_dropped)
{
	static const uint8_t in[] = { ')', 3, 'Z' | REF, 1, '*', 'A' | REF, 1,
		0, 0, 0, 'x', 't' | REF, 2, 0, 0, 0, 0xc3, 0xa9 };
	static const uint8_t want[] = { ')', 3, 'z', 1, '*', 'a', 1, 0, 0, 0,
		'x', 'u', 2, 0, 0, 0, 0xc3, 0xa9 };

	expect(in, sizeof in, want, sizeof want);
}
END_TEST

START_TEST(test_dict_and_long)
{
	/* {k: 1, k2: -2**15-ish long} with a key referenced as a value. */
	static const uint8_t in[] = { '{' | REF, 'z' | REF, 1, 'k', 'i', 1, 0,
		0, 0, 'l', 0xfe, 0xff, 0xff, 0xff, 1, 0, 2, 0, 'r', 1, 0, 0, 0,
		'0' };
	static const uint8_t want[] = { '{', 'z' | REF, 1, 'k', 'i', 1, 0, 0, 0,
		'l', 0xfe, 0xff, 0xff, 0xff, 1, 0, 2, 0, 'r', 0, 0, 0, 0, '0' };

	expect(in, sizeof in, want, sizeof want);
}
END_TEST

START_TEST(test_flagged_null_ends_dict)
{
	/* marshal ends a dict at TYPE_NULL whatever its flag (found by
	 * fuzzing). */
	static const uint8_t in[] = { '{', 'N', 'N', '0' | REF };
	static const uint8_t want[] = { '{', 'N', 'N', '0' };

	expect(in, sizeof in, want, sizeof want);
}
END_TEST

START_TEST(test_code_object)
{
	/*
	 * A module's code: its filename flagged but used once, its name used
	 * again as the qualname.
	 */
	static const uint8_t in[] = { 'c' | REF, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		0, 0, 1, 0, 0, 0, 0, 0, 0, 0,     /* five ints */
		's', 2, 0, 0, 0, 0x97, 0,         /* co_code */
		')', 1, 'N',                      /* consts */
		')', 0, ')', 0, 's', 0, 0, 0, 0,  /* names, lp names, kinds */
		'z' | REF, 4, 'f', '.', 'p', 'y', /* filename */
		'Z' | REF, 3, '<', 'm', '>',      /* name */
		'r', 2, 0, 0, 0,                  /* qualname */
		1, 0, 0, 0,                       /* firstlineno */
		's', 0, 0, 0, 0, 's', 0, 0, 0, 0 };
	static const uint8_t want[] = { 'c', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		1, 0, 0, 0, 0, 0, 0, 0,   /* five ints */
		's', 2, 0, 0, 0, 0x97, 0, /* co_code */
		')', 1, 'N',              /* consts */
		')' | REF, 0,             /* names: reference 0 */
		'r', 0, 0, 0, 0,          /* localsplusnames: the same () */
		's' | REF, 0, 0, 0, 0,    /* kinds: reference 1 */
		'z', 4, 'f', '.', 'p', 'y', 'z' | REF, 3, '<', 'm', '>', 'r', 2,
		0, 0, 0, 1, 0, 0, 0, /* qualname, firstlineno */
		'r', 1, 0, 0, 0, 'r', 1, 0, 0, 0 };

	expect(in, sizeof in, want, sizeof want);
}
END_TEST

START_TEST(test_equal_values_merged)
{
	/* ("ab", "ab", 'ab' interned): three objects, one value. */
	static const uint8_t in[] = { ')', 3, 'z', 2, 'a', 'b', 'z', 2, 'a',
		'b', 'Z' | REF, 2, 'a', 'b' };
	static const uint8_t want[] = { ')', 3, 'z' | REF, 2, 'a', 'b', 'r', 0,
		0, 0, 0, 'r', 0, 0, 0, 0 };

	expect(in, sizeof in, want, sizeof want);
}
END_TEST

START_TEST(test_types_kept_apart)
{
	/* 1, 1.0 and b"1" are not merged; nor are 0.0 and -0.0. */
	static const uint8_t in[] = { ')', 5, 'i', 1, 0, 0, 0, 'g', 0, 0, 0, 0,
		0, 0, 0xf0, 0x3f, 's', 1, 0, 0, 0, '1', 'g', 0, 0, 0, 0, 0, 0,
		0, 0, 'g', 0, 0, 0, 0, 0, 0, 0, 0x80 };

	expect(in, sizeof in, in, sizeof in);
}
END_TEST

START_TEST(test_frozenset_order)
{
	/* frozenset({'b', 'a'}) and frozenset({'a', 'b'}) are one value. */
	static const uint8_t ba[] = { '>', 2, 0, 0, 0, 'z', 1, 'b', 'z', 1,
		'a' };
	static const uint8_t ab[] = { '>', 2, 0, 0, 0, 'Z' | REF, 1, 'a', 'z',
		1, 'b' };
	static const uint8_t want[] = { '>', 2, 0, 0, 0, 'z', 1, 'a', 'z', 1,
		'b' };

	expect(ba, sizeof ba, want, sizeof want);
	expect(ab, sizeof ab, want, sizeof want);
}
END_TEST

START_TEST(test_idempotent)
{
	/* ((1, 2), (1, 2), frozenset({(1, 2), 'x'})) */
	static const uint8_t in[] = { ')', 3, ')', 2, 'i', 1, 0, 0, 0, 'i', 2,
		0, 0, 0, ')', 2, 'i', 1, 0, 0, 0, 'i', 2, 0, 0, 0, '>', 2, 0, 0,
		0, 'z', 1, 'x', ')', 2, 'i', 1, 0, 0, 0, 'i', 2, 0, 0, 0 };
	static const uint8_t want[] = { ')', 3, ')' | REF, 2, 'i', 1, 0, 0, 0,
		'i', 2, 0, 0, 0, 'r', 0, 0, 0, 0, '>', 2, 0, 0, 0, 'r', 0, 0, 0,
		0, 'z', 1, 'x' };
	uint8_t *once, *twice;
	size_t n1, n2;

	expect(in, sizeof in, want, sizeof want);
	ck_assert_int_eq(pcb_canonical_rewrite(in, sizeof in, &once, &n1), 0);
	ck_assert_int_eq(pcb_canonical_rewrite(once, n1, &twice, &n2), 0);
	ck_assert_uint_eq(n1, n2);
	ck_assert_mem_eq(once, twice, n1);
	free(once);
	free(twice);
}
END_TEST

START_TEST(test_refused)
{
	static const uint8_t truncated[] = { ')', 2, 'N' };
	static const uint8_t short_string[] = { 'u', 5, 0, 0, 0, 'a' };
	static const uint8_t dangling[] = { 'r', 0, 0, 0, 0 };
	static const uint8_t forward[] = { ')' | REF, 1, 'r', 1, 0, 0, 0 };
	static const uint8_t unused_target[] = { ')', 2, 'N', 'r', 0, 0, 0, 0 };
	static const uint8_t flagged_ref[] = { ')' | REF, 1, 'r' | REF, 0, 0, 0,
		0 };
	static const uint8_t unknown[] = { '?' };
	static const uint8_t trailing[] = { 'N', 'N' };
	static const uint8_t huge[] = { '(', 0xff, 0xff, 0xff, 0x7f, 'N' };
	static const uint8_t negative[] = { '(', 0xff, 0xff, 0xff, 0xff };
	static const uint8_t open_dict[] = { '{', 'N', 'N' };
	static const uint8_t null_item[] = { ')', 1, '0' };
	static const uint8_t cycle[] = { '[' | REF, 1, 0, 0, 0, 'r', 0, 0, 0,
		0 };

	refuse(truncated, sizeof truncated);
	refuse(short_string, sizeof short_string);
	refuse(dangling, sizeof dangling);
	refuse(forward, sizeof forward);
	refuse(unused_target, sizeof unused_target);
	refuse(flagged_ref, sizeof flagged_ref);
	refuse(unknown, sizeof unknown);
	refuse(trailing, sizeof trailing);
	refuse(huge, sizeof huge);
	refuse(negative, sizeof negative);
	refuse(open_dict, sizeof open_dict);
	refuse(null_item, sizeof null_item);
	refuse(cycle, sizeof cycle);
	refuse((const uint8_t *)"", 0);
}
END_TEST

/* n nested one-element lists around None. */
static uint8_t *
nested(size_t n, size_t *len)
{
	uint8_t *b = malloc(n * 5 + 1);

	ck_assert_ptr_nonnull(b);
	for (size_t i = 0; i < n; i++)
		memcpy(b + i * 5, "[\1\0\0\0", 5);
	b[n * 5] = 'N';
	*len = n * 5 + 1;
	return b;
}

START_TEST(test_depth)
{
	size_t len;
	uint8_t *ok = nested(1000, &len);
	uint8_t *deep;

	expect(ok, len, ok, len);
	deep = nested(100000, &len);
	refuse(deep, len);
	free(ok);
	free(deep);
}
END_TEST

Suite *
canonical_suite(void)
{
	Suite *s = suite_create("canonical");
	TCase *core = tcase_create("Core");
	TCase *limits = tcase_create("Limits");

	tcase_add_test(core, test_unused_flag_dropped);
	tcase_add_test(core, test_used_ref_renumbered);
	tcase_add_test(core, test_refs_in_stream_order);
	tcase_add_test(core, test_interned_marks_dropped);
	tcase_add_test(core, test_dict_and_long);
	tcase_add_test(core, test_code_object);
	tcase_add_test(core, test_flagged_null_ends_dict);
	tcase_add_test(core, test_equal_values_merged);
	tcase_add_test(core, test_types_kept_apart);
	tcase_add_test(core, test_frozenset_order);
	tcase_add_test(core, test_idempotent);
	tcase_add_test(limits, test_refused);
	tcase_add_test(limits, test_depth);
	suite_add_tcase(s, core);
	suite_add_tcase(s, limits);
	return s;
}
