/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * Guest and GISA life cycles (src/gisa_life.c): guest init and its errors,
 * GISA init / clear / destroy / enable / disable, the SIE designation word
 * (format bit 1 exactly when the host has the GISA-format-1 facility; 0
 * without a GISA; each vcpu's gd and AIV control), destroy of a GISA that
 * sits in the alert list, destroy's "GISCs were still registered", the kick
 * scheduling and zPCI adapter-event forwarding (SIMM / NIMM).
 */
#include "gib_test.h"

static struct t_guest *guest_new(void)
{
	struct t_guest *g = calloc(1, sizeof(*g));

	assert_non_null(g);
	return g;
}

/* A guest without a GISA yet. */
static void guest_bare(struct t_env *e, struct t_guest *g)
{
	memset(g, 0, sizeof(*g));
	g->env = e;
	assert_int_equal(gib_guest_init(&g->gi, &e->host, &t_guest_ops, g), 0);
}

/* ---- Guest ------------------------------------------------------------- */

static void test_guest_init_errors(void **state)
{
	static const struct gib_guest_ops no_wake = { .wake_vcpu = NULL };
	struct t_env *e = t_env_new(false, GIB_GAL_ISC);
	struct gib_host no_gib;
	struct gib_guest *gi = malloc(sizeof(*gi));
	uint8_t *pattern = malloc(sizeof(*gi));

	(void)state;
	assert_non_null(gi);
	assert_non_null(pattern);
	memset(gi, 0xa5, sizeof(*gi));
	memcpy(pattern, gi, sizeof(*gi));
	memset(&no_gib, 0, sizeof(no_gib));

	assert_int_equal(gib_guest_init(NULL, &e->host, &t_guest_ops, NULL), -EINVAL);
	assert_int_equal(gib_guest_init(gi, NULL, &t_guest_ops, NULL), -EINVAL);
	assert_memory_equal(gi, pattern, sizeof(*gi));
	assert_int_equal(gib_guest_init(gi, &e->host, NULL, NULL), -EINVAL);
	assert_memory_equal(gi, pattern, sizeof(*gi));
	assert_int_equal(gib_guest_init(gi, &e->host, &no_wake, NULL), -EINVAL);
	assert_memory_equal(gi, pattern, sizeof(*gi));
	assert_int_equal(gib_guest_init(gi, &no_gib, &t_guest_ops, NULL), -ENODEV);
	assert_memory_equal(gi, pattern, sizeof(*gi));

	assert_int_equal(gib_guest_destroy(NULL), -EINVAL);
	assert_int_equal(gib_guest_set_float_policy(NULL, GIB_FLOAT_IDLE_FIRST), -EINVAL);
	assert_int_equal(gib_guest_set_expires(NULL, 1000), -EINVAL);
	free(pattern);
	free(gi);
	t_env_free(e);
}

static void test_guest_without_gisa(void **state)
{
	struct t_env *e = t_env_new(true, GIB_GAL_ISC);
	struct t_guest *g = guest_new();
	int token;

	(void)state;
	memset(g, 0, sizeof(*g));
	g->env = e;
	assert_int_equal(gib_guest_init(&g->gi, &e->host, &t_guest_ops, &token), 0);
	assert_ptr_equal(g->gi.priv, &token);
	assert_ptr_equal(g->gi.host, &e->host);
	assert_null(gib_guest_gisa(&g->gi));
	assert_int_equal(g->gi.expires, GIB_KICK_EXPIRES_NS);
	assert_int_equal(g->gi.float_policy, GIB_FLOAT_IDLE_FIRST);
	assert_int_equal(g->gi.online_vcpus, 0);
	assert_int_equal(gib_gisc_alert_mask(&g->gi), 0);
	/* Every GISA path sees "no GISA". */
	assert_int_equal(gib_gisa_designation(&g->gi), 0);
	assert_int_equal(gib_gisa_device_designation(&g->gi), 0);
	assert_int_equal(gib_gisa_clear(&g->gi), -ENODEV);
	assert_int_equal(gib_gisa_destroy(&g->gi), -ENODEV);
	assert_int_equal(gib_gisa_disable(&g->gi), -ENODEV);
	assert_int_equal(gib_gisc_register(&g->gi, 0), -ENODEV);
	assert_int_equal(gib_gisa_forward_adapter_event(&g->gi, 0), -ENODEV);
	assert_int_equal(e->host.nr_gisas, 0);
	assert_int_equal(gib_guest_destroy(&g->gi), 0);
	free(g);
	t_env_free(e);
}

static void test_policy_and_expires(void **state)
{
	struct t_env *e = t_env_new(false, GIB_GAL_ISC);
	struct t_guest *g = guest_new();

	(void)state;
	guest_bare(e, g);
	assert_int_equal(gib_guest_set_float_policy(&g->gi, GIB_FLOAT_LAST_SLEEPER), 0);
	assert_int_equal(g->gi.float_policy, GIB_FLOAT_LAST_SLEEPER);
	assert_int_equal(gib_guest_set_float_policy(&g->gi, (enum gib_float_policy)2), -EINVAL);
	assert_int_equal(gib_guest_set_float_policy(&g->gi, (enum gib_float_policy)-1), -EINVAL);
	assert_int_equal(g->gi.float_policy, GIB_FLOAT_LAST_SLEEPER);
	assert_int_equal(gib_guest_set_float_policy(&g->gi, GIB_FLOAT_IDLE_FIRST), 0);
	assert_int_equal(g->gi.float_policy, GIB_FLOAT_IDLE_FIRST);

	assert_int_equal(gib_guest_set_expires(&g->gi, 0), -ERANGE);
	assert_int_equal(gib_guest_set_expires(&g->gi, 1000000001ull), -ERANGE);
	assert_int_equal(g->gi.expires, GIB_KICK_EXPIRES_NS);
	assert_int_equal(gib_guest_set_expires(&g->gi, 1), 0);
	assert_int_equal(g->gi.expires, 1);
	assert_int_equal(gib_guest_set_expires(&g->gi, 1000000000ull), 0);
	assert_int_equal(g->gi.expires, 1000000000ull);
	t_guest_down(g);
	free(g);
	t_env_free(e);
}

/* ---- GISA init ---------------------------------------------------------- */

static void test_gisa_init(void **state)
{
	struct t_env *e = t_env_new(false, GIB_GAL_ISC);
	struct t_guest *g = guest_new();
	struct gib_gisa *gisa;
	unsigned int i;

	(void)state;
	guest_bare(e, g);
	assert_int_equal(gib_gisa_init(NULL), -EINVAL);
	assert_int_equal(gib_guest_set_expires(&g->gi, 777), 0);

	/* Out of memory: still no GISA, nothing counted, nothing leaked. */
	gib_us_arena_fail_next_allocs(1);
	assert_int_equal(gib_gisa_init(&g->gi), -ENOMEM);
	assert_null(gib_guest_gisa(&g->gi));
	assert_int_equal(e->host.nr_gisas, 0);
	assert_int_equal(gib_us_arena_used(), 1);

	assert_int_equal(gib_gisa_init(&g->gi), 0);
	gisa = gib_guest_gisa(&g->gi);
	assert_non_null(gisa);
	assert_int_equal(gib_gisa_check_addr(gisa), 0);
	/* All zero but next_alert, which holds its own address. */
	assert_int_equal(t_be32_at(gisa, 0), gib_pf_virt_to_maddr(gisa));
	for (i = 4; i < GIB_GISA_SIZE; i++)
		assert_int_equal(t_bytes(gisa)[i], 0);
	assert_int_equal(gib_gisc_alert_mask(&g->gi), 0);
	assert_int_equal(g->gi.expires, GIB_KICK_EXPIRES_NS);
	assert_int_equal(e->host.nr_gisas, 1);
	assert_int_equal(gib_us_arena_used(), 2);

	/* A second one: refused, the first kept. */
	assert_int_equal(gib_gisa_init(&g->gi), -EALREADY);
	assert_ptr_equal(gib_guest_gisa(&g->gi), gisa);
	assert_int_equal(e->host.nr_gisas, 1);
	assert_int_equal(gib_us_arena_used(), 2);
	assert_int_equal(gib_gisa_enable(&g->gi), -EALREADY);
	assert_ptr_equal(gib_guest_gisa(&g->gi), gisa);

	t_guest_down(g);
	assert_int_equal(e->host.nr_gisas, 0);
	free(g);
	t_env_free(e);
}

static void test_gisa_clear(void **state)
{
	struct t_env *e = t_env_new(false, GIB_GAL_ISC);
	struct t_guest *g = guest_new();
	struct gib_gisa *gisa;

	(void)state;
	t_guest_up(e, g, 1);
	gisa = t_gisa(g);
	t_register(g, t_isc_bit(1));
	gib_gisa_set_ipm_gisc(gisa, 1);
	gib_gisa_set_ipm_gisc(gisa, 6);
	assert_int_equal(gib_gisa_clear(&g->gi), 0);
	assert_int_equal(t_bytes(gisa)[4], 0);
	assert_int_equal(t_bytes(gisa)[7], t_isc_bit(1));
	assert_int_equal(t_be32_at(gisa, 0), gib_gisa_maddr(gisa));
	assert_int_equal(gib_gisa_clear(NULL), -EINVAL);
	t_guest_down(g);
	free(g);
	t_env_free(e);
}

/* ---- Designation -------------------------------------------------------- */

static void check_designation(bool has_gisaf)
{
	struct t_env *e = t_env_new(has_gisaf, GIB_GAL_ISC);
	struct t_guest *g = guest_new();
	uint32_t fmt = has_gisaf ? 1 : 0, maddr, gd;
	unsigned int i;

	guest_bare(e, g);
	/* vcpus added before the GISA: no designation, no AIV. */
	assert_int_equal(gib_vcpu_add(&g->gi, &g->v[0], 5, NULL), 0);
	assert_int_equal(g->v[0].gd, 0);
	assert_int_equal(g->v[0].eca_aiv, 0);

	assert_int_equal(gib_gisa_init(&g->gi), 0);
	maddr = gib_gisa_maddr(t_gisa(g));
	gd = gib_gisa_designation(&g->gi);
	/* The address OR'ed with the host's format, whatever the guest uses. */
	assert_int_equal(gd, maddr | fmt);
	assert_int_equal(gd & 1, fmt);
	assert_int_equal(gd & ~1u, maddr);
	assert_int_equal(gib_gisa_device_designation(&g->gi), maddr);
	/* Added after: designated at once. */
	assert_int_equal(gib_vcpu_add(&g->gi, &g->v[1], 9, NULL), 1);
	/* Added before: gib_gisa_init() designates it too. */
	for (i = 0; i < 2; i++) {
		assert_int_equal(g->v[i].gd, gd);
		assert_int_equal(g->v[i].eca_aiv, 1);
	}

	assert_int_equal(gib_gisa_designation(NULL), 0);
	assert_int_equal(gib_gisa_device_designation(NULL), 0);
	t_guest_down(g);
	free(g);
	t_env_free(e);
}

static void test_designation_format0(void **state)
{
	(void)state;
	check_designation(false);
}

static void test_designation_format1(void **state)
{
	(void)state;
	check_designation(true);
}

/* ---- Enable / disable ---------------------------------------------------- */

static void test_disable_enable(void **state)
{
	struct t_env *e = t_env_new(true, 6);
	struct t_guest *g = guest_new();
	unsigned int i;
	uint32_t gd;

	(void)state;
	t_guest_up(e, g, 3);
	t_register(g, t_isc_bit(2));
	assert_int_equal(gib_gisa_disable(NULL), -EINVAL);
	assert_int_equal(gib_gisa_enable(NULL), -EINVAL);

	/* GISCs still registered: refused, nothing changed (defect 3, issue 11). */
	gd = gib_gisa_designation(&g->gi);
	assert_int_equal(gib_gisa_disable(&g->gi), -EBUSY);
	assert_int_equal(gib_gisa_designation(&g->gi), gd);
	for (i = 0; i < 3; i++)
		assert_int_equal(g->v[i].gd, gd);
	assert_int_equal(gib_gisc_alert_mask(&g->gi), t_isc_bit(2));
	assert_int_equal(gib_gisa_get_iam(t_gisa(g)), t_isc_bit(2));
	assert_int_equal(e->host.nr_gisas, 1);
	/* The caller unregisters (the device drops its designation) first. */
	assert_int_equal(gib_gisc_unregister(&g->gi, 2), 0);
	assert_int_equal(gib_gisa_disable(&g->gi), 0);
	assert_null(gib_guest_gisa(&g->gi));
	for (i = 0; i < 3; i++) {
		assert_int_equal(g->v[i].gd, 0);
		assert_int_equal(g->v[i].eca_aiv, 0);
	}
	assert_int_equal(gib_gisa_designation(&g->gi), 0);
	assert_int_equal(gib_gisa_device_designation(&g->gi), 0);
	assert_int_equal(gib_gisc_alert_mask(&g->gi), 0);
	assert_int_equal(gib_gisc_register(&g->gi, 2), -ENODEV);
	assert_int_equal(gib_gisc_unregister(&g->gi, 2), -ENODEV);
	assert_int_equal(gib_gisa_clear(&g->gi), -ENODEV);
	assert_int_equal(gib_gisa_disable(&g->gi), -ENODEV);
	assert_int_equal(gib_gisa_destroy(&g->gi), -ENODEV);
	assert_int_equal(e->host.nr_gisas, 0);
	assert_int_equal(gib_us_arena_used(), 1);
	/* A vcpu added while disabled gets no designation either. */
	assert_int_equal(gib_vcpu_add(&g->gi, &g->v[3], 77, NULL), 3);
	assert_int_equal(g->v[3].gd, 0);
	assert_int_equal(g->v[3].eca_aiv, 0);

	assert_int_equal(gib_gisa_enable(&g->gi), 0);
	assert_non_null(gib_guest_gisa(&g->gi));
	gd = gib_gisa_designation(&g->gi);
	assert_int_equal(gd, gib_gisa_maddr(t_gisa(g)) | 1);
	for (i = 0; i < 4; i++) {
		assert_int_equal(g->v[i].gd, gd);
		assert_int_equal(g->v[i].eca_aiv, 1);
	}
	/* A fresh GISA: no registrations carried over. */
	assert_int_equal(gib_gisc_alert_mask(&g->gi), 0);
	assert_int_equal(gib_gisc_unregister(&g->gi, 2), -EINVAL);
	assert_int_equal(gib_gisc_register(&g->gi, 2), 6);
	assert_int_equal(gib_gisc_unregister(&g->gi, 2), 0);
	assert_int_equal(e->host.nr_gisas, 1);
	/* Without registrations: 0. */
	assert_int_equal(gib_gisa_disable(&g->gi), 0);
	t_guest_down(g);
	free(g);
	t_env_free(e);
}

/* ---- Destroy ----------------------------------------------------------- */

/*
 * Defect 3 of issue 11: destroy freed a GISA whose GISCs were registered
 * (devices still designate it, the machine may still write it). It refuses
 * now, everything unchanged; so does gib_guest_destroy().
 */
static void test_destroy_refuses_registered_giscs(void **state)
{
	struct t_env *e = t_env_new(false, GIB_GAL_ISC);
	struct t_guest *g = guest_new();
	struct gib_gisa *gisa;
	uint64_t w;

	(void)state;
	t_guest_up(e, g, 1);
	assert_int_equal(gib_gisa_destroy(NULL), -EINVAL);
	t_register(g, t_isc_bit(0) | t_isc_bit(7));
	assert_int_equal(gib_gisc_register(&g->gi, 7), GIB_GAL_ISC);
	gisa = t_gisa(g);
	w = gib_gisa_load_word(gisa);
	assert_int_equal(gib_gisa_destroy(&g->gi), -EBUSY);
	assert_int_equal(gib_guest_destroy(&g->gi), -EBUSY);
	assert_ptr_equal(gib_guest_gisa(&g->gi), gisa);
	assert_int_equal(gib_gisa_load_word(gisa), w);
	assert_int_equal(gib_gisc_alert_mask(&g->gi), t_isc_bit(0) | t_isc_bit(7));
	assert_int_equal(e->host.nr_gisas, 1);
	assert_int_equal(gib_us_arena_used(), 2);
	/* Still usable: an AI on a registered ISC alerts as before. */
	assert_int_equal(t_raise(g, 7), GIB_US_AI_LINKED_GAL);
	assert_int_equal(t_run_out(e), 0);
	assert_int_equal(gib_gisa_tac_ipm_gisc(gisa, 7), 1);
	/* One registration left is enough to refuse. */
	assert_int_equal(gib_gisc_unregister(&g->gi, 0), 0);
	assert_int_equal(gib_gisc_unregister(&g->gi, 7), 0);
	assert_int_equal(gib_gisa_destroy(&g->gi), -EBUSY);
	assert_int_equal(gib_gisc_unregister(&g->gi, 7), 0);
	assert_int_equal(gib_gisa_destroy(&g->gi), 0);
	assert_null(gib_guest_gisa(&g->gi));
	assert_int_equal(gib_gisc_alert_mask(&g->gi), 0);
	assert_int_equal(e->host.nr_gisas, 0);
	assert_int_equal(gib_us_arena_used(), 1);
	/* vcpus keep their designation (only disable clears it). */
	assert_int_not_equal(g->v[0].gd, 0);

	/* Registered and unregistered again: nothing to report. */
	assert_int_equal(gib_gisa_init(&g->gi), 0);
	t_register(g, t_isc_bit(3));
	assert_int_equal(gib_gisc_unregister(&g->gi, 3), 0);
	assert_int_equal(gib_gisa_destroy(&g->gi), 0);
	t_guest_down(g);
	free(g);
	t_env_free(e);
}

static void test_destroy_cancels_kick(void **state)
{
	struct t_env *e = t_env_new(false, GIB_GAL_ISC);
	struct t_guest *g = guest_new();

	(void)state;
	t_guest_up(e, g, 1);
	assert_int_equal(gib_gisa_kick(&g->gi), 0);
	assert_true(t_timer_queued(e, NULL));
	assert_int_equal(gib_gisa_destroy(&g->gi), 0);
	assert_false(t_timer_queued(e, NULL));
	assert_int_equal(t_run_out(e), 0);
	t_guest_down(g);
	free(g);
	t_env_free(e);
}

/* One guest, its GISA in the alert list: destroy processes the list itself. */
static void test_destroy_while_linked(void **state)
{
	struct t_env *e = t_env_new(false, GIB_GAL_ISC);
	struct t_guest *g = guest_new();

	(void)state;
	t_guest_up(e, g, 2);
	t_register(g, t_isc_bit(4));
	assert_int_equal(t_raise(g, 4), GIB_US_AI_LINKED_GAL);
	assert_int_equal(gib_alert_list_origin(&e->host), gib_gisa_maddr(t_gisa(g)));
	/* The GAL is not handled: nobody but destroy will process the list. */
	t_log_clear(e);
	assert_int_equal(gib_gisc_unregister(&g->gi, 4), 0);
	assert_int_equal(gib_gisa_destroy(&g->gi), 0);
	assert_true(t_count(e, T_EV_CUT, NULL) >= 1);
	assert_int_equal(t_count(e, T_EV_UNLINK, &g->gi), 1);
	assert_null(gib_guest_gisa(&g->gi));
	/* The list no longer holds it; GAL interruptions are enabled again. */
	assert_int_equal(gib_alert_list_origin(&e->host), GIB_NULL_GISA_ADDR);
	assert_int_equal(t_be32_at(e->host.gib, 0), GIB_NULL_GISA_ADDR);
	/* Its kick, started by the unlink, was cancelled before the free. */
	assert_false(t_timer_queued(e, NULL));
	assert_int_equal(gib_us_arena_used(), 1);
	assert_int_equal(e->host.nr_gisas, 0);
	gib_us_machine_take_gal(&e->m);
	t_log_clear(e);
	assert_int_equal(gib_process_alert_list(&e->host), 0);
	assert_int_equal(t_count(e, T_EV_UNLINK, NULL), 0);
	t_guest_down(g);
	free(g);
	t_env_free(e);
}

/* gib_guest_destroy() takes a linked GISA down with it. */
static void test_guest_destroy_with_linked_gisa(void **state)
{
	struct t_env *e = t_env_new(true, GIB_GAL_ISC);
	struct t_guest *g = guest_new();

	(void)state;
	t_guest_up(e, g, 1);
	t_register(g, t_isc_bit(0));
	assert_int_equal(t_raise(g, 0), GIB_US_AI_LINKED_GAL);
	assert_int_equal(gib_gisc_unregister(&g->gi, 0), 0);
	assert_int_equal(gib_guest_destroy(&g->gi), 0);
	assert_int_equal(gib_alert_list_origin(&e->host), GIB_NULL_GISA_ADDR);
	assert_int_equal(e->host.nr_gisas, 0);
	assert_int_equal(gib_us_arena_used(), 1);
	assert_false(t_timer_queued(e, NULL));
	free(g);
	t_env_free(e);
}

/* ---- Kick scheduling ---------------------------------------------------- */

static void test_gisa_kick(void **state)
{
	struct t_env *e = t_env_new(false, GIB_GAL_ISC);
	struct t_guest *g = guest_new();
	uint64_t when, now;

	(void)state;
	t_guest_up(e, g, 1);
	t_register(g, t_isc_bit(5));
	assert_int_equal(gib_gisa_kick(NULL), -EINVAL);
	assert_false(t_timer_queued(e, NULL));
	assert_int_equal(gib_us_clock_run_until(e->clock, 1000), 0);
	now = gib_us_clock_now(e->clock);
	assert_int_equal(gib_gisa_kick(&g->gi), 0);
	assert_true(t_timer_queued(e, &when));
	assert_int_equal(when, now);

	/* Pending, no idle vcpu: the run re-queues itself one period later. */
	gib_gisa_set_ipm_gisc(t_gisa(g), 5);
	assert_int_equal(t_run_now(e), 1);
	assert_true(t_timer_queued(e, &when));
	assert_int_equal(when, now + GIB_KICK_EXPIRES_NS);
	/* A kick moves it to now: one timer, not two. */
	assert_int_equal(gib_gisa_kick(&g->gi), 0);
	assert_true(t_timer_queued(e, &when));
	assert_int_equal(when, now);
	assert_int_equal(t_run_now(e), 1);
	assert_int_equal(t_count(e, T_EV_KICK_TIMER, &g->gi), 2);
	gib_gisa_clear(&g->gi);
	assert_int_equal(t_run_out(e), 1);
	t_guest_down(g);
	free(g);
	t_env_free(e);
}

/* ---- zPCI adapter-event forwarding -------------------------------------- */

static void test_forward_adapter_event(void **state)
{
	struct t_env *e = t_env_new(true, GIB_GAL_ISC);
	struct t_guest *g = guest_new();
	struct gib_gisa *gisa;
	unsigned int isc, simm, nimm;

	(void)state;
	t_guest_up(e, g, 1);
	gisa = t_gisa(g);
	assert_int_equal(gib_gisa_forward_adapter_event(NULL, 0), -EINVAL);
	assert_int_equal(gib_gisa_forward_adapter_event(&g->gi, 8), -ERANGE);
	assert_int_equal(gib_gisa_get_ipm(gisa), 0);
	assert_false(t_timer_queued(e, NULL));

	for (isc = 0; isc <= GIB_MAX_ISC; isc++) {
		for (simm = 0; simm < 2; simm++) {
			for (nimm = 0; nimm < 2; nimm++) {
				/* The machine owns SIMM and NIMM; set others' bits too. */
				uint8_t sbyte = simm ? T_ALL_ISCS : (uint8_t)~t_isc_bit(isc);
				uint8_t nbyte = nimm ? T_ALL_ISCS : (uint8_t)~t_isc_bit(isc);
				bool pend = !(simm && nimm);
				uint64_t when;

				gisa->simm = sbyte;
				gisa->nimm = nbyte;
				t_log_clear(e);
				assert_int_equal(gib_gisa_forward_adapter_event(&g->gi, isc), pend);
				assert_int_equal(t_bytes(gisa)[4], pend ? t_isc_bit(isc) : 0);
				/* The host only reads SIMM and NIMM. */
				assert_int_equal(t_bytes(gisa)[5], sbyte);
				assert_int_equal(t_bytes(gisa)[6], nbyte);
				assert_int_equal(t_timer_queued(e, &when), pend);
				if (pend) {
					assert_int_equal(when, gib_us_clock_now(e->clock));
					assert_int_equal(t_run_now(e), 1);
					assert_int_equal(t_count(e, T_EV_KICK_TIMER, &g->gi), 1);
				}
				gib_gisa_clear(&g->gi);
				t_run_out(e);
			}
		}
	}
	gisa->simm = 0;
	gisa->nimm = 0;
	t_guest_down(g);
	free(g);
	t_env_free(e);
}

static void test_forward_adapter_event_format0(void **state)
{
	struct t_env *e = t_env_new(false, GIB_GAL_ISC);
	struct t_guest *g = guest_new();

	(void)state;
	t_guest_up(e, g, 1);
	assert_int_equal(gib_gisa_forward_adapter_event(&g->gi, 3), -EOPNOTSUPP);
	assert_int_equal(gib_gisa_get_ipm(t_gisa(g)), 0);
	assert_false(t_timer_queued(e, NULL));
	t_guest_down(g);
	free(g);
	t_env_free(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_guest_init_errors),
		cmocka_unit_test(test_guest_without_gisa),
		cmocka_unit_test(test_policy_and_expires),
		cmocka_unit_test(test_gisa_init),
		cmocka_unit_test(test_gisa_clear),
		cmocka_unit_test(test_designation_format0),
		cmocka_unit_test(test_designation_format1),
		cmocka_unit_test(test_disable_enable),
		cmocka_unit_test(test_destroy_refuses_registered_giscs),
		cmocka_unit_test(test_destroy_cancels_kick),
		cmocka_unit_test(test_destroy_while_linked),
		cmocka_unit_test(test_guest_destroy_with_linked_gisa),
		cmocka_unit_test(test_gisa_kick),
		cmocka_unit_test(test_forward_adapter_event),
		cmocka_unit_test(test_forward_adapter_event_format0),
	};

	return cmocka_run_group_tests(tests, t_group_setup, t_group_teardown);
}
