/*
 * text.h: quoting file names for people and for JSON.  Pure C, any thread.
 */
#ifndef PCB_TEXT_H
#define PCB_TEXT_H

#include <stdio.h>

/*
 * Writes s as Python's repr() of os.fsdecode(s) writes it, as compileall
 * prints "Compiling 'path'...": single quotes unless s holds ' and no ",
 * backslash escapes for \\, the quote, \t, \n, \r, and every character
 * str.isprintable() calls unprintable as \xNN, \uNNNN or \UNNNNNNNN (the
 * controls, U+00A0, U+00AD, U+2028, unassigned ones...), bytes that are not
 * UTF-8 as \udcNN (the surrogate escape).  Other characters are written as
 * they are.
 */
void pcb_text_repr(FILE *out, const char *s);

/*
 * pcb_text_repr into a new string (owned), or NULL: ENOMEM is its only
 * failure.
 */
char *pcb_text_repr_str(const char *s);

/*
 * str(OSError(errno, strerror, path, None, path2)), the text Python gives
 * for an OS error: "[Errno 2] No such file or directory: 'x.py'", with
 * " -> 'path2'" when there is a second path.  errnum is negative; path and
 * path2 may be NULL.  Returns a new string (owned), or NULL: ENOMEM is its
 * only failure.
 */
char *pcb_text_oserror(int errnum, const char *path, const char *path2);

/*
 * The name of the OSError subclass Python raises for errnum (negative):
 * "FileNotFoundError" for ENOENT, "PermissionError" for EACCES, ..., or
 * "OSError".  A static string.
 */
const char *pcb_text_oserror_class(int errnum);

/*
 * Writes s as a JSON string, quotes included: ", \\ and controls escaped
 * (\n, \t, ... or \u00XX), valid UTF-8 kept, and each byte that is not part
 * of valid UTF-8 written as the lone surrogate \udcNN, the escape Python's
 * os.fsdecode uses, so that os.fsencode(json.loads(x)) gives the bytes back.
 */
void pcb_text_json(FILE *out, const char *s);

/*
 * The length of the valid UTF-8 sequence at s (1 to 4), or 0 when the byte
 * at s does not start one.  *cp gets the code point.
 */
int pcb_text_utf8(const unsigned char *s, unsigned long *cp);

#endif
