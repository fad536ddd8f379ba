/*
 * report.c: per-file outcome, in py_compile's words.  A message is printed
 * followed by exactly one newline, as "python -m py_compile" prints it.
 */
#include <config.h>

#include <string.h>

#include "report.h"

void
pcb_report_job(struct pcb_report *rep, const struct pcb_job *job)
{
	size_t n;

	/* py_compile shows the compiler's warnings as they come, before any error. */
	if (!rep->quiet && job->warnings != NULL)
		fputs(job->warnings, rep->err);
	switch (job->status) {
	case PCB_STATUS_COMPILED:
		rep->compiled++;
		return;
	case PCB_STATUS_SKIPPED:
		rep->skipped++;
		return;
	case PCB_STATUS_PENDING:
		rep->not_run++;
		return;
	case PCB_STATUS_FAILED:
		rep->failed++;
		break;
	}
	if (rep->quiet || job->message == NULL)
		return;
	n = strlen(job->message);
	fputs(job->message, rep->err);
	if (n == 0 || job->message[n - 1] != '\n')
		fputc('\n', rep->err);
}
