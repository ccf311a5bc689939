// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * The concurrent engine: the model on real threads and a real clock, to race
 * the lock-free code.
 *
 * - device threads raise AIs (each device belongs to one thread);
 * - a host thread takes deferred GAL interruptions (a device thread that saw
 *   its AI raise one signals it, as the interruption line would) and runs
 *   the GISA life-cycle events;
 * - the real clock's thread runs the kick timers;
 * - one thread per vcpu runs in SIE, goes to enabled wait and sleeps on a
 *   condition variable until the core's wake_vcpu (or its own work) wakes it.
 *
 * Every thread that reads GISAs is an RCU reader (gib_us_thread_online()) and
 * wraps its GISA accesses in reader sections. Nothing sleeps to synchronise:
 * threads wait on condition variables for the event they need; only the
 * workload's own timing (pacing, own-work deadlines, the monitor) uses
 * timed waits.
 */
#include "engines.h"
#include "trace.h"

#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct conc {
	pthread_mutex_t mx;	/* host and monitor state below */
	pthread_cond_t host_cv;
	pthread_cond_t main_cv;
	int gal_signal;
	int stop;		/* atomic */
	uint64_t t0;
	uint64_t issued;	/* events claimed by device threads (atomic) */
	uint64_t drain_start;	/* atomic */
	pthread_t host;
	bool host_started;
	bool joined;		/* the device threads were joined */
	unsigned int nr_threads;
	struct dev_thread *dt;
};

struct dev_thread {
	struct sim *s;
	unsigned int t;
	pthread_t thread;
};

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static struct conc *C(struct sim *s)
{
	return s->engine;
}

static uint64_t conc_now(struct sim *s)
{
	return mono_ns() - C(s)->t0;
}

static struct timespec abs_ts(uint64_t mono)
{
	struct timespec ts = {
		.tv_sec = (time_t)(mono / 1000000000ull),
		.tv_nsec = (long)(mono % 1000000000ull),
	};

	return ts;
}

static bool stopping(struct sim *s)
{
	return __atomic_load_n(&C(s)->stop, __ATOMIC_ACQUIRE);
}

static bool draining(struct sim *s)
{
	return __atomic_load_n(&s->draining, __ATOMIC_ACQUIRE);
}

static void vtr(struct sim *s, struct sim_vcpu *sv, char ph, const char *name)
{
	sim_trace_ev(s->trace, conc_now, s, ph, sv->g->idx + 1, sv->idx + 1, name, NULL);
}

/* The core's wake_vcpu: runs on the clock's thread or a device thread. */
static void conc_wake(struct sim *s, struct sim_vcpu *sv)
{
	(void)s;
	pthread_mutex_lock(&sv->mx);
	__atomic_store_n(&sv->woken, 1, __ATOMIC_RELEASE);
	pthread_cond_signal(&sv->cv);
	pthread_mutex_unlock(&sv->mx);
}

static void conc_drained(struct sim *s)
{
	struct conc *c = C(s);

	pthread_mutex_lock(&c->mx);
	pthread_cond_signal(&c->main_cv);
	pthread_mutex_unlock(&c->mx);
}

/*
 * --walk-ns: whichever thread processes the alert list spends that long on
 * each GISA it unlinks (a busy wait: the processing CPU is busy), while the
 * device and vcpu threads run on.
 */
static void conc_unlinked(struct sim *s)
{
	uint64_t until;

	if (!s->o->walk_ns)
		return;
	until = mono_ns() + s->o->walk_ns;
	while (mono_ns() < until)
		;
}

static const struct sim_engine_ops conc_ops = {
	.now = conc_now,
	.wake = conc_wake,
	.drained = conc_drained,
	.unlinked = conc_unlinked,
};

static void start_drain(struct sim *s)
{
	struct conc *c = C(s);
	int expected = 0;

	if (__atomic_compare_exchange_n(&s->draining, &expected, 1, false, __ATOMIC_ACQ_REL,
					__ATOMIC_ACQUIRE)) {
		__atomic_store_n(&c->drain_start, conc_now(s), __ATOMIC_RELEASE);
		conc_drained(s);	/* let the monitor look */
	}
}

/* ---- vcpus ------------------------------------------------------------- */

/* Sleep in enabled wait until runnable; false if the run stops meanwhile. */
static bool wait_for_work(struct sim *s, struct sim_vcpu *sv)
{
	uint64_t deadline = 0;
	bool woke = false, r, w;
	int rc = 0;

	if (sv->idle_ns && !draining(s))
		deadline = mono_ns() + sim_prng_exp(&sv->prng, sv->idle_ns);
	for (;;) {
		gib_us_read_lock();
		r = gib_vcpu_runnable(&sv->v);
		gib_us_read_unlock();
		if (r)
			return true;
		if (woke) {
			sim_inc(&s->st.spurious_wakeups, 1);
			vtr(s, sv, 'i', "spurious_wakeup");
		}
		woke = false;
		pthread_mutex_lock(&sv->mx);
		while (!__atomic_load_n(&sv->woken, __ATOMIC_ACQUIRE) && !stopping(s)) {
			if (deadline && !draining(s)) {
				struct timespec ts = abs_ts(deadline);

				rc = pthread_cond_timedwait(&sv->cv, &sv->mx, &ts);
				if (rc)
					break;	/* ETIMEDOUT: own work is due */
			} else {
				pthread_cond_wait(&sv->cv, &sv->mx);
			}
		}
		w = __atomic_exchange_n(&sv->woken, 0, __ATOMIC_ACQ_REL);
		pthread_mutex_unlock(&sv->mx);
		if (stopping(s))
			return false;
		if (w) {
			sim_inc(&s->st.wakeups, 1);
			vtr(s, sv, 'i', "wake");
			woke = true;
			continue;
		}
		if (draining(s)) {
			deadline = 0;	/* no own work while draining */
			continue;
		}
		sim_inc(&s->st.own_wakeups, 1);
		vtr(s, sv, 'i', "own_wakeup");
		gib_us_read_lock();
		gib_vcpu_runnable(&sv->v);	/* the check clears the kicked bit */
		gib_us_read_unlock();
		return true;
	}
}

/* One SIE run, with the vcpu's run_lock held. */
static void run_in_sie(struct sim *s, struct sim_vcpu *sv)
{
	const struct sim_opts *o = s->o;
	uint64_t now = mono_ns(), io_until = 0, until;

	if (o->io_off && sim_prng_percent(&sv->prng, o->io_off)) {
		io_until = now + sim_prng_exp(&sv->prng, o->io_window_ns);
		gib_vcpu_set_io_enabled(&sv->v, false);
	}
	gib_vcpu_enter_sie(&sv->v);
	sim_inc(&s->st.sie_entries, 1);
	vtr(s, sv, 'B', "SIE");
	sim_take_all(s, sv, SIM_BY_HOST);
	until = (io_until ? io_until : now) + sim_prng_exp(&sv->prng, o->run_ns);
	for (;;) {
		now = mono_ns();
		if (io_until && now >= io_until) {
			io_until = 0;
			gib_vcpu_set_io_enabled(&sv->v, true);
			sim_take_all(s, sv, SIM_IN_SIE);
		}
		/* A wake-up while in SIE: the machine presents what is pending. */
		if (__atomic_exchange_n(&sv->woken, 0, __ATOMIC_ACQ_REL))
			sim_take_all(s, sv, SIM_IN_SIE);
		if (now >= until || stopping(s) ||
		    __atomic_load_n(&sv->g->pause_req, __ATOMIC_ACQUIRE))
			break;
		sched_yield();
	}
	if (io_until) {
		gib_vcpu_set_io_enabled(&sv->v, true);
		sim_take_all(s, sv, SIM_IN_SIE);
	}
	gib_vcpu_exit_sie(&sv->v);
	vtr(s, sv, 'E', "SIE");
}

static void *vcpu_main(void *arg)
{
	struct sim_vcpu *sv = arg;
	struct sim *s = sv->g->s;
	int rc;

	gib_us_thread_online();
	while (!sv->stopped && !stopping(s)) {
		pthread_mutex_lock(&sv->run_lock);
		if (stopping(s)) {
			pthread_mutex_unlock(&sv->run_lock);
			break;
		}
		if (!sim_sie_valid(sv)) {
			pthread_mutex_unlock(&sv->run_lock);
			break;	/* dead: a validity intercept */
		}
		run_in_sie(s, sv);
		pthread_mutex_unlock(&sv->run_lock);

		gib_us_read_lock();
		rc = gib_vcpu_prepare_wait(&sv->v);
		gib_us_read_unlock();
		if (rc == 1) {
			sim_inc(&s->st.wait_refused, 1);
			continue;
		}
		if (rc < 0) {
			sim_inc(&s->st.disabled_waits, 1);
			continue;
		}
		sim_inc(&s->st.waits, 1);
		vtr(s, sv, 'B', "wait");
		wait_for_work(s, sv);
		gib_vcpu_end_wait(&sv->v);
		vtr(s, sv, 'E', "wait");
	}
	/* Stopped or dead: park until the run ends. */
	pthread_mutex_lock(&sv->mx);
	while (!stopping(s))
		pthread_cond_wait(&sv->cv, &sv->mx);
	pthread_mutex_unlock(&sv->mx);
	gib_us_thread_offline();
	return NULL;
}

/* ---- devices ----------------------------------------------------------- */

static void signal_gal(struct sim *s)
{
	struct conc *c = C(s);

	pthread_mutex_lock(&c->mx);
	c->gal_signal = 1;
	pthread_cond_signal(&c->host_cv);
	pthread_mutex_unlock(&c->mx);
}

/* Wait for the next arrival: yield when it is close, else a timed sleep. */
static void pace(uint64_t until)
{
	uint64_t now = mono_ns();

	if (until <= now)
		return;
	if (until - now < 20000) {
		while (mono_ns() < until)
			sched_yield();
		return;
	}
	{
		struct timespec ts = abs_ts(until);

		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL))
			;
	}
}

static void *dev_main(void *arg)
{
	struct dev_thread *dt = arg;
	struct sim *s = dt->s;
	struct conc *c = C(s);
	const struct sim_opts *o = s->o;
	struct sim_device **mine;
	uint64_t *next;
	unsigned int n = 0, i;
	struct sim_prng r;

	gib_us_thread_online();
	sim_prng_seed(&r, o->seed, 0x200000ull + dt->t);
	mine = calloc(s->nr_devs, sizeof(*mine));
	next = calloc(s->nr_devs, sizeof(*next));
	if (!mine || !next)
		goto out;
	for (i = dt->t; i < s->nr_devs; i += c->nr_threads)
		mine[n++] = &s->devs[i];
	for (i = 0; i < n; i++)
		next[i] = mono_ns() + sim_prng_exp(&r, o->rate_ns);
	while (n && !stopping(s) && !draining(s)) {
		struct sim_device *d;
		unsigned int pick = 0, k, burst;

		if (o->rate_ns) {
			for (i = 1; i < n; i++)
				if (next[i] < next[pick])
					pick = i;
			pace(next[pick]);
		} else {
			pick = (unsigned int)sim_prng_below(&r, n);
		}
		d = mine[pick];
		burst = 1 + (unsigned int)sim_prng_below(&r, o->burst);
		for (k = 0; k < burst; k++) {
			struct gib_us_ai_result res;
			int rc;

			if (o->ais && __atomic_fetch_add(&c->issued, 1, __ATOMIC_RELAXED) >= o->ais) {
				start_drain(s);
				goto out;
			}
			/* Quiet while the host changes the guest's GISA. */
			if (o->cycle != SIM_CYCLE_NONE)
				pthread_rwlock_rdlock(&d->g->life);
			rc = sim_raise(s, d, &res);
			if (o->cycle != SIM_CYCLE_NONE)
				pthread_rwlock_unlock(&d->g->life);
			if (rc > 0 && !d->host_injected && res.outcome == GIB_US_AI_LINKED_GAL &&
			    o->gal == SIM_GAL_DEFERRED)
				signal_gal(s);
		}
		if (o->rate_ns)
			next[pick] += sim_prng_exp(&r, o->rate_ns);
	}
out:
	free(mine);
	free(next);
	gib_us_thread_offline();
	return NULL;
}

/* ---- host -------------------------------------------------------------- */

static void pause_guest(struct sim_guest *g, bool on)
{
	unsigned int i;

	if (on) {
		/* Ask running vcpus to leave SIE, then hold them out. */
		__atomic_store_n(&g->pause_req, 1, __ATOMIC_RELEASE);
		for (i = 0; i < g->nr_vcpus; i++)
			pthread_mutex_lock(&g->vcpus[i].run_lock);
	} else {
		for (i = g->nr_vcpus; i-- > 0;)
			pthread_mutex_unlock(&g->vcpus[i].run_lock);
		__atomic_store_n(&g->pause_req, 0, __ATOMIC_RELEASE);
	}
}

/* With c->mx held: let a disabled GISA stay off for the window. */
static void window(struct sim *s)
{
	struct conc *c = C(s);
	uint64_t until = mono_ns() + s->o->cycle_window_ns;
	struct timespec ts = abs_ts(until);

	while (!stopping(s) && mono_ns() < until)
		if (pthread_cond_timedwait(&c->host_cv, &c->mx, &ts))
			break;
}

static void cycle(struct sim *s)
{
	struct conc *c = C(s);
	struct sim_guest *g = sim_cycle_target(s);
	bool gal;

	if (!g)
		return;
	pthread_rwlock_wrlock(&g->life);
	pause_guest(g, true);
	sim_cycle_begin(s, g);
	if (s->o->cycle == SIM_CYCLE_DISABLE) {
		/* vcpus run without a GISA for a while; devices stay quiet. */
		pause_guest(g, false);
		pthread_mutex_lock(&c->mx);
		window(s);
		pthread_mutex_unlock(&c->mx);
		pause_guest(g, true);
	}
	gal = sim_cycle_end(s, g);
	pause_guest(g, false);
	pthread_rwlock_unlock(&g->life);
	if (gal)
		signal_gal(s);
}

static void *host_main(void *arg)
{
	struct sim *s = arg;
	struct conc *c = C(s);
	int n;

	gib_us_thread_online();
	pthread_mutex_lock(&c->mx);
	for (;;) {
		while (!c->gal_signal && !stopping(s))
			pthread_cond_wait(&c->host_cv, &c->mx);
		if (stopping(s))
			break;
		c->gal_signal = 0;
		pthread_mutex_unlock(&c->mx);
		n = gib_us_machine_take_gal(&s->machine);
		if (n > 0) {
			if (sim_gal_due_cycle(s))
				cycle(s);
			sim_gal_handle(s);
		}
		pthread_mutex_lock(&c->mx);
	}
	pthread_mutex_unlock(&c->mx);
	gib_us_thread_offline();
	return NULL;
}

/* ---- the run ------------------------------------------------------------ */

/* Wait for the drain (or a stall) to end the run. With c->mx held. */
static void monitor(struct sim *s)
{
	struct conc *c = C(s);
	const struct sim_opts *o = s->o;
	unsigned int i;

	for (;;) {
		uint64_t now = conc_now(s), wake = now + 10000000;	/* look every 10 ms */
		uint64_t out = __atomic_load_n(&s->outstanding, __ATOMIC_SEQ_CST);
		uint64_t lp = __atomic_load_n(&s->last_progress, __ATOMIC_RELAXED);
		struct timespec ts;

		if (!draining(s) && o->duration_ns && now >= o->duration_ns)
			start_drain(s);
		if (draining(s) && !c->joined) {
			/* No raise may be in flight when the drain is judged. */
			pthread_mutex_unlock(&c->mx);
			for (i = 0; i < c->nr_threads; i++)
				pthread_join(c->dt[i].thread, NULL);
			pthread_mutex_lock(&c->mx);
			c->joined = true;
			continue;
		}
		if (c->joined && !out)
			return;
		if (c->joined && now - __atomic_load_n(&c->drain_start, __ATOMIC_ACQUIRE) >=
		    o->drain_ns)
			return;
		/* While AIs still come; in the drain, its bound decides (lost). */
		if (!draining(s) && out && now > lp && now - lp >= o->stall_ns) {
			s->st.stalled = 1;
			return;
		}
		sim_progress(s, now, false);
		ts = abs_ts(c->t0 + wake);
		pthread_cond_timedwait(&c->main_cv, &c->mx, &ts);
	}
}

/* Host, vcpu and device threads; on failure, what started is counted. */
static int start_threads(struct sim *s, unsigned int *nv, unsigned int *nd)
{
	struct conc *c = C(s);
	int rc;

	rc = pthread_create(&c->host, NULL, host_main, s);
	if (rc)
		goto fail;
	c->host_started = true;
	for (; *nv < s->nr_vcpus; (*nv)++) {
		rc = pthread_create(&s->vcpus[*nv]->thread, NULL, vcpu_main, s->vcpus[*nv]);
		if (rc)
			goto fail;
	}
	for (; *nd < c->nr_threads; (*nd)++) {
		c->dt[*nd] = (struct dev_thread){ .s = s, .t = *nd };
		rc = pthread_create(&c->dt[*nd].thread, NULL, dev_main, &c->dt[*nd]);
		if (rc)
			goto fail;
	}
	return 0;
fail:
	fprintf(stderr, "gibsim: cannot start a thread: %s\n", strerror(rc));
	return -rc;
}

int sim_run_concurrent(struct sim *s)
{
	struct conc c = { 0 };
	struct gib_us_clock *clock;
	pthread_condattr_t cattr;
	unsigned int i, nv = 0, nd = 0;
	int rc;

	s->ops = &conc_ops;
	s->engine = &c;
	pthread_mutex_init(&c.mx, NULL);
	pthread_condattr_init(&cattr);
	pthread_condattr_setclock(&cattr, CLOCK_MONOTONIC);
	pthread_cond_init(&c.host_cv, &cattr);
	pthread_cond_init(&c.main_cv, &cattr);
	pthread_condattr_destroy(&cattr);
	c.nr_threads = s->o->threads;
	c.dt = calloc(c.nr_threads, sizeof(*c.dt));
	clock = gib_us_clock_create(GIB_US_CLOCK_REAL);
	if (!clock || !c.dt) {
		fprintf(stderr, "gibsim: cannot create the real clock\n");
		free(c.dt);
		return -ENOMEM;
	}
	c.t0 = mono_ns();
	rc = sim_build(s, clock);
	if (rc)
		goto out;

	rc = start_threads(s, &nv, &nd);
	if (!rc) {
		pthread_mutex_lock(&c.mx);
		monitor(s);
		pthread_mutex_unlock(&c.mx);
	}

	s->st.sim_ns = __atomic_load_n(&c.drain_start, __ATOMIC_ACQUIRE);
	if (!s->st.sim_ns)
		s->st.sim_ns = conc_now(s);
	else
		s->st.drain_ns = conc_now(s) - s->st.sim_ns;
	sim_progress(s, conc_now(s), true);

	/* Stop everyone: device threads first (the drain joined them already). */
	start_drain(s);
	__atomic_store_n(&c.stop, 1, __ATOMIC_RELEASE);
	pthread_mutex_lock(&c.mx);
	pthread_cond_broadcast(&c.host_cv);
	pthread_mutex_unlock(&c.mx);
	for (i = 0; i < nv; i++) {
		pthread_mutex_lock(&s->vcpus[i]->mx);
		pthread_cond_broadcast(&s->vcpus[i]->cv);
		pthread_mutex_unlock(&s->vcpus[i]->mx);
	}
	if (!c.joined)
		for (i = 0; i < nd; i++)
			pthread_join(c.dt[i].thread, NULL);
	if (c.host_started)
		pthread_join(c.host, NULL);
	for (i = 0; i < nv; i++)
		pthread_join(s->vcpus[i]->thread, NULL);
	if (!rc && sim_finish(s))
		rc = -EPROTO;
out:
	sim_teardown(s);
	gib_us_clock_destroy(clock);
	pthread_cond_destroy(&c.host_cv);
	pthread_cond_destroy(&c.main_cv);
	pthread_mutex_destroy(&c.mx);
	free(c.dt);
	s->engine = NULL;
	return rc;
}
