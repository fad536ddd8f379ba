/*
 * check_levels.c: which sources let level 1 take level 0's code (levels.c,
 * doc/optimize-levels.md).  Whether the answers are right is proved end to
 * end against py_compile on every Python (tests/e2e-levels.sh); these pin
 * the byte rules, above all the cautious answers.
 */
#include <config.h>

#include <string.h>

#include "check_units.h"
#include "pyc/levels.h"

static int
same01(const char *src)
{
	return pcb_levels_same_code(src, strlen(src), 0, 1);
}

START_TEST(test_plain_sources_share)
{
	ck_assert(same01("x = 1\n"));
	ck_assert(same01(""));
	ck_assert(same01("def f():\n    \"\"\"doc\"\"\"\n    return 1\n"));
	/* "assert" inside a longer name is not the keyword. */
	ck_assert(same01("self.assertEqual(a, b)\n"));
	ck_assert(same01("_assert = 1\nassert_ = 2\nassertion = 3\n"));
	ck_assert(same01("x.__debu = 1\n"));
	/* Cookies of ASCII-compatible codecs; a UTF-8 BOM. */
	ck_assert(same01("# -*- coding: latin-1 -*-\nx = 1\n"));
	ck_assert(
	    same01("#!/usr/bin/python\n# vim: set fileencoding=UTF_8 :\n"));
	ck_assert(same01("\xef\xbb\xbfx = 1\n"));
	/* Non-ASCII UTF-8 whose NFKC form has no __debug__. */
	ck_assert(same01("s = '\xc3\xa9t\xc3\xa9'  # \xe2\x80\x94\n"));
	ck_assert(same01("\xc3\xa9 = 1\n"));
}
END_TEST

START_TEST(test_level_dependent_sources_do_not)
{
	ck_assert(!same01("assert x\n"));
	ck_assert(!same01("if x:\n\tassert(y)\n"));
	ck_assert(!same01("x = 1; assert x\n"));
	ck_assert(!same01("1assert\n")); /* cautious: a digit is a boundary */
	ck_assert(!same01("# assert in a comment is caution enough\n"));
	ck_assert(!same01("print(__debug__)\n"));
	ck_assert(!same01("x.__debug__\n"));
	/* NFKC spellings of __debug__: fullwidth, mathematical bold. */
	ck_assert(!same01("__\xef\xbd\x84\xef\xbd\x85\xef\xbd\x82\xef\xbd\x95"
			  "\xef\xbd\x87__\n"));
	ck_assert(!same01("__\xf0\x9d\x90\x9d\xf0\x9d\x90\x9e\xf0\x9d\x90\x9b"
			  "\xf0\x9d\x90\xae\xf0\x9d\x90\xa0__\n"));
}
END_TEST

START_TEST(test_encodings_that_hide_ascii)
{
	/* utf-7 spells "assert" and "__debug__" in other ASCII bytes. */
	ck_assert(!same01("# coding: utf-7\n+AGE-ssert x\n"));
	ck_assert(!same01("# -*- coding: utf-7 -*-\nx = 1\n"));
	ck_assert(!same01("#!/bin/sh\n# coding=iso-2022-jp\nx = 1\n"));
	/* Any unknown cookie, even a misspelt one. */
	ck_assert(!same01("# coding: nonesuch\nx = 1\n"));
	ck_assert(!same01("# coding:\nx = 1\n"));
	/* Non-ASCII bytes need UTF-8 text. */
	ck_assert(!same01("# coding: latin-1\ns = '\xe9'\n"));
	ck_assert(!same01("s = '\xff'\n"));
	/* A code point libunistring does not know (U+0378 is unassigned). */
	ck_assert(!same01("s = '\xcd\xb8'\n"));
	/* The third line is past the cookie's reach: not a cookie. */
	ck_assert(same01("\n\n# coding: utf-7\nx = 1\n"));
}
END_TEST

START_TEST(test_levels)
{
	const char *src = "x = 1\n";

	ck_assert(pcb_levels_same_code(src, strlen(src), 1, 0));
	ck_assert(pcb_levels_same_code(src, strlen(src), 2, 2));
	ck_assert(pcb_levels_same_code("assert x\n", 9, 1, 1));
	/* Level 2 drops docstrings, which no byte rule here rules out. */
	ck_assert(!pcb_levels_same_code(src, strlen(src), 1, 2));
	ck_assert(!pcb_levels_same_code(src, strlen(src), 0, 2));
}
END_TEST

Suite *
levels_suite(void)
{
	Suite *s = suite_create("levels");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_plain_sources_share);
	tcase_add_test(tc, test_level_dependent_sources_do_not);
	tcase_add_test(tc, test_encodings_that_hide_ascii);
	tcase_add_test(tc, test_levels);
	suite_add_tcase(s, tc);
	return s;
}
