/* check_cli.c: unit tests of cli.c (to be written: issue 19). */
#include <config.h>

#include "check_units.h"

Suite *
cli_suite(void)
{
	return suite_create("cli");
}
