/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * Regression tests, one per known defect of earlier versions (spec section
 * 6), each named after its defect. Each drives the whole path a guest would
 * (machine alert, GAL handling, kick timer on the simulated clock, vcpu
 * wait / wake / SIE) and asserts the outcome the defect broke, so it fails
 * if the defect is put back into the core.
 *
 * test_defect_destroy_spins cannot fail by assertion: with the defect the
 * destroy never returns. Its detector is meson's timeout for this program
 * (tests/meson.build), which reports TIMEOUT; nothing here sleeps or
 * measures time.
 */
#include "gib_test.h"

struct fx {
	struct t_env *e;
	struct t_guest *g;	/* 2 */
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->e = t_env_new(true, GIB_GAL_ISC);
	f->g = calloc(2, sizeof(*f->g));
	assert_non_null(f->g);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	unsigned int i, j;

	for (i = 0; i < 2; i++) {
		if (!f->g[i].env)
			continue;
		for (j = 0; j < f->g[i].nr_vcpus; j++)
			gib_vcpu_end_wait(&f->g[i].v[j]);
		t_guest_down(&f->g[i]);
	}
	t_env_free(f->e);
	free(f->g);
	free(f);
	return 0;
}

/* The machine raises @isc for @g, and the host handles the GAL it caused. */
static void alert_and_handle(struct t_guest *g, unsigned int isc)
{
	assert_int_equal(t_raise(g, isc), GIB_US_AI_LINKED_GAL);
	assert_int_equal(gib_us_machine_take_gal(&g->env->m), 1);
	gib_gal_interrupt(&g->env->host);
	assert_int_equal(gib_gisa_in_alert_list(t_gisa(g)), 0);
}

/* vcpu @idx of @g enters SIE and takes what it can; returns how many. */
static unsigned int run_in_sie(struct t_guest *g, unsigned int idx)
{
	unsigned int n = 0;

	gib_vcpu_enter_sie(&g->v[idx]);
	while (gib_vcpu_take_ai(&g->v[idx], NULL) >= 0)
		n++;
	gib_vcpu_exit_sie(&g->v[idx]);
	return n;
}

/*
 * Defect: "The kick loop once narrowed pending by the first idle vcpu's CR6
 * mask, so a later idle vcpu that could take the ISC was never woken."
 */
static void test_defect_kick_narrows_pending(void **state)
{
	struct fx *f = *state;
	struct t_env *e = f->e;
	struct t_guest *g = &f->g[0];
	unsigned int period;
	uint64_t t;

	t_guest_up(e, g, 2);
	t_register(g, t_isc_bit(4));
	/* The first idle vcpu takes only ISC 1, the second ISC 4. */
	t_vcpu_set(g, 0, t_isc_bit(1), true);
	t_vcpu_set(g, 1, t_isc_bit(4), true);
	assert_int_equal(gib_vcpu_prepare_wait(&g->v[0]), 0);
	assert_int_equal(gib_vcpu_prepare_wait(&g->v[1]), 0);

	alert_and_handle(g, 4);
	/* However many periods pass, vcpu 1 must be the one woken. */
	t = gib_us_clock_now(e->clock);
	for (period = 0; period < 3; period++, t += GIB_KICK_EXPIRES_NS)
		assert_int_equal(gib_us_clock_run_until(e->clock, t), 1);
	assert_int_equal(t_wakes(e, &g->v[1]), 1);
	assert_int_equal(t_wakes(e, &g->v[0]), 0);
	/* Directly: the walk matches each vcpu against all of the pending ISCs. */
	assert_int_equal(gib_kick_one_vcpu(&g->gi, t_isc_bit(4)), -EALREADY);
	gib_vcpu_end_wait(&g->v[1]);
	assert_true(gib_vcpu_runnable(&g->v[1]));
	assert_int_equal(run_in_sie(g, 1), 1);
	t_run_out(e);
	assert_int_equal(gib_gisa_get_iam(t_gisa(g)), t_isc_bit(4));
}

/*
 * Defect: "The idle bitmap was once indexed by vcpu id instead of vcpu
 * index: guests with sparse vcpu ids lost kicks."
 */
static void test_defect_idle_mask_by_vcpu_id(void **state)
{
	struct fx *f = *state;
	struct t_env *e = f->e;
	struct t_guest *g = &f->g[0];
	unsigned int bit;

	memset(g, 0, sizeof(*g));
	g->env = e;
	assert_int_equal(gib_guest_init(&g->gi, &e->host, &t_guest_ops, g), 0);
	assert_int_equal(gib_gisa_init(&g->gi), 0);
	/* Index 0 has id 5 (no index of this guest), index 1 has id 0. */
	assert_int_equal(gib_vcpu_add(&g->gi, &g->v[0], 5, NULL), 0);
	assert_int_equal(gib_vcpu_add(&g->gi, &g->v[1], 0, NULL), 1);
	g->nr_vcpus = 2;
	t_vcpu_set(g, 0, T_ALL_ISCS, true);
	t_vcpu_set(g, 1, T_ALL_ISCS, true);
	t_register(g, t_isc_bit(6));

	/* vcpu 0 runs; vcpu 1 waits. */
	assert_int_equal(gib_vcpu_prepare_wait(&g->v[1]), 0);
	for (bit = 0; bit < 8; bit++)
		assert_int_equal(gib_pf_test_bit(bit, g->gi.idle_mask), bit == 1);

	alert_and_handle(g, 6);
	assert_int_equal(t_run_now(e), 1);
	/* The sleeping vcpu is woken, not the running one. */
	assert_int_equal(t_wakes(e, &g->v[1]), 1);
	assert_int_equal(t_wakes(e, &g->v[0]), 0);

	gib_vcpu_end_wait(&g->v[1]);
	for (bit = 0; bit < 8; bit++)
		assert_false(gib_pf_test_bit(bit, g->gi.idle_mask));
	assert_int_equal(run_in_sie(g, 1), 1);
	t_run_out(e);
}

/*
 * Defect: "A kicked vcpu whose interrupt was meanwhile taken by another vcpu
 * went back to sleep with its kicked bit still set; every later kick skipped
 * it as 'kicked, not yet running' and the guest's AIs were never
 * delivered." The runnable check must clear the bit.
 */
static void test_defect_kicked_bit_stuck(void **state)
{
	struct fx *f = *state;
	struct t_env *e = f->e;
	struct t_guest *g = &f->g[0];
	struct gib_vcpu *v0 = &g->v[0];

	t_guest_up(e, g, 2);
	t_register(g, t_isc_bit(3));
	assert_int_equal(gib_vcpu_prepare_wait(v0), 0);

	/* Alert: the kick timer wakes vcpu 0. */
	alert_and_handle(g, 3);
	assert_int_equal(t_run_now(e), 1);
	assert_int_equal(t_wakes(e, v0), 1);

	/* Before vcpu 0 runs, vcpu 1 enters SIE and takes the AI. */
	assert_int_equal(run_in_sie(g, 1), 1);
	/* vcpu 0 wakes, finds nothing, and waits again without entering SIE. */
	gib_vcpu_end_wait(v0);
	assert_false(gib_vcpu_runnable(v0));
	assert_int_equal(gib_vcpu_prepare_wait(v0), 0);
	t_run_out(e);
	assert_int_equal(gib_gisa_get_iam(t_gisa(g)), t_isc_bit(3));

	/* The next AI: vcpu 0 is the one to wake, and it must be woken. */
	alert_and_handle(g, 3);
	assert_int_equal(t_run_now(e), 1);
	assert_int_equal(t_wakes(e, v0), 2);
	gib_vcpu_end_wait(v0);
	assert_true(gib_vcpu_runnable(v0));
	assert_int_equal(run_in_sie(g, 0), 1);
	t_run_out(e);
	assert_int_equal(gib_gisa_get_ipm(t_gisa(g)), 0);
}

/*
 * Defect: "GISA destroy once spun until some other CPU's alert processing
 * removed the GISA from the list; with one guest nobody did, and the host
 * stalled. Destroy must set IAM 0 and process the list itself."
 *
 * One guest, one thread, its GISA in the alert list and the GAL not handled:
 * only the destroy itself can take the GISA out. With the defect this test
 * hangs and meson's timeout reports it.
 */
static void test_defect_destroy_spins(void **state)
{
	struct fx *f = *state;
	struct t_env *e = f->e;
	struct t_guest *g = &f->g[0];
	unsigned int first;
	uint32_t maddr;

	t_guest_up(e, g, 1);
	t_register(g, t_isc_bit(2));
	assert_int_equal(t_raise(g, 2), GIB_US_AI_LINKED_GAL);
	maddr = gib_gisa_maddr(t_gisa(g));
	assert_int_equal(gib_alert_list_origin(&e->host), maddr);

	t_log_clear(e);
	t_unregister_all(&g->gi);	/* destroy refuses while registered */
	assert_int_equal(gib_gisa_destroy(&g->gi), 0);
	/* It processed the list itself: its cut found the GISA and unlinked it. */
	assert_int_equal(t_count(e, T_EV_UNLINK, &g->gi), 1);
	first = e->ev[0].kind == T_EV_CUT_CAS;	/* the v2 cut reports its CAS first */
	assert_int_equal(e->ev[first].kind, T_EV_CUT);
	assert_int_equal(e->ev[first].value, maddr);
	assert_null(gib_guest_gisa(&g->gi));
	assert_int_equal(gib_alert_list_origin(&e->host), GIB_NULL_GISA_ADDR);
	assert_int_equal(e->host.nr_gisas, 0);
}

/*
 * Defect: "With the GISA switched off (no origin), the designation word must
 * be 0; translating a NULL origin to an address produced a bogus
 * designation."
 */
static void test_defect_null_origin_designation(void **state)
{
	struct fx *f = *state;
	struct t_env *e = f->e;
	struct t_guest *g = &f->g[0];

	/* Never had a GISA. */
	memset(g, 0, sizeof(*g));
	g->env = e;
	assert_int_equal(gib_guest_init(&g->gi, &e->host, &t_guest_ops, g), 0);
	assert_int_equal(gib_gisa_designation(&g->gi), 0);
	assert_int_equal(gib_gisa_device_designation(&g->gi), 0);
	assert_int_equal(gib_vcpu_add(&g->gi, &g->v[0], 0, NULL), 0);
	g->nr_vcpus = 1;
	assert_int_equal(g->v[0].gd, 0);
	assert_int_equal(g->v[0].eca_aiv, 0);

	/* Had one, switched off (protected virtualization without AIV). */
	assert_int_equal(gib_gisa_enable(&g->gi), 0);
	assert_int_not_equal(g->v[0].gd, 0);
	assert_int_equal(gib_gisa_disable(&g->gi), 0);
	assert_int_equal(gib_gisa_designation(&g->gi), 0);
	assert_int_equal(gib_gisa_device_designation(&g->gi), 0);
	assert_int_equal(g->v[0].gd, 0);
	assert_int_equal(g->v[0].eca_aiv, 0);
	assert_int_equal(gib_vcpu_add(&g->gi, &g->v[1], 1, NULL), 1);
	g->nr_vcpus = 2;
	assert_int_equal(g->v[1].gd, 0);
	assert_int_equal(g->v[1].eca_aiv, 0);
}

/*
 * Defect: "Destroying a GISA that sits in the alert list without processing
 * the list leaves a dangling link that the next cut would follow."
 *
 * Two guests linked (B -> A -> NULL); A is destroyed. Afterwards no link may
 * lead to A's memory: not the origin, not B's next_alert.
 */
static void test_defect_destroy_dangling_link(void **state)
{
	struct fx *f = *state;
	struct t_env *e = f->e;
	struct t_guest *a = &f->g[0], *b = &f->g[1];
	uint32_t ma, mb;

	t_guest_up(e, a, 1);
	t_guest_up(e, b, 1);
	t_register(a, t_isc_bit(0));
	t_register(b, t_isc_bit(0));
	assert_int_equal(t_raise(a, 0), GIB_US_AI_LINKED_GAL);
	assert_int_equal(t_raise(b, 0), GIB_US_AI_LINKED);
	ma = gib_gisa_maddr(t_gisa(a));
	mb = gib_gisa_maddr(t_gisa(b));
	assert_int_equal(gib_alert_list_origin(&e->host), mb);
	assert_int_equal(t_be32_at(t_gisa(b), 0), ma);

	t_log_clear(e);
	t_unregister_all(&a->gi);	/* destroy refuses while registered */
	assert_int_equal(gib_gisa_destroy(&a->gi), 0);
	/* Nothing leads to A: the list was processed, B unlinked (not lost). */
	assert_int_not_equal(gib_alert_list_origin(&e->host), ma);
	assert_int_not_equal(t_be32_at(t_gisa(b), 0), ma);
	assert_int_equal(gib_alert_list_origin(&e->host), GIB_NULL_GISA_ADDR);
	assert_int_equal(t_be32_at(t_gisa(b), 0), mb);
	assert_int_equal(t_count(e, T_EV_UNLINK, &b->gi), 1);
	/* B's kick is due: its AI is not stranded. */
	assert_int_equal(t_run_now(e), 1);
	assert_int_equal(t_count(e, T_EV_KICK_TIMER, &b->gi), 1);
	/* The next processing finds nothing. */
	gib_us_machine_take_gal(&e->m);
	assert_int_equal(gib_process_alert_list(&e->host), 0);
	assert_int_equal(run_in_sie(b, 0), 1);
	t_run_out(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_defect_kick_narrows_pending, setup, teardown),
		cmocka_unit_test_setup_teardown(test_defect_idle_mask_by_vcpu_id, setup, teardown),
		cmocka_unit_test_setup_teardown(test_defect_kicked_bit_stuck, setup, teardown),
		cmocka_unit_test_setup_teardown(test_defect_destroy_spins, setup, teardown),
		cmocka_unit_test_setup_teardown(test_defect_null_origin_designation, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_defect_destroy_dangling_link, setup, teardown),
	};

	return cmocka_run_group_tests(tests, t_group_setup, t_group_teardown);
}
