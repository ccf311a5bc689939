// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * The machine model: every error code, the platform hooks it provides to
 * gib_init() (facilities, GAL handler, "set GIB") and their unwinding, each
 * outcome of an adapter interruption, and two stress runs in which pusher
 * threads race the host and vcpu threads over several guests while a
 * conservation check accounts for every AI:
 *
 *   (AIs raised - AIs coalesced into a pending bit)
 *     == (bits the machine delivered in SIE + bits the vcpus took)
 *
 * once the system is quiet, with every IPM empty. The left side counts the
 * 0 -> 1 transitions of IPM bits, the right side the 1 -> 0 ones; an AI that
 * the protocol lost (no alert, no kick, no wake-up) leaves its bit pending
 * and the two sides apart until the deadline fails the test.
 */
#include <libgib-us/machine.h>
#include <libgib-us/arena.h>
#include <libgib-us/clock.h>
#include <libgib-us/rcu.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#define NR_VCPUS 2
#define MAX_GUESTS 4
#define ALL_ISCS 0xff

/* ---- A host with guests on a simulated clock --------------------------- */

struct tvcpu {
	struct gib_vcpu vcpu;
	struct env *env;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool woken;		/* under @lock */
	unsigned int wakes;	/* wake_vcpu calls, atomic */
};

struct tguest {
	struct gib_guest gi;
	struct tvcpu v[NR_VCPUS];
};

struct env {
	struct gib_us_machine m;
	struct gib_host host;
	struct gib_us_clock *clock;
	struct tguest g[MAX_GUESTS];
	unsigned int nr_guests;
	unsigned int final_cuts;	/* cuts that stored NULL, atomic */
};

static void wake_vcpu(struct gib_guest *gi, struct gib_vcpu *vcpu)
{
	struct tvcpu *v = GIB_CONTAINER_OF(vcpu, struct tvcpu, vcpu);

	(void)gi;
	__atomic_fetch_add(&v->wakes, 1, __ATOMIC_RELAXED);
	pthread_mutex_lock(&v->lock);
	v->woken = true;
	pthread_cond_signal(&v->cond);
	pthread_mutex_unlock(&v->lock);
}

static const struct gib_guest_ops ops = { .wake_vcpu = wake_vcpu };

static void count_cut(void *priv, struct gib_host *host, unsigned int pass, uint32_t cut,
		      bool final)
{
	struct env *e = priv;

	(void)host;
	(void)pass;
	(void)cut;
	if (final)
		__atomic_fetch_add(&e->final_cuts, 1, __ATOMIC_RELAXED);
}

static const struct gib_trace_ops trace = { .cut = count_cut };

static void machine_up(struct env *e, enum gib_us_gal_mode mode, enum gib_us_clock_kind kind)
{
	struct gib_us_machine_config cfg = { .has_aiv = true, .gal_mode = mode };

	e->clock = gib_us_clock_create(kind);
	assert_non_null(e->clock);
	gib_us_set_default_clock(e->clock);
	assert_int_equal(gib_us_machine_init(&e->m, &cfg), 0);
	assert_int_equal(gib_us_host_attach(&e->host, &e->m), 0);
	e->host.trace = &trace;
	e->host.trace_priv = e;
	assert_int_equal(gib_init(&e->host, GIB_GAL_ISC), 0);
}

/* Guests with all ISCs of @registered registered and vcpus taking @cr6[]. */
static void guests_up(struct env *e, unsigned int n, uint8_t registered, const uint8_t *cr6)
{
	unsigned int i, j, isc;

	e->nr_guests = n;
	for (i = 0; i < n; i++) {
		struct tguest *g = &e->g[i];

		assert_int_equal(gib_guest_init(&g->gi, &e->host, &ops, e), 0);
		assert_int_equal(gib_gisa_init(&g->gi), 0);
		for (j = 0; j < NR_VCPUS; j++) {
			struct tvcpu *v = &g->v[j];

			v->env = e;
			pthread_mutex_init(&v->lock, NULL);
			pthread_cond_init(&v->cond, NULL);
			/* Sparse ids: the core must go by index. */
			assert_int_equal(gib_vcpu_add(&g->gi, &v->vcpu, 100 + 7 * j, NULL), (int)j);
			gib_vcpu_set_cr6(&v->vcpu, (uint64_t)(cr6 ? cr6[j] : ALL_ISCS) << 24);
			gib_vcpu_set_io_enabled(&v->vcpu, true);
		}
		for (isc = 0; isc <= GIB_MAX_ISC; isc++)
			if (registered & gib_isc_mask(isc))
				assert_int_equal(gib_gisc_register(&g->gi, isc), GIB_GAL_ISC);
	}
}

static void env_up(struct env *e, enum gib_us_gal_mode mode, unsigned int n, uint8_t registered)
{
	memset(e, 0, sizeof(*e));
	machine_up(e, mode, GIB_US_CLOCK_SIM);
	guests_up(e, n, registered, NULL);
}

static void env_down(struct env *e)
{
	unsigned int i, j;

	for (i = 0; i < e->nr_guests; i++) {
		/* Destroy refuses while GISCs are registered: drop them. */
		for (j = 0; gib_guest_gisa(&e->g[i].gi) && j <= GIB_MAX_ISC; j++)
			while (e->g[i].gi.alert.ref_count[j])
				assert_int_equal(gib_gisc_unregister(&e->g[i].gi, j), 0);
		assert_int_equal(gib_guest_destroy(&e->g[i].gi), 0);
		for (j = 0; j < NR_VCPUS; j++) {
			pthread_cond_destroy(&e->g[i].v[j].cond);
			pthread_mutex_destroy(&e->g[i].v[j].lock);
		}
	}
	assert_int_equal(gib_destroy(&e->host), 0);
	assert_int_equal(gib_us_machine_gib(&e->m), 0);
	assert_false(gib_us_machine_gal_registered(&e->m, NULL));
	assert_int_equal(gib_us_machine_fini(&e->m), 0);
	gib_us_set_default_clock(NULL);
	assert_int_equal(gib_us_clock_destroy(e->clock), 0);
	assert_int_equal(gib_us_arena_used(), 0);
}

static struct gib_gisa *gisa_of(struct env *e, unsigned int i)
{
	return gib_guest_gisa(&e->g[i].gi);
}

static void raise_expect(struct env *e, unsigned int guest, unsigned int isc,
			 enum gib_us_ai_outcome outcome, struct gib_us_ai_result *res)
{
	struct gib_us_ai_result r;

	assert_int_equal(gib_us_machine_raise_ai(&e->m, &e->g[guest].gi, isc, &r), 0);
	assert_int_equal(r.outcome, outcome);
	if (res)
		*res = r;
}

/* Run the simulated clock until no timer is queued (kick timers end). */
static void run_timers_out(struct env *e)
{
	uint64_t t;
	int guard = 0;

	while (gib_us_clock_next_expiry(e->clock, &t) == 0) {
		gib_us_clock_run_until(e->clock, t);
		assert_true(++guard < 100000);
	}
}

/* ---- Errors ------------------------------------------------------------ */

static void test_api_errors(void **state)
{
	struct gib_us_machine_config cfg = { .has_aiv = true };
	struct gib_us_machine_config bad = { .gal_mode = (enum gib_us_gal_mode)9 };
	struct gib_us_machine_stats st;
	struct gib_us_machine m2;
	struct gib_host h2 = { 0 };
	struct env e;

	(void)state;
	assert_int_equal(gib_us_machine_init(NULL, &cfg), -EINVAL);
	assert_int_equal(gib_us_machine_init(&m2, NULL), -EINVAL);
	assert_int_equal(gib_us_machine_init(&m2, &bad), -EINVAL);
	assert_int_equal(gib_us_machine_fini(NULL), -EINVAL);
	assert_int_equal(gib_us_machine_take_gal(NULL), -EINVAL);
	assert_int_equal(gib_us_machine_stats(NULL, &st), -EINVAL);
	assert_int_equal(gib_us_machine_gib(NULL), 0);
	assert_false(gib_us_machine_gal_registered(NULL, NULL));

	env_up(&e, GIB_US_GAL_DEFERRED, 1, 0);
	assert_int_equal(gib_us_machine_stats(&e.m, NULL), -EINVAL);
	assert_int_equal(gib_us_host_attach(NULL, &e.m), -EINVAL);
	assert_int_equal(gib_us_host_attach(&h2, NULL), -EINVAL);
	assert_int_equal(gib_us_host_attach(&h2, &e.m), -EBUSY);	/* has a host */
	assert_int_equal(gib_us_machine_init(&m2, &cfg), 0);
	assert_int_equal(gib_us_host_attach(&e.host, &m2), -EBUSY);	/* host has a GIB */
	assert_int_equal(gib_us_machine_fail_next(NULL, GIB_US_FAULT_SET_GIB, 1), -EINVAL);
	assert_int_equal(gib_us_machine_fail_next(&e.m, GIB_US_NR_FAULTS, 1), -EINVAL);
	/* A GIB is associated: the machine cannot go. */
	assert_int_equal(gib_us_machine_fini(&e.m), -EBUSY);

	assert_int_equal(gib_us_machine_raise_ai(NULL, &e.g[0].gi, 0, NULL), -EINVAL);
	assert_int_equal(gib_us_machine_raise_ai(&e.m, NULL, 0, NULL), -EINVAL);
	/* A guest of another host. */
	assert_int_equal(gib_us_machine_raise_ai(&m2, &e.g[0].gi, 0, NULL), -EINVAL);
	assert_int_equal(gib_us_machine_raise_ai(&e.m, &e.g[0].gi, 8, NULL), -ERANGE);
	assert_int_equal(gib_gisa_destroy(&e.g[0].gi), 0);
	assert_int_equal(gib_us_machine_raise_ai(&e.m, &e.g[0].gi, 0, NULL), -ENODEV);
	/* No GISA is reported before a bad ISC. */
	assert_int_equal(gib_us_machine_raise_ai(&e.m, &e.g[0].gi, 8, NULL), -ENODEV);
	assert_int_equal(gib_us_machine_stats(&e.m, &st), 0);
	assert_int_equal(st.ais_raised, 0);

	assert_int_equal(gib_us_machine_fini(&m2), 0);
	env_down(&e);
}

/* ---- Platform hooks of gib_init() and their unwinding ------------------ */

static void test_gib_init_unwinds(void **state)
{
	struct gib_us_machine_config cfg = { .has_aiv = false, .has_gisaf = true };
	struct gib_us_machine m;
	struct gib_host host;
	uint8_t nisc = 0;

	(void)state;
	/* Not attached: a caller's mistake, not "no AIV". */
	memset(&host, 0, sizeof(host));
	assert_int_equal(gib_init(&host, GIB_GAL_ISC), -EINVAL);

	assert_int_equal(gib_us_machine_init(&m, &cfg), 0);
	assert_int_equal(gib_us_host_attach(&host, &m), 0);
	assert_int_equal(gib_init(&host, GIB_GAL_ISC), -ENODEV);
	assert_int_equal(gib_us_machine_fini(&m), 0);

	cfg.has_aiv = true;
	memset(&host, 0, sizeof(host));
	assert_int_equal(gib_us_machine_init(&m, &cfg), 0);
	assert_int_equal(gib_us_host_attach(&host, &m), 0);

	gib_us_arena_fail_next_allocs(1);
	assert_int_equal(gib_init(&host, GIB_GAL_ISC), -ENOMEM);
	assert_false(gib_us_machine_gal_registered(&m, NULL));

	assert_int_equal(gib_us_machine_fail_next(&m, GIB_US_FAULT_GAL_REGISTER, 1), 0);
	assert_int_equal(gib_init(&host, GIB_GAL_ISC), -EIO);
	assert_null(host.gib);
	assert_false(gib_us_machine_gal_registered(&m, NULL));
	assert_int_equal(gib_us_arena_used(), 0);

	assert_int_equal(gib_us_machine_fail_next(&m, GIB_US_FAULT_SET_GIB, 1), 0);
	assert_int_equal(gib_init(&host, GIB_GAL_ISC), -EIO);
	assert_null(host.gib);
	assert_int_equal(gib_us_machine_gib(&m), 0);
	assert_false(gib_us_machine_gal_registered(&m, NULL));
	assert_int_equal(gib_us_arena_used(), 0);

	/* Failures used up: it works, and the machine knows the GIB. */
	assert_int_equal(gib_init(&host, 3), 0);
	assert_non_null(host.gib);
	assert_int_equal(gib_us_machine_gib(&m), host.gib_maddr);
	assert_true(gib_us_machine_gal_registered(&m, &nisc));
	assert_int_equal(nisc, 3);
	assert_int_equal(host.gisa_format, GIB_GISA_FORMAT1);
	assert_int_equal(gib_alert_list_origin(&host), GIB_NULL_GISA_ADDR);
	/* A second handler cannot be registered. */
	assert_int_equal(gib_pf_gal_register(&host, 3), -EBUSY);
	assert_int_equal(gib_us_machine_fini(&m), -EBUSY);

	assert_int_equal(gib_destroy(&host), 0);
	assert_int_equal(gib_us_machine_gib(&m), 0);
	assert_false(gib_us_machine_gal_registered(&m, NULL));
	assert_int_equal(gib_us_machine_fini(&m), 0);
	assert_int_equal(gib_us_arena_used(), 0);
}

static void test_facilities(void **state)
{
	struct gib_us_machine_config cfg = { .has_aiv = true, .has_gisaf = false };
	struct gib_us_machine m;
	struct gib_host host;

	(void)state;
	memset(&host, 0, sizeof(host));
	assert_false(gib_pf_has_aiv(&host));
	assert_false(gib_pf_has_gisaf(&host));
	assert_int_equal(gib_pf_set_gib(&host, 0x1000), -EIO);	/* no machine */
	assert_int_equal(gib_pf_gal_register(&host, 5), -EIO);
	gib_pf_gal_unregister(&host);				/* no machine: nothing */
	assert_int_equal(gib_us_machine_init(&m, &cfg), 0);
	assert_int_equal(gib_us_host_attach(&host, &m), 0);
	assert_true(gib_pf_has_aiv(&host));
	assert_false(gib_pf_has_gisaf(&host));
	assert_int_equal(gib_init(&host, GIB_GAL_ISC), 0);
	assert_int_equal(host.gisa_format, GIB_GISA_FORMAT0);
	assert_int_equal(gib_destroy(&host), 0);
	assert_int_equal(gib_us_machine_fini(&m), 0);
}

/* ---- Outcomes of one AI ------------------------------------------------ */

static void test_delivered_in_sie(void **state)
{
	struct gib_us_ai_result r;
	struct gib_us_machine_stats st;
	struct env e;
	struct gib_vcpu *v0, *v1;

	(void)state;
	env_up(&e, GIB_US_GAL_DEFERRED, 1, gib_isc_mask(3));
	v0 = &e.g[0].v[0].vcpu;
	v1 = &e.g[0].v[1].vcpu;

	/* v1 in SIE takes ISC 3: the machine delivers there. */
	gib_vcpu_enter_sie(v1);
	assert_int_equal(gib_vcpu_take_ai(v1, NULL), -ENOENT);
	raise_expect(&e, 0, 3, GIB_US_AI_DELIVERED_IN_SIE, &r);
	assert_ptr_equal(r.vcpu, v1);
	assert_false(r.coalesced);
	assert_int_equal(gib_gisa_get_ipm(gisa_of(&e, 0)), 0);
	assert_int_equal(gib_gisa_in_alert_list(gisa_of(&e, 0)), 0);

	/* In SIE but ISC 3 masked by CR6, or I/O disabled: the GISA alerts. */
	gib_vcpu_set_cr6(v1, (uint64_t)(ALL_ISCS & ~gib_isc_mask(3)) << 24);
	gib_vcpu_enter_sie(v0);
	gib_vcpu_set_io_enabled(v0, false);
	raise_expect(&e, 0, 3, GIB_US_AI_LINKED_GAL, &r);
	assert_null(r.vcpu);
	assert_int_equal(r.old_origin, GIB_NULL_GISA_ADDR);
	gib_vcpu_exit_sie(v0);
	gib_vcpu_exit_sie(v1);

	assert_int_equal(gib_us_machine_stats(&e.m, &st), 0);
	assert_int_equal(st.ais_raised, 2);
	assert_int_equal(st.delivered_in_sie, 1);
	assert_int_equal(st.linked, 1);
	assert_int_equal(st.gals_raised, 1);
	assert_int_equal(gib_us_machine_take_gal(&e.m), 1);
	gib_gal_interrupt(&e.host);
	env_down(&e);
}

static void test_link_gal_pending_coalesced_rearm(void **state)
{
	struct gib_gisa *gisa;
	struct gib_us_ai_result r;
	struct gib_us_machine_stats st;
	struct gib_vcpu *v0;
	struct env e;

	(void)state;
	env_up(&e, GIB_US_GAL_DEFERRED, 1, gib_isc_mask(2) | gib_isc_mask(4));
	gisa = gisa_of(&e, 0);
	v0 = &e.g[0].v[0].vcpu;
	assert_int_equal(gib_gisa_get_iam(gisa), 0x28);

	raise_expect(&e, 0, 2, GIB_US_AI_LINKED_GAL, &r);
	assert_false(r.coalesced);
	assert_int_equal(r.old_origin, GIB_NULL_GISA_ADDR);
	assert_int_equal(gib_alert_list_origin(&e.host), gib_gisa_maddr(gisa));
	assert_int_equal(gib_gisa_in_alert_list(gisa), 1);
	/* The whole IAM went, the link holds the old origin. */
	assert_int_equal(gib_gisa_get_iam(gisa), 0);
	assert_int_equal(gib_gisa_load_word(gisa) >> 32, GIB_NULL_GISA_ADDR);
	assert_int_equal(gib_gisa_get_ipm(gisa), 0x20);
	assert_int_equal(gib_us_machine_take_gal(&e.m), 1);
	assert_int_equal(gib_us_machine_take_gal(&e.m), 0);

	/* Alerted already: pending, coalesced into the same bit or not. */
	raise_expect(&e, 0, 2, GIB_US_AI_PENDING, &r);
	assert_true(r.coalesced);
	raise_expect(&e, 0, 4, GIB_US_AI_PENDING, &r);
	assert_false(r.coalesced);
	assert_int_equal(gib_gisa_get_ipm(gisa), 0x28);
	/* A linked GISA refuses a new IAM. */
	assert_int_equal(gib_gisa_set_iam(gisa, 0x28), -EBUSY);

	/* The host processes: unlinked, origin NULL again, kick timer queued. */
	gib_gal_interrupt(&e.host);
	assert_int_equal(gib_gisa_in_alert_list(gisa), 0);
	assert_int_equal(gib_alert_list_origin(&e.host), GIB_NULL_GISA_ADDR);
	/* Pending but no vcpu idle: the kick timer keeps running. */
	assert_int_equal(gib_us_clock_run_until(e.clock, gib_us_clock_now(e.clock)), 1);
	assert_int_equal(gib_gisa_get_iam(gisa), 0);

	/* The vcpu takes both in SIE entry, ISC 2 first. */
	gib_vcpu_enter_sie(v0);
	assert_int_equal(gib_vcpu_take_ai(v0, NULL), 2);
	assert_int_equal(gib_vcpu_take_ai(v0, NULL), 4);
	assert_int_equal(gib_vcpu_take_ai(v0, NULL), -ENOENT);
	gib_vcpu_exit_sie(v0);

	/* Nothing pending: the kick timer re-arms the IAM and stops. */
	run_timers_out(&e);
	assert_int_equal(gib_gisa_get_iam(gisa), 0x28);
	raise_expect(&e, 0, 4, GIB_US_AI_LINKED_GAL, NULL);
	assert_int_equal(gib_us_machine_take_gal(&e.m), 1);

	assert_int_equal(gib_us_machine_stats(&e.m, &st), 0);
	assert_int_equal(st.ais_raised, 4);
	assert_int_equal(st.coalesced, 1);
	assert_int_equal(st.linked, 2);
	assert_int_equal(st.gals_raised, 2);
	assert_int_equal(st.pending, 2);
	assert_int_equal(st.gals_dropped, 0);
	gib_gal_interrupt(&e.host);
	env_down(&e);
}

static void count_notify(struct gib_us_machine *m, void *priv)
{
	(void)m;
	(*(unsigned int *)priv)++;
}

/* A deferred GAL wakes the host through the callback, once per GAL. */
static void test_gal_notify(void **state)
{
	unsigned int notified = 0;
	struct env e;

	(void)state;
	env_up(&e, GIB_US_GAL_DEFERRED, 1, gib_isc_mask(3));
	assert_int_equal(gib_us_machine_set_gal_notify(NULL, count_notify, NULL), -EINVAL);
	assert_int_equal(gib_us_machine_set_gal_notify(&e.m, count_notify, &notified), 0);
	raise_expect(&e, 0, 3, GIB_US_AI_LINKED_GAL, NULL);
	assert_int_equal(notified, 1);
	/* Pending without a new alert: no GAL, no call. */
	raise_expect(&e, 0, 3, GIB_US_AI_PENDING, NULL);
	assert_int_equal(notified, 1);
	assert_int_equal(gib_us_machine_take_gal(&e.m), 1);
	gib_gal_interrupt(&e.host);
	/* Stopped: the next GAL is counted, not notified. */
	assert_int_equal(gib_us_machine_set_gal_notify(&e.m, NULL, NULL), 0);
	gib_vcpu_enter_sie(&e.g[0].v[0].vcpu);
	assert_int_equal(gib_vcpu_take_ai(&e.g[0].v[0].vcpu, NULL), 3);
	gib_vcpu_exit_sie(&e.g[0].v[0].vcpu);
	run_timers_out(&e);
	raise_expect(&e, 0, 3, GIB_US_AI_LINKED_GAL, NULL);
	assert_int_equal(notified, 1);
	assert_int_equal(gib_us_machine_take_gal(&e.m), 1);
	gib_gal_interrupt(&e.host);
	env_down(&e);
}

static void test_link_onto_gisa_and_none(void **state)
{
	struct gib_us_ai_result r;
	struct gib_gisa *g0, *g1, *g2;
	struct env e;

	(void)state;
	env_up(&e, GIB_US_GAL_DEFERRED, 3, gib_isc_mask(1));
	g0 = gisa_of(&e, 0);
	g1 = gisa_of(&e, 1);
	g2 = gisa_of(&e, 2);

	raise_expect(&e, 0, 1, GIB_US_AI_LINKED_GAL, NULL);
	raise_expect(&e, 1, 1, GIB_US_AI_LINKED, &r);
	assert_int_equal(r.old_origin, gib_gisa_maddr(g0));
	assert_int_equal(gib_alert_list_origin(&e.host), gib_gisa_maddr(g1));
	assert_int_equal(gib_gisa_load_word(g1) >> 32, gib_gisa_maddr(g0));
	assert_int_equal(gib_us_machine_take_gal(&e.m), 1);	/* one GAL for both */

	/* The host holds the list (origin NONE): linked without a GAL. */
	assert_int_equal(gib_pf_xchg32(&e.host.gib->alert_list_origin,
				       gib_pf_cpu_to_be32(GIB_NONE_GISA_ADDR)),
			 gib_pf_cpu_to_be32(gib_gisa_maddr(g1)));
	raise_expect(&e, 2, 1, GIB_US_AI_LINKED, &r);
	assert_int_equal(r.old_origin, GIB_NONE_GISA_ADDR);
	assert_int_equal(gib_us_machine_take_gal(&e.m), 0);
	/* Put the cut list back behind g2 and let the host process it all. */
	assert_int_equal(gib_pf_xchg32(&e.host.gib->alert_list_origin,
				       gib_pf_cpu_to_be32(gib_gisa_maddr(g1))),
			 gib_pf_cpu_to_be32(gib_gisa_maddr(g2)));
	gib_pf_store32(&g0->next_alert, gib_pf_cpu_to_be32(gib_gisa_maddr(g2)));
	gib_pf_store32(&g2->next_alert, gib_pf_cpu_to_be32(GIB_NULL_GISA_ADDR));
	assert_int_equal(gib_process_alert_list(&e.host), 3);
	assert_int_equal(gib_alert_list_origin(&e.host), GIB_NULL_GISA_ADDR);
	assert_int_equal(gib_gisa_in_alert_list(g0), 0);
	assert_int_equal(gib_gisa_in_alert_list(g1), 0);
	assert_int_equal(gib_gisa_in_alert_list(g2), 0);
	env_down(&e);
}

static void test_pending_without_alert(void **state)
{
	struct gib_us_machine_stats st;
	struct gib_us_ai_result r;
	struct gib_gisa *gisa;
	struct env e;

	(void)state;
	env_up(&e, GIB_US_GAL_DEFERRED, 1, gib_isc_mask(0));
	gisa = gisa_of(&e, 0);

	/* ISC 6 is not registered: its IAM bit is clear. */
	raise_expect(&e, 0, 6, GIB_US_AI_PENDING, &r);
	assert_null(r.vcpu);
	assert_int_equal(gib_gisa_in_alert_list(gisa), 0);
	assert_int_equal(gib_gisa_get_ipm(gisa), gib_isc_mask(6));

	/* No GIB associated: nowhere to alert, even with the IAM armed. */
	assert_int_equal(gib_pf_set_gib(&e.host, 0), 0);
	raise_expect(&e, 0, 0, GIB_US_AI_PENDING, NULL);
	assert_int_equal(gib_gisa_in_alert_list(gisa), 0);
	assert_int_equal(gib_gisa_get_iam(gisa), gib_isc_mask(0));
	assert_int_equal(gib_pf_set_gib(&e.host, e.host.gib_maddr), 0);
	raise_expect(&e, 0, 0, GIB_US_AI_LINKED_GAL, &r);
	assert_true(r.coalesced);

	assert_int_equal(gib_us_machine_stats(&e.m, &st), 0);
	assert_int_equal(st.pending, 2);
	assert_int_equal(gib_gisa_clear(&e.g[0].gi), 0);
	assert_int_equal(gib_us_machine_take_gal(&e.m), 1);
	gib_gal_interrupt(&e.host);
	env_down(&e);
}

static void test_direct_gal_kicks_idle_vcpu(void **state)
{
	struct gib_us_machine_stats st;
	struct gib_gisa *gisa;
	struct tvcpu *v0, *v1;
	struct env e;
	uint8_t cr6[NR_VCPUS] = { 0x0f, 0xf0 };	/* ISC 0..3 only on vcpu 1 */

	(void)state;
	memset(&e, 0, sizeof(e));
	machine_up(&e, GIB_US_GAL_DIRECT, GIB_US_CLOCK_SIM);
	guests_up(&e, 1, gib_isc_mask(1), cr6);
	gisa = gisa_of(&e, 0);
	v0 = &e.g[0].v[0];
	v1 = &e.g[0].v[1];

	/* Both vcpus go idle; only vcpu 1 takes ISC 1. */
	assert_int_equal(gib_vcpu_prepare_wait(&v0->vcpu), 0);
	assert_int_equal(gib_vcpu_prepare_wait(&v1->vcpu), 0);

	raise_expect(&e, 0, 1, GIB_US_AI_LINKED_GAL, NULL);
	/* The handler ran in the pusher: unlinked, kick timer due now. */
	assert_int_equal(gib_gisa_in_alert_list(gisa), 0);
	assert_int_equal(gib_alert_list_origin(&e.host), GIB_NULL_GISA_ADDR);
	assert_int_equal(gib_us_machine_take_gal(&e.m), 0);
	assert_int_equal(gib_us_clock_run_until(e.clock, gib_us_clock_now(e.clock)), 1);
	/* The kick walk skipped vcpu 0 (CR6) and woke vcpu 1. */
	assert_int_equal(v0->wakes, 0);
	assert_int_equal(v1->wakes, 1);
	assert_true(gib_vcpu_runnable(&v1->vcpu));
	gib_vcpu_end_wait(&v1->vcpu);
	gib_vcpu_enter_sie(&v1->vcpu);
	assert_int_equal(gib_vcpu_take_ai(&v1->vcpu, NULL), 1);
	gib_vcpu_exit_sie(&v1->vcpu);
	run_timers_out(&e);
	assert_int_equal(gib_gisa_get_iam(gisa), gib_isc_mask(1));

	assert_int_equal(gib_us_machine_stats(&e.m, &st), 0);
	assert_int_equal(st.gals_raised, 1);
	assert_int_equal(st.gals_dropped, 0);
	assert_int_equal(__atomic_load_n(&e.final_cuts, __ATOMIC_RELAXED), 1);
	gib_vcpu_end_wait(&v0->vcpu);
	env_down(&e);
}

static void test_gal_without_handler_is_dropped(void **state)
{
	struct gib_us_machine_stats st;
	struct env e;

	(void)state;
	env_up(&e, GIB_US_GAL_DEFERRED, 1, gib_isc_mask(5));
	gib_pf_gal_unregister(&e.host);
	raise_expect(&e, 0, 5, GIB_US_AI_LINKED_GAL, NULL);
	assert_int_equal(gib_us_machine_take_gal(&e.m), 0);
	assert_int_equal(gib_us_machine_stats(&e.m, &st), 0);
	assert_int_equal(st.gals_raised, 1);
	assert_int_equal(st.gals_dropped, 1);
	assert_int_equal(gib_pf_gal_register(&e.host, GIB_GAL_ISC), 0);
	/* Destroying a linked GISA processes the list itself. */
	/* Destroy refuses while registered: drop the registration first. */
	assert_int_equal(gib_gisc_unregister(&e.g[0].gi, 5), 0);
	assert_int_equal(gib_gisa_destroy(&e.g[0].gi), 0);
	assert_int_equal(gib_alert_list_origin(&e.host), GIB_NULL_GISA_ADDR);
	env_down(&e);
}

/*
 * The window between claim and link, opened by the claim hook: the claimed
 * GISA must read as linked (set_iam refuses, a second AI does not claim it
 * again), a host cut must not see it, and when another GISA takes the NULL
 * origin meanwhile, the link retries onto it and raises no second GAL.
 */
struct probe {
	struct env *e;
	unsigned int calls;
	int set_iam_rc;
	int in_list;
	int iam;
	int cut;
	int same_rc;
	struct gib_us_ai_result same;
	int other_rc;
	struct gib_us_ai_result other;
};

static void probe_hook(struct gib_us_machine *m, struct gib_gisa *gisa, void *priv)
{
	struct probe *p = priv;

	if (p->calls++)
		return;		/* only the outer claim */
	p->set_iam_rc = gib_gisa_set_iam(gisa, ALL_ISCS);
	p->in_list = gib_gisa_in_alert_list(gisa);
	p->iam = gib_gisa_get_iam(gisa);
	p->same_rc = gib_us_machine_raise_ai(m, &p->e->g[0].gi, 3, &p->same);
	p->cut = gib_process_alert_list(&p->e->host);
	p->other_rc = gib_us_machine_raise_ai(m, &p->e->g[1].gi, 1, &p->other);
}

static void test_claim_window(void **state)
{
	struct gib_us_ai_result r;
	struct probe p = { 0 };
	struct gib_gisa *g0, *g1;
	struct env e;

	(void)state;
	env_up(&e, GIB_US_GAL_DEFERRED, 2, gib_isc_mask(1) | gib_isc_mask(2) | gib_isc_mask(3));
	g0 = gisa_of(&e, 0);
	g1 = gisa_of(&e, 1);
	p.e = &e;
	assert_int_equal(gib_us_machine_set_claim_hook(NULL, probe_hook, &p), -EINVAL);
	assert_int_equal(gib_us_machine_set_claim_hook(&e.m, probe_hook, &p), 0);

	raise_expect(&e, 0, 2, GIB_US_AI_LINKED, &r);
	assert_int_equal(p.calls, 2);		/* outer claim and g1's */
	assert_int_equal(p.set_iam_rc, -EBUSY);
	assert_int_equal(p.in_list, 1);
	assert_int_equal(p.iam, 0);
	assert_int_equal(p.same_rc, 0);
	assert_int_equal(p.same.outcome, GIB_US_AI_PENDING);
	assert_int_equal(p.cut, 0);
	assert_int_equal(p.other_rc, 0);
	assert_int_equal(p.other.outcome, GIB_US_AI_LINKED_GAL);

	/* The claim read NULL; the link found g1 and went onto it. */
	assert_int_equal(r.old_origin, gib_gisa_maddr(g1));
	assert_int_equal(gib_alert_list_origin(&e.host), gib_gisa_maddr(g0));
	assert_int_equal(gib_gisa_load_word(g0) >> 32, gib_gisa_maddr(g1));
	assert_int_equal(gib_gisa_load_word(g1) >> 32, GIB_NULL_GISA_ADDR);
	assert_int_equal(gib_us_machine_take_gal(&e.m), 1);

	assert_int_equal(gib_us_machine_set_claim_hook(&e.m, NULL, NULL), 0);
	assert_int_equal(gib_process_alert_list(&e.host), 2);
	assert_int_equal(gib_gisa_in_alert_list(g0), 0);
	assert_int_equal(gib_gisa_in_alert_list(g1), 0);
	env_down(&e);
}

/* ---- Stress: pushers against host and vcpus --------------------------- */

#define NR_PUSHERS 4
#define STRESS_GUESTS 4
/* ISC 7 is toggled by the registrar; the pushers use 0..6. */
#define PUSH_ISCS 7
#define DEADLINE_S 60
/* AIs per pusher; GIB_STRESS_AIS in the environment overrides it. */
#define STRESS_AIS 100000

static unsigned int stress_ais(void)
{
	const char *env = getenv("GIB_STRESS_AIS");
	unsigned long n = env ? strtoul(env, NULL, 0) : 0;

	return n && n < 100000000ul ? (unsigned int)n : STRESS_AIS;
}

struct stress {
	struct env e;
	unsigned int ais_per_pusher;
	int stop_vcpus;			/* atomic */
	int stop_host;			/* atomic */
	int stop_registrar;		/* atomic */
	uint64_t host_taken;		/* bits the vcpus took, atomic */
	uint64_t gal_taken;		/* GALs the host thread took */
	uint64_t outcomes[5];		/* per enum gib_us_ai_outcome, atomic */
	unsigned int errors;		/* unexpected return codes, atomic */
	unsigned int churns;		/* GISA disable/enable cycles, atomic */
	pthread_mutex_t qlock;		/* with @qcond: "a delivery happened" */
	pthread_cond_t qcond;
};

struct pusher {
	struct stress *s;
	unsigned int id;
	pthread_t thread;
};

static void *pusher_fn(void *arg)
{
	struct pusher *p = arg;
	struct stress *s = p->s;
	uint64_t local[5] = { 0 };
	uint32_t x = 2463534242u ^ (p->id * 0x9e3779b9u);
	unsigned int k, i;

	gib_us_thread_online();
	for (k = 0; k < s->ais_per_pusher; k++) {
		struct gib_us_ai_result r;
		unsigned int guest, isc;

		/* xorshift32: a reproducible spread over guests and ISCs. */
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		guest = x % STRESS_GUESTS;
		isc = (x >> 8) % PUSH_ISCS;
		if (gib_us_machine_raise_ai(&s->e.m, &s->e.g[guest].gi, isc, &r) ||
		    (unsigned int)r.outcome > GIB_US_AI_PENDING) {
			__atomic_fetch_add(&s->errors, 1, __ATOMIC_RELAXED);
			continue;
		}
		local[r.outcome]++;
		if ((k & 63) == 0)
			sched_yield();	/* let vcpus in and out of SIE meanwhile */
	}
	gib_us_thread_offline();
	for (i = 0; i < 5; i++)
		__atomic_fetch_add(&s->outcomes[i], local[i], __ATOMIC_RELAXED);
	return NULL;
}

/*
 * Enabled wait, as KVM's vcpu block: sleep until woken, then re-check; a
 * vcpu that finds nothing (someone else took the AI it was kicked for) goes
 * back to sleep without entering SIE. Returns false on stop.
 */
static bool vcpu_wait(struct stress *s, struct tvcpu *v)
{
	for (;;) {
		int rc = gib_vcpu_prepare_wait(&v->vcpu);
		bool stop;

		if (rc == 1)
			return true;
		if (rc) {
			__atomic_fetch_add(&s->errors, 1, __ATOMIC_RELAXED);
			return false;
		}
		/* A kick that is never delivered hangs here. */
		pthread_mutex_lock(&v->lock);
		while (!v->woken && !__atomic_load_n(&s->stop_vcpus, __ATOMIC_ACQUIRE))
			pthread_cond_wait(&v->cond, &v->lock);
		v->woken = false;
		pthread_mutex_unlock(&v->lock);
		gib_vcpu_end_wait(&v->vcpu);
		stop = __atomic_load_n(&s->stop_vcpus, __ATOMIC_ACQUIRE);
		if (stop || gib_vcpu_runnable(&v->vcpu))
			return !stop;
	}
}

static void *vcpu_fn(void *arg)
{
	struct tvcpu *v = arg;
	struct stress *s = (struct stress *)(void *)v->env;	/* e is first */
	unsigned int i;

	do {
		uint64_t n = 0;

		gib_vcpu_enter_sie(&v->vcpu);
		/* Host delivery before running; then the machine delivers. */
		while (gib_vcpu_take_ai(&v->vcpu, NULL) >= 0)
			n++;
		for (i = 0; i < 4; i++)
			sched_yield();
		gib_vcpu_exit_sie(&v->vcpu);
		if (n) {
			__atomic_fetch_add(&s->host_taken, n, __ATOMIC_SEQ_CST);
			pthread_mutex_lock(&s->qlock);
			pthread_cond_broadcast(&s->qcond);
			pthread_mutex_unlock(&s->qlock);
		}
	} while (vcpu_wait(s, v));
	return NULL;
}

/* Deferred mode: the host takes GALs and moves the simulated clock. */
static void *host_fn(void *arg)
{
	struct stress *s = arg;
	uint64_t t;

	while (!__atomic_load_n(&s->stop_host, __ATOMIC_ACQUIRE)) {
		int n = gib_us_machine_take_gal(&s->e.m);
		bool idle = true;

		if (n > 0) {
			s->gal_taken += (uint64_t)n;
			gib_gal_interrupt(&s->e.host);
			idle = false;
		}
		if (gib_us_clock_next_expiry(s->e.clock, &t) == 0) {
			gib_us_clock_run_until(s->e.clock, t);
			idle = false;
		}
		if (idle)
			sched_yield();
	}
	return NULL;
}

/*
 * Toggles the registration of ISC 7 on every guest: each change runs
 * gib_gisa_set_iam() against the machine's claims (a claimed GISA must read
 * as linked, or set_iam would re-arm it mid-link and let it be linked twice).
 */
static void *registrar_fn(void *arg)
{
	struct stress *s = arg;
	unsigned int i = 0;

	while (!__atomic_load_n(&s->stop_registrar, __ATOMIC_ACQUIRE)) {
		struct gib_guest *gi = &s->e.g[i++ % STRESS_GUESTS].gi;

		if (gib_gisc_register(gi, 7) < 0 || gib_gisc_unregister(gi, 7))
			__atomic_fetch_add(&s->errors, 1, __ATOMIC_RELAXED);
		sched_yield();
	}
	return NULL;
}

static void dump(struct stress *s, const struct gib_us_machine_stats *st)
{
	unsigned int i;

	fprintf(stderr, "stress: raised %llu coalesced %llu in-sie %llu taken %llu "
		"linked %llu gals %llu pending %llu host-took %llu origin %#x\n",
		(unsigned long long)st->ais_raised, (unsigned long long)st->coalesced,
		(unsigned long long)st->delivered_in_sie, (unsigned long long)st->taken_by_other,
		(unsigned long long)st->linked, (unsigned long long)st->gals_raised,
		(unsigned long long)st->pending,
		(unsigned long long)__atomic_load_n(&s->host_taken, __ATOMIC_SEQ_CST),
		gib_alert_list_origin(&s->e.host));
	for (i = 0; i < STRESS_GUESTS; i++) {
		struct gib_gisa *gisa = gisa_of(&s->e, i);

		fprintf(stderr, "  guest %u: word %016llx linked %d alert mask %#x\n", i,
			(unsigned long long)gib_gisa_load_word(gisa), gib_gisa_in_alert_list(gisa),
			gib_gisc_alert_mask(&s->e.g[i].gi));
	}
}

/* Wait until every IPM bit set went away again; false at the deadline. */
static bool wait_conserved(struct stress *s, struct gib_us_machine_stats *st)
{
	struct timespec ts;
	int rc = 0;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += DEADLINE_S;
	pthread_mutex_lock(&s->qlock);
	for (;;) {
		uint64_t set, cleared;

		gib_us_machine_stats(&s->e.m, st);
		set = st->ais_raised - st->coalesced;
		cleared = st->delivered_in_sie + __atomic_load_n(&s->host_taken, __ATOMIC_SEQ_CST);
		/* More clears than sets would be a double delivery. */
		if (cleared > set || cleared == set || rc == ETIMEDOUT)
			break;
		rc = pthread_cond_timedwait(&s->qcond, &s->qlock, &ts);
	}
	pthread_mutex_unlock(&s->qlock);
	return st->ais_raised - st->coalesced ==
	       st->delivered_in_sie + __atomic_load_n(&s->host_taken, __ATOMIC_SEQ_CST);
}

static void stress(enum gib_us_gal_mode mode, enum gib_us_clock_kind kind, unsigned int ais)
{
	static struct stress s;	/* large: off the stack */
	struct gib_us_machine_stats st;
	struct pusher p[NR_PUSHERS];
	pthread_t host, registrar;
	uint64_t outcomes = 0;
	unsigned int i, j;
	bool conserved;
	uint8_t cr6[NR_VCPUS] = { 0xf0, ALL_ISCS };	/* vcpu 0: ISC 0..3 only */

	memset(&s, 0, sizeof(s));
	s.ais_per_pusher = ais;
	pthread_mutex_init(&s.qlock, NULL);
	pthread_cond_init(&s.qcond, NULL);
	machine_up(&s.e, mode, kind);
	guests_up(&s.e, STRESS_GUESTS, (uint8_t)(ALL_ISCS & ~gib_isc_mask(7)), cr6);
	/* Real time: kick every 2 us, so vcpus wake often and AIs coalesce less. */
	for (i = 0; kind == GIB_US_CLOCK_REAL && i < STRESS_GUESTS; i++)
		assert_int_equal(gib_guest_set_expires(&s.e.g[i].gi, 2000), 0);

	for (i = 0; i < STRESS_GUESTS; i++)
		for (j = 0; j < NR_VCPUS; j++)
			assert_int_equal(pthread_create(&s.e.g[i].v[j].thread, NULL, vcpu_fn,
							&s.e.g[i].v[j]), 0);
	if (mode == GIB_US_GAL_DEFERRED)
		assert_int_equal(pthread_create(&host, NULL, host_fn, &s), 0);
	assert_int_equal(pthread_create(&registrar, NULL, registrar_fn, &s), 0);
	for (i = 0; i < NR_PUSHERS; i++) {
		p[i] = (struct pusher){ .s = &s, .id = i + 1 };
		assert_int_equal(pthread_create(&p[i].thread, NULL, pusher_fn, &p[i]), 0);
	}
	for (i = 0; i < NR_PUSHERS; i++)
		assert_int_equal(pthread_join(p[i].thread, NULL), 0);
	__atomic_store_n(&s.stop_registrar, 1, __ATOMIC_RELEASE);
	assert_int_equal(pthread_join(registrar, NULL), 0);

	/* Only the protocol (alerts, kicks, wake-ups) may deliver the rest. */
	conserved = wait_conserved(&s, &st);
	if (!conserved)
		dump(&s, &st);
	assert_true(conserved);
	for (i = 0; i < STRESS_GUESTS; i++)
		assert_int_equal(gib_gisa_get_ipm(gisa_of(&s.e, i)), 0);

	if (mode == GIB_US_GAL_DEFERRED) {
		__atomic_store_n(&s.stop_host, 1, __ATOMIC_RELEASE);
		assert_int_equal(pthread_join(host, NULL), 0);
	}
	__atomic_store_n(&s.stop_vcpus, 1, __ATOMIC_RELEASE);
	for (i = 0; i < STRESS_GUESTS; i++) {
		for (j = 0; j < NR_VCPUS; j++) {
			struct tvcpu *v = &s.e.g[i].v[j];

			pthread_mutex_lock(&v->lock);
			pthread_cond_signal(&v->cond);
			pthread_mutex_unlock(&v->lock);
			assert_int_equal(pthread_join(v->thread, NULL), 0);
		}
	}
	assert_int_equal(__atomic_load_n(&s.errors, __ATOMIC_RELAXED), 0);

	/* Every AI has exactly one outcome; every GAL came from a NULL origin. */
	for (i = 0; i < 5; i++)
		outcomes += s.outcomes[i];
	assert_int_equal(outcomes, st.ais_raised);
	assert_int_equal(st.ais_raised, (uint64_t)NR_PUSHERS * ais);
	assert_int_equal(s.outcomes[GIB_US_AI_LINKED_GAL], st.gals_raised);
	assert_int_equal(s.outcomes[GIB_US_AI_LINKED] + s.outcomes[GIB_US_AI_LINKED_GAL],
			 st.linked);
	assert_int_equal(st.gals_dropped, 0);
	/* One GAL per NULL origin: the first one, and one after each NULL store. */
	assert_true(st.gals_raised <= 1 + __atomic_load_n(&s.e.final_cuts, __ATOMIC_RELAXED));
	if (mode == GIB_US_GAL_DEFERRED) {
		s.gal_taken += (uint64_t)gib_us_machine_take_gal(&s.e.m);
		assert_int_equal(s.gal_taken, st.gals_raised);
	}

	/* Quiet: one last pass leaves the list empty and GAL-enabled. */
	gib_process_alert_list(&s.e.host);
	assert_int_equal(gib_alert_list_origin(&s.e.host), GIB_NULL_GISA_ADDR);
	for (i = 0; i < STRESS_GUESTS; i++)
		assert_int_equal(gib_gisa_in_alert_list(gisa_of(&s.e, i)), 0);
	if (kind == GIB_US_CLOCK_SIM) {
		/* Kick timers find nothing pending and re-arm every IAM. */
		run_timers_out(&s.e);
		for (i = 0; i < STRESS_GUESTS; i++)
			assert_int_equal(gib_gisa_get_iam(gisa_of(&s.e, i)),
					 gib_gisc_alert_mask(&s.e.g[i].gi));
	}
	printf("stress %s/%s: %llu AIs, %llu coalesced, %llu in SIE, %llu by vcpus, "
	       "%llu linked, %llu GALs, %llu pending, %llu taken by other\n",
	       mode == GIB_US_GAL_DIRECT ? "direct" : "deferred",
	       kind == GIB_US_CLOCK_SIM ? "sim" : "real",
	       (unsigned long long)st.ais_raised, (unsigned long long)st.coalesced,
	       (unsigned long long)st.delivered_in_sie, (unsigned long long)s.host_taken,
	       (unsigned long long)st.linked, (unsigned long long)st.gals_raised,
	       (unsigned long long)st.pending, (unsigned long long)st.taken_by_other);
	env_down(&s.e);
	pthread_cond_destroy(&s.qcond);
	pthread_mutex_destroy(&s.qlock);
}

/*
 * GISA life cycles against pushers: while pushers raise AIs on every guest,
 * one thread switches guest 0's GISA off and on (disable frees it through
 * gib_pf_free31(), enable allocates one again, maybe the same slot) and the
 * host processes the alert list. A pusher that found the old GISA must keep
 * it allocated until it leaves its reader section; a destroy that meets a
 * claimed-but-not-yet-linked GISA must wait for the link. Pushers see either
 * GISA or -ENODEV; ASan and TSan builds check the memory side.
 */
#define CHURNS 200

static void *churn_fn(void *arg)
{
	struct stress *s = arg;
	struct gib_guest *gi = &s->e.g[0].gi;
	unsigned int n = 0;

	while (!__atomic_load_n(&s->stop_registrar, __ATOMIC_ACQUIRE)) {
		unsigned int isc;
		int rc;

		/* Only this thread registers: drop them all, or disable refuses. */
		for (isc = 0; isc <= GIB_MAX_ISC; isc++)
			while (gi->alert.ref_count[isc])
				if (gib_gisc_unregister(gi, isc))
					__atomic_fetch_add(&s->errors, 1, __ATOMIC_RELAXED);
		rc = gib_gisa_disable(gi);
		if (rc != 0 || gib_gisa_designation(gi) != 0 ||
		    gib_gisa_enable(gi) || gib_gisc_register(gi, n++ % PUSH_ISCS) < 0)
			__atomic_fetch_add(&s->errors, 1, __ATOMIC_RELAXED);
		__atomic_fetch_add(&s->churns, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

static void *churn_pusher_fn(void *arg)
{
	struct pusher *p = arg;
	struct stress *s = p->s;
	uint32_t x = 88172645u ^ (p->id * 0x9e3779b9u);
	unsigned int k;

	gib_us_thread_online();
	/* Go on until the GISA went off and on often enough under our feet. */
	for (k = 0; k < s->ais_per_pusher ||
		    __atomic_load_n(&s->churns, __ATOMIC_RELAXED) < CHURNS; k++) {
		unsigned int guest;
		int rc;

		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		guest = x % STRESS_GUESTS;
		rc = gib_us_machine_raise_ai(&s->e.m, &s->e.g[guest].gi, (x >> 8) % PUSH_ISCS,
					     NULL);
		if (rc == -ENODEV && guest == 0)
			__atomic_fetch_add(&s->outcomes[0], 1, __ATOMIC_RELAXED);
		else if (rc)
			__atomic_fetch_add(&s->errors, 1, __ATOMIC_RELAXED);
		else
			__atomic_fetch_add(&s->outcomes[1], 1, __ATOMIC_RELAXED);
		if ((k & 15) == 0) {
			/*
			 * Play host and drop the guest's pending AIs, so that
			 * kick timers re-arm IAMs and GISAs alert again. The
			 * GISA is found through the origin: inside a reader
			 * section, like the machine.
			 */
			gib_us_read_lock();
			gib_gisa_clear(&s->e.g[guest].gi);
			gib_us_read_unlock();
			sched_yield();
		}
	}
	gib_us_thread_offline();
	return NULL;
}

static void test_stress_gisa_churn(void **state)
{
	static struct stress s;
	struct gib_us_machine_stats st;
	struct pusher p[NR_PUSHERS];
	pthread_t host, churn;
	unsigned int i;

	(void)state;
	memset(&s, 0, sizeof(s));
	s.ais_per_pusher = stress_ais() / 4;
	machine_up(&s.e, GIB_US_GAL_DEFERRED, GIB_US_CLOCK_SIM);
	guests_up(&s.e, STRESS_GUESTS, (uint8_t)(ALL_ISCS & ~gib_isc_mask(7)), NULL);

	assert_int_equal(pthread_create(&host, NULL, host_fn, &s), 0);
	assert_int_equal(pthread_create(&churn, NULL, churn_fn, &s), 0);
	for (i = 0; i < NR_PUSHERS; i++) {
		p[i] = (struct pusher){ .s = &s, .id = i + 1 };
		assert_int_equal(pthread_create(&p[i].thread, NULL, churn_pusher_fn, &p[i]), 0);
	}
	for (i = 0; i < NR_PUSHERS; i++)
		assert_int_equal(pthread_join(p[i].thread, NULL), 0);
	__atomic_store_n(&s.stop_registrar, 1, __ATOMIC_RELEASE);
	assert_int_equal(pthread_join(churn, NULL), 0);
	__atomic_store_n(&s.stop_host, 1, __ATOMIC_RELEASE);
	assert_int_equal(pthread_join(host, NULL), 0);
	assert_int_equal(__atomic_load_n(&s.errors, __ATOMIC_RELAXED), 0);

	assert_int_equal(gib_us_machine_stats(&s.e.m, &st), 0);
	assert_int_equal(st.ais_raised, s.outcomes[1]);
	assert_true(st.ais_raised + s.outcomes[0] >= (uint64_t)NR_PUSHERS * s.ais_per_pusher);
	assert_true(s.churns >= CHURNS);
	assert_int_equal(st.gals_dropped, 0);
	gib_us_machine_take_gal(&s.e.m);
	gib_process_alert_list(&s.e.host);
	assert_int_equal(gib_alert_list_origin(&s.e.host), GIB_NULL_GISA_ADDR);
	for (i = 0; i < STRESS_GUESTS; i++)
		assert_int_equal(gib_gisa_in_alert_list(gisa_of(&s.e, i)), 0);
	/* One GIB and one GISA per guest are all that is left allocated. */
	assert_int_equal(gib_us_arena_used(), 1 + STRESS_GUESTS);
	printf("churn: %llu AIs, %llu on no GISA, %llu linked, %llu GALs, %u churns\n",
	       (unsigned long long)st.ais_raised, (unsigned long long)s.outcomes[0],
	       (unsigned long long)st.linked, (unsigned long long)st.gals_raised,
	       __atomic_load_n(&s.churns, __ATOMIC_RELAXED));
	env_down(&s.e);
}

static void test_stress_deferred_sim_clock(void **state)
{
	(void)state;
	stress(GIB_US_GAL_DEFERRED, GIB_US_CLOCK_SIM, stress_ais());
}

static void test_stress_direct_real_clock(void **state)
{
	(void)state;
	stress(GIB_US_GAL_DIRECT, GIB_US_CLOCK_REAL, stress_ais());
}

static int group_setup(void **state)
{
	(void)state;
	gib_us_thread_online();
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	gib_us_thread_offline();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_api_errors),
		cmocka_unit_test(test_gib_init_unwinds),
		cmocka_unit_test(test_facilities),
		cmocka_unit_test(test_delivered_in_sie),
		cmocka_unit_test(test_link_gal_pending_coalesced_rearm),
		cmocka_unit_test(test_gal_notify),
		cmocka_unit_test(test_link_onto_gisa_and_none),
		cmocka_unit_test(test_pending_without_alert),
		cmocka_unit_test(test_direct_gal_kicks_idle_vcpu),
		cmocka_unit_test(test_gal_without_handler_is_dropped),
		cmocka_unit_test(test_claim_window),
		cmocka_unit_test(test_stress_deferred_sim_clock),
		cmocka_unit_test(test_stress_direct_real_clock),
		cmocka_unit_test(test_stress_gisa_churn),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
