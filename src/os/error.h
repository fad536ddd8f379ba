/*
 * error.h: the one error convention.  A function that can fail returns 0
 * (or a count, or a descriptor) on success and a negative errno on failure;
 * where a person needs more than strerror's words, it also fills a
 * `char **cause` out-parameter with one line of text, owned by the caller,
 * through pcb_error_set.  Descriptor-returning calls return -errno, never
 * -1 with errno.  Only main.c and report.c print.
 */
#ifndef PCB_ERROR_H
#define PCB_ERROR_H

/*
 * Formats one line into *cause (replacing and freeing what was there) and
 * returns errnum, which must be a negative errno:
 *
 *	return pcb_error_set(cause, -ENOENT, "cannot read %s", path);
 *
 * cause may be NULL: the caller wants the errno only.  Out of memory for
 * the text leaves *cause NULL; the errno still says what failed.  errno is
 * read by the caller before the call (arguments are evaluated in no set
 * order), and is left as it was.
 */
int pcb_error_set(char **cause, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
