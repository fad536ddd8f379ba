/* check_batch.c: the batch modules: dfile, walk, text, fresh. */
#include <config.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check_units.h"
#include "cli/dfile.h"
#include "cli/list.h"
#include "cli/walk.h"
#include "pyc/fresh.h"
#include "pyc/text.h"

/* Expected values from compileall.compile_file's code run on CPython 3.11. */
static const struct {
	const char *full, *ddir, *strip, *prepend, *want;
	int mismatch;
} dfile_cases[] = {
	{ "a/b/c.py", NULL, NULL, NULL, NULL, 0 },
	{ "a/b/c.py", "/d", NULL, NULL, "/d/c.py", 0 },
	{ "c.py", "/d/", NULL, NULL, "/d/c.py", 0 },
	{ "src/pkg/m.py", NULL, "src", "/usr/lib", "/usr/lib/pkg/m.py", 0 },
	{ "/br/usr/lib/x.py", NULL, "/br", "/", "/usr/lib/x.py", 0 },
	{ "/br/usr/lib/x.py", NULL, "/br/", NULL, NULL, 1 },
	{ "a//b.py", NULL, "a/", NULL, "b.py", 0 },
	{ "a/b//c.py", NULL, "a", "p", "p/b/c.py", 0 },
	{ "/usr/x.py", NULL, "/", NULL, NULL, 1 },
	{ "x.py", NULL, NULL, "/opt", "/opt/x.py", 0 },
	{ "/abs/x.py", NULL, NULL, "/opt", "/abs/x.py", 0 },
	{ "a/bc.py", NULL, "a/b", NULL, NULL, 1 },
	{ "src/m.py", "/d", "src", "q", "q/m.py", 0 },
};

START_TEST(test_dfile)
{
	char *out;
	int mismatch;

	for (size_t i = 0; i < sizeof dfile_cases / sizeof dfile_cases[0];
	     i++) {
		ck_assert_int_eq(pcb_dfile_compute(dfile_cases[i].full,
				     dfile_cases[i].ddir, dfile_cases[i].strip,
				     dfile_cases[i].prepend, 0, &out,
				     &mismatch),
		    0);
		ck_assert_pstr_eq(out, dfile_cases[i].want);
		ck_assert_int_eq(mismatch, dfile_cases[i].mismatch);
		free(out);
	}
}
END_TEST

/* compileall before 3.13 (gh-105931), run on CPython 3.12.1's code. */
static const struct {
	const char *full, *strip, *want;
} partial_cases[] = {
	{ "pkg/sub/c.py", "/elsewhere", "pkg/sub/c.py" },
	{ "/br/usr/lib/x.py", "/br/", "usr/lib/x.py" },
	{ "/usr/x.py", "/", "usr/x.py" },
	{ "a/bc.py", "a/b", "bc.py" },
	{ "a/b/a/c.py", "x/b", "a/a/c.py" },
	{ "x/a/x/m.py", "x/x", "a/x/m.py" },
	{ "src/pkg/m.py", "src", "pkg/m.py" },
	{ "a//b.py", "a/", "b.py" },
	{ "/p/a/q/b.py", "/q/a", "p/q/b.py" },
};

START_TEST(test_dfile_partial_strip)
{
	char *out;
	int mismatch;

	for (size_t i = 0; i < sizeof partial_cases / sizeof partial_cases[0];
	     i++) {
		ck_assert_int_eq(pcb_dfile_compute(partial_cases[i].full, NULL,
				     partial_cases[i].strip, NULL, 1, &out,
				     &mismatch),
		    0);
		ck_assert_str_eq(out, partial_cases[i].want);
		ck_assert_int_eq(mismatch, 0);
		free(out);
	}
	/* Then -p, as in 3.13. */
	ck_assert_int_eq(pcb_dfile_compute("/br/usr/x.py", NULL, "/br", "/", 1,
			     &out, &mismatch),
	    0);
	ck_assert_str_eq(out, "/usr/x.py");
	free(out);
}
END_TEST

static void
touch(const char *path)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	fputs("x = 1\n", f);
	fclose(f);
}

START_TEST(test_walk)
{
	char dir[] = "/tmp/pcb-walk.XXXXXX", buf[512];
	struct pcb_list files = { 0 }, unlisted = { 0 };
	static const char *const mk[] = { "__pycache__", ".hidden", "real", "B",
		"real/deep" };
	static const char *const src[] = { "__pycache__/x.py", ".hidden/h.py",
		"real/r.py", "B/b.py", "a.py", "Z.py", "notpy.txt",
		"real/deep/d.py", "x.py.txt", ".py" };
	static const char *const want[] = { ".hidden/h.py", ".py", "B/b.py",
		"Z.py", "a.py", "real/deep/d.py", "real/r.py" };

	ck_assert_ptr_nonnull(mkdtemp(dir));
	for (size_t i = 0; i < sizeof mk / sizeof mk[0]; i++) {
		snprintf(buf, sizeof buf, "%s/%s", dir, mk[i]);
		ck_assert_int_eq(mkdir(buf, 0777), 0);
	}
	for (size_t i = 0; i < sizeof src / sizeof src[0]; i++) {
		snprintf(buf, sizeof buf, "%s/%s", dir, src[i]);
		touch(buf);
	}
	snprintf(buf, sizeof buf, "%s/link", dir);
	ck_assert_int_eq(symlink("real", buf), 0);
	snprintf(buf, sizeof buf, "%s/real/loop", dir);
	ck_assert_int_eq(symlink("..", buf), 0);
	snprintf(buf, sizeof buf, "%s/dangling.py", dir);
	ck_assert_int_eq(symlink("nowhere.py", buf), 0);

	ck_assert_int_eq(pcb_walk_dir(dir, PCB_WALK_MAXLEVELS, &files,
			     &unlisted),
	    0);
	ck_assert_uint_eq(files.len, sizeof want / sizeof want[0]);
	for (size_t i = 0; i < files.len; i++) {
		snprintf(buf, sizeof buf, "%s/%s", dir, want[i]);
		ck_assert_str_eq(files.items[i], buf);
	}
	ck_assert_uint_eq(unlisted.len, 0);
	pcb_list_fini(&files);

	/* maxlevels 0: this directory only, as compileall -l. */
	ck_assert_int_eq(pcb_walk_dir(dir, 0, &files, &unlisted), 0);
	ck_assert_uint_eq(files.len, 3);
	pcb_list_fini(&files);

	/* A missing directory is listed as unlistable, not an error. */
	snprintf(buf, sizeof buf, "%s/missing", dir);
	ck_assert_int_eq(pcb_walk_dir(buf, 5, &files, &unlisted), 0);
	ck_assert_uint_eq(files.len, 0);
	ck_assert_uint_eq(unlisted.len, 1);
	ck_assert_str_eq(unlisted.items[0], buf);
	pcb_list_fini(&unlisted);

	snprintf(buf, sizeof buf, "rm -rf '%s'", dir);
	ck_assert_int_eq(system(buf), 0);
}
END_TEST

START_TEST(test_join)
{
	char *s;

	s = pcb_walk_join("a", "b");
	ck_assert_str_eq(s, "a/b");
	free(s);
	s = pcb_walk_join("a/", "b");
	ck_assert_str_eq(s, "a/b");
	free(s);
	s = pcb_walk_join("", "b");
	ck_assert_str_eq(s, "b");
	free(s);
	s = pcb_dfile_join("a", "/b");
	ck_assert_str_eq(s, "/b");
	free(s);
}
END_TEST

/* What fn writes for s, as a new string. */
static char *
render(void (*fn)(FILE *, const char *), const char *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	fn(f, s);
	fclose(f);
	return buf;
}

START_TEST(test_text)
{
	/* Expected values: Python's repr(os.fsdecode(b)) and json.dumps(..., ensure_ascii=False). */
	static const struct {
		const char *in, *repr, *json;
	} cases[] = {
		{ "a.py", "'a.py'", "\"a.py\"" },
		{ "it's.py", "\"it's.py\"", "\"it's.py\"" },
		{ "q'\"", "'q\\'\"'", "\"q'\\\"\"" },
		{ "t\tn\nr\r\x01\x7f", "'t\\tn\\nr\\r\\x01\\x7f'",
		    "\"t\\tn\\nr\\r\\u0001\\u007f\"" },
		{ "b\\s", "'b\\\\s'", "\"b\\\\s\"" },
		{ "\xff\xc3(", "'\\udcff\\udcc3('", "\"\\udcff\\udcc3(\"" },
		{ "\xc3\xa9\xe2\x82\xac", "'\xc3\xa9\xe2\x82\xac'",
		    "\"\xc3\xa9\xe2\x82\xac\"" },
		{ "\xc2\x85\xc2\xa0", "'\\x85\\xa0'", "\"\xc2\x85\xc2\xa0\"" },
		{ "\xed\xa0\x80", "'\\udced\\udca0\\udc80'",
		    "\"\\udced\\udca0\\udc80\"" },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *r = render(pcb_text_repr, cases[i].in);
		char *j = render(pcb_text_json, cases[i].in);

		ck_assert_str_eq(r, cases[i].repr);
		ck_assert_str_eq(j, cases[i].json);
		free(r);
		free(j);
	}
}
END_TEST

static void
write_bytes(const char *path, const void *data, size_t n)
{
	FILE *f = fopen(path, "wb");

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(data, 1, n, f), n);
	fclose(f);
}

START_TEST(test_fresh)
{
	char dir[] = "/tmp/pcb-fresh.XXXXXX", path[256], link[256], cmd[300];
	uint8_t head[PCB_PYC_HEADER_SIZE + 4], other[PCB_PYC_HEADER_SIZE];

	memset(head, 0, sizeof head);
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/x.pyc", dir);
	snprintf(link, sizeof link, "%s/l.pyc", dir);
	pcb_pyc_header(head, 0x0a0d0df3u, PCB_MODE_TIMESTAMP, 1700000000u, 42u,
	    NULL);
	ck_assert_int_eq(pcb_fresh_check(path, head), 0); /* missing */
	write_bytes(path, head, sizeof head);
	ck_assert_int_eq(pcb_fresh_check(path, head), 1);
	/* Another mtime, another mode: stale. */
	pcb_pyc_header(other, 0x0a0d0df3u, PCB_MODE_TIMESTAMP, 1700000001u, 42u,
	    NULL);
	ck_assert_int_eq(pcb_fresh_check(path, other), 0);
	memcpy(other, head, sizeof other);
	other[4] = 3;
	ck_assert_int_eq(pcb_fresh_check(path, other), 0);
	/* A header alone, or less, is a truncated file. */
	write_bytes(path, head, PCB_PYC_HEADER_SIZE);
	ck_assert_int_eq(pcb_fresh_check(path, head), 0);
	write_bytes(path, head, 10);
	ck_assert_int_eq(pcb_fresh_check(path, head), 0);
	/* A symlink is never fresh: py_compile refuses to write through it. */
	write_bytes(path, head, sizeof head);
	ck_assert_int_eq(symlink("x.pyc", link), 0);
	ck_assert_int_eq(pcb_fresh_check(link, head), 0);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}
END_TEST

START_TEST(test_fresh_compileall)
{
	char dir[] = "/tmp/pcb-fresh.XXXXXX", path[64], link[64];
	uint8_t head[PCB_PYC_HEADER_SIZE + 4] = { 0 };
	static const uint8_t hash[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/m.pyc", dir);
	snprintf(link, sizeof link, "%s/l.pyc", dir);
	/* compileall's 12 bytes: magic, flags 0, mtime; the size is not
	 * looked at, nor what follows. */
	pcb_pyc_header(head, 0x0a0d0df3, PCB_MODE_TIMESTAMP, 1234, 99, hash);
	write_bytes(path, head, sizeof head);
	ck_assert_int_eq(pcb_fresh_check_compileall(path, 0x0a0d0df3, 1234), 1);
	ck_assert_int_eq(pcb_fresh_check_compileall(path, 0x0a0d0df3, 1235), 0);
	ck_assert_int_eq(pcb_fresh_check_compileall(path, 0x0a0d0df4, 1234), 0);
	write_bytes(path, head, 12);
	ck_assert_int_eq(pcb_fresh_check_compileall(path, 0x0a0d0df3, 1234), 1);
	write_bytes(path, head, 11);
	ck_assert_int_eq(pcb_fresh_check_compileall(path, 0x0a0d0df3, 1234), 0);
	/* A hash-based .pyc is never fresh to it; a symlink is followed. */
	pcb_pyc_header(head, 0x0a0d0df3, PCB_MODE_CHECKED_HASH, 1234, 99, hash);
	write_bytes(path, head, sizeof head);
	ck_assert_int_eq(pcb_fresh_check_compileall(path, 0x0a0d0df3, 1234), 0);
	pcb_pyc_header(head, 0x0a0d0df3, PCB_MODE_TIMESTAMP, 1234, 7, hash);
	write_bytes(path, head, sizeof head);
	ck_assert_int_eq(symlink("m.pyc", link), 0);
	ck_assert_int_eq(pcb_fresh_check_compileall(link, 0x0a0d0df3, 1234), 1);
	ck_assert_int_eq(unlink(link), 0);
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(pcb_fresh_check_compileall(path, 0x0a0d0df3, 1234), 0);
	ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

Suite *
batch_suite(void)
{
	Suite *s = suite_create("batch");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_dfile);
	tcase_add_test(tc, test_dfile_partial_strip);
	tcase_add_test(tc, test_fresh_compileall);
	tcase_add_test(tc, test_walk);
	tcase_add_test(tc, test_join);
	tcase_add_test(tc, test_text);
	tcase_add_test(tc, test_fresh);
	suite_add_tcase(s, tc);
	return s;
}
