/* check_write.c: target checks, makedirs and the atomic write. */
#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check_units.h"
#include "os/dupes.h"
#include "os/write.h"

static char dir[64];

static void
setup(void)
{
	snprintf(dir, sizeof dir, "/tmp/pcb-check-XXXXXX");
	ck_assert(mkdtemp(dir) != NULL);
	ck_assert_int_eq(chdir(dir), 0);
}

static void
teardown(void)
{
	char cmd[256];

	ck_assert_int_eq(chdir("/"), 0);
	snprintf(cmd, sizeof cmd, "chmod -R u+w %s; rm -rf %s", dir, dir);
	ck_assert_int_eq(system(cmd), 0);
}

/* Counts the entries of path other than . and .. */
static int
entries(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	int n = 0;

	ck_assert(d != NULL);
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

START_TEST(test_check_target)
{
	const char *class = NULL;
	char *cause = NULL;

	ck_assert_int_eq(pcb_write_check_target("missing.pyc", &cause, &class),
	    0);
	ck_assert_ptr_null(cause);
	ck_assert_ptr_null(class);
	ck_assert_int_eq(symlink("elsewhere", "link.pyc"), 0);
	ck_assert_int_eq(pcb_write_check_target("link.pyc", &cause, &class),
	    -EEXIST);
	ck_assert_str_eq(cause,
	    "link.pyc is a symlink and will be changed into a "
	    "regular file if import writes a byte-compiled file to it");
	ck_assert_str_eq(class, "FileExistsError");
	/* A cause already there is replaced, not leaked. */
	ck_assert_int_eq(mkdir("dir.pyc", 0777), 0);
	ck_assert_int_eq(pcb_write_check_target("dir.pyc", &cause, &class),
	    -EINVAL);
	ck_assert_str_eq(cause,
	    "dir.pyc is a non-regular file and will be changed "
	    "into a regular one if import writes a byte-compiled file to it");
	ck_assert_str_eq(class, "ValueError");
	free(cause);
	cause = NULL;
	ck_assert_int_eq(mkfifo("fifo.pyc", 0666), 0);
	ck_assert_int_eq(pcb_write_check_target("fifo.pyc", &cause, NULL),
	    -EINVAL);
	ck_assert_ptr_nonnull(cause);
	free(cause);
	/* The errno alone. */
	ck_assert_int_eq(pcb_write_check_target("fifo.pyc", NULL, NULL),
	    -EINVAL);
}
END_TEST

START_TEST(test_write_makes_dirs_and_mode)
{
	struct stat st;
	char buf[16];
	FILE *f;

	umask(022);
	ck_assert_int_eq(pcb_write_pyc("a/b/__pycache__/x.pyc", "HEAD", 4,
			     "body", 4, 0100444, NULL, NULL, NULL),
	    0);
	ck_assert_int_eq(stat("a/b/__pycache__/x.pyc", &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0644); /* 0444|0200, umask 022 */
	ck_assert_int_eq(stat("a/b", &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0755);
	f = fopen("a/b/__pycache__/x.pyc", "rb");
	ck_assert(f != NULL);
	ck_assert_uint_eq(fread(buf, 1, sizeof buf, f), 8);
	fclose(f);
	ck_assert_mem_eq(buf, "HEADbody", 8);
	ck_assert_int_eq(entries("a/b/__pycache__"), 1);

	umask(077);
	ck_assert_int_eq(pcb_write_pyc("y.pyc", "", 0, "z", 1, 0100640, NULL,
			     NULL, NULL),
	    0);
	ck_assert_int_eq(stat("y.pyc", &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0600);
	ck_assert_int_eq(pcb_write_pyc("w.pyc", "", 0, "z", 1, 0, NULL, NULL,
			     NULL),
	    0);
	ck_assert_int_eq(stat("w.pyc", &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0600); /* 0666 & ~077 */
}
END_TEST

/* Replacing keeps the old file until the new one is complete. */
START_TEST(test_replace_existing)
{
	struct stat before, after;

	ck_assert_int_eq(pcb_write_pyc("r.pyc", "1", 1, "", 0, 0100644, NULL,
			     NULL, NULL),
	    0);
	ck_assert_int_eq(stat("r.pyc", &before), 0);
	ck_assert_int_eq(pcb_write_pyc("r.pyc", "22", 2, "", 0, 0100644, NULL,
			     NULL, NULL),
	    0);
	ck_assert_int_eq(stat("r.pyc", &after), 0);
	ck_assert_uint_ne(before.st_ino, after.st_ino);
	ck_assert_int_eq(after.st_size, 2);
	ck_assert_int_eq(entries("."), 1);
}
END_TEST

/* A file where a directory should be: ENOTDIR naming the temp file. */
START_TEST(test_pycache_is_a_file)
{
	char *path = NULL, *path2 = NULL, *cause = NULL;

	ck_assert_int_eq(mkdir("p", 0777), 0);
	fclose(fopen("p/__pycache__", "w"));
	ck_assert_int_eq(pcb_write_pyc("p/__pycache__/m.pyc", "h", 1, "b", 1,
			     0100644, &path, &path2, &cause),
	    -ENOTDIR);
	ck_assert(path != NULL);
	ck_assert(strncmp(path, "p/__pycache__/m.pyc.", 20) == 0);
	ck_assert_uint_eq(strlen(path), 20 + 12);
	ck_assert_ptr_null(path2);
	ck_assert_ptr_null(cause);
	ck_assert_int_eq(entries("p"), 1);
	free(path);
}
END_TEST

/* A 255-byte .pyc name: the temp name is cut to NAME_MAX, not past it. */
START_TEST(test_temp_name_fits_name_max)
{
	char cfile[300], *path = NULL;

	ck_assert_int_eq(mkdir("q", 0777), 0);
	fclose(fopen("q/__pycache__", "w"));
	memcpy(cfile, "q/__pycache__/", 14);
	memset(cfile + 14, 'm', 251);
	memcpy(cfile + 14 + 251, ".pyc", 5);
	ck_assert_int_eq(pcb_write_pyc(cfile, "h", 1, "b", 1, 0100644, &path,
			     NULL, NULL),
	    -ENOTDIR);
	ck_assert(path != NULL);
	ck_assert(strncmp(path, cfile, 14 + 242) == 0);
	ck_assert_int_eq(path[14 + 242], '.');
	ck_assert_uint_eq(strlen(path), 14 + 255);
	free(path);
}
END_TEST

/* An unwritable directory: EACCES, nothing left behind.  Root ignores modes. */
START_TEST(test_unwritable_dir)
{
	char *path = NULL;
	int ret;

	ck_assert_int_eq(mkdir("ro", 0555), 0);
	ret = pcb_write_pyc("ro/__pycache__/m.pyc", "h", 1, "b", 1, 0100644,
	    &path, NULL, NULL);
	if (geteuid() == 0) {
		ck_assert_int_eq(ret, 0);
		ck_assert_ptr_null(path);
		return;
	}
	ck_assert_int_eq(ret, -EACCES);
	ck_assert_str_eq(path, "ro/__pycache__");
	ck_assert_int_eq(entries("ro"), 0);
	free(path);
}
END_TEST

/* A failed link names both files, as os.link's OSError does. */
START_TEST(test_dupes_link_names_both)
{
	char *path = NULL, *path2 = NULL, *cause = NULL;
	struct stat a, b;

	ck_assert_int_eq(pcb_dupes_link("gone.pyc", "to.pyc", &path, &path2,
			     &cause),
	    -ENOENT);
	ck_assert_str_eq(path, "gone.pyc");
	ck_assert_str_eq(path2, "to.pyc");
	ck_assert_ptr_null(cause);
	free(path);
	free(path2);
	ck_assert_int_eq(pcb_write_pyc("from.pyc", "h", 1, "b", 1, 0100644,
			     NULL, NULL, NULL),
	    0);
	ck_assert_int_eq(pcb_dupes_link("from.pyc", "to.pyc", NULL, NULL, NULL),
	    0);
	ck_assert_int_eq(stat("from.pyc", &a), 0);
	ck_assert_int_eq(stat("to.pyc", &b), 0);
	ck_assert_uint_eq(a.st_ino, b.st_ino);
}
END_TEST

Suite *
write_suite(void)
{
	Suite *s = suite_create("write");
	TCase *core = tcase_create("Core"), *limits = tcase_create("Limits");

	tcase_add_checked_fixture(core, setup, teardown);
	tcase_add_checked_fixture(limits, setup, teardown);
	tcase_add_test(core, test_check_target);
	tcase_add_test(core, test_write_makes_dirs_and_mode);
	tcase_add_test(core, test_replace_existing);
	tcase_add_test(limits, test_pycache_is_a_file);
	tcase_add_test(limits, test_temp_name_fits_name_max);
	tcase_add_test(limits, test_unwritable_dir);
	tcase_add_test(limits, test_dupes_link_names_both);
	suite_add_tcase(s, core);
	suite_add_tcase(s, limits);
	return s;
}
