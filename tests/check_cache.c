/* check_cache.c: unit tests of cache.c (to be written: issue 19). */
#include <config.h>

#include "check_units.h"

Suite *
cache_suite(void)
{
	return suite_create("cache");
}
