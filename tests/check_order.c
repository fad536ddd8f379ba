/*
 * check_order.c: order.c's states: claims in input order once read,
 * same-target waits, put back and reopen, --fail-fast and stop signals.
 *
 * A claim that should block runs on a thread of its own; the test waits
 * for it a bounded time, so a claim that never returns fails the test
 * (the forked test exits with the thread still blocked) instead of hanging.
 */
#include <config.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <uv.h>

#include "check_units.h"
#include "engine/order.h"
#include "pcb.h"

#define MAX_JOBS 8
/* How long a claim that should return is given; one that should not, ms. */
#define RETURNS_MS 2000
#define BLOCKS_MS 50

static struct pcb_order order;
static struct pcb_job jobs[MAX_JOBS];
static char names[MAX_JOBS][64];

/* One claim on a thread of its own. */
struct claimer {
	size_t worker;
	uv_thread_t thread;
	struct pcb_job *job;
	int skip;
	int finished; /* atomic */
};

static void
teardown(void)
{
	pcb_order_fini(&order);
}

/*
 * Sets up njobs jobs, each writing a .pyc of its own (d/__pycache__/mI...)
 * in an unknown directory, and the order over them.
 */
static void
start(size_t njobs, size_t nworkers, int fail_fast, int by_name)
{
	ck_assert_uint_le(njobs, MAX_JOBS);
	memset(jobs, 0, sizeof jobs);
	for (size_t i = 0; i < njobs; i++) {
		snprintf(names[i], sizeof names[i],
		    "d/__pycache__/m%zu.cpython-313.pyc", i);
		jobs[i].index = i;
		jobs[i].cfiles[0] = names[i];
		jobs[i].ncfiles = 1;
	}
	ck_assert_int_eq(pcb_order_init(&order, jobs, njobs, nworkers,
			     fail_fast, by_name),
	    0);
}

/* Job i writes the .pyc name of job j, in the directory (dev 1, ino). */
static void
same_name(size_t i, size_t j, ino_t ino)
{
	jobs[i].cfiles[0] = names[j];
	jobs[i].dir_dev = 1;
	jobs[i].dir_ino = ino;
}

static void
read_all(size_t njobs)
{
	for (size_t i = 0; i < njobs; i++)
		pcb_order_read(&order, &jobs[i]);
}

/* A claim that must not block: worker's next job, and whether skipped. */
static struct pcb_job *
claim(size_t worker, int *skip)
{
	*skip = -1;
	return pcb_order_claim(&order, worker, skip);
}

static void
claim_thread(void *arg)
{
	struct claimer *c = arg;

	c->job = pcb_order_claim(&order, c->worker, &c->skip);
	__atomic_store_n(&c->finished, 1, __ATOMIC_RELEASE);
}

static void
claim_start(struct claimer *c, size_t worker)
{
	memset(c, 0, sizeof *c);
	c->worker = worker;
	c->skip = -1;
	ck_assert_int_eq(uv_thread_create(&c->thread, claim_thread, c), 0);
}

/* Whether the claim has returned within ms milliseconds. */
static int
claim_returned(struct claimer *c, int ms)
{
	struct timespec tick = { 0, 1000000 };

	for (int i = 0; i <= ms; i++) {
		if (__atomic_load_n(&c->finished, __ATOMIC_ACQUIRE))
			return 1;
		if (i < ms)
			nanosleep(&tick, NULL);
	}
	return 0;
}

/* Joins a claim that must return soon; one still blocked fails the test. */
static struct pcb_job *
claim_join(struct claimer *c)
{
	ck_assert_msg(claim_returned(c, RETURNS_MS),
	    "worker %zu's claim did not return", c->worker);
	ck_assert_int_eq(uv_thread_join(&c->thread), 0);
	return c->job;
}

/* Claims go in input order, whatever order the reads finish in. */
START_TEST(test_claims_in_input_order)
{
	int skip;

	start(4, 3, 0, 0);
	for (size_t i = 4; i-- > 0;)
		pcb_order_read(&order, &jobs[i]);
	ck_assert_ptr_eq(claim(2, &skip), &jobs[0]);
	ck_assert_int_eq(skip, 0);
	ck_assert_ptr_eq(claim(0, &skip), &jobs[1]);
	ck_assert_ptr_eq(claim(1, &skip), &jobs[2]);
	ck_assert_int_eq(skip, 0);
	jobs[1].status = PCB_STATUS_COMPILED;
	pcb_order_done(&order, 0, &jobs[1]);
	ck_assert_ptr_eq(claim(0, &skip), &jobs[3]);
	ck_assert_int_eq(pcb_order_work_left(&order), 0);
	pcb_order_close(&order);
	ck_assert_ptr_null(claim(0, &skip));
}
END_TEST

/* A job read out of turn waits for the ones before it to be read. */
START_TEST(test_claim_waits_for_read)
{
	struct claimer c;

	start(3, 1, 0, 0);
	claim_start(&c, 0);
	ck_assert(!claim_returned(&c, BLOCKS_MS));
	pcb_order_read(&order, &jobs[1]);
	pcb_order_read(&order, &jobs[2]);
	ck_assert(!claim_returned(&c, BLOCKS_MS));
	pcb_order_read(&order, &jobs[0]);
	ck_assert_ptr_eq(claim_join(&c), &jobs[0]);
	ck_assert_int_eq(c.skip, 0);
}
END_TEST

/* Two workers waiting: the reads wake both (the baton is passed on). */
START_TEST(test_waiting_workers_each_get_one)
{
	struct claimer a, b;

	start(2, 2, 0, 0);
	claim_start(&a, 0);
	claim_start(&b, 1);
	ck_assert(!claim_returned(&a, BLOCKS_MS));
	ck_assert(!claim_returned(&b, 0));
	/* Job 1 first: only job 0's read may wake a worker. */
	pcb_order_read(&order, &jobs[1]);
	pcb_order_read(&order, &jobs[0]);
	claim_join(&a);
	claim_join(&b);
	ck_assert(a.job != b.job);
	ck_assert(a.job == &jobs[0] || a.job == &jobs[1]);
	ck_assert(b.job == &jobs[0] || b.job == &jobs[1]);
	ck_assert_int_eq(pcb_order_idle(&order), 0);
}
END_TEST

/*
 * Closing wakes a claim waiting for a read, which gets NULL; a job read
 * already is still handed out after the close.
 */
START_TEST(test_close_wakes_waiting_claim)
{
	struct claimer c;
	int skip;

	start(2, 1, 0, 0);
	claim_start(&c, 0);
	ck_assert(!claim_returned(&c, BLOCKS_MS));
	ck_assert_int_eq(pcb_order_work_left(&order), 1);
	pcb_order_close(&order);
	ck_assert_ptr_null(claim_join(&c));
	ck_assert_int_eq(pcb_order_work_left(&order), 0);

	pcb_order_read(&order, &jobs[0]);
	ck_assert_ptr_eq(claim(0, &skip), &jobs[0]);
	ck_assert_int_eq(skip, 0);
	ck_assert_ptr_null(claim(0, &skip));
}
END_TEST

/* A later job writing the same .pyc waits until the earlier one is done. */
START_TEST(test_same_target_waits)
{
	struct claimer c;
	int skip;

	start(3, 2, 0, 0);
	same_name(2, 0, 0); /* directory unknown: the name decides */
	read_all(3);
	ck_assert_ptr_eq(claim(0, &skip), &jobs[0]);
	ck_assert_ptr_eq(claim(1, &skip), &jobs[1]);
	jobs[1].status = PCB_STATUS_COMPILED;
	pcb_order_done(&order, 1, &jobs[1]);
	claim_start(&c, 1);
	ck_assert(!claim_returned(&c, BLOCKS_MS));
	/* Job 2 is taken (in order), though it waits. */
	ck_assert_int_eq(pcb_order_work_left(&order), 0);
	ck_assert_int_eq(pcb_order_is_done(&order, 2), 0);
	jobs[0].status = PCB_STATUS_COMPILED;
	pcb_order_done(&order, 0, &jobs[0]);
	ck_assert_ptr_eq(claim_join(&c), &jobs[2]);
	ck_assert_int_eq(c.skip, 0);
}
END_TEST

/*
 * The same .pyc name in two known directories is two targets; with a
 * pycache prefix (by_name) the name alone decides.
 */
START_TEST(test_same_name_other_directory)
{
	struct claimer c;
	int skip;

	start(2, 2, 0, 0);
	same_name(0, 0, 10);
	same_name(1, 0, 11);
	read_all(2);
	ck_assert_ptr_eq(claim(0, &skip), &jobs[0]);
	claim_start(&c, 1);
	ck_assert_ptr_eq(claim_join(&c), &jobs[1]);
	pcb_order_fini(&order);

	start(2, 2, 0, 1);
	same_name(0, 0, 10);
	same_name(1, 0, 11);
	read_all(2);
	ck_assert_ptr_eq(claim(0, &skip), &jobs[0]);
	claim_start(&c, 1);
	ck_assert(!claim_returned(&c, BLOCKS_MS));
	pcb_order_done(&order, 0, &jobs[0]);
	ck_assert_ptr_eq(claim_join(&c), &jobs[1]);
}
END_TEST

/*
 * The pass without Python: a job put back ends the pass's claims; jobs
 * under way finish; reopen starts over from the first job not done, the
 * one put back first.
 */
START_TEST(test_put_back_and_reopen)
{
	int skip;

	start(4, 2, 0, 0);
	read_all(4);
	ck_assert_int_eq(pcb_order_sent_back(&order), 0);
	ck_assert_ptr_eq(claim(0, &skip), &jobs[0]);
	ck_assert_ptr_eq(claim(1, &skip), &jobs[1]);
	pcb_order_put_back(&order, 0, &jobs[0]);
	ck_assert_int_eq(jobs[0].needs_compiler, 1);
	ck_assert_int_eq(pcb_order_sent_back(&order), 1);
	ck_assert_int_eq(pcb_order_idle(&order), 0);
	ck_assert_int_eq(pcb_order_work_left(&order), 0);
	/* Job 2 is read, but this pass claims nothing more. */
	ck_assert_ptr_null(claim(0, &skip));
	jobs[1].status = PCB_STATUS_COMPILED;
	pcb_order_done(&order, 1, &jobs[1]);
	ck_assert_int_eq(pcb_order_idle(&order), 1);
	ck_assert_int_eq(pcb_order_is_done(&order, 0), 0);
	ck_assert_int_eq(pcb_order_is_done(&order, 1), 1);

	ck_assert_int_eq(pcb_order_reopen(&order), 1);
	ck_assert_int_eq(pcb_order_sent_back(&order), 0);
	ck_assert_int_eq(pcb_order_work_left(&order), 1);
	ck_assert_ptr_eq(claim(1, &skip), &jobs[0]);
	ck_assert_int_eq(skip, 0);
	/* Job 1, done in the first pass, is stepped over. */
	ck_assert_ptr_eq(claim(0, &skip), &jobs[2]);
	pcb_order_done(&order, 0, &jobs[2]);
	ck_assert_ptr_eq(claim(0, &skip), &jobs[3]);
	pcb_order_done(&order, 0, &jobs[3]);
	pcb_order_done(&order, 1, &jobs[0]);
	ck_assert_int_eq(pcb_order_reopen(&order), 0);
	for (size_t i = 0; i < 4; i++)
		ck_assert_int_eq(pcb_order_is_done(&order, i), 1);
	ck_assert_int_eq(pcb_order_work_left(&order), 0);
}
END_TEST

/*
 * A later job waiting on the same .pyc as a job put back goes back too,
 * unstarted, and in the next pass waits for it again: the last spelling
 * still wins.
 */
START_TEST(test_put_back_takes_same_target_along)
{
	struct claimer c;
	int skip;

	start(2, 2, 0, 0);
	same_name(1, 0, 0);
	read_all(2);
	ck_assert_ptr_eq(claim(0, &skip), &jobs[0]);
	claim_start(&c, 1);
	ck_assert(!claim_returned(&c, BLOCKS_MS));
	pcb_order_put_back(&order, 0, &jobs[0]);
	ck_assert_ptr_null(claim_join(&c));
	ck_assert_int_eq(jobs[1].needs_compiler, 0);
	ck_assert_int_eq(pcb_order_idle(&order), 1);
	ck_assert_int_eq(pcb_order_is_done(&order, 1), 0);

	ck_assert_int_eq(pcb_order_reopen(&order), 1);
	ck_assert_ptr_eq(claim(0, &skip), &jobs[0]);
	claim_start(&c, 1);
	ck_assert(!claim_returned(&c, BLOCKS_MS));
	pcb_order_done(&order, 0, &jobs[0]);
	ck_assert_ptr_eq(claim_join(&c), &jobs[1]);
	ck_assert_int_eq(c.skip, 0);
}
END_TEST

/* --fail-fast: after a failure every job claimed is to be skipped. */
START_TEST(test_fail_fast)
{
	int skip, stopping;

	start(3, 1, 1, 0);
	read_all(3);
	ck_assert_ptr_eq(claim(0, &skip), &jobs[0]);
	ck_assert_uint_eq(pcb_order_progress(&order, &stopping), 0);
	ck_assert_int_eq(stopping, 0);
	jobs[0].status = PCB_STATUS_FAILED;
	pcb_order_done(&order, 0, &jobs[0]);
	ck_assert_uint_eq(pcb_order_progress(&order, &stopping), 1);
	ck_assert_int_eq(stopping, 1);
	ck_assert_ptr_eq(claim(0, &skip), &jobs[1]);
	ck_assert_int_eq(skip, 1);
	ck_assert_ptr_eq(claim(0, &skip), &jobs[2]);
	ck_assert_int_eq(skip, 1);
}
END_TEST

/* Without --fail-fast a failure stops nothing. */
START_TEST(test_failure_without_fail_fast)
{
	int skip, stopping;

	start(2, 1, 0, 0);
	read_all(2);
	ck_assert_ptr_eq(claim(0, &skip), &jobs[0]);
	jobs[0].status = PCB_STATUS_FAILED;
	pcb_order_done(&order, 0, &jobs[0]);
	ck_assert_uint_eq(pcb_order_progress(&order, &stopping), 1);
	ck_assert_int_eq(stopping, 0);
	ck_assert_ptr_eq(claim(0, &skip), &jobs[1]);
	ck_assert_int_eq(skip, 0);
}
END_TEST

/*
 * A job put back had started: after a --fail-fast failure the next pass
 * still finishes it, and skips the jobs after it.
 */
START_TEST(test_put_back_not_skipped_by_fail_fast)
{
	int skip;

	start(3, 2, 1, 0);
	read_all(3);
	ck_assert_ptr_eq(claim(0, &skip), &jobs[0]);
	ck_assert_ptr_eq(claim(1, &skip), &jobs[1]);
	pcb_order_put_back(&order, 0, &jobs[0]);
	jobs[1].status = PCB_STATUS_FAILED;
	pcb_order_done(&order, 1, &jobs[1]);
	ck_assert_int_eq(pcb_order_reopen(&order), 1);
	ck_assert_ptr_eq(claim(0, &skip), &jobs[0]);
	ck_assert_int_eq(skip, 0);
	ck_assert_ptr_eq(claim(1, &skip), &jobs[2]);
	ck_assert_int_eq(skip, 1);
}
END_TEST

/* The first stop signal counts; 0 only asks; claims after it skip. */
START_TEST(test_signal)
{
	int skip, stopping;

	start(2, 1, 0, 0);
	read_all(2);
	ck_assert_int_eq(pcb_order_signal(&order, 0), 0);
	ck_assert_ptr_eq(claim(0, &skip), &jobs[0]);
	ck_assert_int_eq(skip, 0);
	ck_assert_int_eq(pcb_order_signal(&order, SIGTERM), SIGTERM);
	ck_assert_int_eq(pcb_order_signal(&order, SIGINT), SIGTERM);
	ck_assert_int_eq(pcb_order_signal(&order, 0), SIGTERM);
	pcb_order_progress(&order, &stopping);
	ck_assert_int_eq(stopping, 1);
	pcb_order_done(&order, 0, &jobs[0]);
	ck_assert_ptr_eq(claim(0, &skip), &jobs[1]);
	ck_assert_int_eq(skip, 1);
}
END_TEST

/*
 * A stop while a later job waits on the same .pyc as a job then put back:
 * the later one, unstarted, is handed out to be skipped, not sent back.
 */
START_TEST(test_stop_during_same_target_wait)
{
	struct claimer c;
	int skip;

	start(2, 2, 0, 0);
	same_name(1, 0, 0);
	read_all(2);
	ck_assert_ptr_eq(claim(0, &skip), &jobs[0]);
	claim_start(&c, 1);
	ck_assert(!claim_returned(&c, BLOCKS_MS));
	pcb_order_signal(&order, SIGINT);
	ck_assert(!claim_returned(&c, BLOCKS_MS));
	pcb_order_put_back(&order, 0, &jobs[0]);
	ck_assert_ptr_eq(claim_join(&c), &jobs[1]);
	ck_assert_int_eq(c.skip, 1);
}
END_TEST

/*
 * A stopping run waits only on reads when no worker holds a job and the
 * next job, submitted for reading, is not read.
 */
START_TEST(test_only_reads_left)
{
	int skip;

	start(3, 1, 0, 0);
	ck_assert_int_eq(pcb_order_only_reads_left(&order, 0), 0);
	ck_assert_int_eq(pcb_order_only_reads_left(&order, 2), 1);
	pcb_order_read(&order, &jobs[0]);
	ck_assert_int_eq(pcb_order_only_reads_left(&order, 2), 0);
	ck_assert_ptr_eq(claim(0, &skip), &jobs[0]);
	ck_assert_int_eq(pcb_order_only_reads_left(&order, 2), 0);
	pcb_order_done(&order, 0, &jobs[0]);
	ck_assert_int_eq(pcb_order_only_reads_left(&order, 1), 0);
	ck_assert_int_eq(pcb_order_only_reads_left(&order, 2), 1);
	pcb_order_read(&order, &jobs[1]);
	ck_assert_ptr_eq(claim(0, &skip), &jobs[1]);
	pcb_order_put_back(&order, 0, &jobs[1]);
	/* A job sent back ends the pass instead. */
	ck_assert_int_eq(pcb_order_only_reads_left(&order, 3), 0);
}
END_TEST

/* idle, progress and is_done follow claims and outcomes. */
START_TEST(test_progress)
{
	int skip, stopping;

	start(3, 2, 0, 0);
	ck_assert_int_eq(pcb_order_idle(&order), 1);
	ck_assert_int_eq(pcb_order_work_left(&order), 1);
	read_all(3);
	ck_assert_ptr_eq(claim(1, &skip), &jobs[0]);
	ck_assert_int_eq(pcb_order_idle(&order), 0);
	ck_assert_ptr_eq(claim(0, &skip), &jobs[1]);
	pcb_order_done(&order, 0, &jobs[1]);
	ck_assert_int_eq(pcb_order_idle(&order), 0);
	ck_assert_int_eq(pcb_order_is_done(&order, 0), 0);
	ck_assert_int_eq(pcb_order_is_done(&order, 1), 1);
	ck_assert_uint_eq(pcb_order_progress(&order, &stopping), 1);
	pcb_order_done(&order, 1, &jobs[0]);
	ck_assert_int_eq(pcb_order_idle(&order), 1);
	ck_assert_uint_eq(pcb_order_progress(&order, &stopping), 2);
	ck_assert_int_eq(stopping, 0);
	ck_assert_int_eq(pcb_order_work_left(&order), 1);
	ck_assert_ptr_eq(claim(0, &skip), &jobs[2]);
	ck_assert_int_eq(pcb_order_work_left(&order), 0);
}
END_TEST

/* No jobs: nothing to claim once closed; fini twice is harmless. */
START_TEST(test_no_jobs)
{
	struct claimer c;

	start(0, 1, 0, 0);
	ck_assert_int_eq(pcb_order_work_left(&order), 0);
	claim_start(&c, 0);
	ck_assert(!claim_returned(&c, BLOCKS_MS));
	pcb_order_close(&order);
	ck_assert_ptr_null(claim_join(&c));
	pcb_order_fini(&order);
	pcb_order_fini(&order);
}
END_TEST

Suite *
order_suite(void)
{
	Suite *s = suite_create("order");
	TCase *core = tcase_create("Core"), *limits = tcase_create("Limits");

	tcase_add_checked_fixture(core, NULL, teardown);
	tcase_add_checked_fixture(limits, NULL, teardown);
	tcase_add_test(core, test_claims_in_input_order);
	tcase_add_test(core, test_claim_waits_for_read);
	tcase_add_test(core, test_waiting_workers_each_get_one);
	tcase_add_test(core, test_close_wakes_waiting_claim);
	tcase_add_test(core, test_same_target_waits);
	tcase_add_test(core, test_same_name_other_directory);
	tcase_add_test(core, test_put_back_and_reopen);
	tcase_add_test(core, test_put_back_takes_same_target_along);
	tcase_add_test(core, test_progress);
	tcase_add_test(limits, test_fail_fast);
	tcase_add_test(limits, test_failure_without_fail_fast);
	tcase_add_test(limits, test_put_back_not_skipped_by_fail_fast);
	tcase_add_test(limits, test_signal);
	tcase_add_test(limits, test_stop_during_same_target_wait);
	tcase_add_test(limits, test_only_reads_left);
	tcase_add_test(limits, test_no_jobs);
	suite_add_tcase(s, core);
	suite_add_tcase(s, limits);
	return s;
}
