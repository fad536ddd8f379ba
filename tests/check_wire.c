/*
 * check_wire.c: the frames between the processes backend and its workers:
 * each message round-trips, a frame is found only when whole, and a payload
 * cut short or padded is refused, never read past.
 */
#include <config.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend/wire.h"
#include "check_units.h"
#include "os/write.h"

/* The payload of the one whole frame in b. */
static const uint8_t *
payload_of(const struct pcb_wire_buf *b, uint32_t want, size_t *len)
{
	uint32_t type;
	size_t total;

	ck_assert_int_eq(pcb_wire_frame(b->data, b->len, &type, &total), 1);
	ck_assert_uint_eq(type, want);
	ck_assert_uint_eq(total, b->len);
	*len = total - PCB_WIRE_HEADER;
	return b->data + PCB_WIRE_HEADER;
}

START_TEST(test_hello)
{
	struct pcb_runtime rt = { .version = "3.9.18",
		.build = "3.9.18 (main, May  9 2026) [GCC 12.2.0]",
		.py_minor = 9,
		.magic = 0x0a0d0d61,
		.cache_tag = "cpython-39",
		.pycache_prefix = (char *)"/tmp/pfx",
		.optimize = 2,
		.own_gil = 0 },
			   got;
	struct pcb_wire_buf b = { 0 };
	const uint8_t *p;
	char *cause = NULL;
	size_t len;

	ck_assert_int_eq(pcb_wire_hello(&b, 0, &rt, NULL), 0);
	p = payload_of(&b, PCB_WIRE_HELLO, &len);
	ck_assert_int_eq(pcb_wire_take_hello(p, len, &got, &cause), 0);
	ck_assert_str_eq(got.version, "3.9.18");
	ck_assert_str_eq(got.build, "3.9.18 (main, May  9 2026) [GCC 12.2.0]");
	ck_assert_uint_eq(got.py_minor, 9);
	ck_assert_uint_eq(got.magic, 0x0a0d0d61);
	ck_assert_str_eq(got.cache_tag, "cpython-39");
	ck_assert_str_eq(got.pycache_prefix, "/tmp/pfx");
	ck_assert_int_eq(got.optimize, 2);
	ck_assert_int_eq(got.own_gil, 0);
	pcb_runtime_fini(&got);

	/* No prefix is NULL, not "". */
	rt.pycache_prefix = NULL;
	ck_assert_int_eq(pcb_wire_hello(&b, 0, &rt, NULL), 0);
	p = payload_of(&b, PCB_WIRE_HELLO, &len);
	ck_assert_int_eq(pcb_wire_take_hello(p, len, &got, &cause), 0);
	ck_assert_ptr_null(got.pycache_prefix);

	/* A worker that could not start says why. */
	ck_assert_int_eq(pcb_wire_hello(&b, -EIO, NULL, "no Python"), 0);
	p = payload_of(&b, PCB_WIRE_HELLO, &len);
	ck_assert_int_eq(pcb_wire_take_hello(p, len, &got, &cause), -EIO);
	ck_assert_str_eq(cause, "no Python");
	free(cause);
	pcb_wire_buf_fini(&b);
}
END_TEST

START_TEST(test_request)
{
	static const char src[] = "x = 1\0y = 2\n"; /* a NUL inside */
	struct pcb_compile_req req = { .source = src,
		.source_len = sizeof src - 1,
		.filename = "p/m.py",
		.path = "ignored",
		.optimize = -1,
		.new_file = 1 },
			       got;
	struct pcb_wire_buf b = { 0 };
	uint8_t *frame;
	char *filename;
	size_t len, total;
	uint32_t type;

	/* The source travels after the buffer: put them together. */
	ck_assert_int_eq(pcb_wire_request(&b, &req), 0);
	frame = malloc(b.len + req.source_len);
	memcpy(frame, b.data, b.len);
	memcpy(frame + b.len, src, req.source_len);
	len = b.len + req.source_len;
	ck_assert_int_eq(pcb_wire_frame(frame, b.len, &type, &total), 0);
	ck_assert_int_eq(pcb_wire_frame(frame, len - 1, &type, &total), 0);
	ck_assert_int_eq(pcb_wire_frame(frame, len, &type, &total), 1);
	ck_assert_uint_eq(type, PCB_WIRE_REQUEST);
	ck_assert_uint_eq(total, len);
	ck_assert_int_eq(pcb_wire_take_request(frame + PCB_WIRE_HEADER,
			     len - PCB_WIRE_HEADER, &got, &filename),
	    0);
	ck_assert_str_eq(got.filename, "p/m.py");
	ck_assert_int_eq(got.optimize, -1);
	ck_assert_int_eq(got.new_file, 1);
	ck_assert_uint_eq(got.source_len, req.source_len);
	ck_assert_mem_eq(got.source, src, req.source_len);
	ck_assert_ptr_null(got.path);
	free(filename);

	/* Every cut short of the end is refused. */
	for (size_t cut = PCB_WIRE_HEADER; cut < len; cut++) {
		ck_assert_int_eq(pcb_wire_take_request(frame + PCB_WIRE_HEADER,
				     cut - PCB_WIRE_HEADER, &got, &filename),
		    -EPROTO);
		ck_assert_ptr_null(filename);
	}
	free(frame);
	pcb_wire_buf_fini(&b);
}
END_TEST

START_TEST(test_reply)
{
	struct pcb_compile_result res = { .data = (char *)"\xe3\0\0\0",
		.len = 4,
		.warnings = (char *)"m.py:1: SyntaxWarning: x\n" },
				  got;
	struct pcb_wire_buf b = { 0 };
	const uint8_t *p;
	size_t len;
	int ret;

	ck_assert_int_eq(pcb_wire_reply(&b, 0, &res), 0);
	p = payload_of(&b, PCB_WIRE_REPLY, &len);
	ck_assert_int_eq(pcb_wire_take_reply(p, len, &ret, &got), 0);
	ck_assert_int_eq(ret, 0);
	ck_assert_uint_eq(got.len, 4);
	ck_assert_mem_eq(got.data, "\xe3\0\0\0", 4);
	ck_assert_ptr_null(got.message);
	ck_assert_str_eq(got.warnings, "m.py:1: SyntaxWarning: x\n");
	pcb_compile_result_fini(&got);
	for (size_t cut = 0; cut < len; cut++)
		ck_assert_int_eq(pcb_wire_take_reply(p, cut, &ret, &got),
		    -EPROTO);

	/* A failure carries its message and no data. */
	res.data = NULL;
	res.len = 0;
	res.message = (char *)"Sorry: ValueError: source code string cannot "
			      "contain null bytes";
	res.warnings = NULL;
	ck_assert_int_eq(pcb_wire_reply(&b, -EINVAL, &res), 0);
	p = payload_of(&b, PCB_WIRE_REPLY, &len);
	ck_assert_int_eq(pcb_wire_take_reply(p, len, &ret, &got), 0);
	ck_assert_int_eq(ret, -EINVAL);
	ck_assert_ptr_null(got.data);
	ck_assert_str_eq(got.message, res.message);
	pcb_compile_result_fini(&got);

	/* Success without data, or failure without a message, is refused. */
	res.message = NULL;
	ck_assert_int_eq(pcb_wire_reply(&b, -EINVAL, &res), 0);
	p = payload_of(&b, PCB_WIRE_REPLY, &len);
	ck_assert_int_eq(pcb_wire_take_reply(p, len, &ret, &got), -EPROTO);
	ck_assert_int_eq(pcb_wire_reply(&b, 0, &res), 0);
	p = payload_of(&b, PCB_WIRE_REPLY, &len);
	ck_assert_int_eq(pcb_wire_take_reply(p, len, &ret, &got), -EPROTO);
	pcb_wire_buf_fini(&b);
}
END_TEST

START_TEST(test_lengths_past_the_end)
{
	/* A string field claiming more bytes than there are, or 2^64 - 2. */
	static const uint8_t huge[] = { 0, 0, 0, 0, 0xfe, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff };
	static const uint8_t big[] = { 0, 0, 0, 0, 9, 0, 0, 0, 0, 0, 0, 0, 'a',
		'b' };
	struct pcb_compile_result got;
	struct pcb_compile_req req;
	char *filename;
	int ret;

	ck_assert_int_eq(pcb_wire_take_reply(huge, sizeof huge, &ret, &got),
	    -EPROTO);
	ck_assert_int_eq(pcb_wire_take_request(big, sizeof big, &req,
			     &filename),
	    -EPROTO);
}
END_TEST

START_TEST(test_blocking_io)
{
	struct pcb_wire_buf b = { 0 };
	struct pcb_compile_result res = { .data = (char *)"abc", .len = 3 };
	uint8_t *payload;
	uint32_t type;
	size_t len;
	int fds[2];

	ck_assert_int_eq(pipe(fds), 0);
	ck_assert_int_eq(pcb_wire_reply(&b, 0, &res), 0);
	ck_assert_int_eq(pcb_write_all(fds[1], b.data, b.len, NULL, 0), 0);
	/* Half a header, then the end: a broken frame, not a clean end. */
	ck_assert_int_eq(pcb_write_all(fds[1], b.data, 5, NULL, 0), 0);
	close(fds[1]);
	ck_assert_int_eq(pcb_wire_read(fds[0], &type, &payload, &len), 0);
	ck_assert_uint_eq(type, PCB_WIRE_REPLY);
	ck_assert_uint_eq(len, b.len - PCB_WIRE_HEADER);
	free(payload);
	ck_assert_int_lt(pcb_wire_read(fds[0], &type, &payload, &len), 0);
	ck_assert_ptr_null(payload);
	close(fds[0]);

	/* Nothing at all: a clean end of input. */
	ck_assert_int_eq(pipe(fds), 0);
	close(fds[1]);
	ck_assert_int_eq(pcb_wire_read(fds[0], &type, &payload, &len), -EPIPE);
	close(fds[0]);
	pcb_wire_buf_fini(&b);
}
END_TEST

Suite *
wire_suite(void)
{
	Suite *s = suite_create("wire");
	TCase *core = tcase_create("Core"), *limits = tcase_create("Limits");

	tcase_add_test(core, test_hello);
	tcase_add_test(core, test_request);
	tcase_add_test(core, test_reply);
	tcase_add_test(limits, test_lengths_past_the_end);
	tcase_add_test(limits, test_blocking_io);
	suite_add_tcase(s, core);
	suite_add_tcase(s, limits);
	return s;
}
