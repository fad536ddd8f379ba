/*
 * error.c: the cause text behind a negative errno (error.h).  Any thread.
 */
#include <config.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "os/error.h"

int
pcb_error_set(char **cause, int errnum, const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	if (cause != NULL) {
		free(*cause);
		va_start(ap, fmt);
		if (vasprintf(cause, fmt, ap) < 0)
			*cause = NULL;
		va_end(ap);
	}
	errno = saved;
	return errnum;
}
