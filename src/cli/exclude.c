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
#include "os/error.h"

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
	size_t cap = strlen(p) * 4 / 3 + 3;
	char *out = malloc(cap), *o = out;

	if (out == NULL)
		return NULL;
	while (*p != '\0') {
		if (p[0] != '\\' || p[1] == '\0') {
			*o++ = *p++;
			continue;
		}
		if (p[1] == 'u' && hex_digits(p + 2, 4)) {
			o += snprintf(o, (size_t)(out + cap - o), "\\x{%.4s}",
			    p + 2);
			p += 6;
		} else if (p[1] == 'U' && hex_digits(p + 2, 8)) {
			o += snprintf(o, (size_t)(out + cap - o), "\\x{%.8s}",
			    p + 2);
			p += 10;
		} else if (p[1] == 'Z') {
			o += snprintf(o, (size_t)(out + cap - o), "\\z");
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
	if ((x = calloc(1, sizeof *x)) == NULL ||
	    (pcre = translate(pattern)) == NULL)
		goto err_nomem;
	x->code = pcre2_compile((PCRE2_SPTR)pcre, PCRE2_ZERO_TERMINATED,
	    PCRE2_UTF | PCRE2_UCP | PCRE2_MATCH_INVALID_UTF, &err, &offset,
	    NULL);
	free(pcre);
	if (x->code == NULL && err != PCRE2_ERROR_NOMEMORY) {
		pcb_exclude_free(x);
		pcre2_get_error_message(err, msg, sizeof msg);
		return pcb_error_set(cause, -EINVAL,
		    "invalid regular expression '%s': %s at position %zu",
		    pattern, (const char *)msg, (size_t)offset);
	}
	if (x->code == NULL ||
	    (x->md = pcre2_match_data_create_from_pattern(x->code, NULL)) ==
		NULL)
		goto err_nomem;
	*out = x;
	return 0;
err_nomem:
	pcb_exclude_free(x);
	return pcb_error_set(cause, -ENOMEM, "out of memory");
}

int
pcb_exclude_match(struct pcb_exclude *x, const char *path)
{
	return pcre2_match(x->code, (PCRE2_SPTR)path, strlen(path), 0, 0, x->md,
		   NULL) >= 0;
}

int
pcb_exclude_match_start(struct pcb_exclude *x, const char *path)
{
	return pcre2_match(x->code, (PCRE2_SPTR)path, strlen(path), 0,
		   PCRE2_ANCHORED, x->md, NULL) >= 0;
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
