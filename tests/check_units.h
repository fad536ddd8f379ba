/* check_units.h: one Check suite per module. */
#ifndef PCB_CHECK_UNITS_H
#define PCB_CHECK_UNITS_H

#include <check.h>
#include <stddef.h>

Suite *canonical_suite(void);
Suite *batch_suite(void);
Suite *levels_suite(void);
Suite *list_suite(void);
Suite *pyc_suite(void);
Suite *siphash_suite(void);
Suite *wire_suite(void);
Suite *write_suite(void);
Suite *cli_suite(void);
Suite *order_suite(void);
Suite *cache_suite(void);

/* The vectors file from tests/gen-vectors.py, split into tab fields. */
struct vector {
	char *fields[8];
	int nfields;
};

/* Loads every line of $PCB_VECTORS whose first field is kind. */
size_t vectors_load(const char *kind, struct vector **out);

/* Frees what vectors_load returned. */
void vectors_free(struct vector *v, size_t n);

/* Decodes hex into a new buffer of *len bytes. */
unsigned char *hex_decode(const char *hex, size_t *len);

#endif
