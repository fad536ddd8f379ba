/*
 * check_units.c: runs the unit suites.  Nothing is initialised here before
 * the forked tests: the core library needs neither Python nor libuv.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_units.h"

size_t
vectors_load(const char *kind, struct vector **out)
{
	const char *path = getenv("PCB_VECTORS");
	struct vector *v = NULL;
	size_t n = 0, cap = 0;
	char *line = NULL;
	size_t linecap = 0;
	ssize_t len;
	FILE *f;

	ck_assert_msg(path != NULL, "PCB_VECTORS is not set");
	f = fopen(path, "r");
	ck_assert_msg(f != NULL, "cannot open %s", path);
	while ((len = getline(&line, &linecap, f)) > 0) {
		char *save = NULL, *tok;
		struct vector vec = { { 0 }, 0 };

		if (line[len - 1] == '\n')
			line[len - 1] = '\0';
		if (strncmp(line, kind, strlen(kind)) != 0 ||
		    line[strlen(kind)] != '\t')
			continue;
		for (tok = strtok_r(line, "\t", &save); tok && vec.nfields < 8;
		     tok = strtok_r(NULL, "\t", &save))
			vec.fields[vec.nfields++] = strdup(tok);
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			v = realloc(v, cap * sizeof *v);
			ck_assert(v != NULL);
		}
		v[n++] = vec;
	}
	free(line);
	fclose(f);
	*out = v;
	return n;
}

void
vectors_free(struct vector *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		for (int f = 0; f < v[i].nfields; f++)
			free(v[i].fields[f]);
	free(v);
}

unsigned char *
hex_decode(const char *hex, size_t *len)
{
	size_t n = strlen(hex) / 2;
	unsigned char *buf = malloc(n + 1);

	ck_assert(buf != NULL);
	for (size_t i = 0; i < n; i++) {
		unsigned int b;

		ck_assert(sscanf(hex + 2 * i, "%2x", &b) == 1);
		buf[i] = (unsigned char)b;
	}
	*len = n;
	return buf;
}

int
main(void)
{
	SRunner *sr = srunner_create(siphash_suite());
	int failed;

	srunner_add_suite(sr, pyc_suite());
	srunner_add_suite(sr, list_suite());
	srunner_add_suite(sr, write_suite());
	srunner_add_suite(sr, wire_suite());
	srunner_add_suite(sr, canonical_suite());
	srunner_add_suite(sr, batch_suite());
	srunner_add_suite(sr, levels_suite());
	srunner_add_suite(sr, cli_suite());
	srunner_add_suite(sr, order_suite());
	srunner_add_suite(sr, cache_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
