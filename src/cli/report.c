/*
 * report.c: per-file outcome, in py_compile's words.  A message is printed
 * followed by exactly one newline, as "python -m py_compile" prints it.
 * In compileall's dialect, its own lines instead, all on stdout as it prints
 * them: "Listing 'DIR'...", "Compiling 'PATH'...", "*** " and the message
 * (-q: "*** Error compiling 'PATH'..." first; -qq: nothing).
 * Also: -v lines in compileall's words ("Compiling 'path'..." on stdout,
 * for each file that is compiled or fails, not for skipped ones), the
 * closing summary, the --report JSON (doc/report.md) and the --progress line
 * (stderr, redrawn at most ten times a second, erased before any message).
 */
#include <config.h>

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/report.h"
#include "pyc/text.h"

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int
pcb_report_open(struct pcb_report *rep, const struct pcb_options *opt,
    char **paths, size_t npaths)
{
	rep->err = stderr;
	rep->out = stdout;
	rep->quiet = opt->quiet;
	rep->verbose = opt->verbose;
	rep->dialect = opt->dialect;
	rep->cache = opt->cache_dir != NULL;
	rep->paths = paths;
	rep->npaths = npaths;
	rep->t0 = now();
	switch (opt->progress) {
	case PCB_PROGRESS_ALWAYS:
		rep->progress = 1;
		break;
	case PCB_PROGRESS_NEVER:
		rep->progress = 0;
		break;
	case PCB_PROGRESS_AUTO:
		rep->progress = !opt->quiet && isatty(STDERR_FILENO);
		break;
	}
	if (opt->report_path != NULL) {
		rep->json_path = opt->report_path;
		if ((rep->json = fopen(opt->report_path, "w")) == NULL)
			return -errno;
		fputs("{\"version\": 1, \"files\": [", rep->json);
	}
	return 0;
}

/* Erases the progress line so that a message starts on a clean line. */
static void
erase_progress(struct pcb_report *rep)
{
	if (rep->drawn) {
		fputs("\r\033[K", rep->err);
		rep->drawn = 0;
	}
}

static void
draw_progress(struct pcb_report *rep, int force)
{
	double t = now(), elapsed = t - rep->t0, rate;
	size_t done = rep->nreported;

	if (!rep->progress || (!force && t - rep->last_draw < 0.1))
		return;
	rep->last_draw = t;
	rate = elapsed > 0 ? (double)done / elapsed : 0;
	fprintf(rep->err, "\r\033[K%zu/%zu files, %.0f files/s", done,
	    rep->npaths, rate);
	if (rate > 0 && done < rep->npaths)
		fprintf(rep->err, ", ETA %.0f s",
		    (double)(rep->npaths - done) / rate);
	fflush(rep->err);
	rep->drawn = 1;
}

static void
json_record(struct pcb_report *rep, const char *path, const char *status,
    const struct pcb_job *job)
{
	FILE *j = rep->json;

	if (j == NULL)
		return;
	fputs(rep->json_records++ ? ",\n  " : "\n  ", j);
	fputs("{\"path\": ", j);
	pcb_text_json(j, path);
	if (rep->python != NULL) {
		fputs(", \"python\": ", j);
		pcb_text_json(j, rep->python);
	}
	fprintf(j, ", \"status\": \"%s\", \"cfiles\": [", status);
	for (size_t i = 0; job != NULL && i < job->ncfiles; i++) {
		if (i > 0)
			fputs(", ", j);
		pcb_text_json(j, job->cfiles[i]);
	}
	fputs("], \"error\": ", j);
	if (job != NULL && job->message != NULL)
		pcb_text_json(j, job->message);
	else
		fputs("null", j);
	fputc('}', j);
}

void
pcb_report_notes(struct pcb_report *rep, char **notes, const size_t *note_at,
    size_t nnotes)
{
	rep->notes = notes;
	rep->note_at = note_at;
	rep->nnotes = nnotes;
	if (rep->dialect == PCB_DIALECT_COMPILEALL)
		return;
	for (size_t i = 0; !rep->quiet && i < nnotes; i++)
		fprintf(rep->err, "%s\n", notes[i]);
	rep->notes_done = nnotes;
}

/* compileall's dialect: the notes that came before path number index. */
static void
flush_notes(struct pcb_report *rep, size_t index)
{
	for (; rep->notes_done < rep->nnotes &&
	     rep->note_at[rep->notes_done] <= index;
	     rep->notes_done++)
		fprintf(rep->out, "%s\n", rep->notes[rep->notes_done]);
}

/* Keeps stdout and stderr lines in order on one terminal. */
static void
flush_out(struct pcb_report *rep)
{
	if (fflush(rep->out) != 0 && rep->out_errno == 0)
		rep->out_errno = errno;
}

/*
 * compile_file's lines for a job compiled or failed: "Compiling 'PATH'..."
 * (not with -q), the compiler's warnings (stderr, as Python's warnings
 * module prints them even with -qq), then for a failure the message, an
 * OSError's with its class name first.
 */
static void
compileall_lines(struct pcb_report *rep, const struct pcb_job *job)
{
	if (rep->quiet == 0) {
		fputs("Compiling ", rep->out);
		pcb_text_repr(rep->out, job->path);
		fputs("...\n", rep->out);
	}
	if (job->warnings != NULL) {
		flush_out(rep);
		fputs(job->warnings, rep->err);
	}
	if (job->status != PCB_STATUS_FAILED || rep->quiet >= 2)
		return;
	if (rep->quiet) {
		fputs("*** Error compiling ", rep->out);
		pcb_text_repr(rep->out, job->path);
		fputs("...\n", rep->out);
	} else
		fputs("*** ", rep->out);
	if (job->err_class != NULL)
		fprintf(rep->out, "%s: ", job->err_class);
	fprintf(rep->out, "%s\n", job->message ? job->message : "");
}

void
pcb_report_excluded(struct pcb_report *rep, const char *path)
{
	rep->excluded++;
	json_record(rep, path, "excluded", NULL);
}

void
pcb_report_not_run(struct pcb_report *rep, size_t index, const char *path)
{
	rep->nreported = index + 1;
	if (rep->dialect == PCB_DIALECT_COMPILEALL)
		flush_notes(rep, index);
	rep->not_run++;
	json_record(rep, path, "not-run", NULL);
}

/* Counts the job and writes its --report record. */
static void
count_job(struct pcb_report *rep, const struct pcb_job *job)
{
	switch (job->status) {
	case PCB_STATUS_COMPILED:
		rep->compiled++;
		rep->levels_shared += job->levels_shared;
		rep->cache_hits += job->cache_hits;
		rep->cache_misses += job->cache_misses;
		rep->cache_bad += job->cache_bad;
		json_record(rep, job->path, "compiled", job);
		break;
	case PCB_STATUS_SKIPPED:
		rep->skipped++;
		json_record(rep, job->path, "skipped", job);
		break;
	case PCB_STATUS_PENDING:
		rep->not_run++;
		json_record(rep, job->path, "not-run", job);
		break;
	case PCB_STATUS_FAILED:
		rep->pass_failed++;
		rep->failed++;
		json_record(rep, job->path, "failed", job);
		break;
	}
}

/*
 * The own dialect's lines for a job: -v's "Compiling 'PATH'..." on stdout,
 * then, unless -q, the compiler's warnings as py_compile shows them (as
 * they come, before any error) and a failure's message, each followed by
 * exactly one newline.
 */
static void
own_lines(struct pcb_report *rep, const struct pcb_job *job)
{
	int failed = job->status == PCB_STATUS_FAILED;
	size_t n;

	if (!rep->quiet && (job->warnings != NULL || failed))
		erase_progress(rep);
	if (rep->verbose && (job->status == PCB_STATUS_COMPILED || failed)) {
		erase_progress(rep);
		fputs("Compiling ", rep->out);
		pcb_text_repr(rep->out, job->path);
		fputs("...\n", rep->out);
		flush_out(rep);
	}
	if (rep->quiet)
		return;
	if (job->warnings != NULL)
		fputs(job->warnings, rep->err);
	if (failed && job->message != NULL) {
		n = strlen(job->message);
		fputs(job->message, rep->err);
		if (n == 0 || job->message[n - 1] != '\n')
			fputc('\n', rep->err);
	}
}

void
pcb_report_job(struct pcb_report *rep, const struct pcb_job *job)
{
	rep->nreported = job->index + 1;
	if (rep->dialect != PCB_DIALECT_COMPILEALL)
		own_lines(rep, job);
	else {
		flush_notes(rep, job->index);
		if (job->status == PCB_STATUS_COMPILED ||
		    job->status == PCB_STATUS_FAILED)
			compileall_lines(rep, job);
	}
	count_job(rep, job);
	draw_progress(rep, 0);
}

void
pcb_report_pass(struct pcb_report *rep, const char *python, char **paths,
    size_t npaths)
{
	rep->python = python;
	rep->paths = paths;
	rep->npaths = npaths;
	rep->pass_paths += npaths;
	rep->nreported = 0;
	rep->pass_failed = 0;
	if (rep->dialect == PCB_DIALECT_COMPILEALL)
		rep->notes_done = 0;
}

size_t
pcb_report_pass_end(struct pcb_report *rep)
{
	/* --fail-fast, or a stop: the paths never started. */
	for (size_t i = rep->nreported; i < rep->npaths; i++) {
		rep->not_run++;
		json_record(rep, rep->paths[i], "not-run", NULL);
	}
	rep->nreported = rep->npaths;
	if (rep->dialect == PCB_DIALECT_COMPILEALL)
		flush_notes(rep, SIZE_MAX);
	return rep->pass_failed;
}

int
pcb_report_close(struct pcb_report *rep)
{
	double elapsed;
	int ret = 0;

	pcb_report_pass_end(rep);
	if (rep->progress) {
		draw_progress(rep, 1);
		erase_progress(rep);
	}
	elapsed = now() - rep->t0;
	if (rep->json != NULL) {
		fprintf(rep->json,
		    "\n], \"totals\": {\"files\": %zu, \"compiled\": %zu, "
		    "\"skipped\": %zu, \"failed\": %zu, \"excluded\": %zu, "
		    "\"not_run\": %zu, \"levels_shared\": %zu, "
		    "\"cache_hits\": %zu, \"cache_misses\": %zu, "
		    "\"cache_bad\": %zu, \"python_started\": %s, "
		    "\"seconds\": %.3f}}\n",
		    (rep->pass_paths ? rep->pass_paths : rep->npaths) +
			rep->excluded,
		    rep->compiled, rep->skipped, rep->failed, rep->excluded,
		    rep->not_run, rep->levels_shared, rep->cache_hits,
		    rep->cache_misses, rep->cache_bad,
		    rep->python_started ? "true" : "false", elapsed);
		/* fflush first: its errno names the cause (ENOSPC, EFBIG). */
		if (fflush(rep->json) != 0)
			ret = -errno;
		else if (ferror(rep->json))
			ret = -EIO;
		if (fclose(rep->json) != 0 && ret == 0)
			ret = -errno;
		rep->json = NULL;
	}
	if (rep->verbose)
		fprintf(rep->out,
		    "%zu compiled, %zu skipped, %zu failed, %zu excluded in "
		    "%.2f s\n",
		    rep->compiled, rep->skipped, rep->failed, rep->excluded,
		    elapsed);
	if (rep->verbose && rep->cache)
		fprintf(rep->out,
		    "cache: %zu hits, %zu misses, %zu bad entries compiled "
		    "again%s\n",
		    rep->cache_hits, rep->cache_misses, rep->cache_bad,
		    rep->python_started ? "" : "; Python was not started");
	if (rep->verbose && rep->levels_shared > 0)
		fprintf(rep->out,
		    "%zu optimisation levels took the code of the level below "
		    "(doc/optimize-levels.md)\n",
		    rep->levels_shared);
	return ret;
}

static void
sink_job(void *data, const struct pcb_job *job)
{
	pcb_report_job(data, job);
}

static void
sink_not_run(void *data, size_t index, const char *path)
{
	pcb_report_not_run(data, index, path);
}

static void
sink_python_started(void *data)
{
	struct pcb_report *rep = data;

	rep->python_started = 1;
}

static void
sink_warning(void *data, const char *text)
{
	struct pcb_report *rep = data;

	if (rep->quiet)
		return;
	erase_progress(rep);
	fprintf(rep->err, "%s\n", text);
}

void
pcb_report_sink(struct pcb_report *rep, struct pcb_jobs_sink *sink)
{
	sink->data = rep;
	sink->job = sink_job;
	sink->not_run = sink_not_run;
	sink->python_started = sink_python_started;
	sink->warning = sink_warning;
}
