/* check_order.c: unit tests of order.c (to be written: issue 19). */
#include <config.h>

#include "check_units.h"

Suite *
order_suite(void)
{
	return suite_create("order");
}
