/*
 * report.h: what the user sees.  Main (loop) thread only: jobs are reported
 * strictly in input order, so logs do not depend on -j or on timing.
 */
#ifndef PCB_REPORT_H
#define PCB_REPORT_H

#include <stddef.h>
#include <stdio.h>

#include "pcb.h"

struct pcb_report {
	FILE *err; /* where messages go (stderr) */
	int quiet;
	size_t compiled, failed, skipped, not_run;
};

/* Counts the job and prints its failure message, if any and not quiet. */
void pcb_report_job(struct pcb_report *rep, const struct pcb_job *job);

#endif
