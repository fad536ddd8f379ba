/*
 * pipeline.c: one file from compile to outcome (pipeline.h).
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/pipeline.h"
#include "os/dupes.h"
#include "os/error.h"
#include "os/fds.h"
#include "os/write.h"
#include "pyc/canonical.h"
#include "pyc/fresh.h"
#include "pyc/levels.h"
#include "pyc/pyc.h"
#include "pyc/text.h"

/* What one level writes: the compiler's bytes, or their canonical form. */
struct level_bytes {
	struct pcb_compile_result res;
	uint8_t *canon; /* owned; NULL without --reproducible */
	size_t canon_len;
	int optimize; /* the effective level: 0, 1 or 2 */
};

static const char *
level_data(const struct level_bytes *b)
{
	return b->canon ? (const char *)b->canon : b->res.data;
}

static size_t
level_len(const struct level_bytes *b)
{
	return b->canon ? b->canon_len : b->res.len;
}

static void
level_free(struct level_bytes *b)
{
	pcb_compile_result_fini(&b->res);
	free(b->canon);
	b->canon = NULL;
	b->canon_len = 0;
}

/* Adds w (owned, taken) after the job's warnings.  Returns 0 or -ENOMEM. */
static int
append_warnings(struct pcb_job *job, char *w)
{
	size_t a, b;
	char *both;

	if (job->warnings == NULL) {
		job->warnings = w;
		return 0;
	}
	a = strlen(job->warnings);
	b = strlen(w);
	if ((both = realloc(job->warnings, a + b + 1)) == NULL) {
		free(w);
		return -ENOMEM;
	}
	memcpy(both + a, w, b + 1);
	job->warnings = both;
	free(w);
	return 0;
}

/*
 * --reproducible: the canonical form of the marshal data.  Data the rewrite
 * does not know fails the file in py_compile's "Sorry: ..." style.  Returns
 * 0 or a negative errno with job->message.
 */
static int
make_canonical(const struct pcb_pipeline *p, struct pcb_job *job,
    struct level_bytes *b)
{
	int ret;

	ret = pcb_canonical_rewrite((const uint8_t *)b->res.data, b->res.len,
	    p->py_minor, &b->canon, &b->canon_len);
	if (ret < 0)
		pcb_error_set(&job->message, ret,
		    "Sorry: --reproducible cannot rewrite the marshal data: %s",
		    strerror(-ret));
	return ret;
}

/* A bad cache entry: said once among the file's warnings. */
static void
bad_entry(const struct pcb_pipeline *p, struct pcb_job *job, const uint8_t *key,
    const char *cause)
{
	char *path = pcb_cache_entry_path(p->cache, key), *w;

	job->cache_bad++;
	if (asprintf(&w,
		"pycompile-batch: warning: cache entry %s is bad (%s): "
		"compiled again%s\n",
		path ? path : "?", cause ? cause : "?",
		p->opt->cache_read_only ? "" : " and replaced") >= 0)
		(void)append_warnings(job, w);
	free(path);
}

/*
 * Whether a stored name can go through the cache: one the name swap takes
 * (canonical.h), and not "__main__.py": the warnings filters of 3.9 to 3.11
 * show a DeprecationWarning from module "__main__" (the name less ".py")
 * that they hide from any other, so its code warns where others do not.
 */
static int
cacheable_name(const char *name)
{
	return pcb_canonical_can_rename(name) &&
	    strcmp(name, "__main__.py") != 0;
}

/*
 * A compile, or where the worker has no compiler yet (a run that started
 * without Python, jobs.c) -EAGAIN with job->needs_compiler set: the job
 * goes back to be done again once Python runs.
 */
static int
compile_now(struct pcb_compiler *c, struct pcb_job *job,
    const struct pcb_compile_req *req, struct pcb_compile_result *res)
{
	if (c == NULL) {
		job->needs_compiler = 1;
		return -EAGAIN;
	}
	return pcb_compiler_compile(c, req, res);
}

/*
 * One level's compile through --cache (cache.h).  A hit is the entry's
 * code with the real name swapped in for the placeholder.  A miss compiles
 * under the real name, as without a cache, and stores the code with the
 * placeholder swapped in.  Where a swap cannot be exact (canonical.h), or
 * the compile warned or failed, nothing is stored.  Returns as
 * pcb_compiler_compile.
 */
static int
compile_cached(const struct pcb_pipeline *p, struct pcb_compiler *c,
    struct pcb_job *job, const struct pcb_compile_req *req,
    struct pcb_compile_result *res)
{
	uint8_t key[PCB_CACHE_KEY_SIZE], *data, *named;
	size_t len, nlen;
	char *cause = NULL;
	int ret, quiet_proves, bad, stored = 0;

	if (p->cache == NULL || !cacheable_name(req->filename) ||
	    pcb_cache_key(p->cache, req->source, req->source_len, req->optimize,
		key) < 0)
		return compile_now(c, job, req, res);
	ret = pcb_cache_get(p->cache, key, &data, &len, &cause);
	if ((bad = ret == -EBADMSG))
		bad_entry(p, job, key, cause);
	free(cause);
	if (ret == 1) {
		ret = pcb_canonical_rename(data, len, p->py_minor,
		    PCB_CACHE_PLACEHOLDER, req->filename, &named, &nlen);
		free(data);
		if (ret == 0) {
			memset(res, 0, sizeof *res);
			res->data = (char *)named;
			res->len = nlen;
			job->cache_hits++;
			return 0;
		}
		/* -EEXIST: not this name, and the compile below stores
		 * nothing either; -EINVAL: the entry is not ours. */
		if (ret == -EINVAL) {
			bad_entry(p, job, key, "its code is not ours");
			bad = 1;
		}
	}
	if (c == NULL)
		return compile_now(c, job, req, res);
	job->cache_misses++;
	/*
	 * After a level of this file warned, a compile may keep quiet about
	 * the same warning (3.13.4 to 3.13.8 and 3.14.0 keep a registry):
	 * its silence proves nothing, so it is not stored.
	 */
	quiet_proves = !job->compile_warned;
	ret = pcb_compiler_compile(c, req, res);
	if (ret == 0 && res->warnings == NULL && quiet_proves &&
	    pcb_canonical_rename((const uint8_t *)res->data, res->len,
		p->py_minor, req->filename, PCB_CACHE_PLACEHOLDER, &named,
		&nlen) == 0) {
		pcb_fds_turn(1);
		stored = pcb_cache_put(p->cache, key, named, nlen) == 0;
		pcb_fds_turn(0);
		free(named);
	}
	/*
	 * A bad entry this compile does not replace (it warned, failed, or
	 * its code holds its own name) goes, so that the next run does not
	 * meet it again: "replaced" by nothing.
	 */
	if (bad && !stored) {
		pcb_fds_turn(1);
		pcb_cache_drop(p->cache, key);
		pcb_fds_turn(0);
	}
	return ret;
}

/*
 * Writes cur's bytes as the level's .pyc, or with --hardlink-dupes links
 * the previous level's file when the bytes are equal.  Returns 0 or a
 * negative errno, with the job's failure set: the write fills its
 * err_path, err_path2 and message (write.h), the errno goes in errnum.
 */
static int
write_level(const struct pcb_pipeline *p, struct pcb_job *job, size_t level,
    const struct level_bytes *prev, const struct level_bytes *cur)
{
	const char *cfile = job->cfiles[level];
	uint8_t head[PCB_PYC_HEADER_SIZE];
	int ret;

	pcb_pyc_header(head, p->magic, p->opt->mode, job->mtime, job->size,
	    job->hash);
	/*
	 * Two levels can name one file (-o -1 and -o 0 where the interpreter
	 * does not optimize): compileall then unlinks it and fails to link it
	 * to itself; here it is written again.
	 */
	pcb_fds_turn(1);
	if (level > 0 && p->opt->hardlink_dupes && prev->res.data != NULL &&
	    strcmp(job->cfiles[level - 1], cfile) != 0 &&
	    level_len(prev) == level_len(cur) &&
	    memcmp(level_data(prev), level_data(cur), level_len(cur)) == 0)
		ret = pcb_dupes_link(job->cfiles[level - 1], cfile,
		    &job->err_path, &job->err_path2, &job->message);
	else
		ret = pcb_write_pyc(cfile, head, sizeof head, level_data(cur),
		    level_len(cur), job->st_mode, &job->err_path,
		    &job->err_path2, &job->message);
	pcb_fds_turn(0);
	if (ret < 0)
		job->errnum = ret;
	return ret;
}

/*
 * A level whose code is proved equal to the previous level's (levels.h),
 * which did not warn: that level's bytes again, without a compile.  prev
 * stays as it is.
 */
static int
share_level(const struct pcb_pipeline *p, struct pcb_job *job, size_t level,
    struct level_bytes *prev)
{
	int ret;

	if ((ret = write_level(p, job, level, prev, prev)) < 0)
		return ret;
	job->levels_shared++;
	return 0;
}

/*
 * One level: compile (or share the previous level's code), rewrite, then write, or with --hardlink-dupes link to
 * the previous level's file when the bytes are equal.  *prev holds the
 * previous level's bytes and gets this one's.  Returns 0 or a negative
 * errno, with the job's failure set.
 */
static int
compile_level(const struct pcb_pipeline *p, struct pcb_compiler *c,
    struct pcb_job *job, size_t level, struct level_bytes *prev)
{
	const struct pcb_options *opt = p->opt;
	const char *cfile = job->cfiles[level];
	struct level_bytes cur = { 0 };
	struct pcb_compile_req req = {
		.source = job->source,
		.source_len = job->source_len,
		.filename = job->dfile ? job->dfile : job->path,
		.path = job->path,
		.optimize = opt->levels[level],
		.new_file = level == 0,
	};
	int ret;

	/* py_compile checks each target when that level's turn comes. */
	if (level > 0 &&
	    (ret = pcb_write_check_target(cfile, &job->message,
		 &job->err_class)) < 0) {
		job->errnum = ret;
		return ret;
	}
	if (req.optimize < 0)
		req.optimize = p->interp_optimize;
	/*
	 * Whether a compile warns again about the same file depends on the
	 * Python (3.13.5 keeps quiet where 3.13.0 repeats itself): a level
	 * below that warned is not shared.
	 */
	if (prev->res.data != NULL && !job->compile_warned &&
	    !opt->compile_every_level &&
	    pcb_levels_same_code(job->source, job->source_len, prev->optimize,
		req.optimize))
		return share_level(p, job, level, prev);
	cur.optimize = req.optimize;
	ret = compile_cached(p, c, job, &req, &cur.res);
	if (job->needs_compiler)
		goto out_cur;
	/* Every level's warnings, as that compile gave them. */
	if (cur.res.warnings != NULL) {
		job->compile_warned = 1;
		if (append_warnings(job, cur.res.warnings) < 0 && ret == 0)
			ret = -ENOMEM;
		cur.res.warnings = NULL;
	}
	if (ret < 0) {
		/* Without memory for the compiler's words, say that instead. */
		job->message = cur.res.message;
		cur.res.message = NULL;
		job->errnum = job->message != NULL ? ret : -ENOMEM;
		goto out_cur;
	}
	if (opt->reproducible && (ret = make_canonical(p, job, &cur)) < 0) {
		job->errnum = ret;
		goto out_cur;
	}

	if ((ret = write_level(p, job, level, prev, &cur)) < 0)
		goto out_cur;
	level_free(prev);
	*prev = cur;
	return 0;

out_cur:
	level_free(&cur);
	return ret;
}

/*
 * Without a compiler, whether every level of a job of several levels that
 * is not shared has an entry (its checks come when it is read): else the
 * job goes back before it writes anything, since a level written now
 * would stay behind should the next pass never run the job.
 */
static int
all_levels_cached(const struct pcb_pipeline *p, const struct pcb_job *job)
{
	const char *name = job->dfile ? job->dfile : job->path;
	uint8_t key[PCB_CACHE_KEY_SIZE];
	int prev = -1;

	if (p->cache == NULL || !cacheable_name(name))
		return 0;
	for (size_t i = 0; i < job->ncfiles; i++) {
		int optimize = p->opt->levels[i] < 0 ? p->interp_optimize :
						       p->opt->levels[i];

		if (i > 0 && !p->opt->compile_every_level &&
		    pcb_levels_same_code(job->source, job->source_len, prev,
			optimize))
			continue;
		if (pcb_cache_key(p->cache, job->source, job->source_len,
			optimize, key) < 0 ||
		    !pcb_cache_has(p->cache, key))
			return 0;
		prev = optimize;
	}
	return 1;
}

/*
 * compileall without -f looks at a file's .pyc files just before compiling
 * it: a file reached twice is compiled once, the second look finding what
 * the first wrote.  The read stage looked before order.c made this job
 * wait for an earlier one with the same target: look again.
 */
static int
compileall_fresh_now(const struct pcb_pipeline *p, const struct pcb_job *job)
{
	if (p->opt->fresh != PCB_FRESH_COMPILEALL || job->message != NULL ||
	    job->errnum != 0 || job->ncfiles == 0)
		return 0;
	for (size_t i = 0; i < job->ncfiles; i++)
		if (!pcb_fresh_check_compileall(job->cfiles[i], p->magic,
			job->mtime))
			return 0;
	return 1;
}

int
pcb_pipeline_run(const struct pcb_pipeline *p, struct pcb_compiler *c,
    struct pcb_job *job)
{
	struct level_bytes prev = { 0 };

	if (compileall_fresh_now(p, job)) {
		free(job->source);
		job->source = NULL;
		job->status = PCB_STATUS_SKIPPED;
		return 0;
	}

	if (c == NULL && job->ncfiles > 1 && job->message == NULL &&
	    job->errnum == 0 && !all_levels_cached(p, job))
		job->needs_compiler = 1;
	else if (job->message == NULL && job->errnum == 0)
		for (size_t i = 0; i < job->ncfiles; i++)
			if (compile_level(p, c, job, i, &prev) < 0)
				break;
	level_free(&prev);
	if (job->needs_compiler) {
		/* Undone, the source kept: the next pass finds it all again. */
		free(job->warnings);
		free(job->message);
		job->warnings = job->message = NULL;
		job->levels_shared = job->cache_hits = job->cache_misses =
		    job->cache_bad = 0;
		job->compile_warned = 0;
		job->status = PCB_STATUS_PENDING;
		return -EAGAIN;
	}
	if (job->message == NULL && job->errnum != 0) {
		job->message = pcb_text_oserror(job->errnum, job->err_path,
		    job->err_path2);
		job->err_class = pcb_text_oserror_class(job->errnum);
	}
	job->status = job->message || job->errnum ? PCB_STATUS_FAILED :
						    PCB_STATUS_COMPILED;
	free(job->source);
	job->source = NULL;
	return job->errnum;
}
