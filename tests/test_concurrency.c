/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * The core under real threads (suite "concurrency"): pusher threads raise
 * adapter interruptions through the machine model on several guests while a
 * host thread handles the deferred GAL interruptions and drives the kick
 * timers, and vcpu threads wait, wake and take AIs in SIE.
 *
 * Conservation uses the indicator pattern of real adapters: before raising
 * an AI on (guest, ISC) a pusher adds one to that pair's indicator; whoever
 * takes the AI (a vcpu through host delivery, or the machine for a vcpu in
 * SIE) drains the indicator with one exchange. AIs coalesce in the IPM, the
 * indicators do not: at the end the drained sum of every pair must equal the
 * pushed sum, exactly. An AI the protocol lost (no alert, no kick, no
 * wake-up) leaves its indicator undrained and the sums apart.
 *
 * Mid-run, with the pushers stopped and the host thread parked between two
 * steps, every guest is checked: an alert ISC pending in the IPM is either in
 * a GISA linked into the alert list (whose GAL is due), or in a GISA whose
 * IAM is off for it and whose kick timer is queued.
 *
 * Nothing here sleeps: threads meet through barriers, mutexes, condition
 * variables and atomics. The only timed wait is a generous deadline on the
 * final drain, a failure detector that turns a lost AI into a diagnosis
 * instead of a hang.
 */
#include "gib_test.h"
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <time.h>

#if defined(__SANITIZE_THREAD__)
#define UNDER_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define UNDER_TSAN 1
#endif
#endif
#ifdef UNDER_TSAN
#define AIS_PER_PUSHER 20000u
#else
#define AIS_PER_PUSHER 200000u
#endif

#define NR_GUESTS 3
#define NR_VCPUS 2
#define NR_PUSHERS 2
#define NR_ISCS_USED 6		/* ISC 0..5 registered and raised */
#define DEADLINE_S 60

struct conc;
struct cguest;

struct cvcpu {
	struct conc *c;
	struct cguest *g;
	unsigned int idx;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool woken;			/* under @lock */
};

struct cguest {
	struct gib_guest gi;
	struct gib_vcpu v[NR_VCPUS];
	struct cvcpu cv[NR_VCPUS];
	uint64_t indicator[GIB_NR_ISCS];	/* atomic */
	uint64_t drained[GIB_NR_ISCS];		/* atomic */
	uint64_t pushed[GIB_NR_ISCS];		/* summed after the pushers joined */
};

struct conc {
	struct gib_us_machine m;
	struct gib_host host;
	struct gib_us_clock *clock;
	struct cguest g[NR_GUESTS];
	pthread_mutex_t lock;	/* with @cond: the events below */
	pthread_cond_t cond;
	uint64_t gen;		/* bumped on every event the host may act on */
	uint64_t drained;	/* AIs drained so far, under @lock */
	bool pause, paused, stop_host, stop_vcpus;
	uint64_t vcpu_takes;	/* IPM bits the vcpus took, atomic */
	uint64_t host_drives;	/* atomic */
	unsigned int errors;	/* atomic */
	pthread_barrier_t start;
};

static void error(struct conc *c)
{
	__atomic_fetch_add(&c->errors, 1, __ATOMIC_RELAXED);
}

/* Something happened that the host or a drain waiter may act on. */
static void bump(struct conc *c, uint64_t drained)
{
	pthread_mutex_lock(&c->lock);
	c->gen++;
	c->drained += drained;
	pthread_cond_broadcast(&c->cond);
	pthread_mutex_unlock(&c->lock);
}

/* The guest's interrupt handler for @isc: drain the pair's indicator. */
static uint64_t drain(struct cguest *g, unsigned int isc)
{
	uint64_t n = __atomic_exchange_n(&g->indicator[isc], 0, __ATOMIC_SEQ_CST);

	__atomic_fetch_add(&g->drained[isc], n, __ATOMIC_SEQ_CST);
	return n;
}

static void wake_vcpu(struct gib_guest *gi, struct gib_vcpu *vcpu)
{
	struct cguest *g = GIB_CONTAINER_OF(gi, struct cguest, gi);
	struct cvcpu *cv = &g->cv[vcpu->idx];

	pthread_mutex_lock(&cv->lock);
	cv->woken = true;
	pthread_cond_signal(&cv->cond);
	pthread_mutex_unlock(&cv->lock);
}

static const struct gib_guest_ops ops = { .wake_vcpu = wake_vcpu };

/* ---- Threads ----------------------------------------------------------- */

struct pusher {
	struct conc *c;
	unsigned int id;
	pthread_t thread;
	uint64_t pushed[NR_GUESTS][GIB_NR_ISCS];
};

static void *pusher_fn(void *arg)
{
	struct pusher *p = arg;
	struct conc *c = p->c;
	uint32_t x = 0x9e3779b9u * (p->id + 1);
	unsigned int k;

	gib_us_thread_online();
	pthread_barrier_wait(&c->start);
	for (k = 0; k < AIS_PER_PUSHER; k++) {
		struct gib_us_ai_result r;
		unsigned int gno, isc;
		struct cguest *g;

		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		gno = x % NR_GUESTS;
		isc = (x >> 8) % NR_ISCS_USED;
		g = &c->g[gno];
		/* The device sets its indicator, then the machine raises the AI. */
		__atomic_fetch_add(&g->indicator[isc], 1, __ATOMIC_SEQ_CST);
		p->pushed[gno][isc]++;
		if (gib_us_machine_raise_ai(&c->m, &g->gi, isc, &r)) {
			error(c);
			continue;
		}
		if (r.outcome == GIB_US_AI_DELIVERED_IN_SIE)
			bump(c, drain(g, isc));	/* the vcpu in SIE handles it */
		else if (r.outcome == GIB_US_AI_LINKED_GAL)
			bump(c, 0);		/* a GAL for the host */
		if ((k & 31) == 0)
			sched_yield();	/* let vcpus go to wait and the host work */
	}
	gib_us_thread_offline();
	return NULL;
}

/*
 * The host: on every event, handle the GALs raised so far, then let every
 * queued kick timer run once (they are all due within one period).
 */
static void *host_fn(void *arg)
{
	struct conc *c = arg;
	uint64_t seen = 0;

	pthread_barrier_wait(&c->start);
	pthread_mutex_lock(&c->lock);
	for (;;) {
		while (c->gen == seen && !c->stop_host && !c->pause)
			pthread_cond_wait(&c->cond, &c->lock);
		if (c->stop_host)
			break;
		if (c->pause) {
			c->paused = true;
			pthread_cond_broadcast(&c->cond);
			while (c->pause && !c->stop_host)
				pthread_cond_wait(&c->cond, &c->lock);
			c->paused = false;
			continue;
		}
		seen = c->gen;
		pthread_mutex_unlock(&c->lock);

		if (gib_us_machine_take_gal(&c->m) > 0)
			gib_gal_interrupt(&c->host);
		gib_us_clock_run_until(c->clock, gib_us_clock_now(c->clock) + GIB_KICK_EXPIRES_NS);
		__atomic_fetch_add(&c->host_drives, 1, __ATOMIC_RELAXED);

		pthread_mutex_lock(&c->lock);
	}
	pthread_mutex_unlock(&c->lock);
	return NULL;
}

/* Enabled wait as KVM's vcpu block; false on stop. */
static bool vcpu_wait(struct cvcpu *cv)
{
	struct gib_vcpu *v = &cv->g->v[cv->idx];
	struct conc *c = cv->c;

	for (;;) {
		int rc = gib_vcpu_prepare_wait(v);
		bool stop;

		if (rc == 1)
			return true;
		if (rc) {
			error(c);
			return false;
		}
		/* Idle and IAM re-armed: a kick may now find this vcpu. */
		bump(c, 0);
		pthread_mutex_lock(&cv->lock);
		while (!cv->woken && !__atomic_load_n(&c->stop_vcpus, __ATOMIC_ACQUIRE))
			pthread_cond_wait(&cv->cond, &cv->lock);
		cv->woken = false;
		pthread_mutex_unlock(&cv->lock);
		gib_vcpu_end_wait(v);
		stop = __atomic_load_n(&c->stop_vcpus, __ATOMIC_ACQUIRE);
		if (stop)
			return false;
		if (gib_vcpu_runnable(v))
			return true;
		/* Someone else took it: back to sleep (kicked bit cleared). */
	}
}

static void *vcpu_fn(void *arg)
{
	struct cvcpu *cv = arg;
	struct gib_vcpu *v = &cv->g->v[cv->idx];
	struct conc *c = cv->c;

	pthread_barrier_wait(&c->start);
	do {
		uint64_t n = 0, d = 0;
		int isc;

		gib_vcpu_enter_sie(v);
		while ((isc = gib_vcpu_take_ai(v, NULL)) >= 0) {
			d += drain(cv->g, (unsigned int)isc);
			n++;
		}
		/* Run a little in SIE: the machine may deliver here meanwhile. */
		if (n & 1)
			sched_yield();
		gib_vcpu_exit_sie(v);
		if (n) {
			__atomic_fetch_add(&c->vcpu_takes, n, __ATOMIC_RELAXED);
			bump(c, d);
		}
	} while (vcpu_wait(cv));
	return NULL;
}

/* ---- Set up and checks ------------------------------------------------- */

static struct conc *conc_up(void)
{
	struct gib_us_machine_config cfg = t_cfg(true, true);
	struct conc *c = calloc(1, sizeof(*c));
	unsigned int i, j, isc;

	assert_non_null(c);
	pthread_mutex_init(&c->lock, NULL);
	pthread_cond_init(&c->cond, NULL);
	c->clock = gib_us_clock_create(GIB_US_CLOCK_SIM);
	assert_non_null(c->clock);
	gib_us_set_default_clock(c->clock);
	assert_int_equal(gib_us_machine_init(&c->m, &cfg), 0);
	assert_int_equal(gib_us_host_attach(&c->host, &c->m), 0);
	c->host.cut_policy = t_cut_policy();
	assert_int_equal(gib_init(&c->host, GIB_GAL_ISC), 0);
	for (i = 0; i < NR_GUESTS; i++) {
		struct cguest *g = &c->g[i];

		assert_int_equal(gib_guest_init(&g->gi, &c->host, &ops, c), 0);
		assert_int_equal(gib_gisa_init(&g->gi), 0);
		for (j = 0; j < NR_VCPUS; j++) {
			struct cvcpu *cv = &g->cv[j];

			*cv = (struct cvcpu){ .c = c, .g = g, .idx = j };
			pthread_mutex_init(&cv->lock, NULL);
			pthread_cond_init(&cv->cond, NULL);
			assert_int_equal(gib_vcpu_add(&g->gi, &g->v[j], 50 - 7 * j, NULL), (int)j);
			/*
			 * vcpu 0 takes ISC 0..3 only, vcpu 1 every ISC: a kick
			 * for ISC 4 or 5 must pass vcpu 0 by.
			 */
			gib_vcpu_set_cr6(&g->v[j], (uint64_t)(j ? 0xff : 0xf0) << 24);
			gib_vcpu_set_io_enabled(&g->v[j], true);
		}
		for (isc = 0; isc < NR_ISCS_USED; isc++)
			assert_int_equal(gib_gisc_register(&g->gi, isc), GIB_GAL_ISC);
	}
	return c;
}

static void conc_down(struct conc *c)
{
	unsigned int i, j;

	for (i = 0; i < NR_GUESTS; i++) {
		if (gib_guest_gisa(&c->g[i].gi))
			t_unregister_all(&c->g[i].gi);
		assert_int_equal(gib_guest_destroy(&c->g[i].gi), 0);
		for (j = 0; j < NR_VCPUS; j++) {
			pthread_cond_destroy(&c->g[i].cv[j].cond);
			pthread_mutex_destroy(&c->g[i].cv[j].lock);
		}
	}
	assert_int_equal(gib_destroy(&c->host), 0);
	assert_int_equal(gib_us_machine_fini(&c->m), 0);
	gib_us_set_default_clock(NULL);
	assert_int_equal(gib_us_clock_destroy(c->clock), 0);
	pthread_cond_destroy(&c->cond);
	pthread_mutex_destroy(&c->lock);
	assert_int_equal(gib_us_arena_used(), 0);
	free(c);
}

static void dump(struct conc *c)
{
	unsigned int i, isc;

	fprintf(stderr, "origin %#x, drives %llu\n", gib_alert_list_origin(&c->host),
		(unsigned long long)__atomic_load_n(&c->host_drives, __ATOMIC_RELAXED));
	for (i = 0; i < NR_GUESTS; i++) {
		struct cguest *g = &c->g[i];

		fprintf(stderr, "guest %u: word %016llx linked %d timer queued %d\n", i,
			(unsigned long long)gib_gisa_load_word(gib_guest_gisa(&g->gi)),
			gib_gisa_in_alert_list(gib_guest_gisa(&g->gi)),
			__atomic_load_n(&g->gi.timer.queued, __ATOMIC_SEQ_CST));
		for (isc = 0; isc < NR_ISCS_USED; isc++)
			fprintf(stderr, "  isc %u: pushed %llu drained %llu indicator %llu\n", isc,
				(unsigned long long)g->pushed[isc],
				(unsigned long long)__atomic_load_n(&g->drained[isc],
								   __ATOMIC_SEQ_CST),
				(unsigned long long)__atomic_load_n(&g->indicator[isc],
								   __ATOMIC_SEQ_CST));
	}
}

/*
 * With the pushers gone and the host parked: every pending alert ISC is in a
 * linked GISA whose GAL is due, or in a GISA whose IAM is off for it and
 * whose kick timer is queued. vcpus keep running meanwhile; they only clear
 * IPM bits, re-arm an IAM whose IPM is clear, and set idle bits, none of
 * which can break the property. The checker takes the host's role for the
 * GAL it collects.
 */
static void check_quiescent(struct conc *c)
{
	bool listed[NR_GUESTS] = { false };
	int gals = gib_us_machine_take_gal(&c->m);
	uint32_t v = gib_alert_list_origin(&c->host);
	unsigned int i, steps = 0;
	bool ok = true;

	assert_true(gals >= 0);
	/* Nobody is processing: the origin is no NONE. */
	if (v == GIB_NONE_GISA_ADDR)
		ok = false;
	/* A list exists only with its GAL still to be handled. */
	if ((v & GIB_GISA_ADDR_MASK) && gals == 0)
		ok = false;
	while (ok && (v & GIB_GISA_ADDR_MASK)) {
		for (i = 0; i < NR_GUESTS; i++)
			if (v == gib_gisa_maddr(gib_guest_gisa(&c->g[i].gi)))
				break;
		if (i == NR_GUESTS || listed[i] || ++steps > NR_GUESTS) {
			ok = false;
			break;
		}
		listed[i] = true;
		v = (uint32_t)(gib_gisa_load_word(gib_guest_gisa(&c->g[i].gi)) >> 32);
	}
	if (v != GIB_NULL_GISA_ADDR)
		ok = false;
	for (i = 0; ok && i < NR_GUESTS; i++) {
		struct gib_guest *gi = &c->g[i].gi;
		struct gib_gisa *gisa = gib_guest_gisa(gi);
		uint64_t w = gib_gisa_load_word(gisa);
		bool linked = (uint32_t)(w >> 32) != gib_gisa_maddr(gisa);
		uint8_t pending = (uint8_t)(w >> 24) & gib_gisc_alert_mask(gi);

		/*
		 * The host thread, the only one that starts, cancels and runs
		 * timers, is parked and synchronised with us through c->lock.
		 */
		bool queued = __atomic_load_n(&gi->timer.queued, __ATOMIC_SEQ_CST);

		if (linked != listed[i])
			ok = false;
		if (pending && !linked && (((uint8_t)w & pending) || !queued))
			ok = false;
	}
	if (!ok)
		dump(c);
	assert_true(ok);
	if (gals > 0)
		gib_gal_interrupt(&c->host);
}

/* ---- The test ---------------------------------------------------------- */

static void test_every_ai_delivered(void **state)
{
	struct pusher p[NR_PUSHERS];
	struct gib_us_machine_stats st;
	struct timespec deadline;
	uint64_t total = 0, drained = 0;
	pthread_t host;
	struct conc *c;
	unsigned int i, j, isc;
	int rc = 0;

	(void)state;
	c = conc_up();
	assert_int_equal(pthread_barrier_init(&c->start, NULL,
					      1 + NR_PUSHERS + NR_GUESTS * NR_VCPUS), 0);
	assert_int_equal(pthread_create(&host, NULL, host_fn, c), 0);
	for (i = 0; i < NR_GUESTS; i++)
		for (j = 0; j < NR_VCPUS; j++)
			assert_int_equal(pthread_create(&c->g[i].cv[j].thread, NULL, vcpu_fn,
							&c->g[i].cv[j]), 0);
	for (i = 0; i < NR_PUSHERS; i++) {
		memset(&p[i], 0, sizeof(p[i]));
		p[i].c = c;
		p[i].id = i;
		assert_int_equal(pthread_create(&p[i].thread, NULL, pusher_fn, &p[i]), 0);
	}
	for (i = 0; i < NR_PUSHERS; i++)
		assert_int_equal(pthread_join(p[i].thread, NULL), 0);
	for (i = 0; i < NR_PUSHERS; i++)
		for (j = 0; j < NR_GUESTS; j++)
			for (isc = 0; isc < GIB_NR_ISCS; isc++) {
				c->g[j].pushed[isc] += p[i].pushed[j][isc];
				total += p[i].pushed[j][isc];
			}
	assert_int_equal(total, (uint64_t)NR_PUSHERS * AIS_PER_PUSHER);

	/* Park the host between two steps and check where every AI is. */
	pthread_mutex_lock(&c->lock);
	c->pause = true;
	pthread_cond_broadcast(&c->cond);
	while (!c->paused)
		pthread_cond_wait(&c->cond, &c->lock);
	pthread_mutex_unlock(&c->lock);
	check_quiescent(c);
	pthread_mutex_lock(&c->lock);
	c->pause = false;
	c->gen++;
	pthread_cond_broadcast(&c->cond);
	pthread_mutex_unlock(&c->lock);

	/* Only the protocol (alerts, kicks, wake-ups) may deliver the rest. */
	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += DEADLINE_S;
	pthread_mutex_lock(&c->lock);
	while (c->drained < total && rc != ETIMEDOUT)
		rc = pthread_cond_timedwait(&c->cond, &c->lock, &deadline);
	drained = c->drained;
	c->stop_host = true;
	pthread_cond_broadcast(&c->cond);
	pthread_mutex_unlock(&c->lock);
	if (drained != total)
		dump(c);
	assert_int_equal(drained, total);

	assert_int_equal(pthread_join(host, NULL), 0);
	__atomic_store_n(&c->stop_vcpus, true, __ATOMIC_RELEASE);
	for (i = 0; i < NR_GUESTS; i++) {
		for (j = 0; j < NR_VCPUS; j++) {
			struct cvcpu *cv = &c->g[i].cv[j];

			pthread_mutex_lock(&cv->lock);
			pthread_cond_signal(&cv->cond);
			pthread_mutex_unlock(&cv->lock);
			assert_int_equal(pthread_join(cv->thread, NULL), 0);
		}
	}
	pthread_barrier_destroy(&c->start);
	assert_int_equal(__atomic_load_n(&c->errors, __ATOMIC_RELAXED), 0);

	/* Exact conservation, pair by pair. */
	for (i = 0; i < NR_GUESTS; i++) {
		struct gib_gisa *gisa = gib_guest_gisa(&c->g[i].gi);

		for (isc = 0; isc < GIB_NR_ISCS; isc++) {
			assert_int_equal(c->g[i].drained[isc], c->g[i].pushed[isc]);
			assert_int_equal(c->g[i].indicator[isc], 0);
		}
		assert_int_equal(gib_gisa_get_ipm(gisa), 0);
	}
	/* Every IPM bit that went 0 -> 1 went 1 -> 0 exactly once. */
	assert_int_equal(gib_us_machine_stats(&c->m, &st), 0);
	assert_int_equal(st.ais_raised, total);
	assert_int_equal(st.ais_raised - st.coalesced,
			 st.delivered_in_sie + __atomic_load_n(&c->vcpu_takes, __ATOMIC_RELAXED));
	assert_int_equal(st.gals_dropped, 0);

	/* Quiet: one last pass empties the list, the timers re-arm every IAM. */
	if (gib_us_machine_take_gal(&c->m) > 0 || gib_alert_list_origin(&c->host))
		gib_gal_interrupt(&c->host);
	assert_int_equal(gib_alert_list_origin(&c->host), GIB_NULL_GISA_ADDR);
	{
		uint64_t t;
		unsigned int guard = 0;

		while (gib_us_clock_next_expiry(c->clock, &t) == 0) {
			gib_us_clock_run_until(c->clock, t);
			assert_true(++guard < 10000);
		}
	}
	for (i = 0; i < NR_GUESTS; i++) {
		struct gib_gisa *gisa = gib_guest_gisa(&c->g[i].gi);

		assert_int_equal(gib_gisa_in_alert_list(gisa), 0);
		assert_int_equal(gib_gisa_get_iam(gisa), gib_gisc_alert_mask(&c->g[i].gi));
	}
	printf("conservation: %llu AIs, %llu coalesced, %llu in SIE, %llu by vcpus, "
	       "%llu linked, %llu GALs, %llu host steps\n",
	       (unsigned long long)st.ais_raised, (unsigned long long)st.coalesced,
	       (unsigned long long)st.delivered_in_sie,
	       (unsigned long long)c->vcpu_takes, (unsigned long long)st.linked,
	       (unsigned long long)st.gals_raised, (unsigned long long)c->host_drives);
	conc_down(c);
}

/* ---- Restore against registration -------------------------------------- */

#ifdef UNDER_TSAN
#define TOGGLES 2000u
#else
#define TOGGLES 50000u
#endif

struct rr {
	struct conc *c;
	struct cvcpu *cv;
	bool *done;
	pthread_barrier_t *start;
};

static void *registrar_fn(void *arg)
{
	struct rr *r = arg;
	struct gib_guest *gi = &r->c->g[0].gi;
	unsigned int k;

	pthread_barrier_wait(r->start);
	for (k = 0; k < TOGGLES; k++) {
		unsigned int isc = 6 + (k & 1);

		if (gib_gisc_register(gi, isc) != GIB_GAL_ISC || gib_gisc_unregister(gi, isc))
			error(r->c);
	}
	/* End with ISC 6 registered: the last mask differs from the first. */
	if (gib_gisc_register(gi, 6) != GIB_GAL_ISC)
		error(r->c);
	__atomic_store_n(r->done, true, __ATOMIC_RELEASE);
	return NULL;
}

static void *waiter_fn(void *arg)
{
	struct rr *r = arg;
	struct gib_vcpu *v = &r->cv->g->v[r->cv->idx];

	pthread_barrier_wait(r->start);
	do {
		/* Nothing is ever pending: each call re-arms the IAM from the mask. */
		if (gib_vcpu_prepare_wait(v) != 0)
			error(r->c);
		gib_vcpu_end_wait(v);
	} while (!__atomic_load_n(r->done, __ATOMIC_ACQUIRE));
	return NULL;
}

/*
 * gib_gisa_get_ipm_or_restore_iam() (on the before-wait path) races GISC
 * registration's set_iam. The restore re-reads the alert mask on every CAS
 * retry and after reading the word, so it never writes an older mask over
 * a newer IAM: once everybody stopped, the IAM is the last mask.
 */
static void test_restore_never_undoes_registration(void **state)
{
	pthread_barrier_t start;
	pthread_t reg, w[NR_VCPUS];
	struct rr rr[1 + NR_VCPUS];
	struct gib_gisa *gisa;
	bool done = false;
	struct conc *c;
	unsigned int i;

	(void)state;
	c = conc_up();
	gisa = gib_guest_gisa(&c->g[0].gi);
	assert_int_equal(pthread_barrier_init(&start, NULL, 1 + NR_VCPUS), 0);
	for (i = 0; i <= NR_VCPUS; i++)
		rr[i] = (struct rr){ .c = c, .cv = &c->g[0].cv[i ? i - 1 : 0], .done = &done,
				     .start = &start };
	assert_int_equal(pthread_create(&reg, NULL, registrar_fn, &rr[0]), 0);
	for (i = 0; i < NR_VCPUS; i++)
		assert_int_equal(pthread_create(&w[i], NULL, waiter_fn, &rr[1 + i]), 0);
	assert_int_equal(pthread_join(reg, NULL), 0);
	for (i = 0; i < NR_VCPUS; i++)
		assert_int_equal(pthread_join(w[i], NULL), 0);
	pthread_barrier_destroy(&start);
	assert_int_equal(__atomic_load_n(&c->errors, __ATOMIC_RELAXED), 0);
	assert_int_equal(gib_gisc_alert_mask(&c->g[0].gi), 0xfc | t_isc_bit(6));
	/* Every registered ISC armed; a restore may have added a stale bit. */
	assert_int_equal(gib_gisa_get_iam(gisa) & gib_gisc_alert_mask(&c->g[0].gi),
			 gib_gisc_alert_mask(&c->g[0].gi));
	assert_int_equal(gib_gisa_get_ipm(gisa), 0);
	assert_int_equal(gib_gisa_in_alert_list(gisa), 0);
	conc_down(c);
}

/* ---- Several CPUs process the alert list at once ------------------------ */

struct multi {
	struct conc *c;
	bool stop;			/* atomic */
	uint64_t unlinks[NR_GUESTS];	/* trace, atomic */
	uint64_t returned;		/* sum of gib_process_alert_list(), atomic */
	pthread_barrier_t start;
};

static void multi_unlink(void *priv, struct gib_guest *gi)
{
	struct multi *mu = priv;
	unsigned int i;

	for (i = 0; i < NR_GUESTS; i++)
		if (gi == &mu->c->g[i].gi)
			__atomic_fetch_add(&mu->unlinks[i], 1, __ATOMIC_RELAXED);
}

static const struct gib_trace_ops multi_trace = { .unlink = multi_unlink };

struct mpusher {
	struct multi *mu;
	unsigned int id;
	pthread_t thread;
};

static void *mpusher_fn(void *arg)
{
	struct mpusher *p = arg;
	struct conc *c = p->mu->c;
	uint32_t x = 0x6b43a9b5u * (p->id + 1);
	unsigned int k;

	gib_us_thread_online();
	pthread_barrier_wait(&p->mu->start);
	for (k = 0; k < AIS_PER_PUSHER / 4; k++) {
		struct gib_guest *gi;

		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		gi = &c->g[x % NR_GUESTS].gi;
		if (gib_us_machine_raise_ai(&c->m, gi, (x >> 8) % NR_ISCS_USED, NULL))
			error(c);
		if ((k & 7) == 0) {
			/* Play the guest: take everything, so IAMs get re-armed. */
			gib_us_read_lock();
			gib_gisa_clear(gi);
			gib_us_read_unlock();
			sched_yield();
		}
	}
	gib_us_thread_offline();
	return NULL;
}

/* The GAL handler, which also drives the kick timers (they re-arm IAMs). */
static void *gal_fn(void *arg)
{
	struct multi *mu = arg;
	struct conc *c = mu->c;

	pthread_barrier_wait(&mu->start);
	while (!__atomic_load_n(&mu->stop, __ATOMIC_ACQUIRE)) {
		if (gib_us_machine_take_gal(&c->m) > 0) {
			int n = gib_process_alert_list(&c->host);

			if (n < 0)
				error(c);
			else
				__atomic_fetch_add(&mu->returned, (uint64_t)n, __ATOMIC_RELAXED);
		}
		gib_us_clock_run_until(c->clock, gib_us_clock_now(c->clock) + GIB_KICK_EXPIRES_NS);
		sched_yield();
	}
	return NULL;
}

/* Another CPU processing without a GAL (as gib_gisa_destroy() may). */
static void *processor_fn(void *arg)
{
	struct multi *mu = arg;

	pthread_barrier_wait(&mu->start);
	while (!__atomic_load_n(&mu->stop, __ATOMIC_ACQUIRE)) {
		int n = gib_process_alert_list(&mu->c->host);

		if (n < 0)
			error(mu->c);
		else
			__atomic_fetch_add(&mu->returned, (uint64_t)n, __ATOMIC_RELAXED);
		sched_yield();
	}
	return NULL;
}

/*
 * Each exchange of the origin hands each GISA to exactly one processor: over
 * the run, every link the machine made is undone by exactly one unlink, and
 * the processors' return values add up to the same number.
 */
static void test_concurrent_processors(void **state)
{
	static struct multi mu;
	struct mpusher p[NR_PUSHERS];
	struct gib_us_machine_stats st;
	pthread_t gal, proc;
	uint64_t unlinks = 0, t;
	unsigned int i, guard = 0;
	int n;

	(void)state;
	memset(&mu, 0, sizeof(mu));
	mu.c = conc_up();
	mu.c->host.trace = &multi_trace;
	mu.c->host.trace_priv = &mu;
	assert_int_equal(pthread_barrier_init(&mu.start, NULL, 2 + NR_PUSHERS), 0);
	assert_int_equal(pthread_create(&gal, NULL, gal_fn, &mu), 0);
	assert_int_equal(pthread_create(&proc, NULL, processor_fn, &mu), 0);
	for (i = 0; i < NR_PUSHERS; i++) {
		p[i] = (struct mpusher){ .mu = &mu, .id = i };
		assert_int_equal(pthread_create(&p[i].thread, NULL, mpusher_fn, &p[i]), 0);
	}
	for (i = 0; i < NR_PUSHERS; i++)
		assert_int_equal(pthread_join(p[i].thread, NULL), 0);
	__atomic_store_n(&mu.stop, true, __ATOMIC_RELEASE);
	assert_int_equal(pthread_join(gal, NULL), 0);
	assert_int_equal(pthread_join(proc, NULL), 0);
	pthread_barrier_destroy(&mu.start);
	assert_int_equal(__atomic_load_n(&mu.c->errors, __ATOMIC_RELAXED), 0);

	/* Quiet: the last GISAs are processed here. */
	gib_us_machine_take_gal(&mu.c->m);
	n = gib_process_alert_list(&mu.c->host);
	assert_true(n >= 0);
	mu.returned += (uint64_t)n;
	assert_int_equal(gib_alert_list_origin(&mu.c->host), GIB_NULL_GISA_ADDR);
	for (i = 0; i < NR_GUESTS; i++) {
		assert_int_equal(gib_gisa_in_alert_list(gib_guest_gisa(&mu.c->g[i].gi)), 0);
		unlinks += mu.unlinks[i];
		gib_gisa_clear(&mu.c->g[i].gi);
	}
	assert_int_equal(gib_us_machine_stats(&mu.c->m, &st), 0);
	assert_true(st.linked > 0);
	assert_int_equal(unlinks, st.linked);
	assert_int_equal(mu.returned, st.linked);
	while (gib_us_clock_next_expiry(mu.c->clock, &t) == 0) {
		gib_us_clock_run_until(mu.c->clock, t);
		assert_true(++guard < 10000);
	}
	for (i = 0; i < NR_GUESTS; i++)
		assert_int_equal(gib_gisa_get_iam(gib_guest_gisa(&mu.c->g[i].gi)),
				 gib_gisc_alert_mask(&mu.c->g[i].gi));
	printf("processors: %llu AIs, %llu linked = unlinked, %llu GALs\n",
	       (unsigned long long)st.ais_raised, (unsigned long long)st.linked,
	       (unsigned long long)st.gals_raised);
	conc_down(mu.c);
}

/* ---- Destroy while pushers alert, with nobody else processing --------- */

#ifdef UNDER_TSAN
#define CYCLES 30u
#else
#define CYCLES 100u
#endif

struct churn {
	struct conc *c;
	bool stop;			/* atomic */
	uint64_t unlinks;		/* trace, atomic */
	uint64_t cuts;			/* trace, atomic */
	uint64_t raised, no_gisa;	/* atomic */
	pthread_barrier_t start;
};

static void churn_unlink(void *priv, struct gib_guest *gi)
{
	(void)gi;
	__atomic_fetch_add(&((struct churn *)priv)->unlinks, 1, __ATOMIC_RELAXED);
}

static void churn_cut(void *priv, struct gib_host *host, unsigned int pass, uint32_t cut,
		      bool final)
{
	(void)host;
	(void)pass;
	(void)cut;
	(void)final;
	__atomic_fetch_add(&((struct churn *)priv)->cuts, 1, __ATOMIC_RELAXED);
}

static const struct gib_trace_ops churn_trace = { .cut = churn_cut, .unlink = churn_unlink };

struct cpusher {
	struct churn *ch;
	unsigned int id;
	pthread_t thread;
};

static void *churn_pusher_fn(void *arg)
{
	struct cpusher *p = arg;
	struct conc *c = p->ch->c;
	uint32_t x = 0x2545f491u * (p->id + 1);
	uint64_t raised = 0, no_gisa = 0;
	unsigned int k;

	gib_us_thread_online();
	pthread_barrier_wait(&p->ch->start);
	for (k = 0; !__atomic_load_n(&p->ch->stop, __ATOMIC_ACQUIRE); k++) {
		/* Mostly the guest being destroyed, sometimes the others. */
		struct gib_guest *gi = &c->g[(k & 3) ? 0 : 1 + (k >> 2) % (NR_GUESTS - 1)].gi;
		struct gib_gisa *gisa;
		int rc;

		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		rc = gib_us_machine_raise_ai(&c->m, gi, (x >> 8) % NR_ISCS_USED, NULL);
		if (rc == -ENODEV) {
			no_gisa++;
		} else if (rc) {
			error(c);
		} else {
			raised++;
		}
		/*
		 * Play the guest: take everything and re-arm the IAM, so the
		 * next AI claims and links again. The GISA is found through
		 * the origin, inside a reader section.
		 */
		gib_us_read_lock();
		gisa = gib_guest_gisa(gi);
		if (gisa) {
			gib_gisa_clear_ipm(gisa);
			if (gib_gisa_get_ipm_or_restore_iam(gisa, &gi->alert.mask) < 0)
				error(c);
		}
		gib_us_read_unlock();
	}
	__atomic_fetch_add(&p->ch->raised, raised, __ATOMIC_RELAXED);
	__atomic_fetch_add(&p->ch->no_gisa, no_gisa, __ATOMIC_RELAXED);
	gib_us_thread_offline();
	return NULL;
}

/*
 * While pushers keep claiming and linking the GISA (and the GISAs of two
 * other guests), one thread destroys and re-creates it, again and again,
 * and no thread handles GAL interruptions: each destroy must finish by
 * processing the list itself, including when it meets its GISA claimed and
 * not yet linked. Every link is undone by exactly one unlink; ASan and TSan
 * builds check the memory side of the frees.
 */
static void test_destroy_races_pushers(void **state)
{
	static struct churn ch;
	struct cpusher p[NR_PUSHERS];
	struct gib_us_machine_stats st;
	struct gib_guest *gi;
	unsigned int i, isc, warned = 0;
	uint64_t cuts;
	int n;

	(void)state;
	memset(&ch, 0, sizeof(ch));
	ch.c = conc_up();
	gi = &ch.c->g[0].gi;
	ch.c->host.trace = &churn_trace;
	ch.c->host.trace_priv = &ch;
	assert_int_equal(pthread_barrier_init(&ch.start, NULL, 1 + NR_PUSHERS), 0);
	for (i = 0; i < NR_PUSHERS; i++) {
		p[i] = (struct cpusher){ .ch = &ch, .id = i };
		assert_int_equal(pthread_create(&p[i].thread, NULL, churn_pusher_fn, &p[i]), 0);
	}
	pthread_barrier_wait(&ch.start);
	for (i = 0; i < CYCLES; i++) {
		int rc;

		/*
		 * Wait until the pushers claimed the GISA (linked, or claimed
		 * and about to be): only the destroy can take it out again.
		 */
		while (gib_gisa_in_alert_list(gib_guest_gisa(gi)) != 1)
			sched_yield();
		/* GISCs registered: refused, then unregistered and destroyed. */
		rc = gib_gisa_destroy(gi);
		warned += rc == -EBUSY;
		for (isc = 0; isc < NR_ISCS_USED; isc++)
			if (gib_gisc_unregister(gi, isc))
				error(ch.c);
		rc = gib_gisa_destroy(gi);
		if (rc)
			error(ch.c);
		if (gib_guest_gisa(gi) || gib_gisa_init(gi))
			error(ch.c);
		for (isc = 0; isc < NR_ISCS_USED; isc++)
			if (gib_gisc_register(gi, isc) != GIB_GAL_ISC)
				error(ch.c);
		if (__atomic_load_n(&ch.c->errors, __ATOMIC_RELAXED))
			break;
	}
	__atomic_store_n(&ch.stop, true, __ATOMIC_RELEASE);
	for (i = 0; i < NR_PUSHERS; i++)
		assert_int_equal(pthread_join(p[i].thread, NULL), 0);
	pthread_barrier_destroy(&ch.start);
	assert_int_equal(__atomic_load_n(&ch.c->errors, __ATOMIC_RELAXED), 0);
	assert_int_equal(warned, CYCLES);
	/* Nobody but the destroys processed: each had to, at least once. */
	cuts = __atomic_load_n(&ch.cuts, __ATOMIC_RELAXED);
	assert_true(cuts >= CYCLES);

	/* Quiet: whatever is still linked is processed here, once. */
	n = gib_process_alert_list(&ch.c->host);
	assert_true(n >= 0);
	assert_int_equal(gib_alert_list_origin(&ch.c->host), GIB_NULL_GISA_ADDR);
	for (i = 0; i < NR_GUESTS; i++)
		assert_int_equal(gib_gisa_in_alert_list(gib_guest_gisa(&ch.c->g[i].gi)), 0);
	assert_int_equal(gib_us_machine_stats(&ch.c->m, &st), 0);
	assert_int_equal(st.ais_raised, ch.raised);
	assert_true(st.linked >= CYCLES);
	assert_int_equal(ch.unlinks, st.linked);
	/* One GIB and one GISA per guest: every destroyed GISA was freed. */
	assert_int_equal(gib_us_arena_used(), 1 + NR_GUESTS);
	printf("destroy vs pushers: %u cycles, %llu AIs, %llu on no GISA, %llu linked, "
	       "%llu cuts by destroys\n", CYCLES, (unsigned long long)ch.raised,
	       (unsigned long long)ch.no_gisa, (unsigned long long)st.linked,
	       (unsigned long long)cuts);
	conc_down(ch.c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_ai_delivered),
		cmocka_unit_test(test_restore_never_undoes_registration),
		cmocka_unit_test(test_concurrent_processors),
		cmocka_unit_test(test_destroy_races_pushers),
	};

	return cmocka_run_group_tests(tests, t_group_setup, t_group_teardown);
}
