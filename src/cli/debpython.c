/*
 * debpython.c: py3compile's plan (debpython.h), step by step as
 * /usr/bin/py3compile and its debpython modules take them: versions
 * (debpython.version), the files of a package or a directory
 * (debpython.files), exclusions (py3compile's get_exclude_patterns and
 * filter_files).  What a run then does with each file (its 12-byte
 * up-to-date check, the compile) is the engine's.  Main thread only.
 */
#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/debpython.h"
#include "cli/exclude.h"
#include "cli/walk.h"
#include "os/error.h"
#include "pyc/source.h"

#define DEB_DEFAULTS "/usr/share/python3/debian_defaults"
#define DEB_BCEP "/usr/share/python3/bcep"
#define DEB_MAX_VERSIONS 32

/* A set of versions (major * 100 + minor), ascending. */
struct vset {
	int v[DEB_MAX_VERSIONS];
	size_t n;
};

/* An exclusion: -X, or a line of a bcep file. */
enum deb_kind {
	DEB_RE,
	DEB_DIR,
	DEB_FILE,
	DEB_OTHER /* drops nothing */
};
struct deb_pattern {
	enum deb_kind kind;
	struct vset vers;
	char *dname;
	struct pcb_exclude *re; /* DEB_RE, or NULL */
	int borrowed_re;        /* re is the caller's */
};

struct deb_patterns {
	struct deb_pattern *items;
	size_t n, cap;
};

/* What planning needs: the options and the versions. */
struct deb {
	const struct pcb_options *opt;
	struct vset supported;
	int def;                                     /* the default version */
	struct pcb_exclude *x[PCB_MAX_DEB_EXCLUDES]; /* -X, compiled */
	struct pcb_deb_plan *plan;
};

static int
vset_has(const struct vset *s, int v)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i] == v)
			return 1;
	return 0;
}

/* Adds v in order, once. */
static void
vset_add(struct vset *s, int v)
{
	size_t i = 0;

	if (vset_has(s, v) || s->n == DEB_MAX_VERSIONS)
		return;
	while (i < s->n && s->v[i] < v)
		i++;
	memmove(s->v + i + 1, s->v + i, (s->n - i) * sizeof s->v[0]);
	s->v[i] = v;
	s->n++;
}

static int
digit(char c)
{
	return c >= '0' && c <= '9';
}

/*
 * "\d\.\d+" at *s, as version.py's RANGE_PATTERN: the version, *s moved
 * past it, or -1 (a minor above 99 too).
 */
static int
take_version(const char **s)
{
	const char *p = *s;
	int major, minor = 0;

	if (!digit(p[0]) || p[1] != '.' || !digit(p[2]))
		return -1;
	major = p[0] - '0';
	for (p += 2; digit(*p); p++)
		if ((minor = minor * 10 + (*p - '0')) > 99)
			return -1;
	*s = p;
	return major * 100 + minor;
}

int
pcb_debpython_parse_range(const char *s, struct pcb_deb_range *r)
{
	const char *p = s;
	int v;

	r->min = r->max = -1;
	if (strcmp(s, "") == 0 || strcmp(s, "-") == 0)
		return 0;
	if (*p == '-') {
		p++;
		if ((r->max = take_version(&p)) < 0)
			return -EINVAL;
		return 0;
	}
	if ((v = take_version(&p)) < 0)
		return -EINVAL;
	r->min = v;
	if (*p != '-') {
		r->max = v; /* one version only */
		return 0;
	}
	p++;
	r->max = take_version(&p); /* -1 for none: open-ended */
	if (r->max >= 0 && r->min > r->max)
		return -EINVAL;
	return 0;
}

/* Whether /usr/bin/python<v> is there. */
static int
installed(int v)
{
	char path[64];

	snprintf(path, sizeof path, "/usr/bin/python%d.%d", v / 100, v % 100);
	return access(path, F_OK) == 0;
}

/* Parses "3.13, 3.14" (python prefixes dropped) into s.  0 or -EINVAL. */
static int
parse_versions(const char *text, struct vset *s)
{
	const char *p = text;

	for (;;) {
		int v;

		while (*p == ' ' || *p == '\t' || *p == 'p')
			p += *p == 'p' && strncmp(p, "python", 6) == 0 ? 6 : 1;
		if ((v = take_version(&p)) < 0)
			return -EINVAL;
		vset_add(s, v);
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			return 0;
		if (*p++ != ',')
			return -EINVAL;
	}
}

/* key's value in debian_defaults' text, into out (size n).  0 or -ENOENT. */
static int
defaults_value(const char *text, const char *key, char *out, size_t n)
{
	size_t klen = strlen(key);

	for (const char *line = text; line != NULL && *line != '\0';
	     line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		const char *p = line, *end;

		if (strncmp(p, key, klen) != 0)
			continue;
		for (p += klen; *p == ' ' || *p == '\t'; p++)
			;
		if (*p != '=' && *p != ':')
			continue;
		for (p++; *p == ' ' || *p == '\t'; p++)
			;
		end = p + strcspn(p, "\n");
		while (end > p && (end[-1] == ' ' || end[-1] == '\r'))
			end--;
		snprintf(out, n, "%.*s", (int)(end - p), p);
		return 0;
	}
	return -ENOENT;
}

/*
 * The supported and default versions: $DEBPYTHON3_SUPPORTED and
 * $DEBPYTHON3_DEFAULT, else debian_defaults.  0 or -EINVAL with *cause.
 */
static int
read_defaults(struct deb *d, char **cause)
{
	const char *sup = getenv("DEBPYTHON3_SUPPORTED");
	const char *def = getenv("DEBPYTHON3_DEFAULT");
	char sbuf[512], dbuf[64], *text = NULL;
	size_t len;
	const char *p;
	int fd, ret = 0;

	if (sup == NULL || *sup == '\0' || def == NULL || *def == '\0') {
		if ((fd = open(DEB_DEFAULTS, O_RDONLY | O_CLOEXEC)) < 0 ||
		    pcb_source_read_fd(fd, 4096, &text, &len) < 0)
			ret = -EINVAL;
		if (fd >= 0)
			close(fd);
		if (ret == 0 && (sup == NULL || *sup == '\0'))
			ret = defaults_value(text, "supported-versions", sbuf,
			    sizeof sbuf);
		if (ret == 0 && (def == NULL || *def == '\0')) {
			ret = defaults_value(text, "default-version", dbuf,
			    sizeof dbuf);
			def = strlen(dbuf) > 6 ? dbuf + 6 : "";
		}
		if (sup == NULL || *sup == '\0')
			sup = sbuf;
		free(text);
		if (ret < 0)
			return pcb_error_set(cause, -EINVAL,
			    "cannot read %s (is this Debian?)", DEB_DEFAULTS);
	}
	p = def;
	if (parse_versions(sup, &d->supported) < 0 ||
	    (d->def = take_version(&p)) < 0)
		return pcb_error_set(cause, -EINVAL,
		    "cannot read the supported Python versions '%s' and the "
		    "default '%s'",
		    sup, def);
	return 0;
}

/* get_requested_versions(r, available=True) into out. */
static void
requested(const struct deb *d, const struct pcb_deb_range *r, struct vset *out)
{
	int lo = r->min < 0 ? 0 : r->min, hi = r->max < 0 ? 9999 : r->max;

	out->n = 0;
	for (size_t i = 0; i < d->supported.n; i++) {
		int v = d->supported.v[i];

		if ((lo == hi ? v == lo : v >= lo && v < hi) && installed(v))
			vset_add(out, v);
	}
}

/* public_version's value for a directory of a major version alone. */
#define PUBLIC_SHARED(major) (1000 + (major))

/*
 * PUBLIC_DIR_RE's match of path: ".*?/usr/lib/python(\d(?:.\d+)?)/(site|
 * dist)-packages" at its start.  Returns the version its group names
 * (major * 100 + minor), PUBLIC_SHARED(major) for a major alone
 * ("python3"), or -1.
 */
static int
public_version(const char *path)
{
	static const char lib[] = "/usr/lib/python";

	for (const char *p = strstr(path, lib); p != NULL;
	     p = strstr(p + 1, lib)) {
		const char *q = p + sizeof lib - 1, *e;
		int major, minor = 0;

		if (*q < '0' || *q > '9')
			continue;
		major = *q++ - '0';
		/* (?:.\d+)? first, greedy: any character, then digits. */
		if (q[0] != '\0' && q[1] >= '0' && q[1] <= '9') {
			for (e = q + 1; *e >= '0' && *e <= '9'; e++)
				minor = minor * 10 + (*e - '0');
			if ((strncmp(e, "/site-packages", 14) == 0 ||
				strncmp(e, "/dist-packages", 14) == 0) &&
			    q[0] == '.' && minor <= 99)
				return major * 100 + minor;
			minor = 0;
		}
		if (strncmp(q, "/site-packages", 14) == 0 ||
		    strncmp(q, "/dist-packages", 14) == 0)
			return PUBLIC_SHARED(major);
	}
	return -1;
}

static int
patterns_add(struct deb_patterns *ps, const struct deb_pattern *p)
{
	if (ps->n == ps->cap) {
		size_t cap = ps->cap ? 2 * ps->cap : 8;
		struct deb_pattern *n = realloc(ps->items, cap * sizeof *n);

		if (n == NULL)
			return -ENOMEM;
		ps->items = n;
		ps->cap = cap;
	}
	ps->items[ps->n++] = *p;
	return 0;
}

static void
patterns_fini(struct deb_patterns *ps)
{
	for (size_t i = 0; i < ps->n; i++) {
		free(ps->items[i].dname);
		if (!ps->items[i].borrowed_re)
			pcb_exclude_free(ps->items[i].re);
	}
	free(ps->items);
	memset(ps, 0, sizeof *ps);
}

/* A note for the user.  Returns 0 or -ENOMEM. */
static int
note(struct deb *d, const char *what, const char *arg)
{
	char *line;
	int ret;

	if (asprintf(&line, "%s: warning: %s%s", PACKAGE_NAME, what, arg) < 0)
		return -ENOMEM;
	ret = pcb_list_add(&d->plan->notes, line, strlen(line));
	free(line);
	return ret;
}

/*
 * One line of a bcep file, "TYPE|VRANGE|DNAME[|PATTERN]", into ps as
 * py3compile reads it.  A line it would stop on is skipped with a note.
 * Returns 0 or -ENOMEM.
 */
static int
bcep_line(struct deb *d, const char *file, char *line, struct deb_patterns *ps)
{
	struct deb_pattern p = { 0 };
	struct pcb_deb_range r;
	char *f[4] = { line, NULL, NULL, NULL }, *cause = NULL;
	int n = 1;

	while (n < 4 && (f[n] = strchr(f[n - 1], '|')) != NULL)
		*f[n]++ = '\0', n++;
	if (n < 3 || pcb_debpython_parse_range(f[1], &r) < 0)
		return note(d, "skipping a bcep line it cannot read in ", file);
	if (n == 3)
		f[3] = (char *)".*";
	p.kind = strcmp(f[0], "re") == 0 ? DEB_RE :
	    strcmp(f[0], "dir") == 0     ? DEB_DIR :
	    strcmp(f[0], "file") == 0    ? DEB_FILE :
					   DEB_OTHER;
	requested(d, &r, &p.vers);
	if (p.vers.n == 0)
		return 0;
	if (strcmp(f[0], "file") != 0) {
		size_t len = strlen(f[2]);

		while (len > 0 && f[2][len - 1] == '/')
			len--;
		if (asprintf(&p.dname, "%.*s/", (int)len, f[2]) < 0)
			return -ENOMEM;
	} else if ((p.dname = strdup(f[2])) == NULL) {
		return -ENOMEM;
	}
	if ((p.kind == DEB_RE || *f[3] != '\0') &&
	    pcb_exclude_compile(f[3], &p.re, &cause) < 0) {
		free(cause);
		free(p.dname);
		return note(d, "skipping an invalid pattern in ", file);
	}
	if (patterns_add(ps, &p) < 0) {
		free(p.dname);
		pcb_exclude_free(p.re);
		return -ENOMEM;
	}
	return 0;
}

/* get_exclude_patterns_from_dir(): every bcep file's lines, into ps. */
static int
bcep_read(struct deb *d, struct deb_patterns *ps)
{
	struct dirent *e;
	DIR *dir = opendir(DEB_BCEP);
	int ret = 0;

	if (dir == NULL)
		return 0;
	while (ret == 0 && (e = readdir(dir)) != NULL) {
		char path[512], *text = NULL, *line, *next;
		size_t len;
		int fd;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s", DEB_BCEP, e->d_name);
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
			continue;
		if (pcb_source_read_fd(fd, 4096, &text, &len) == 0)
			for (line = text; ret == 0 && line != NULL;
			     line = next) {
				if ((next = strchr(line, '\n')) != NULL)
					*next++ = '\0';
				if (*line != '#' && *line != '\0')
					ret = bcep_line(d, path, line, ps);
			}
		free(text);
		close(fd);
	}
	closedir(dir);
	return ret;
}

/*
 * get_exclude_patterns(directory, -X, versions): -X's patterns for
 * directory, then the bcep ones that may apply below it (for versions, if
 * given).  Returns 0 or -ENOMEM.
 */
static int
exclusions(struct deb *d, const char *directory, const struct vset *versions,
    int with_x, struct deb_patterns *ps)
{
	struct deb_patterns bcep = { 0 };
	size_t len = strlen(directory);
	char *dir;
	int ret = 0;

	while (len > 0 && directory[len - 1] == '/')
		len--;
	if (asprintf(&dir, "%.*s/", (int)len, directory) < 0)
		return -ENOMEM;
	for (size_t i = 0; with_x && i < d->opt->ndeb_excludes; i++) {
		struct deb_pattern p = { .kind = DEB_RE,
			.vers = versions ? *versions : d->supported,
			.re = d->x[i],
			.borrowed_re = 1 };

		if ((p.dname = strdup(dir)) == NULL)
			ret = -ENOMEM;
		else
			ret = patterns_add(ps, &p);
		if (ret < 0) {
			free(p.dname);
			goto out;
		}
	}
	if ((ret = bcep_read(d, &bcep)) < 0)
		goto out;
	for (size_t i = 0; i < bcep.n; i++) {
		struct deb_pattern *p = &bcep.items[i];
		size_t n = strlen(p->dname), k;
		int shared = versions == NULL;

		/* dname.startswith(directory[:len(dname)]) */
		k = n < strlen(dir) ? n : strlen(dir);
		if (strncmp(p->dname, dir, k) != 0)
			continue;
		for (size_t j = 0; !shared && j < p->vers.n; j++)
			shared = vset_has(versions, p->vers.v[j]);
		if (!shared)
			continue;
		if ((ret = patterns_add(ps, p)) < 0)
			goto out;
		memset(p, 0, sizeof *p); /* now ps's */
	}
out:
	patterns_fini(&bcep);
	free(dir);
	return ret;
}

/*
 * filter_files() for one file: the versions of want it is compiled for,
 * into out.  A public directory of one version (python3.X/dist-packages)
 * gives that version only, where wanted.
 */
static void
file_versions(const char *path, const struct deb_patterns *ps,
    const struct vset *want, struct vset *out)
{
	int pub;

	*out = *want;
	for (size_t i = 0; i < ps->n && out->n > 0; i++) {
		const struct deb_pattern *p = &ps->items[i];
		size_t n = strlen(p->dname);
		int drop;

		if (strncmp(path, p->dname, n) != 0)
			continue;
		drop = p->kind == DEB_DIR ||
		    (p->kind == DEB_FILE && strcmp(path, p->dname) == 0) ||
		    (p->kind == DEB_RE && p->re != NULL &&
			(pcb_exclude_match_start(p->re, path) ||
			    pcb_exclude_match_start(p->re, path + n)));
		for (size_t j = 0; drop && j < p->vers.n; j++) {
			struct vset keep = { .n = 0 };

			for (size_t k = 0; k < out->n; k++)
				if (out->v[k] != p->vers.v[j])
					keep.v[keep.n++] = out->v[k];
			*out = keep;
		}
	}
	/* py3compile takes it even where excluded, if any is left. */
	pub = public_version(path);
	if (out->n > 0 && pub >= 0 && pub < PUBLIC_SHARED(0)) {
		out->n = 0;
		if (vset_has(want, pub))
			out->v[out->n++] = pub;
	}
}

/*
 * Adds path to the lists of the plan's versions in vs.  A path two
 * arguments both reach is listed twice, as py3compile sends it twice.
 */
static int
plan_add(struct pcb_deb_plan *plan, const char *path, const struct vset *vs)
{
	for (size_t i = 0; i < plan->n; i++)
		if (vset_has(vs, plan->versions[i]) &&
		    pcb_list_add(&plan->files[i], path, strlen(path)) < 0)
			return -ENOMEM;
	return 0;
}

/* compile(files, versions, ...): each file for its versions. */
static int
plan_files(struct deb *d, const struct pcb_list *files,
    const struct deb_patterns *ps, const struct vset *versions)
{
	struct vset vs;
	int ret;

	for (size_t i = 0; i < files->len; i++) {
		file_versions(files->items[i], ps, versions, &vs);
		if (vs.n > 0 &&
		    (ret = plan_add(d->plan, files->items[i], &vs)) < 0)
			return ret;
	}
	return 0;
}

/*
 * from_package(): the *.py names dpkg -L prints for pkg, into files.
 * Returns 0, -EINVAL (dpkg does not know it) or -errno, with *cause.
 */
static int
package_files(const char *pkg, struct pcb_list *files, char **cause)
{
	struct pcb_list lines = { 0 };
	char *buf = NULL;
	size_t len = 0;
	int fds[2], status = 0, ret;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC) < 0)
		return pcb_error_set(cause, -errno, "pipe: %s",
		    strerror(errno));
	/* Before the engine: one thread, a fork then exec is safe. */
	if ((pid = fork()) == 0) {
		char *args[] = { (char *)"dpkg", (char *)"-L", (char *)pkg,
			NULL };
		int null = open("/dev/null", O_WRONLY);

		dup2(fds[1], STDOUT_FILENO);
		if (null >= 0)
			dup2(null, STDERR_FILENO);
		setenv("LC_ALL", "C.UTF-8", 1);
		execv("/usr/bin/dpkg", args);
		_exit(127);
	}
	ret = pid < 0 ? -errno : 0;
	close(fds[1]);
	if (ret == 0)
		ret = pcb_source_read_fd(fds[0], 65536, &buf, &len);
	close(fds[0]);
	if (pid < 0)
		return pcb_error_set(cause, ret, "fork: %s", strerror(-ret));
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (ret == 0 && !(WIFEXITED(status) && WEXITSTATUS(status) == 0))
		ret = -EINVAL;
	if (ret == 0 && (ret = pcb_list_parse(&lines, buf, len, '\n')) < 0)
		ret = ret == -EILSEQ ? -EINVAL : ret;
	for (size_t i = 0; ret == 0 && i < lines.len; i++) {
		size_t n = strlen(lines.items[i]);

		if (n >= 3 && strcmp(lines.items[i] + n - 3, ".py") == 0)
			ret = pcb_list_add(files, lines.items[i], n);
	}
	free(buf);
	pcb_list_fini(&lines);
	if (ret == -EINVAL)
		return pcb_error_set(cause, ret,
		    "-p %s: dpkg -L does not list such a package", pkg);
	if (ret < 0)
		return pcb_error_set(cause, ret, "-p %s: %s", pkg,
		    strerror(-ret));
	return 0;
}

/*
 * os.path.abspath(path): joined to the current directory, then
 * posixpath.normpath's lexical clean-up ("." and empty parts dropped, ".."
 * taking the part before, never above the root; a leading "//", exactly
 * two, kept).  A new string, or NULL.
 */
static char *
abspath(const char *path)
{
	char *cwd = NULL, *joined, *out, *o;
	const char *p;
	size_t lead, base;

	if (path[0] != '/' && (cwd = getcwd(NULL, 0)) == NULL)
		return NULL;
	joined = cwd ? pcb_walk_join(cwd, path) : strdup(path);
	free(cwd);
	if (joined == NULL)
		return NULL;
	if ((out = malloc(strlen(joined) + 2)) == NULL) {
		free(joined);
		return NULL;
	}
	lead = path[0] == '/' && path[1] == '/' && path[2] != '/' ? 2 : 1;
	memset(out, '/', lead);
	o = out + lead;
	base = lead;
	for (p = joined; *p != '\0';) {
		size_t n;

		while (*p == '/')
			p++;
		n = strcspn(p, "/");
		if (n == 2 && p[0] == '.' && p[1] == '.') {
			/* Back to the slash before the last part, if any. */
			while (o > out + base && o[-1] != '/')
				o--;
			if (o > out + base)
				o--;
		} else if (n > 0 && !(n == 1 && p[0] == '.')) {
			if (o > out + base)
				*o++ = '/';
			memcpy(o, p, n);
			o += n;
		}
		p += n;
	}
	*o = '\0';
	free(joined);
	return out;
}

/*
 * os.walk(dir), top-down, symlinked directories listed but not entered:
 * the *.py names, each directory's files before its subdirectories' (names
 * sorted bytewise; os.walk takes the directory's order).  A directory that
 * cannot be listed is passed over, as os.walk passes it.
 */
static int
walk(const char *dir, struct pcb_list *files)
{
	struct pcb_list names = { 0 }, subdirs = { 0 };
	int ret = pcb_walk_list_dir(dir, &names);

	/* os.walk passes over a directory it cannot list. */
	if (ret < 0 && ret != -ENOMEM)
		ret = 0;
	for (size_t i = 0; ret == 0 && i < names.len; i++) {
		char *path = pcb_walk_join(dir, names.items[i]);
		size_t n = strlen(names.items[i]);
		struct stat st, lst;

		if (path == NULL) {
			ret = -ENOMEM;
			break;
		}
		if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
			if (lstat(path, &lst) == 0 && !S_ISLNK(lst.st_mode))
				ret =
				    pcb_list_add(&subdirs, path, strlen(path));
		} else if (n >= 3 &&
		    strcmp(names.items[i] + n - 3, ".py") == 0) {
			ret = pcb_list_add(files, path, strlen(path));
		}
		free(path);
	}
	for (size_t i = 0; ret == 0 && i < subdirs.len; i++)
		ret = walk(subdirs.items[i], files);
	pcb_list_fini(&names);
	pcb_list_fini(&subdirs);
	return ret;
}

/* from_directory(item): the file itself, or a walk of its absolute path. */
static int
directory_files(const char *item, struct pcb_list *files)
{
	struct stat st;
	size_t n = strlen(item);
	char *abs;
	int ret;

	if (stat(item, &st) == 0 && S_ISREG(st.st_mode) && n >= 3 &&
	    strcmp(item + n - 3, ".py") == 0)
		return pcb_list_add(files, item, n);
	if ((abs = abspath(item)) == NULL)
		return -ENOMEM;
	ret = walk(abs, files);
	free(abs);
	return ret;
}

/*
 * The versions a run compiles for: -V's, or every supported one, those
 * installed.  "-V X.Y" takes X.Y when installed, supported or not.
 */
static int
plan_versions(struct deb *d, struct vset *out, char **cause)
{
	const char *vr = d->opt->deb_vrange;
	struct pcb_deb_range r = { -1, -1 };

	if (vr != NULL && pcb_debpython_parse_range(vr, &r) < 0)
		return pcb_error_set(cause, -EINVAL,
		    "-V %s: version range is invalid", vr);
	out->n = 0;
	if (r.min >= 0 && r.min == r.max && installed(r.min))
		vset_add(out, r.min);
	else
		requested(d, &r, out);
	if (out->n == 0)
		return pcb_error_set(cause, -ENOENT,
		    "Requested versions are not installed");
	return 0;
}

/* debsorted(versions)[:1]: the default, or the next above, or the last below. */
static int
first_debsorted(const struct deb *d, const struct vset *vs)
{
	for (size_t i = 0; i < vs->n; i++)
		if (vs->v[i] >= d->def)
			return vs->v[i];
	return vs->v[vs->n - 1];
}

/* The three ways of py3compile's main(). */
static int
plan_inputs(struct deb *d, const struct vset *versions, char **cause)
{
	const struct pcb_options *opt = d->opt;
	struct pcb_list pkg = { 0 }, files = { 0 };
	struct deb_patterns ps = { 0 };
	struct vset one = { .n = 0 };
	int ret = 0;

	if (opt->deb_package != NULL &&
	    (ret = package_files(opt->deb_package, &pkg, cause)) < 0)
		return ret;
	if (opt->deb_package != NULL && opt->ninputs == 0) {
		/* Public modules: /usr/lib/python3{,.X}/dist-packages. */
		for (size_t i = 0; ret == 0 && i < pkg.len; i++) {
			int v = public_version(pkg.items[i]);

			/* filter_public: "3", or a version compiled for. */
			if (v == PUBLIC_SHARED(3) ||
			    (v >= 0 && vset_has(versions, v)))
				ret = pcb_list_add(&files, pkg.items[i],
				    strlen(pkg.items[i]));
		}
		if (ret == 0)
			ret = exclusions(d, "/", NULL, 0, &ps);
		if (ret == 0)
			ret = plan_files(d, &files, &ps, versions);
		goto out;
	}
	if (opt->deb_package != NULL)
		one.v[one.n++] = first_debsorted(d, versions);
	for (size_t i = 0; ret == 0 && i < opt->ninputs; i++) {
		const char *item = opt->inputs[i];
		const struct vset *vs = opt->deb_package ? &one : versions;

		patterns_fini(&ps);
		pcb_list_fini(&files);
		if ((ret = exclusions(d, item, vs, 1, &ps)) < 0)
			break;
		if (opt->deb_package != NULL) {
			if (access(item, F_OK) < 0) {
				ret = note(d,
				    "No such file or directory: ", item);
				continue;
			}
			/* filter_directory: the package's names under item. */
			for (size_t j = 0; ret == 0 && j < pkg.len; j++)
				if (strncmp(pkg.items[j], item, strlen(item)) ==
				    0)
					ret = pcb_list_add(&files, pkg.items[j],
					    strlen(pkg.items[j]));
		} else {
			ret = directory_files(item, &files);
		}
		if (ret == 0)
			ret = plan_files(d, &files, &ps, vs);
	}
out:
	patterns_fini(&ps);
	pcb_list_fini(&files);
	pcb_list_fini(&pkg);
	if (ret == -ENOMEM)
		return pcb_error_set(cause, ret, "out of memory");
	return ret;
}

int
pcb_debpython_plan(const struct pcb_options *opt, struct pcb_deb_plan *plan,
    char **cause)
{
	struct deb d = { .opt = opt, .plan = plan };
	struct vset versions;
	int ret;

	for (size_t i = 0; i < opt->ndeb_excludes; i++)
		if ((ret = pcb_exclude_compile(opt->deb_excludes[i], &d.x[i],
			 cause)) < 0)
			goto out;
	if ((ret = read_defaults(&d, cause)) < 0 ||
	    (ret = plan_versions(&d, &versions, cause)) < 0)
		goto out;
	for (size_t i = 0; i < versions.n && plan->n < PCB_MAX_PYTHONS; i++) {
		int v = versions.v[i];

		if (asprintf(&plan->pythons[plan->n], "/usr/bin/python%d.%d",
			v / 100, v % 100) < 0) {
			plan->pythons[plan->n] = NULL;
			ret = pcb_error_set(cause, -ENOMEM, "out of memory");
			goto out;
		}
		plan->versions[plan->n++] = v;
	}
	ret = plan_inputs(&d, &versions, cause);
out:
	for (size_t i = 0; i < opt->ndeb_excludes; i++)
		pcb_exclude_free(d.x[i]);
	return ret;
}

void
pcb_debpython_fini(struct pcb_deb_plan *plan)
{
	for (size_t i = 0; i < plan->n; i++) {
		free(plan->pythons[i]);
		pcb_list_fini(&plan->files[i]);
	}
	pcb_list_fini(&plan->notes);
	plan->n = 0;
}
