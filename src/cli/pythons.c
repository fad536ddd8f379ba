/*
 * pythons.c: finding and asking the interpreters --python names
 * (pythons.h).  A name with a slash is a path; any other is looked up on
 * PATH as a shell would, the first executable file found.  Asking is
 * starting the interpreter's worker once, through the backend, and reading
 * its HELLO: a program that is no usable Python fails here, before any file
 * is touched.
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backend/backend.h"
#include "cli/pythons.h"
#include "os/error.h"

/* Whether path is an executable regular file. */
static int
runnable(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
	    access(path, X_OK) == 0;
}

/*
 * The executable name stands for, into *path (owned).  Returns 0, or
 * -ENOENT or -ENOMEM with *cause.
 */
static int
find_executable(const char *name, char **path, char **cause)
{
	const char *dirs = getenv("PATH"), *p;

	if (strchr(name, '/') != NULL) {
		if (!runnable(name))
			return pcb_error_set(cause, -ENOENT,
			    "--python=%s: not an executable file", name);
		if ((*path = strdup(name)) == NULL)
			return pcb_error_set(cause, -ENOMEM, "out of memory");
		return 0;
	}
	for (p = dirs ? dirs : "/usr/local/bin:/usr/bin:/bin";; p++) {
		size_t n = strcspn(p, ":");

		/* An empty entry is the current directory. */
		if (asprintf(path, "%.*s%s%s", (int)n, p, n ? "/" : "./",
			name) < 0) {
			*path = NULL;
			return pcb_error_set(cause, -ENOMEM, "out of memory");
		}
		if (runnable(*path))
			return 0;
		free(*path);
		*path = NULL;
		p += n;
		if (*p == '\0')
			break;
	}
	return pcb_error_set(cause, -ENOENT, "--python=%s: not found on PATH",
	    name);
}

/*
 * Starts py's worker once and keeps what it says: whether it is the linked
 * Python's build, which compiles in this process, whatever the backend.
 * Returns 0 or -errno with *cause.
 */
static int
ask(const struct pcb_options *opt, struct pcb_python *py, char **cause)
{
	struct pcb_backend_cfg cfg = {
		.kind = PCB_BACKEND_PROCESSES,
		.timeout = opt->timeout,
		.jobs = 1,
		.python = py->path,
	};
	struct pcb_backend *be;
	char *why = NULL;
	int ret;

	if ((ret = pcb_backend_open(&cfg, &py->rt, &be, &why)) < 0) {
		pcb_error_set(cause, ret, "--python=%s: %s", py->name,
		    why ? why : "?");
		free(why);
		return ret;
	}
	pcb_backend_close(be);
	py->linked = pcb_backend_is_linked(py->rt.build);
	if (!py->linked && opt->backend == PCB_BACKEND_SUBINTERPRETERS)
		return pcb_error_set(cause, -ENOTSUP,
		    "--python=%s: --backend=subinterpreters compiles with the "
		    "linked Python only, not with Python %s",
		    py->name, py->rt.version);
	return 0;
}

int
pcb_pythons_find(const struct pcb_options *opt, char *const *names, size_t n,
    int dedupe, struct pcb_pythons *out, char **cause)
{
	for (size_t i = 0; i < n && i < PCB_MAX_PYTHONS; i++) {
		struct pcb_python *py = &out->items[out->n];
		int ret, seen = 0;

		py->name = names[i];
		if ((ret = find_executable(py->name, &py->path, cause)) < 0 ||
		    (ret = ask(opt, py, cause)) < 0) {
			out->n++; /* for pcb_pythons_fini */
			return ret;
		}
		for (size_t j = 0; dedupe && j < out->n; j++)
			seen |= strcmp(out->items[j].rt.cache_tag,
				    py->rt.cache_tag) == 0;
		if (!seen) {
			out->n++;
			continue;
		}
		free(py->path);
		pcb_runtime_fini(&py->rt);
		memset(py, 0, sizeof *py);
	}
	return 0;
}

void
pcb_pythons_fini(struct pcb_pythons *ps)
{
	for (size_t i = 0; i < ps->n; i++) {
		free(ps->items[i].path);
		pcb_runtime_fini(&ps->items[i].rt);
	}
	ps->n = 0;
}
