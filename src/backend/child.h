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

/*
 * The hidden argument that makes this program print the linked Python's
 * sys.path (pcb_backend_sys_path), then exit.
 */
#define PCB_SYS_PATH_ARG "--print-sys-path"

/*
 * Runs that mode: sys.path on standard output, NUL after each entry.
 * Returns 0 or a negative errno with *cause.
 */
int pcb_child_sys_path(const char *argv0, char **cause);

/* The descriptor of the socket to the parent. */
#define PCB_CHILD_FD 3

/*
 * Runs child mode.  Once it has served, it ends the process itself (_exit:
 * status 0 when the parent closed the socket, 1 when the socket failed),
 * without finalising Python.  Returns only when it could not serve: a
 * negative errno with *cause (owned by the caller), -ENOTSOCK when
 * PCB_CHILD_FD is not a socket (not started by the processes backend),
 * the runtime's failure (the HELLO told the parent, which says it), or
 * the HELLO's own (the parent is gone: no cause).
 */
int pcb_child_main(const char *argv0, char **cause);

#endif
