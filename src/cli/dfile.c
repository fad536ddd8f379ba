/*
 * dfile.c: compileall.compile_file's dfile, computed in C so that the
 * engine passes it to compile() as the filename.  The rules, read from
 * CPython's Lib/compileall.py: -d DIR for a file argument stores
 * DIR/basename; for a directory argument compile_dir turns -d DIR into
 * stripdir = the directory argument and prependdir = DIR (the caller does
 * that).  stripdir is compared as lists of '/'-separated components, so "a/"
 * is not a prefix of "a/b.py" (its components are "a" and ""), and "/" is
 * not a prefix of "/usr/x.py".  prependdir is joined with os.path.join, so
 * an absolute path after it wins.
 *
 * compileall before 3.13 (gh-105931) stripped differently: each component
 * of stripdir equal to fullname's at the same place is removed, its first
 * occurrence that is, whether or not stripdir is a prefix, and never
 * warned.  Its --compileall dialect asks for that where the linked Python
 * does it.
 */
#include <config.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli/dfile.h"
#include "cli/walk.h"

char *
pcb_dfile_join(const char *a, const char *b)
{
	if (b[0] == '/')
		return strdup(b);
	return pcb_walk_join(a, b);
}

/* The number of components str.split('/') gives. */
static size_t
count_parts(const char *s)
{
	size_t n = 1;

	for (; *s; s++)
		n += *s == '/';
	return n;
}

/*
 * If stripdir's components are the first components of fullname's, returns
 * where the rest starts (the components after them, joined again by '/'),
 * else NULL.  *rest_parts is how many components are left.
 */
static const char *
strip_prefix(const char *fullname, const char *stripdir, size_t *rest_parts)
{
	size_t nf = count_parts(fullname), ns = count_parts(stripdir);
	size_t ls = strlen(stripdir);

	if (ns > nf || strncmp(fullname, stripdir, ls) != 0)
		return NULL;
	*rest_parts = nf - ns;
	if (fullname[ls] == '\0')
		return fullname + ls; /* nothing left */
	if (fullname[ls] != '/')
		return NULL; /* "a/bc" does not start with components "a/b" */
	return fullname + ls + 1;
}

/* os.path.join(*parts) over the '/'-separated components of rest. */
static char *
join_parts(const char *rest)
{
	size_t n = strlen(rest);
	char *out = malloc(n + 1), *o = out;
	const char *p = rest;

	if (out == NULL)
		return NULL;
	/* Empty components add nothing but may leave a trailing slash. */
	while (*p) {
		const char *end = strchr(p, '/');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if (o > out && o[-1] != '/')
			*o++ = '/';
		memcpy(o, p, len);
		o += len;
		if (end == NULL)
			break;
		p = end + 1;
		if (*p == '\0' && o > out && o[-1] != '/')
			*o++ = '/'; /* a final empty component */
	}
	*o = '\0';
	return out;
}

/* The '/'-separated components of s, in a copy at *buf.  NULL: no memory. */
static char **
split_parts(const char *s, char **buf, size_t *n)
{
	char **parts;
	size_t i = 0;

	*n = count_parts(s);
	if ((*buf = strdup(s)) == NULL ||
	    (parts = malloc(*n * sizeof *parts)) == NULL) {
		free(*buf);
		*buf = NULL;
		return NULL;
	}
	for (char *p = *buf;; p++) {
		parts[i++] = p;
		if ((p = strchr(p, '/')) == NULL)
			break;
		*p = '\0';
	}
	return parts;
}

/*
 * compileall before 3.13: ddir_parts = fullname's components; for each
 * pair of stripdir's and fullname's at one place that are equal,
 * ddir_parts.remove(it); then os.path.join(*ddir_parts).  Returns the new
 * name, or NULL (no memory).
 */
static char *
strip_partial(const char *fullname, const char *stripdir)
{
	char *fbuf, *sbuf = NULL, **f, **sp = NULL, *out = NULL, *o;
	size_t nf, ns = 0;
	char *gone = NULL;

	if ((f = split_parts(fullname, &fbuf, &nf)) == NULL ||
	    (sp = split_parts(stripdir, &sbuf, &ns)) == NULL ||
	    (gone = calloc(nf, 1)) == NULL ||
	    (out = malloc(strlen(fullname) + 1)) == NULL)
		goto out;
	for (size_t i = 0; i < ns && i < nf; i++) {
		if (strcmp(sp[i], f[i]) != 0)
			continue;
		for (size_t k = 0; k < nf; k++)
			if (!gone[k] && strcmp(f[k], sp[i]) == 0) {
				gone[k] = 1;
				break;
			}
	}
	/* posixpath.join: a slash between two parts unless one is there. */
	o = out;
	for (size_t k = 0; k < nf; k++) {
		if (gone[k])
			continue;
		if (o > out && o[-1] != '/')
			*o++ = '/';
		o = stpcpy(o, f[k]);
	}
	*o = '\0';
out:
	free(gone);
	free(f);
	free(fbuf);
	free(sp);
	free(sbuf);
	return out;
}

int
pcb_dfile_compute(const char *fullname, const char *ddir, const char *stripdir,
    const char *prependdir, int partial_strip, char **out, int *mismatch)
{
	char *dfile = NULL, *joined;
	const char *base, *rest;
	size_t rest_parts = 0;

	*out = NULL;
	*mismatch = 0;
	if (ddir != NULL) {
		base = strrchr(fullname, '/');
		base = base ? base + 1 : fullname;
		if ((dfile = pcb_dfile_join(ddir, base)) == NULL)
			return -ENOMEM;
	}
	if (stripdir != NULL && partial_strip) {
		free(dfile);
		if ((dfile = strip_partial(fullname, stripdir)) == NULL)
			return -ENOMEM;
	} else if (stripdir != NULL) {
		rest = strip_prefix(fullname, stripdir, &rest_parts);
		if (rest == NULL)
			*mismatch = 1;
		else {
			free(dfile);
			if ((dfile = join_parts(rest)) == NULL)
				return -ENOMEM;
		}
	}
	if (prependdir != NULL) {
		joined = pcb_dfile_join(prependdir, dfile ? dfile : fullname);
		free(dfile);
		if ((dfile = joined) == NULL)
			return -ENOMEM;
	}
	*out = dfile;
	return 0;
}
