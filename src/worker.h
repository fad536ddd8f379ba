/*
 * worker.h: worker mode, the child side of the processes backend.
 *
 * backend_proc.c starts this program again as `pycompile-batch
 * --backend-worker` with one socket on descriptor 3.  The worker embeds the
 * linked Python, says HELLO with its runtime, then answers each REQUEST with
 * a REPLY (wire.h) until the socket closes.  One thread, blocking I/O.
 */
#ifndef PCB_WORKER_H
#define PCB_WORKER_H

/* The hidden argument that selects worker mode. */
#define PCB_WORKER_ARG "--backend-worker"

/* The descriptor of the socket to the parent. */
#define PCB_WORKER_FD 3

/* Runs worker mode; returns the process's exit status. */
int pcb_worker_main(const char *argv0);

#endif
