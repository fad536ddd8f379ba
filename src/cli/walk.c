/*
 * walk.c: compileall's _walk_dir in C.  Each directory is read whole and
 * closed before its subdirectories are visited, so that depth costs memory,
 * not file descriptors.  Names are sorted with strcmp: for names that are
 * valid UTF-8 this is the code-point order Python's names.sort() gives;
 * undecodable names (surrogate-escaped in Python) may sort differently.
 * Like compileall, a symlink to a directory is neither followed nor
 * compiled, hidden names are kept, and "." and ".." never appear.
 */
#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/walk.h"

char *
pcb_walk_join(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	int sep = la > 0 && a[la - 1] != '/';
	char *out = malloc(la + (size_t)sep + lb + 1);

	if (out == NULL)
		return NULL;
	memcpy(out, a, la);
	if (sep)
		out[la] = '/';
	memcpy(out + la + (size_t)sep, b, lb + 1);
	return out;
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
pcb_walk_list_dir(const char *dir, struct pcb_list *names)
{
	struct dirent *de;
	DIR *d = opendir(dir);
	int ret = 0;

	if (d == NULL)
		return -errno;
	for (;;) {
		errno = 0;
		if ((de = readdir(d)) == NULL) {
			ret = -errno;
			break;
		}
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if ((ret = pcb_list_add(names, de->d_name,
			 strlen(de->d_name))) < 0)
			break;
	}
	closedir(d);
	if (names->len > 1)
		qsort(names->items, names->len, sizeof *names->items,
		    cmp_names);
	return ret;
}

static int
ends_in_py(const char *name)
{
	size_t n = strlen(name);

	return n >= 3 && strcmp(name + n - 3, ".py") == 0;
}

/*
 * One name in dir: a file goes to v, a directory (not a symlink to one) is
 * walked while maxlevels allows.  Returns 0 or a negative errno.
 */
static int
visit(const char *dir, const char *name, int maxlevels,
    const struct pcb_walk_visitor *v)
{
	struct stat st, lst;
	char *full;
	int ret = 0, found;

	if ((full = pcb_walk_join(dir, name)) == NULL)
		return -ENOMEM;
	/* os.path.isdir: a dangling link or a name gone since is no dir. */
	found = stat(full, &st) == 0;
	if (!found || !S_ISDIR(st.st_mode)) {
		/* compile_file compiles only regular files named *.py. */
		if (v->all_names ||
		    (found && ends_in_py(name) && S_ISREG(st.st_mode)))
			ret = v->file(v->data, full);
	} else if (maxlevels > 0 && lstat(full, &lst) == 0 &&
	    !S_ISLNK(lst.st_mode))
		ret = pcb_walk(full, maxlevels - 1, v);
	free(full);
	return ret;
}

int
pcb_walk(const char *dir, int maxlevels, const struct pcb_walk_visitor *v)
{
	struct pcb_list names = { 0 };
	int ret = 0;

	if (v->listing != NULL && (ret = v->listing(v->data, dir)) < 0)
		return ret;
	if ((ret = pcb_walk_list_dir(dir, &names)) < 0 && ret != -ENOMEM) {
		/* compileall goes on with the names it has: none. */
		pcb_list_fini(&names);
		ret = v->unlisted(v->data, dir);
	}
	for (size_t i = 0; ret == 0 && i < names.len; i++)
		if (strcmp(names.items[i], "__pycache__") != 0)
			ret = visit(dir, names.items[i], maxlevels, v);
	pcb_list_fini(&names);
	return ret;
}

/* The two lists pcb_walk_dir fills. */
struct lists {
	struct pcb_list *files, *unlisted;
};

static int
add_file(void *data, const char *path)
{
	struct lists *l = data;

	return pcb_list_add(l->files, path, strlen(path));
}

static int
add_unlisted(void *data, const char *dir)
{
	struct lists *l = data;

	return pcb_list_add(l->unlisted, dir, strlen(dir));
}

int
pcb_walk_dir(const char *dir, int maxlevels, struct pcb_list *files,
    struct pcb_list *unlisted)
{
	struct lists l = { files, unlisted };
	struct pcb_walk_visitor v = {
		.data = &l,
		.unlisted = add_unlisted,
		.file = add_file,
	};

	return pcb_walk(dir, maxlevels, &v);
}
