// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Timers on simulated and real clocks: every error code, expiry order and
 * deterministic ties, moving a queued timer, re-arm by return value, cancel
 * (also from another timer's callback), the default clock, and that a cancel
 * on the real clock waits for a running callback, synchronised through
 * condition variables and the clock's cancel-waiter count, never by sleeping.
 */
#include <libgib/platform.h>
#include <libgib-us/clock.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

/* Generous: only a broken clock reaches it. */
#define DEADLINE_S 30

static struct timespec deadline(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += DEADLINE_S;
	return ts;
}

/* ---- A recording timer ------------------------------------------------- */

#define MAX_EVENTS 64

struct rec {
	struct gib_pf_timer t;
	struct gib_us_clock *c;
	char name;
	/* what the callback returns on each run, then STOP */
	uint64_t periods[8];
	unsigned int nr_periods;
	unsigned int runs;
	/* a timer this one's callback cancels, or starts with @start_delay */
	struct rec *cancel_other;
	struct rec *start_other;
	uint64_t start_delay;
};

static struct {
	char name[MAX_EVENTS];
	uint64_t at[MAX_EVENTS];
	unsigned int n;
} trace;

static uint64_t rec_fn(struct gib_pf_timer *t)
{
	struct rec *r = (struct rec *)(void *)t;	/* t is the first member */

	assert_true(trace.n < MAX_EVENTS);
	trace.name[trace.n] = r->name;
	trace.at[trace.n] = gib_us_clock_now(r->c);
	trace.n++;
	if (r->cancel_other)
		gib_pf_timer_cancel(&r->cancel_other->t);
	if (r->start_other)
		gib_pf_timer_start(&r->start_other->t, r->start_delay);
	if (r->runs < r->nr_periods)
		return r->periods[r->runs++];
	r->runs++;
	return GIB_PF_TIMER_STOP;
}

static void rec_init(struct rec *r, struct gib_us_clock *c, char name)
{
	memset(r, 0, sizeof(*r));
	r->c = c;
	r->name = name;
	gib_pf_timer_init(&r->t, rec_fn);
	assert_ptr_equal(r->t.clock, c);
}

static void trace_reset(void)
{
	memset(&trace, 0, sizeof(trace));
}

static struct gib_us_clock *sim_default(void)
{
	struct gib_us_clock *c = gib_us_clock_create(GIB_US_CLOCK_SIM);

	assert_non_null(c);
	gib_us_set_default_clock(c);
	trace_reset();
	return c;
}

static void sim_done(struct gib_us_clock *c, struct rec *r, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		gib_pf_timer_destroy(&r[i].t);
	gib_us_set_default_clock(NULL);
	assert_int_equal(gib_us_clock_destroy(c), 0);
}

/* ---- Errors ------------------------------------------------------------ */

static void test_errors(void **state)
{
	struct gib_us_clock *c, *real;
	struct rec r;
	uint64_t t;

	(void)state;
	errno = 0;
	assert_null(gib_us_clock_create((enum gib_us_clock_kind)7));
	assert_int_equal(errno, EINVAL);
	assert_int_equal(gib_us_clock_destroy(NULL), -EINVAL);

	c = sim_default();
	assert_int_equal(gib_us_clock_next_expiry(NULL, &t), -EINVAL);
	assert_int_equal(gib_us_clock_next_expiry(c, NULL), -EINVAL);
	assert_int_equal(gib_us_clock_next_expiry(c, &t), -ENOENT);
	assert_int_equal(gib_us_clock_run_until(NULL, 10), 0);
	assert_int_equal(gib_us_clock_now(NULL), 0);

	/* The default clock cannot go; nor one with a timer bound. */
	assert_int_equal(gib_us_clock_destroy(c), -EBUSY);
	rec_init(&r, c, 'a');
	gib_us_set_default_clock(NULL);
	assert_int_equal(gib_us_clock_destroy(c), -EBUSY);
	gib_pf_timer_destroy(&r.t);
	assert_int_equal(gib_us_clock_destroy(c), 0);

	/* run_until on a real clock does nothing. */
	real = gib_us_clock_create(GIB_US_CLOCK_REAL);
	assert_non_null(real);
	assert_int_equal(gib_us_clock_run_until(real, ~0ull), 0);
	assert_int_equal(gib_us_clock_cancel_waiters(real), 0);
	assert_int_equal(gib_us_clock_destroy(real), 0);
}

/* ---- Simulated clock --------------------------------------------------- */

static void test_sim_expiry_order_ties_in_start_order(void **state)
{
	struct gib_us_clock *c = sim_default();
	struct rec r[4];
	uint64_t t;

	(void)state;
	rec_init(&r[0], c, 'A');
	rec_init(&r[1], c, 'B');
	rec_init(&r[2], c, 'C');
	rec_init(&r[3], c, 'D');
	gib_pf_timer_start(&r[2].t, 100);
	gib_pf_timer_start(&r[0].t, 50);
	gib_pf_timer_start(&r[1].t, 100);
	gib_pf_timer_start(&r[3].t, 50);
	assert_int_equal(gib_us_clock_next_expiry(c, &t), 0);
	assert_int_equal(t, 50);
	assert_int_equal(gib_us_clock_now(c), 0);

	assert_int_equal(gib_us_clock_run_until(c, 49), 0);
	assert_int_equal(gib_us_clock_now(c), 49);
	assert_int_equal(gib_us_clock_run_until(c, 99), 2);
	assert_int_equal(gib_us_clock_now(c), 99);
	assert_int_equal(gib_us_clock_next_expiry(c, &t), 0);
	assert_int_equal(t, 100);
	assert_int_equal(gib_us_clock_run_until(c, 1000), 2);
	assert_int_equal(gib_us_clock_now(c), 1000);
	assert_int_equal(gib_us_clock_next_expiry(c, &t), -ENOENT);

	assert_int_equal(trace.n, 4);
	assert_memory_equal(trace.name, "ADCB", 4);
	assert_int_equal(trace.at[0], 50);
	assert_int_equal(trace.at[1], 50);
	assert_int_equal(trace.at[2], 100);
	assert_int_equal(trace.at[3], 100);
	/* Time does not go back. */
	assert_int_equal(gib_us_clock_run_until(c, 10), 0);
	assert_int_equal(gib_us_clock_now(c), 1000);
	sim_done(c, r, 4);
}

static void test_sim_restart_moves_queued_timer(void **state)
{
	struct gib_us_clock *c = sim_default();
	struct rec r[2];
	uint64_t t;

	(void)state;
	rec_init(&r[0], c, 'A');
	rec_init(&r[1], c, 'B');
	gib_pf_timer_start(&r[0].t, 100);
	gib_pf_timer_start(&r[0].t, 10);	/* moves, does not add */
	assert_int_equal(gib_us_clock_next_expiry(c, &t), 0);
	assert_int_equal(t, 10);
	assert_int_equal(gib_us_clock_run_until(c, 500), 1);

	/* A restart also moves a timer behind others of the same expiry. */
	gib_pf_timer_start(&r[0].t, 50);
	gib_pf_timer_start(&r[1].t, 50);
	gib_pf_timer_start(&r[0].t, 50);
	assert_int_equal(gib_us_clock_run_until(c, 550), 2);
	assert_int_equal(trace.n, 3);
	assert_memory_equal(trace.name, "ABA", 3);
	assert_int_equal(trace.at[1], 550);
	sim_done(c, r, 2);
}

static void test_sim_rearm_by_return_and_stop(void **state)
{
	struct gib_us_clock *c = sim_default();
	struct rec r;

	(void)state;
	rec_init(&r, c, 'A');
	r.periods[0] = 30;
	r.periods[1] = 30;
	r.periods[2] = 0;	/* again at once: still inside this run */
	r.nr_periods = 3;
	gib_pf_timer_start(&r.t, 0);
	assert_int_equal(gib_us_clock_run_until(c, 1000), 4);
	assert_int_equal(trace.n, 4);
	assert_int_equal(trace.at[0], 0);
	assert_int_equal(trace.at[1], 30);
	assert_int_equal(trace.at[2], 60);
	assert_int_equal(trace.at[3], 60);
	assert_int_equal(gib_us_clock_run_until(c, 5000), 0);
	sim_done(c, &r, 1);
}

static void test_sim_cancel(void **state)
{
	struct gib_us_clock *c = sim_default();
	struct rec r[3];
	uint64_t t;

	(void)state;
	rec_init(&r[0], c, 'A');
	rec_init(&r[1], c, 'B');
	rec_init(&r[2], c, 'C');
	gib_pf_timer_cancel(&r[0].t);		/* not queued: nothing to do */
	gib_pf_timer_start(&r[0].t, 10);
	gib_pf_timer_cancel(&r[0].t);
	assert_int_equal(gib_us_clock_next_expiry(c, &t), -ENOENT);
	assert_int_equal(gib_us_clock_run_until(c, 100), 0);

	/* A callback cancels a timer due at the same time, starts another. */
	r[0].cancel_other = &r[1];
	r[0].start_other = &r[2];
	r[0].start_delay = 0;
	gib_pf_timer_start(&r[0].t, 10);
	gib_pf_timer_start(&r[1].t, 10);
	assert_int_equal(gib_us_clock_run_until(c, 110), 2);
	assert_int_equal(trace.n, 2);
	assert_memory_equal(trace.name, "AC", 2);
	assert_int_equal(trace.at[1], 110);
	sim_done(c, r, 3);
}

/* Three timers of co-prime periods: the same trace on every run. */
static void run_scenario(char *names, uint64_t *at, unsigned int *n)
{
	struct gib_us_clock *c = sim_default();
	struct rec r[3];
	unsigned int i;

	for (i = 0; i < 3; i++) {
		rec_init(&r[i], c, (char)('A' + i));
		r[i].nr_periods = 8;
	}
	for (i = 0; i < 8; i++) {
		r[0].periods[i] = 6;
		r[1].periods[i] = 4;
		r[2].periods[i] = 3;
	}
	gib_pf_timer_start(&r[2].t, 0);
	gib_pf_timer_start(&r[1].t, 0);
	gib_pf_timer_start(&r[0].t, 0);
	/* Step in odd increments so that runs straddle expiries. */
	for (i = 0; i < 20; i++)
		gib_us_clock_run_until(c, (uint64_t)i * 5);
	gib_us_clock_run_until(c, 1000);
	*n = trace.n;
	memcpy(names, trace.name, MAX_EVENTS);
	memcpy(at, trace.at, sizeof(trace.at));
	sim_done(c, r, 3);
}

static void test_sim_deterministic(void **state)
{
	char n1[MAX_EVENTS], n2[MAX_EVENTS];
	uint64_t a1[MAX_EVENTS], a2[MAX_EVENTS];
	unsigned int c1, c2, i;

	(void)state;
	run_scenario(n1, a1, &c1);
	run_scenario(n2, a2, &c2);
	assert_int_equal(c1, 27);	/* 9 runs each */
	assert_int_equal(c1, c2);
	assert_memory_equal(n1, n2, c1);
	assert_memory_equal(a1, a2, c1 * sizeof(a1[0]));
	/* Ties at 0 in start order (C, B, A); at 12, the re-arm order. */
	assert_memory_equal(n1, "CBA", 3);
	for (i = 1; i < c1; i++)
		assert_true(a1[i - 1] <= a1[i]);
	for (i = 0; i < c1; i++) {
		if (a1[i] == 12) {
			/* All due at 12; A re-armed at 6, B at 8, C at 9. */
			assert_memory_equal(&n1[i], "ABC", 3);
			break;
		}
	}
}

static void test_default_clock_binding(void **state)
{
	struct gib_us_clock *c1 = sim_default();
	struct gib_us_clock *c2 = gib_us_clock_create(GIB_US_CLOCK_SIM);
	struct rec r;
	uint64_t t;

	(void)state;
	assert_non_null(c2);
	assert_ptr_equal(gib_us_default_clock(), c1);
	rec_init(&r, c1, 'A');
	gib_us_set_default_clock(c2);
	assert_ptr_equal(gib_us_default_clock(), c2);
	/* A bound timer keeps its clock. */
	gib_pf_timer_start(&r.t, 5);
	assert_int_equal(gib_us_clock_next_expiry(c1, &t), 0);
	assert_int_equal(gib_us_clock_next_expiry(c2, &t), -ENOENT);
	assert_int_equal(gib_us_clock_run_until(c2, 10), 0);
	assert_int_equal(gib_us_clock_run_until(c1, 10), 1);
	gib_pf_timer_destroy(&r.t);
	gib_us_set_default_clock(NULL);
	assert_int_equal(gib_us_clock_destroy(c2), 0);
	assert_int_equal(gib_us_clock_destroy(c1), 0);
}

/* ---- Real clock -------------------------------------------------------- */

struct waiter {
	struct gib_pf_timer t;	/* first: the callback finds us from it */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	unsigned int runs;
	unsigned int stop_after;
	uint64_t period;
	bool entered;
	bool release;
	bool finished;
	bool cancel_saw_finished;
	struct gib_pf_timer *other;	/* cancelled and started from the callback */
};

static void waiter_init(struct waiter *w)
{
	memset(w, 0, sizeof(*w));
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->cond, NULL);
}

static void waiter_fini(struct waiter *w)
{
	pthread_cond_destroy(&w->cond);
	pthread_mutex_destroy(&w->lock);
}

/* Wait until @flag (under w->lock) is true; fails after DEADLINE_S. */
static void wait_for(struct waiter *w, const bool *flag)
{
	struct timespec ts = deadline();
	int rc = 0;

	pthread_mutex_lock(&w->lock);
	while (!*flag && rc == 0)
		rc = pthread_cond_timedwait(&w->cond, &w->lock, &ts);
	pthread_mutex_unlock(&w->lock);
	assert_int_equal(rc, 0);
}

static uint64_t count_fn(struct gib_pf_timer *t)
{
	struct waiter *w = (struct waiter *)(void *)t;
	uint64_t ret = w->period;

	pthread_mutex_lock(&w->lock);
	if (++w->runs == w->stop_after) {
		w->finished = true;
		ret = GIB_PF_TIMER_STOP;
		pthread_cond_broadcast(&w->cond);
	}
	pthread_mutex_unlock(&w->lock);
	return ret;
}

static void test_real_runs_and_rearms(void **state)
{
	struct gib_us_clock *c = gib_us_clock_create(GIB_US_CLOCK_REAL);
	struct waiter w;
	uint64_t t0, t1, t;

	(void)state;
	assert_non_null(c);
	t0 = gib_us_clock_now(c);
	waiter_init(&w);
	w.stop_after = 3;
	w.period = 1000;
	gib_us_set_default_clock(c);
	gib_pf_timer_init(&w.t, count_fn);
	gib_us_set_default_clock(NULL);
	gib_pf_timer_start(&w.t, 0);
	wait_for(&w, &w.finished);
	t1 = gib_us_clock_now(c);
	assert_true(t1 >= t0 + 2000);	/* two periods passed */
	pthread_mutex_lock(&w.lock);
	assert_int_equal(w.runs, 3);
	pthread_mutex_unlock(&w.lock);
	gib_pf_timer_cancel(&w.t);
	assert_int_equal(gib_us_clock_next_expiry(c, &t), -ENOENT);
	gib_pf_timer_destroy(&w.t);
	assert_int_equal(gib_us_clock_destroy(c), 0);
	waiter_fini(&w);
}

/* Blocks until released; then returns @period (STOP or a re-arm). */
static uint64_t blocking_fn(struct gib_pf_timer *t)
{
	struct waiter *w = (struct waiter *)(void *)t;

	pthread_mutex_lock(&w->lock);
	w->entered = true;
	pthread_cond_broadcast(&w->cond);
	while (!w->release)
		pthread_cond_wait(&w->cond, &w->lock);
	w->finished = true;
	pthread_mutex_unlock(&w->lock);
	return w->period;
}

static void *canceller(void *arg)
{
	struct waiter *w = arg;

	gib_pf_timer_cancel(&w->t);
	pthread_mutex_lock(&w->lock);
	w->cancel_saw_finished = w->finished;
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

static void cancel_waits(uint64_t period)
{
	struct gib_us_clock *c = gib_us_clock_create(GIB_US_CLOCK_REAL);
	struct waiter w;
	pthread_t thr;
	uint64_t t;

	assert_non_null(c);
	waiter_init(&w);
	w.period = period;
	gib_us_set_default_clock(c);
	gib_pf_timer_init(&w.t, blocking_fn);
	gib_us_set_default_clock(NULL);
	gib_pf_timer_start(&w.t, 0);
	wait_for(&w, &w.entered);

	assert_int_equal(pthread_create(&thr, NULL, canceller, &w), 0);
	/* Let the callback go only once the cancel is known to be waiting. */
	while (gib_us_clock_cancel_waiters(c) == 0)
		sched_yield();
	pthread_mutex_lock(&w.lock);
	assert_false(w.finished);
	w.release = true;
	pthread_cond_broadcast(&w.cond);
	pthread_mutex_unlock(&w.lock);
	assert_int_equal(pthread_join(thr, NULL), 0);

	assert_true(w.cancel_saw_finished);
	/* A re-arm by the callback's return was dequeued by the cancel too. */
	assert_int_equal(gib_us_clock_next_expiry(c, &t), -ENOENT);
	assert_int_equal(gib_us_clock_cancel_waiters(c), 0);
	gib_pf_timer_destroy(&w.t);
	assert_int_equal(gib_us_clock_destroy(c), 0);
	waiter_fini(&w);
}

static void test_real_cancel_waits_for_callback(void **state)
{
	(void)state;
	cancel_waits(GIB_PF_TIMER_STOP);
}

static void test_real_cancel_waits_and_dequeues_rearm(void **state)
{
	(void)state;
	cancel_waits(1000000);
}

/* Cancel another timer (queued and not) and start it, from a callback. */
static uint64_t other_fn(struct gib_pf_timer *t)
{
	struct waiter *w = (struct waiter *)(void *)t;

	gib_pf_timer_cancel(w->other);		/* queued far out: dequeued */
	gib_pf_timer_cancel(w->other);		/* not queued: returns at once */
	gib_pf_timer_start(w->other, 0);	/* runs after us, same thread */
	pthread_mutex_lock(&w->lock);
	w->entered = true;
	pthread_mutex_unlock(&w->lock);
	return GIB_PF_TIMER_STOP;
}

static void test_real_cancel_other_from_callback(void **state)
{
	struct gib_us_clock *c = gib_us_clock_create(GIB_US_CLOCK_REAL);
	struct waiter a, b;

	(void)state;
	assert_non_null(c);
	waiter_init(&a);
	waiter_init(&b);
	b.stop_after = 1;
	gib_us_set_default_clock(c);
	gib_pf_timer_init(&a.t, other_fn);
	gib_pf_timer_init(&b.t, count_fn);
	gib_us_set_default_clock(NULL);
	a.other = &b.t;
	gib_pf_timer_start(&b.t, 3600ull * 1000000000ull);
	gib_pf_timer_start(&a.t, 0);
	wait_for(&b, &b.finished);
	pthread_mutex_lock(&a.lock);
	assert_true(a.entered);
	pthread_mutex_unlock(&a.lock);
	pthread_mutex_lock(&b.lock);
	assert_int_equal(b.runs, 1);
	pthread_mutex_unlock(&b.lock);
	gib_pf_timer_cancel(&a.t);
	gib_pf_timer_cancel(&b.t);
	gib_pf_timer_destroy(&a.t);
	gib_pf_timer_destroy(&b.t);
	assert_int_equal(gib_us_clock_destroy(c), 0);
	waiter_fini(&a);
	waiter_fini(&b);
}

static void test_real_now_monotonic(void **state)
{
	struct gib_us_clock *c = gib_us_clock_create(GIB_US_CLOCK_REAL);
	uint64_t a, b;

	(void)state;
	assert_non_null(c);
	a = gib_us_clock_now(c);
	b = gib_us_clock_now(c);
	assert_true(a > 0 && b >= a);
	assert_int_equal(gib_us_clock_destroy(c), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_sim_expiry_order_ties_in_start_order),
		cmocka_unit_test(test_sim_restart_moves_queued_timer),
		cmocka_unit_test(test_sim_rearm_by_return_and_stop),
		cmocka_unit_test(test_sim_cancel),
		cmocka_unit_test(test_sim_deterministic),
		cmocka_unit_test(test_default_clock_binding),
		cmocka_unit_test(test_real_runs_and_rearms),
		cmocka_unit_test(test_real_cancel_waits_for_callback),
		cmocka_unit_test(test_real_cancel_waits_and_dequeues_rearm),
		cmocka_unit_test(test_real_cancel_other_from_callback),
		cmocka_unit_test(test_real_now_monotonic),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
