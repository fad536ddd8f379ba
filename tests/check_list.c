/* check_list.c: the stdin file list. */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "check_units.h"
#include "cli/list.h"

static void
expect(const struct pcb_list *l, size_t n, const char *const *want)
{
	ck_assert_uint_eq(l->len, n);
	for (size_t i = 0; i < n; i++)
		ck_assert_str_eq(l->items[i], want[i]);
}

START_TEST(test_newlines)
{
	struct pcb_list l = { 0 };
	static const char buf[] = "a.py\nb c.py\nd/e.py\n";
	static const char *const want[] = { "a.py", "b c.py", "d/e.py" };

	ck_assert_int_eq(pcb_list_parse(&l, buf, sizeof buf - 1, '\n'), 0);
	expect(&l, 3, want);
	pcb_list_fini(&l);
}
END_TEST

START_TEST(test_nul)
{
	struct pcb_list l = { 0 };
	static const char buf[] = "a\nb.py\0c.py\0";
	static const char *const want[] = { "a\nb.py", "c.py" };

	ck_assert_int_eq(pcb_list_parse(&l, buf, sizeof buf - 1, '\0'), 0);
	expect(&l, 2, want);
	pcb_list_fini(&l);
}
END_TEST

START_TEST(test_empty_entries)
{
	struct pcb_list l = { 0 };
	static const char buf[] = "\n\na.py\n\n\nb.py\n\n";
	static const char *const want[] = { "a.py", "b.py" };

	ck_assert_int_eq(pcb_list_parse(&l, buf, sizeof buf - 1, '\n'), 0);
	expect(&l, 2, want);
	pcb_list_fini(&l);
	ck_assert_int_eq(pcb_list_parse(&l, "", 0, '\n'), 0);
	ck_assert_uint_eq(l.len, 0);
	pcb_list_fini(&l);
}
END_TEST

START_TEST(test_no_final_separator)
{
	struct pcb_list l = { 0 };
	static const char *const want[] = { "a.py", "last.py" };

	ck_assert_int_eq(pcb_list_parse(&l, "a.py\nlast.py", 12, '\n'), 0);
	expect(&l, 2, want);
	pcb_list_fini(&l);
	ck_assert_int_eq(pcb_list_parse(&l, "a.py\0last.py", 12, '\0'), 0);
	expect(&l, 2, want);
	pcb_list_fini(&l);
}
END_TEST

/* Only the newline goes: a CR stays, as with py_compile's rstrip('\n'). */
START_TEST(test_embedded_nul)
{
	/* A NUL in a newline list refuses the list (find -print0 without
	 * -0); in a NUL list it is the separator. */
	struct pcb_list l = { 0 };
	static const char buf[] = "a.py\nb.py\0c.py\0d.py\n";
	static const char *const want[] = { "a.py\nb.py", "c.py", "d.py\n" };

	ck_assert_int_eq(pcb_list_parse(&l, buf, sizeof buf - 1, '\n'),
	    -EILSEQ);
	pcb_list_fini(&l);
	ck_assert_int_eq(pcb_list_parse(&l, buf, sizeof buf - 1, '\0'), 0);
	expect(&l, 3, want);
	pcb_list_fini(&l);
}
END_TEST

START_TEST(test_crlf_kept)
{
	struct pcb_list l = { 0 };
	static const char *const want[] = { "a.py\r" };

	ck_assert_int_eq(pcb_list_parse(&l, "a.py\r\n", 6, '\n'), 0);
	expect(&l, 1, want);
	pcb_list_fini(&l);
}
END_TEST

START_TEST(test_lines_compileall)
{
	struct pcb_list l = { 0 };
	static const char buf[] = " a.py \r\n\tb c\r\rd\n\n  \ne";

	/* compileall -i: universal newlines, each line stripped, empty ones
	 * kept, no separator needed at the end. */
	ck_assert_int_eq(pcb_list_parse_lines(&l, buf, sizeof buf - 1), 0);
	ck_assert_uint_eq(l.len, 7);
	ck_assert_str_eq(l.items[0], "a.py");
	ck_assert_str_eq(l.items[1], "b c");
	ck_assert_str_eq(l.items[2], "");
	ck_assert_str_eq(l.items[3], "d");
	ck_assert_str_eq(l.items[4], "");
	ck_assert_str_eq(l.items[5], "");
	ck_assert_str_eq(l.items[6], "e");
	pcb_list_fini(&l);
	ck_assert_int_eq(pcb_list_parse_lines(&l, "", 0), 0);
	ck_assert_uint_eq(l.len, 0);
	ck_assert_int_eq(pcb_list_parse_lines(&l, "a\0b\n", 4), -EILSEQ);
	pcb_list_fini(&l);
}
END_TEST

START_TEST(test_many)
{
	struct pcb_list l = { 0 };
	char buf[100000 * 8];
	size_t n = 0;

	for (int i = 0; i < 100000; i++)
		n += (size_t)snprintf(buf + n, sizeof buf - n, "%06d\n", i);
	ck_assert_int_eq(pcb_list_parse(&l, buf, n, '\n'), 0);
	ck_assert_uint_eq(l.len, 100000);
	ck_assert_str_eq(l.items[99999], "099999");
	pcb_list_fini(&l);
	pcb_list_fini(&l); /* a second fini is harmless */
}
END_TEST

Suite *
list_suite(void)
{
	Suite *s = suite_create("list");
	TCase *core = tcase_create("Core"), *limits = tcase_create("Limits");

	tcase_add_test(core, test_newlines);
	tcase_add_test(core, test_nul);
	tcase_add_test(core, test_no_final_separator);
	tcase_add_test(limits, test_empty_entries);
	tcase_add_test(limits, test_crlf_kept);
	tcase_add_test(limits, test_embedded_nul);
	tcase_add_test(limits, test_many);
	tcase_add_test(core, test_lines_compileall);
	suite_add_tcase(s, core);
	suite_add_tcase(s, limits);
	return s;
}
