/*
 * exclude.c: -x REGEX with PCRE2 (libpcre2-8).  The error offset it reports
 * is in the translated pattern, which differs only after a \u, \U or \Z.
 */
#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "cli/exclude.h"

struct pcb_exclude {
	pcre2_code *code;
	pcre2_match_data *md;
};

/* Whether s starts with n hex digits. */
static int
hex_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

/*
 * Python's escapes that PCRE2 spells otherwise: \uXXXX and \UXXXXXXXX become
 * \x{...}, \Z (the very end) becomes \z.  Every other escape pair is copied
 * as it is, so an escaped backslash is never taken for the start of one.
 * A new string, or NULL without memory.
 */
static char *
translate(const char *p)
{
	/* \uXXXX (6) becomes \x{XXXX} (8): at most 4/3 as long. */
	char *out = malloc(strlen(p) * 4 / 3 + 3), *o = out;

	if (out == NULL)
		return NULL;
	while (*p != '\0') {
		if (p[0] != '\\' || p[1] == '\0') {
			*o++ = *p++;
			continue;
		}
		if (p[1] == 'u' && hex_digits(p + 2, 4)) {
			o += sprintf(o, "\\x{%.4s}", p + 2);
			p += 6;
		} else if (p[1] == 'U' && hex_digits(p + 2, 8)) {
			o += sprintf(o, "\\x{%.8s}", p + 2);
			p += 10;
		} else if (p[1] == 'Z') {
			o += sprintf(o, "\\z");
			p += 2;
		} else {
			*o++ = *p++;
			*o++ = *p++;
		}
	}
	*o = '\0';
	return out;
}

int
pcb_exclude_compile(const char *pattern, struct pcb_exclude **out, char **cause)
{
	struct pcb_exclude *x;
	PCRE2_UCHAR msg[256];
	PCRE2_SIZE offset;
	char *pcre;
	int err;

	*out = NULL;
	if ((pcre = translate(pattern)) == NULL)
		return -ENOMEM;
	if ((x = calloc(1, sizeof *x)) == NULL) {
		free(pcre);
		return -ENOMEM;
	}
	x->code = pcre2_compile((PCRE2_SPTR)pcre, PCRE2_ZERO_TERMINATED,
	    PCRE2_UTF | PCRE2_UCP | PCRE2_MATCH_INVALID_UTF, &err, &offset,
	    NULL);
	free(pcre);
	if (x->code == NULL) {
		free(x);
		if (err == PCRE2_ERROR_NOMEMORY)
			return -ENOMEM;
		pcre2_get_error_message(err, msg, sizeof msg);
		if (asprintf(cause, "%s at position %zu", (const char *)msg,
			(size_t)offset) < 0)
			*cause = NULL;
		return -EINVAL;
	}
	if ((x->md = pcre2_match_data_create_from_pattern(x->code, NULL)) ==
	    NULL) {
		pcb_exclude_free(x);
		return -ENOMEM;
	}
	*out = x;
	return 0;
}

int
pcb_exclude_match(struct pcb_exclude *x, const char *path)
{
	return pcre2_match(x->code, (PCRE2_SPTR)path, strlen(path), 0, 0, x->md,
		   NULL) >= 0;
}

void
pcb_exclude_free(struct pcb_exclude *x)
{
	if (x == NULL)
		return;
	pcre2_match_data_free(x->md);
	pcre2_code_free(x->code);
	free(x);
}
