/* check_canonical.c: the canonical marshal rewrite of --reproducible. */
#include <config.h>

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "check_units.h"
#include "pyc/canonical.h"

#define REF 0x80
/* The Python of streams that hold no code object: any version reads them
 * alike. */
#define ANY 13

/* Rewrites in, written by Python 3.minor, and checks the result is exactly
 * want. */
static void
expect(unsigned minor, const uint8_t *in, size_t len, const uint8_t *want,
    size_t wantlen)
{
	uint8_t *out;
	size_t outlen;

	ck_assert_int_eq(pcb_canonical_rewrite(in, len, minor, &out, &outlen),
	    0);
	ck_assert_uint_eq(outlen, wantlen);
	ck_assert_mem_eq(out, want, wantlen);
	free(out);
}

/* Checks that in, said to be written by Python 3.minor, is refused as not
 * understood. */
static void
refuse(unsigned minor, const uint8_t *in, size_t len)
{
	uint8_t *out = (uint8_t *)"untouched";
	size_t outlen = 7;

	ck_assert_int_eq(pcb_canonical_rewrite(in, len, minor, &out, &outlen),
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

	expect(ANY, in, sizeof in, want, sizeof want);
}
END_TEST

START_TEST(test_used_ref_renumbered)
{
	/* ("ab", "ab"): the string is reference 1 before and 0 after. */
	static const uint8_t in[] = { ')' | REF, 2, 'z' | REF, 2, 'a', 'b', 'r',
		1, 0, 0, 0 };
	static const uint8_t want[] = { ')', 2, 'z' | REF, 2, 'a', 'b', 'r', 0,
		0, 0, 0 };

	expect(ANY, in, sizeof in, want, sizeof want);
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
	expect(ANY, in, sizeof in, want, sizeof want);
}
END_TEST

START_TEST(test_interned_marks_dropped)
{
	static const uint8_t in[] = { ')', 3, 'Z' | REF, 1, '*', 'A' | REF, 1,
		0, 0, 0, 'x', 't' | REF, 2, 0, 0, 0, 0xc3, 0xa9 };
	static const uint8_t want[] = { ')', 3, 'z', 1, '*', 'a', 1, 0, 0, 0,
		'x', 'u', 2, 0, 0, 0, 0xc3, 0xa9 };

	expect(ANY, in, sizeof in, want, sizeof want);
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

	expect(ANY, in, sizeof in, want, sizeof want);
}
END_TEST

START_TEST(test_frozendict_never_referenced)
{
	/*
	 * [fd, fd] with fd = frozendict(a=1), as 3.15's marshal.dumps writes
	 * it: the second as a reference, which 3.15.0 cannot load
	 * (gh-155315).  Both are written in full, neither flagged.
	 */
	static const uint8_t in[] = { '[' | REF, 2, 0, 0, 0, '}' | REF,
		'Z' | REF, 1, 'a', 'i' | REF, 1, 0, 0, 0, '0', 'r', 1, 0, 0,
		0 };
	static const uint8_t want[] = { '[', 2, 0, 0, 0, '}', 'z' | REF, 1, 'a',
		'i' | REF, 1, 0, 0, 0, '0', '}', 'r', 0, 0, 0, 0, 'r', 1, 0, 0,
		0, '0' };

	expect(15, in, sizeof in, want, sizeof want);
}
END_TEST

START_TEST(test_flagged_null_ends_dict)
{
	/* marshal ends a dict at TYPE_NULL whatever its flag (found by
	 * fuzzing). */
	static const uint8_t in[] = { '{', 'N', 'N', '0' | REF };
	static const uint8_t want[] = { '{', 'N', 'N', '0' };

	expect(ANY, in, sizeof in, want, sizeof want);
}
END_TEST

START_TEST(test_code_object)
{
	/*
	 * A module's code as 3.11 on write it: its filename flagged but used
	 * once, its name used again as the qualname.
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

	for (unsigned minor = 11; minor <= 15; minor++)
		expect(minor, in, sizeof in, want, sizeof want);
	/* Read with the layout of 3.9 and 3.10 it is another stream. */
	refuse(9, in, sizeof in);
	refuse(10, in, sizeof in);
}
END_TEST

/*
 * The code of "def f(): return None" as Python 3.9 and 3.10 write it: six
 * ints, eight objects, co_firstlineno, one object (co_lnotab, co_linetable).
 * The code object, its filename and its name are flagged but never referred
 * to; () is, as varnames, freevars and cellvars.
 */
static const uint8_t code39[] = { 'c' | REF, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 1, 0, 0, 0, 0x43, 0, 0, 0, /* six ints */
	's', 4, 0, 0, 0, 'd', 0, 'S', 0,       /* co_code */
	')', 1, 'N',                           /* consts */
	')' | REF, 0,                          /* names: reference 1 */
	'r', 1, 0, 0, 0, 'r', 1, 0, 0, 0, 'r', 1, 0, 0, 0, 'z' | REF, 4, 'f',
	'.', 'p', 'y',           /* filename */
	'Z' | REF, 1, 'f',       /* name */
	2, 0, 0, 0,              /* firstlineno */
	's', 2, 0, 0, 0, 0, 1 }; /* lnotab */

START_TEST(test_code_object_39)
{
	static const uint8_t want[] = { 'c', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		0, 0, 0, 0, 1, 0, 0, 0, 0x43, 0, 0, 0,        /* six ints */
		's', 4, 0, 0, 0, 'd', 0, 'S', 0, ')', 1, 'N', /* code, consts */
		')' | REF, 0, /* names: reference 0 */
		'r', 0, 0, 0, 0, 'r', 0, 0, 0, 0, 'r', 0, 0, 0, 0, 'z', 4, 'f',
		'.', 'p', 'y', 'z', 1, 'f', 2, 0, 0, 0, 's', 2, 0, 0, 0, 0, 1 };

	expect(9, code39, sizeof code39, want, sizeof want);
	expect(10, code39, sizeof code39, want, sizeof want);
	/* Read with the layout of 3.11 on it is another stream. */
	for (unsigned minor = 11; minor <= 15; minor++)
		refuse(minor, code39, sizeof code39);
}
END_TEST

START_TEST(test_code_object_39_referenced)
{
	/* (f, f, 2) on 3.9 or 3.10: the code object is referred to, so it keeps
	 * its flag, renumbered from 1 to 0; the tuple's flag goes. */
	static const uint8_t in[] = { ')' | REF, 3, /* the tuple */
		'c' | REF, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0,
		0, 0, 0x43, 0, 0, 0,                          /* ints */
		's', 4, 0, 0, 0, 'd', 0, 'S', 0, ')', 1, 'N', /* code, consts */
		')' | REF, 0, /* names: reference 2 */
		'r', 2, 0, 0, 0, 'r', 2, 0, 0, 0, 'r', 2, 0, 0, 0, 'z' | REF, 4,
		'f', '.', 'p', 'y', 'Z' | REF, 1, 'f', 2, 0, 0, 0, 's', 2, 0, 0,
		0, 0, 1,         /* end of f */
		'r', 1, 0, 0, 0, /* f again */
		'i', 2, 0, 0, 0 };
	static const uint8_t want[] = { ')', 3, 'c' | REF, 0, 0, 0, 0, 0, 0, 0,
		0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0x43, 0, 0, 0, /* ints */
		's', 4, 0, 0, 0, 'd', 0, 'S', 0, ')', 1, 'N', /* code, consts */
		')' | REF, 0, /* names: reference 1 */
		'r', 1, 0, 0, 0, 'r', 1, 0, 0, 0, 'r', 1, 0, 0, 0, 'z', 4, 'f',
		'.', 'p', 'y', 'z', 1, 'f', 2, 0, 0, 0, 's', 2, 0, 0, 0, 0, 1,
		'r', 0, 0, 0, 0, 'i', 2, 0, 0, 0 };

	expect(9, in, sizeof in, want, sizeof want);
	expect(10, in, sizeof in, want, sizeof want);
}
END_TEST

START_TEST(test_code_object_39_truncated)
{
	/*
	 * code39 cut in its lnotab, just before it, in co_firstlineno, before
	 * co_name, in cellvars, after the ints, in them, after the type code.
	 */
	static const size_t cuts[] = { 1, 5, 7, 9, 14, 21, 49, 60, 73 };

	ck_assert_uint_eq(sizeof code39, 74);
	for (size_t k = 0; k < sizeof cuts / sizeof *cuts; k++) {
		refuse(9, code39, sizeof code39 - cuts[k]);
		refuse(10, code39, sizeof code39 - cuts[k]);
	}
}
END_TEST

START_TEST(test_python_versions)
{
	static const uint8_t none[] = { 'N' };

	for (unsigned minor = 9; minor <= 15; minor++)
		expect(minor, none, sizeof none, none, sizeof none);
	refuse(0, none, sizeof none);
	refuse(8, none, sizeof none);
	refuse(16, none, sizeof none);
	refuse(UINT_MAX, none, sizeof none);
}
END_TEST

START_TEST(test_equal_values_merged)
{
	/* ("ab", "ab", 'ab' interned): three objects, one value. */
	static const uint8_t in[] = { ')', 3, 'z', 2, 'a', 'b', 'z', 2, 'a',
		'b', 'Z' | REF, 2, 'a', 'b' };
	static const uint8_t want[] = { ')', 3, 'z' | REF, 2, 'a', 'b', 'r', 0,
		0, 0, 0, 'r', 0, 0, 0, 0 };

	expect(ANY, in, sizeof in, want, sizeof want);
}
END_TEST

START_TEST(test_types_kept_apart)
{
	/* 1, 1.0 and b"1" are not merged; nor are 0.0 and -0.0. */
	static const uint8_t in[] = { ')', 5, 'i', 1, 0, 0, 0, 'g', 0, 0, 0, 0,
		0, 0, 0xf0, 0x3f, 's', 1, 0, 0, 0, '1', 'g', 0, 0, 0, 0, 0, 0,
		0, 0, 'g', 0, 0, 0, 0, 0, 0, 0, 0x80 };

	expect(ANY, in, sizeof in, in, sizeof in);
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

	expect(ANY, ba, sizeof ba, want, sizeof want);
	expect(ANY, ab, sizeof ab, want, sizeof want);
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

	expect(ANY, in, sizeof in, want, sizeof want);
	ck_assert_int_eq(pcb_canonical_rewrite(in, sizeof in, ANY, &once, &n1),
	    0);
	ck_assert_int_eq(pcb_canonical_rewrite(once, n1, ANY, &twice, &n2), 0);
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

	refuse(ANY, truncated, sizeof truncated);
	refuse(ANY, short_string, sizeof short_string);
	refuse(ANY, dangling, sizeof dangling);
	refuse(ANY, forward, sizeof forward);
	refuse(ANY, unused_target, sizeof unused_target);
	refuse(ANY, flagged_ref, sizeof flagged_ref);
	refuse(ANY, unknown, sizeof unknown);
	refuse(ANY, trailing, sizeof trailing);
	refuse(ANY, huge, sizeof huge);
	refuse(ANY, negative, sizeof negative);
	refuse(ANY, open_dict, sizeof open_dict);
	refuse(ANY, null_item, sizeof null_item);
	refuse(ANY, cycle, sizeof cycle);
	refuse(ANY, (const uint8_t *)"", 0);
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

	expect(ANY, ok, len, ok, len);
	deep = nested(100000, &len);
	refuse(ANY, deep, len);
	free(ok);
	free(deep);
}
END_TEST

/* The cache's name swap (pcb_canonical_rename) on code39's "f.py". */
START_TEST(test_rename)
{
	static const char name[] = "src/g.py";
	const size_t at = 25 + 9 + 3 + 2 + 15; /* the filename's type code */
	uint8_t want[sizeof code39 + 16], *out, *back;
	size_t outlen, backlen, n;
	char longname[301];

	ck_assert_uint_eq(code39[at], 'z' | REF);
	memcpy(want, code39, at);
	want[at] = 'z' | REF; /* flag and type kept */
	want[at + 1] = (uint8_t)strlen(name);
	memcpy(want + at + 2, name, strlen(name));
	n = at + 2 + strlen(name);
	memcpy(want + n, code39 + at + 6, sizeof code39 - at - 6);
	n += sizeof code39 - at - 6;
	ck_assert_int_eq(pcb_canonical_rename(code39, sizeof code39, 9, "f.py",
			     name, &out, &outlen),
	    0);
	ck_assert_uint_eq(outlen, n);
	ck_assert_mem_eq(out, want, n);
	/* And back. */
	ck_assert_int_eq(pcb_canonical_rename(out, outlen, 10, name, "f.py",
			     &back, &backlen),
	    0);
	ck_assert_uint_eq(backlen, sizeof code39);
	ck_assert_mem_eq(back, code39, backlen);
	free(back);
	free(out);

	/* 256 characters and more: a long ASCII string, 4-byte length. */
	memset(longname, 'a', 300);
	memcpy(longname + 295, "/x.py", 6);
	ck_assert_int_eq(pcb_canonical_rename(code39, sizeof code39, 9, "f.py",
			     longname, &out, &outlen),
	    0);
	ck_assert_uint_eq(out[at], 'a' | REF);
	ck_assert_uint_eq(out[at + 1] | out[at + 2] << 8, 300);
	ck_assert_uint_eq(out[at + 3] | out[at + 4], 0);
	ck_assert_mem_eq(out + at + 5, longname, 300);
	ck_assert_uint_eq(outlen, sizeof code39 - 6 + 5 + 300);
	free(out);
}
END_TEST

START_TEST(test_rename_refused)
{
	/* 3.11's layout: a const, the filename, a qualname. */
	uint8_t in[] = { 'c', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0,
		0, 0, 0, 's', 2, 0, 0, 0, 0x97, 0,  /* ints, co_code */
		')', 1, 'z', 4, 's', '.', 'p', 'y', /* consts: ("s.py",) */
		')', 0, ')', 0, 's', 0, 0, 0, 0, 'z' | REF, 4, 'f', '.', 'p',
		'y',                         /* filename, reference 0 */
		'Z' | REF, 3, '<', 'm', '>', /* name, reference 1 */
		'r', 1, 0, 0, 0,             /* qualname */
		1, 0, 0, 0, 's', 0, 0, 0, 0, 's', 0, 0, 0, 0 };
	uint8_t *out = (uint8_t *)"untouched";
	size_t outlen = 7;

	ck_assert_int_eq(pcb_canonical_rename(in, sizeof in, 11, "f.py",
			     "src/t.py", &out, &outlen),
	    0);
	free(out);
	/* A string equal to the new name, or to the placeholder. */
	ck_assert_int_eq(pcb_canonical_rename(in, sizeof in, 11, "f.py", "s.py",
			     &out, &outlen),
	    -EEXIST);
	ck_assert_ptr_null(out);
	memcpy(in + 32, "f.py", 4);
	ck_assert_int_eq(pcb_canonical_rename(in, sizeof in, 11, "f.py",
			     "src/t.py", &out, &outlen),
	    -EEXIST);
	memcpy(in + 32, "s.py", 4);
	/* The filename object used elsewhere: the qualname refers to it. */
	in[sizeof in - 18] = 0;
	ck_assert_uint_eq(in[sizeof in - 19], 'r');
	ck_assert_int_eq(pcb_canonical_rename(in, sizeof in, 11, "f.py",
			     "src/t.py", &out, &outlen),
	    -EEXIST);
	in[sizeof in - 18] = 1;
	/* Names that the compiler might treat otherwise. */
	ck_assert_int_eq(pcb_canonical_rename(in, sizeof in, 11, "f.py",
			     "caf\xc3\xa9.py", &out, &outlen),
	    -EEXIST);
	ck_assert_int_eq(pcb_canonical_rename(in, sizeof in, 11, "f.py",
			     "setup", &out, &outlen),
	    -EEXIST);
	/* A co_filename that is not the placeholder; a bad stream. */
	ck_assert_int_eq(pcb_canonical_rename(in, sizeof in, 11, "g.py",
			     "src/t.py", &out, &outlen),
	    -EINVAL);
	ck_assert_int_eq(pcb_canonical_rename(in, sizeof in - 1, 11, "f.py",
			     "src/t.py", &out, &outlen),
	    -EINVAL);
	ck_assert_int_eq(pcb_canonical_rename(in, sizeof in, 9, "f.py",
			     "src/t.py", &out, &outlen),
	    -EINVAL);
	/* Not a code object: no entry of ours, even with nothing to swap. */
	ck_assert_int_eq(pcb_canonical_rename((const uint8_t *)"z\004f.py", 6,
			     11, "f.py", "src/t.py", &out, &outlen),
	    -EINVAL);
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
	tcase_add_test(core, test_rename);
	tcase_add_test(core, test_rename_refused);
	tcase_add_test(core, test_code_object_39);
	tcase_add_test(core, test_code_object_39_referenced);
	tcase_add_test(core, test_flagged_null_ends_dict);
	tcase_add_test(core, test_frozendict_never_referenced);
	tcase_add_test(core, test_equal_values_merged);
	tcase_add_test(core, test_types_kept_apart);
	tcase_add_test(core, test_frozenset_order);
	tcase_add_test(core, test_idempotent);
	tcase_add_test(limits, test_refused);
	tcase_add_test(limits, test_depth);
	tcase_add_test(limits, test_code_object_39_truncated);
	tcase_add_test(limits, test_python_versions);
	suite_add_tcase(s, core);
	suite_add_tcase(s, limits);
	return s;
}
