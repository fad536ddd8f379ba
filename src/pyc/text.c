/*
 * text.c: the two ways a path is shown.  People see Python's repr, as
 * compileall's -v lines do; the JSON report needs valid JSON whatever bytes
 * a file name holds, and uses the surrogate escape (PEP 383) for bytes that
 * are not UTF-8.
 */
#include <config.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <unictype.h>

#include "pyc/text.h"

int
pcb_text_utf8(const unsigned char *s, unsigned long *cp)
{
	unsigned long c;
	int n;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xC2 && s[0] <= 0xDF)
		n = 2, c = s[0] & 0x1F;
	else if (s[0] >= 0xE0 && s[0] <= 0xEF)
		n = 3, c = s[0] & 0x0F;
	else if (s[0] >= 0xF0 && s[0] <= 0xF4)
		n = 4, c = s[0] & 0x07;
	else
		return 0;
	for (int i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3F);
	}
	/* Overlong forms, surrogates and values past U+10FFFF are not UTF-8. */
	if ((n == 3 && c < 0x800) || (n == 4 && c < 0x10000) ||
	    (c >= 0xD800 && c <= 0xDFFF) || c > 0x10FFFF)
		return 0;
	*cp = c;
	return n;
}

/*
 * Python's str.isprintable() for one code point: not in the categories Cc,
 * Cf, Cs, Co, Cn, Zl, Zp or Zs, the space excepted.  The categories come
 * from libunistring's tables, whose Unicode version can lag Python's for
 * the newest characters.
 */
static int
printable(unsigned long cp)
{
	if (cp == ' ')
		return 1;
	return !uc_is_general_category_withtable((ucs4_t)cp,
	    UC_CATEGORY_MASK_C | UC_CATEGORY_MASK_Z);
}

void
pcb_text_repr(FILE *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	char quote = strchr(s, '\'') && !strchr(s, '"') ? '"' : '\'';
	unsigned long cp;
	int n;

	fputc(quote, out);
	while (*p) {
		n = pcb_text_utf8(p, &cp);
		if (n == 0) {
			fprintf(out, "\\udc%02x", *p);
			p++;
			continue;
		}
		if (cp == '\\' || cp == (unsigned long)quote)
			fprintf(out, "\\%c", (int)cp);
		else if (cp == '\t')
			fputs("\\t", out);
		else if (cp == '\n')
			fputs("\\n", out);
		else if (cp == '\r')
			fputs("\\r", out);
		else if (printable(cp))
			fwrite(p, 1, (size_t)n, out);
		else if (cp <= 0xFF)
			fprintf(out, "\\x%02lx", cp);
		else if (cp <= 0xFFFF)
			fprintf(out, "\\u%04lx", cp);
		else
			fprintf(out, "\\U%08lx", cp);
		p += n;
	}
	fputc(quote, out);
}

void
pcb_text_json(FILE *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned long cp;
	int n;

	fputc('"', out);
	while (*p) {
		n = pcb_text_utf8(p, &cp);
		if (n == 0) {
			fprintf(out, "\\udc%02x", *p);
			p++;
			continue;
		}
		if (cp == '"' || cp == '\\')
			fprintf(out, "\\%c", (int)cp);
		else if (cp == '\n')
			fputs("\\n", out);
		else if (cp == '\t')
			fputs("\\t", out);
		else if (cp == '\r')
			fputs("\\r", out);
		else if (cp < 0x20 || cp == 0x7F)
			fprintf(out, "\\u%04lx", cp);
		else
			fwrite(p, 1, (size_t)n, out);
		p += n;
	}
	fputc('"', out);
}

char *
pcb_text_repr_str(const char *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (f == NULL)
		return NULL;
	pcb_text_repr(f, s);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

char *
pcb_text_oserror(int errnum, const char *path, const char *path2)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (f == NULL)
		return NULL;
	/* Python words it with strerror(), as here, in the C locale's words. */
	fprintf(f, "[Errno %d] %s", -errnum, strerror(-errnum));
	if (path != NULL) {
		fputs(": ", f);
		pcb_text_repr(f, path);
		if (path2 != NULL) {
			fputs(" -> ", f);
			pcb_text_repr(f, path2);
		}
	}
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

const char *
pcb_text_oserror_class(int errnum)
{
	/* Objects/exceptions.c's errno map, for the errnos Linux has. */
	static const struct {
		int errnum;
		const char *name;
	} map[] = {
		{ EAGAIN, "BlockingIOError" },
		{ EALREADY, "BlockingIOError" },
		{ EINPROGRESS, "BlockingIOError" },
		{ ECHILD, "ChildProcessError" },
		{ EPIPE, "BrokenPipeError" },
		{ ESHUTDOWN, "BrokenPipeError" },
		{ ECONNABORTED, "ConnectionAbortedError" },
		{ ECONNREFUSED, "ConnectionRefusedError" },
		{ ECONNRESET, "ConnectionResetError" },
		{ EEXIST, "FileExistsError" },
		{ ENOENT, "FileNotFoundError" },
		{ EISDIR, "IsADirectoryError" },
		{ ENOTDIR, "NotADirectoryError" },
		{ EINTR, "InterruptedError" },
		{ EACCES, "PermissionError" },
		{ EPERM, "PermissionError" },
		{ ESRCH, "ProcessLookupError" },
		{ ETIMEDOUT, "TimeoutError" },
	};

	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (map[i].errnum == -errnum)
			return map[i].name;
	return "OSError";
}
