/*
 * child.h: child mode, the child side of the processes backend.
 *
 * proc.c starts this program again as `pycompile-batch
 * --backend-worker` with one socket on descriptor 3.  The worker embeds the
 * linked Python, says HELLO with its runtime, then answers each REQUEST with
 * a REPLY (wire.h) until the socket closes.  One thread, blocking I/O.
 */
#ifndef PCB_CHILD_H
#define PCB_CHILD_H

/* The hidden argument that selects child mode. */
#define PCB_CHILD_ARG "--backend-worker"

/* The descriptor of the socket to the parent. */
#define PCB_CHILD_FD 3

/* Runs child mode; returns the process's exit status. */
int pcb_child_main(const char *argv0);

#endif
