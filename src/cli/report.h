/*
 * report.h: what the user sees.  Main (loop) thread only: jobs are reported
 * strictly in input order, so logs do not depend on -j or on timing.  Main
 * opens the report, the engine feeds it job by job, main closes it.
 */
#ifndef PCB_REPORT_H
#define PCB_REPORT_H

#include <stddef.h>
#include <stdio.h>

#include "engine/jobs.h"
#include "pcb.h"

struct pcb_report {
	FILE *err;     /* where messages go (stderr) */
	FILE *out;     /* -v lines and the summary (stdout) */
	int out_errno; /* the first error writing out, or 0 */
	int quiet, verbose, progress;
	enum pcb_dialect dialect; /* compileall's: its lines, on stdout */
	char **notes;             /* warnings and Listing lines (borrowed) */
	const size_t *note_at;    /* per note: the paths before it */
	size_t nnotes, notes_done;
	FILE *json; /* --report, or NULL */
	const char *json_path;
	int json_records; /* records written so far */
	char **paths;     /* the input paths, for records never reported */
	size_t npaths, nreported;
	double t0, last_draw;
	int drawn; /* a progress line is on the screen */
	size_t compiled, failed, skipped, not_run, excluded;
	size_t levels_shared; /* level .pyc files written without a compile */
	size_t cache_hits, cache_misses, cache_bad; /* --cache, in levels */
	int cache;                                  /* --cache given */
	int python_started; /* the engine started Python (the jobs sink) */
	const char *python; /* the pass's interpreter (--python), or NULL */
	size_t pass_failed; /* files failed in this pass */
	size_t pass_paths;  /* paths of every pass so far */
};

/*
 * Sets rep up for npaths paths (borrowed): opens --report's file, decides
 * whether to draw progress.  Returns 0 or a negative errno (the file).
 */
int pcb_report_open(struct pcb_report *rep, const struct pcb_options *opt,
    char **paths, size_t npaths);

/*
 * The notes inputs.c made (borrowed until close): in the own dialect
 * printed now on stderr unless -q; in compileall's, each on stdout before
 * the job it came before, as compileall prints them while it walks.
 */
void pcb_report_notes(struct pcb_report *rep, char **notes,
    const size_t *note_at, size_t nnotes);

/* Records a path -x left out. */
void pcb_report_excluded(struct pcb_report *rep, const char *path);

/*
 * Records the path of job number index (in input order, as
 * pcb_report_job) as never run, without looking at the job.
 */
void pcb_report_not_run(struct pcb_report *rep, size_t index, const char *path);

/*
 * Counts the job, prints its -v line and its failure message, if any and
 * not quiet, writes its record and redraws the progress line.
 */
void pcb_report_job(struct pcb_report *rep, const struct pcb_job *job);

/*
 * Fills sink so that the engine feeds rep: jobs, jobs not run, Python's
 * start, and warnings (printed on stderr unless quiet).
 */
void pcb_report_sink(struct pcb_report *rep, struct pcb_jobs_sink *sink);

/*
 * Starts a pass over paths (borrowed until the next pass or close) for the
 * interpreter python (its path, for the records; NULL without --python):
 * compileall's notes are printed again, as a second compileall run prints
 * them.
 */
void pcb_report_pass(struct pcb_report *rep, const char *python, char **paths,
    size_t npaths);

/*
 * Ends a pass: records each path it never reported as not run.  Returns
 * how many files failed in it.
 */
size_t pcb_report_pass_end(struct pcb_report *rep);

/*
 * Records every path never reported as not run, writes the totals and
 * closes the JSON, prints the -v summary.  Returns 0 or a negative errno
 * (writing the report failed).
 */
int pcb_report_close(struct pcb_report *rep);

#endif
