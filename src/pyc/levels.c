/*
 * levels.c: optimisation levels that cannot change a source's code
 * (levels.h; the proof is doc/optimize-levels.md, rule R01).
 *
 * Level 1 differs from level 0 only in `assert` statements and in the
 * name `__debug__`.  The keyword is ASCII and matched before NFKC, so a
 * byte search finds it; the name is normalised (NFKC), so where the file
 * has a byte >= 0x80 the search runs on the NFKC form of its UTF-8 text.
 * An encoding that spells ASCII letters otherwise (utf-7's "+AGE-ssert")
 * defeats any byte search, so only a cookie that names an ASCII-compatible
 * codec is allowed, and with non-ASCII bytes only UTF-8.
 */
#include <config.h>

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unictype.h>
#include <uninorm.h>
#include <unistr.h>

#include "pyc/levels.h"

/* The codecs whose decoding of ASCII bytes is ASCII, spelt normalised. */
static const char *const ascii_codecs[] = {
	"utf-8",
	"utf8",
	"ascii",
	"us-ascii",
	"latin-1",
	"latin1",
	"iso-8859-1",
	"iso8859-1",
	"iso-latin-1",
	"l1",
	"cp1252",
	"windows-1252",
};

/*
 * True for a cookie name known to keep ASCII: lower case, '_' as '-', and
 * "utf-8-..." as CPython's get_normal_name reads it.
 */
static bool
ascii_codec(const char *name, size_t len)
{
	char buf[32];

	if (len == 0 || len >= sizeof buf)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = name[i];

		if (c == '_')
			c = '-';
		else if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		buf[i] = c;
	}
	buf[len] = '\0';
	if (strncmp(buf, "utf-8-", 6) == 0)
		return true;
	for (size_t i = 0; i < sizeof ascii_codecs / sizeof *ascii_codecs; i++)
		if (strcmp(buf, ascii_codecs[i]) == 0)
			return true;
	return false;
}

/* True for a cookie name that is UTF-8 as CPython reads it. */
static bool
utf8_codec(const char *name, size_t len)
{
	return ascii_codec(name, len) && strncasecmp(name, "utf", 3) == 0;
}

static bool
cookie_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
}

/*
 * True when every "coding[:=]" of the first two lines (where PEP 263 looks)
 * names an ASCII-compatible codec (UTF-8 with only_utf8).  A mention that
 * is not a cookie only makes the answer more cautious.
 */
static bool
cookies_keep_ascii(const char *s, size_t len, bool only_utf8)
{
	const char *end = s, *p, *q;
	size_t lines = 0;

	while (lines < 2 && end < s + len) {
		const char *nl = memchr(end, '\n', (size_t)(s + len - end));

		end = nl ? nl + 1 : s + len;
		lines++;
	}
	for (p = s; (q = memmem(p, (size_t)(end - p), "coding", 6)) != NULL;
	     p = q + 6) {
		const char *name = q + 7, *stop;

		if (q + 6 >= end || (q[6] != ':' && q[6] != '='))
			continue;
		while (name < end && (*name == ' ' || *name == '\t'))
			name++;
		for (stop = name; stop < end && cookie_char(*stop); stop++)
			;
		if (only_utf8 ? !utf8_codec(name, (size_t)(stop - name)) :
				!ascii_codec(name, (size_t)(stop - name)))
			return false;
	}
	return true;
}

/*
 * For a UTF-8 text with non-ASCII characters: true when its NFKC form has
 * no "__debug__".  A character that libunistring does not know (its tables
 * can lag Python's Unicode version) might decompose to ASCII: false.
 */
static bool
nfkc_without_debug(const char *s, size_t len)
{
	const uint8_t *u = (const uint8_t *)s;
	uint8_t *nfkc;
	size_t nlen = 0;
	ucs4_t uc;
	bool found;

	if (u8_check(u, len) != NULL)
		return false;
	for (size_t i = 0; i < len; i += (size_t)u8_mbtouc(&uc, u + i, len - i))
		if (uc >= 0x80 && uc_is_general_category(uc, UC_CATEGORY_Cn))
			return false;
	if ((nfkc = u8_normalize(UNINORM_NFKC, u, len, NULL, &nlen)) == NULL)
		return false;
	found = memmem(nfkc, nlen, "__debug__", 9) != NULL;
	free(nfkc);
	return !found;
}

/* A byte that continues a NAME token: ASCII letter, digit, '_', non-ASCII. */
static bool
name_byte(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_' || c >= 0x80;
}

/*
 * True when "assert" occurs where it could be the keyword: not inside a
 * longer name ("assertEqual", "_assert").  A keyword is a whole NAME token,
 * and outside strings and comments a byte >= 0x80 can only belong to a
 * name (the tokenizer rejects any other).  A digit before it is allowed as
 * a boundary ("1assert"): that only makes the answer more cautious.
 */
static bool
has_assert_keyword(const char *s, size_t len)
{
	const char *p = s, *q;

	while ((q = memmem(p, len - (size_t)(p - s), "assert", 6)) != NULL) {
		bool before = q > s && name_byte((unsigned char)q[-1]) &&
		    !(q[-1] >= '0' && q[-1] <= '9');
		bool after = q + 6 < s + len && name_byte((unsigned char)q[6]);

		if (!before && !after)
			return true;
		p = q + 1;
	}
	return false;
}

/* Rule R01: levels 0 and 1 give the same code. */
static bool
same_code_0_1(const char *s, size_t len)
{
	bool ascii = true;

	if (len >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0) {
		s += 3;
		len -= 3;
	}
	if (has_assert_keyword(s, len) ||
	    memmem(s, len, "__debug__", 9) != NULL)
		return false;
	for (size_t i = 0; i < len && ascii; i++)
		ascii = (unsigned char)s[i] < 0x80;
	if (!cookies_keep_ascii(s, len, !ascii))
		return false;
	return ascii || nfkc_without_debug(s, len);
}

bool
pcb_levels_same_code(const char *source, size_t len, int a, int b)
{
	if (a == b)
		return true;
	if ((a == 0 && b == 1) || (a == 1 && b == 0))
		return same_code_0_1(source, len);
	return false;
}
