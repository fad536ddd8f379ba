/*
 * child.c: child mode (child.h).
 *
 * The worker ignores the signals a terminal or `timeout` sends to the whole
 * process group (SIGINT, SIGTERM, SIGHUP): the parent decides what a signal
 * means and finishes the files in flight.  It ends when the parent closes
 * the socket, or, on Linux, when the parent dies.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "backend/child.h"
#include "backend/interp.h"
#include "backend/wire.h"
#include "os/error.h"
#include "os/write.h"

/* Sends a frame built in b.  Returns 0 or a negative errno. */
static int
send_frame(struct pcb_wire_buf *b, int ret)
{
	if (ret < 0)
		return ret;
	return pcb_write_all(PCB_CHILD_FD, b->data, b->len, NULL, 0);
}

/* Answers requests until the parent closes the socket. */
static int
serve(struct pcb_interp *in, struct pcb_wire_buf *b)
{
	struct pcb_compile_req req;
	struct pcb_compile_result res;
	char *filename;
	uint8_t *payload;
	size_t len;
	uint32_t type;
	int ret, cret;

	for (;;) {
		ret = pcb_wire_read(PCB_CHILD_FD, &type, &payload, &len);
		if (ret == -EPIPE)
			return 0;
		if (ret == 0 && type != PCB_WIRE_REQUEST)
			ret = -EPROTO;
		if (ret == 0)
			ret = pcb_wire_take_request(payload, len, &req,
			    &filename);
		if (ret < 0) {
			free(payload);
			return ret;
		}
		pcb_interp_relock(in);
		cret = pcb_interp_compile(in, &req, &res);
		pcb_interp_unlock(in);
		free(filename);
		free(payload);
		ret = send_frame(b, pcb_wire_reply(b, cret, &res));
		pcb_compile_result_fini(&res);
		if (ret < 0)
			return ret;
	}
}

int
pcb_child_main(const char *argv0, char **cause)
{
	struct pcb_wire_buf b = { 0 };
	struct pcb_runtime rt = { 0 };
	struct pcb_interp *in = NULL;
	struct stat st;
	int ret, sent;

	if (fstat(PCB_CHILD_FD, &st) < 0 || !S_ISSOCK(st.st_mode))
		return pcb_error_set(cause, -ENOTSOCK,
		    "%s is for the processes backend only", PCB_CHILD_ARG);
	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
#ifdef __linux__
	/*
	 * Do not outlive a parent killed outright.  One that died before this
	 * line closed the socket: the HELLO below fails and the worker leaves.
	 */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
#endif
	/* libuv may hand the socket over non-blocking; we block on it. */
	fcntl(PCB_CHILD_FD, F_SETFL,
	    fcntl(PCB_CHILD_FD, F_GETFL) & ~O_NONBLOCK);

	ret = pcb_interp_runtime_init(argv0, &rt, cause);
	if (ret == 0)
		ret = pcb_interp_new(1, &in, cause);
	sent = send_frame(&b,
	    pcb_wire_hello(&b, ret, &rt, cause != NULL ? *cause : NULL));
	if (ret == 0)
		ret = sent;
	if (ret < 0)
		goto out_runtime;
	pcb_interp_attach(in);
	pcb_interp_unlock(in);
	/*
	 * Nothing is left to flush or write: leave without finalising Python,
	 * which only costs time.
	 */
	_exit(serve(in, &b) < 0 ? 1 : 0);

out_runtime:
	pcb_interp_free(in);
	pcb_interp_runtime_fini();
	pcb_runtime_fini(&rt);
	pcb_wire_buf_fini(&b);
	return ret;
}

int
pcb_child_sys_path(const char *argv0, char **cause)
{
	return pcb_interp_sys_path(argv0, STDOUT_FILENO, cause);
}
