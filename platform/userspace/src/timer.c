// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Timers on real or simulated clocks. Each clock keeps its queued timers in
 * one list sorted by (expiry, start sequence) under its mutex: few timers are
 * queued at once (one kick timer per alerted guest), and the list makes ties
 * deterministic. The mutex is also what makes "everything before start
 * happens before the callback": start enqueues under it, the runner dequeues
 * under it before calling back.
 */
#include <libgib/platform.h>
#include <libgib-us/clock.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct gib_us_clock {
	enum gib_us_clock_kind kind;
	pthread_mutex_t lock;
	pthread_cond_t wake;		/* real: the head changed, or stop */
	pthread_cond_t done;		/* a callback returned */
	struct gib_pf_timer *head;	/* sorted by (expires, seq) */
	struct gib_pf_timer *tail;	/* its last timer: new ones mostly go there */
	uint64_t seq;
	uint64_t now;			/* sim: the current time */
	struct gib_pf_timer *running;	/* whose callback runs, or NULL */
	pthread_t runner;		/* the thread running it */
	unsigned int bound;		/* timers bound by gib_pf_timer_init() */
	unsigned int cancel_waiters;
	pthread_mutex_t run_lock;	/* sim: serialises run_until */
	pthread_t thread;		/* real: the callback thread */
	bool stop;
};

static void die(const char *what)
{
	fprintf(stderr, "libgib-us: %s\n", what);
	abort();
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Under c->lock. */
static uint64_t now_locked(struct gib_us_clock *c)
{
	return c->kind == GIB_US_CLOCK_SIM ? c->now : mono_ns();
}

static uint64_t add_sat(uint64_t a, uint64_t b)
{
	return a + b < a ? UINT64_MAX : a + b;
}

/* Under c->lock. */
static void dequeue(struct gib_us_clock *c, struct gib_pf_timer *t)
{
	if (t->prev)
		t->prev->next = t->next;
	else
		c->head = t->next;
	if (t->next)
		t->next->prev = t->prev;
	else
		c->tail = t->prev;
	t->prev = t->next = NULL;
	t->queued = false;
}

/*
 * Under c->lock: queue after every timer with an expiry <= @expires. The
 * search runs from the tail: a new timer nearly always expires last (a
 * processing pass starts one kick timer per GISA, all due now), so starting
 * n timers costs O(n), not O(n^2), and (expires, seq) order stays exact.
 */
static void enqueue(struct gib_us_clock *c, struct gib_pf_timer *t, uint64_t expires)
{
	struct gib_pf_timer *prev = c->tail, *at = NULL;

	t->expires = expires;
	t->seq = c->seq++;
	while (prev && prev->expires > expires) {
		at = prev;
		prev = prev->prev;
	}
	t->prev = prev;
	t->next = at;
	if (at)
		at->prev = t;
	else
		c->tail = t;
	if (prev)
		prev->next = t;
	else
		c->head = t;
	t->queued = true;
	/* A new head may be due before the one the real clock sleeps for. */
	if (!prev && c->kind == GIB_US_CLOCK_REAL)
		pthread_cond_signal(&c->wake);
}

/*
 * Under c->lock, which it drops around the callback: run the head @t, then
 * re-queue it by its return unless it was started again meanwhile (the later
 * start wins, as with hrtimer).
 */
static void run_one(struct gib_us_clock *c, struct gib_pf_timer *t)
{
	uint64_t ret;

	dequeue(c, t);
	c->running = t;
	c->runner = pthread_self();
	pthread_mutex_unlock(&c->lock);
	ret = t->fn(t);
	pthread_mutex_lock(&c->lock);
	c->running = NULL;
	if (!t->queued && ret != GIB_PF_TIMER_STOP)
		enqueue(c, t, add_sat(now_locked(c), ret));
	/* Cancels waiting for this callback re-check (and dequeue a re-queue). */
	pthread_cond_broadcast(&c->done);
}

static void *real_clock_thread(void *arg)
{
	struct gib_us_clock *c = arg;

	pthread_mutex_lock(&c->lock);
	while (!c->stop) {
		uint64_t now;

		if (!c->head) {
			pthread_cond_wait(&c->wake, &c->lock);
			continue;
		}
		now = mono_ns();
		if (c->head->expires > now) {
			struct timespec ts = {
				.tv_sec = (time_t)(c->head->expires / 1000000000ull),
				.tv_nsec = (long)(c->head->expires % 1000000000ull),
			};

			pthread_cond_timedwait(&c->wake, &c->lock, &ts);
			continue;
		}
		run_one(c, c->head);
	}
	pthread_mutex_unlock(&c->lock);
	return NULL;
}

struct gib_us_clock *gib_us_clock_create(enum gib_us_clock_kind kind)
{
	pthread_condattr_t attr;
	struct gib_us_clock *c;
	int rc;

	if (kind != GIB_US_CLOCK_REAL && kind != GIB_US_CLOCK_SIM) {
		errno = EINVAL;
		return NULL;
	}
	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->kind = kind;
	pthread_mutex_init(&c->lock, NULL);
	pthread_mutex_init(&c->run_lock, NULL);
	pthread_condattr_init(&attr);
	/* Timed waits of the real clock are on CLOCK_MONOTONIC, like its expiries. */
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&c->wake, &attr);
	pthread_condattr_destroy(&attr);
	pthread_cond_init(&c->done, NULL);
	if (kind == GIB_US_CLOCK_REAL) {
		rc = pthread_create(&c->thread, NULL, real_clock_thread, c);
		if (rc) {
			pthread_cond_destroy(&c->done);
			pthread_cond_destroy(&c->wake);
			pthread_mutex_destroy(&c->run_lock);
			pthread_mutex_destroy(&c->lock);
			free(c);
			errno = rc;
			return NULL;
		}
	}
	return c;
}

static pthread_mutex_t default_lock = PTHREAD_MUTEX_INITIALIZER;
static struct gib_us_clock *default_set;	/* gib_us_set_default_clock() */
static struct gib_us_clock *default_real;	/* the lazy real clock */

int gib_us_clock_destroy(struct gib_us_clock *c)
{
	bool busy;

	if (!c)
		return -EINVAL;
	pthread_mutex_lock(&default_lock);
	busy = c == default_set || c == default_real;
	pthread_mutex_unlock(&default_lock);
	if (busy)
		return -EBUSY;
	pthread_mutex_lock(&c->lock);
	busy = c->bound || c->head ||
	       (c->kind == GIB_US_CLOCK_REAL && pthread_equal(c->thread, pthread_self()));
	if (!busy)
		c->stop = true;
	pthread_cond_signal(&c->wake);
	pthread_mutex_unlock(&c->lock);
	if (busy)
		return -EBUSY;
	if (c->kind == GIB_US_CLOCK_REAL)
		pthread_join(c->thread, NULL);
	pthread_cond_destroy(&c->done);
	pthread_cond_destroy(&c->wake);
	pthread_mutex_destroy(&c->run_lock);
	pthread_mutex_destroy(&c->lock);
	free(c);
	return 0;
}

uint64_t gib_us_clock_now(struct gib_us_clock *c)
{
	uint64_t now;

	if (!c)
		return 0;
	pthread_mutex_lock(&c->lock);
	now = now_locked(c);
	pthread_mutex_unlock(&c->lock);
	return now;
}

int gib_us_clock_next_expiry(struct gib_us_clock *c, uint64_t *t)
{
	int rc = 0;

	if (!c || !t)
		return -EINVAL;
	pthread_mutex_lock(&c->lock);
	if (c->head)
		*t = c->head->expires;
	else
		rc = -ENOENT;
	pthread_mutex_unlock(&c->lock);
	return rc;
}

unsigned int gib_us_clock_run_until(struct gib_us_clock *c, uint64_t t)
{
	unsigned int ran = 0;

	if (!c || c->kind != GIB_US_CLOCK_SIM)
		return 0;
	pthread_mutex_lock(&c->run_lock);
	pthread_mutex_lock(&c->lock);
	if (t < c->now)
		t = c->now;
	while (c->head && c->head->expires <= t) {
		/* While the callback runs, now is its expiry: re-arms count from it. */
		if (c->head->expires > c->now)
			c->now = c->head->expires;
		run_one(c, c->head);
		ran++;
	}
	c->now = t;
	pthread_mutex_unlock(&c->lock);
	pthread_mutex_unlock(&c->run_lock);
	return ran;
}

unsigned int gib_us_clock_cancel_waiters(struct gib_us_clock *c)
{
	unsigned int n;

	if (!c)
		return 0;
	pthread_mutex_lock(&c->lock);
	n = c->cancel_waiters;
	pthread_mutex_unlock(&c->lock);
	return n;
}

void gib_us_set_default_clock(struct gib_us_clock *c)
{
	pthread_mutex_lock(&default_lock);
	default_set = c;
	pthread_mutex_unlock(&default_lock);
}

struct gib_us_clock *gib_us_default_clock(void)
{
	struct gib_us_clock *c;

	pthread_mutex_lock(&default_lock);
	c = default_set;
	if (!c) {
		if (!default_real)
			default_real = gib_us_clock_create(GIB_US_CLOCK_REAL);
		c = default_real;
	}
	pthread_mutex_unlock(&default_lock);
	if (!c)
		die("cannot create the default real clock");
	return c;
}

void gib_pf_timer_init(struct gib_pf_timer *t, gib_pf_timer_fn fn)
{
	struct gib_us_clock *c = gib_us_default_clock();

	*t = (struct gib_pf_timer){ .clock = c, .fn = fn };
	pthread_mutex_lock(&c->lock);
	c->bound++;
	pthread_mutex_unlock(&c->lock);
}

void gib_pf_timer_start(struct gib_pf_timer *t, uint64_t delay_ns)
{
	struct gib_us_clock *c = t->clock;

	pthread_mutex_lock(&c->lock);
	if (t->queued)
		dequeue(c, t);	/* a queued timer moves */
	enqueue(c, t, add_sat(now_locked(c), delay_ns));
	pthread_mutex_unlock(&c->lock);
}

/* Under c->lock: dequeue @t and wait out a callback of it on another thread. */
static void cancel_locked(struct gib_us_clock *c, struct gib_pf_timer *t)
{
	for (;;) {
		if (t->queued)
			dequeue(c, t);
		if (c->running != t)
			return;
		if (pthread_equal(c->runner, pthread_self())) {
			pthread_mutex_unlock(&c->lock);
			die("gib_pf_timer_cancel() called from the timer's own callback");
		}
		/* The callback may re-queue it on return: loop and dequeue again. */
		c->cancel_waiters++;
		pthread_cond_wait(&c->done, &c->lock);
		c->cancel_waiters--;
	}
}

void gib_pf_timer_cancel(struct gib_pf_timer *t)
{
	struct gib_us_clock *c = t->clock;

	pthread_mutex_lock(&c->lock);
	cancel_locked(c, t);
	pthread_mutex_unlock(&c->lock);
}

void gib_pf_timer_destroy(struct gib_pf_timer *t)
{
	struct gib_us_clock *c = t->clock;

	if (!c)
		return;
	pthread_mutex_lock(&c->lock);
	/* The contract says stopped; stop it anyway rather than leave it queued. */
	cancel_locked(c, t);
	c->bound--;
	pthread_mutex_unlock(&c->lock);
	t->clock = NULL;
}
