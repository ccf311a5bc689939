/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * The vcpu side (src/vcpu.c): adding vcpus (-ERANGE past 248), the runnable
 * check (clears the kicked bit on every call), the before-wait check in the
 * spec's order and its return values, the idle bit by vcpu index, SIE entry
 * (clears the kicked bit), host delivery from the IPM (lowest ISC first, the
 * adapter-interruption word) and host injection (no alert, one vcpu woken).
 */
#include "gib_test.h"

#define NR_VCPUS 3
#define MASK_ISC 2

static int setup(void **state)
{
	*state = t_fx_new(GIB_GAL_ISC, NR_VCPUS);
	return 0;
}

static int teardown(void **state)
{
	t_fx_free(*state);
	return 0;
}

static bool idle(struct t_guest *g, unsigned int idx)
{
	return gib_pf_test_bit(idx, g->gi.idle_mask);
}

static void set_kicked(struct t_guest *g, unsigned int idx)
{
	gib_pf_set_bit(idx, g->gi.kicked_mask);
}

/* ---- Adding ------------------------------------------------------------ */

static void test_add(void **state)
{
	struct t_env *e = t_env_new(true, GIB_GAL_ISC);
	struct t_guest *g = calloc(1, sizeof(*g));
	struct gib_guest *gi;
	struct gib_vcpu *v = calloc(GIB_MAX_VCPUS + 1, sizeof(*v));
	struct gib_vcpu pattern;
	unsigned int i;
	uint32_t gd;

	(void)state;
	assert_non_null(g);
	assert_non_null(v);
	g->env = e;
	gi = &g->gi;
	assert_int_equal(gib_guest_init(gi, &e->host, &t_guest_ops, NULL), 0);
	assert_int_equal(gib_gisa_init(gi), 0);
	gd = gib_gisa_designation(gi);
	assert_int_equal(gib_vcpu_add(NULL, &v[0], 0, NULL), -EINVAL);
	assert_int_equal(gib_vcpu_add(gi, NULL, 0, NULL), -EINVAL);
	assert_int_equal(gi->online_vcpus, 0);

	for (i = 0; i < GIB_MAX_VCPUS; i++) {
		memset(&v[i], 0xa5, sizeof(v[i]));
		/* Sparse, descending ids: the index is what counts. */
		assert_int_equal(gib_vcpu_add(gi, &v[i], 10000 - 3 * i, &v[i]), (int)i);
		assert_int_equal(gi->online_vcpus, i + 1);
		assert_ptr_equal(gi->vcpus[i], &v[i]);
		assert_int_equal(v[i].idx, i);
		assert_int_equal(v[i].id, 10000 - 3 * i);
		assert_int_equal(v[i].cr6, 0);
		assert_int_equal(v[i].io_enabled, 0);
		assert_int_equal(v[i].stopped, 0);
		assert_int_equal(v[i].in_sie, 0);
		assert_int_equal(v[i].gd, gd);
		assert_int_equal(v[i].eca_aiv, 1);
		assert_ptr_equal(v[i].gi, gi);
		assert_ptr_equal(v[i].priv, &v[i]);
		assert_int_equal(gib_vcpu_isc_mask(&v[i]), 0);
	}
	/* KVM's limit: the 249th is refused, its memory untouched. */
	memset(&v[GIB_MAX_VCPUS], 0x3c, sizeof(pattern));
	memcpy(&pattern, &v[GIB_MAX_VCPUS], sizeof(pattern));
	assert_int_equal(gib_vcpu_add(gi, &v[GIB_MAX_VCPUS], 1, NULL), -ERANGE);
	assert_memory_equal(&v[GIB_MAX_VCPUS], &pattern, sizeof(pattern));
	assert_int_equal(gi->online_vcpus, GIB_MAX_VCPUS);

	/* The last index works like the first. */
	gib_vcpu_set_cr6(&v[GIB_MAX_VCPUS - 1], (uint64_t)T_ALL_ISCS << 24);
	gib_vcpu_set_io_enabled(&v[GIB_MAX_VCPUS - 1], true);
	assert_int_equal(gib_vcpu_prepare_wait(&v[GIB_MAX_VCPUS - 1]), 0);
	assert_true(gib_pf_test_bit(GIB_MAX_VCPUS - 1, gi->idle_mask));
	assert_int_equal(gib_kick_one_vcpu(gi, t_isc_bit(0)), GIB_MAX_VCPUS - 1);
	gib_vcpu_end_wait(&v[GIB_MAX_VCPUS - 1]);
	assert_int_equal(gib_guest_destroy(gi), 0);
	free(v);
	free(g);
	t_env_free(e);
}

static void test_isc_mask(void **state)
{
	struct t_fx *f = *state;
	struct gib_vcpu *v = &f->g->v[0];

	gib_vcpu_set_cr6(v, 0xffffffff5affffffull);
	gib_vcpu_set_io_enabled(v, true);
	assert_int_equal(gib_vcpu_isc_mask(v), 0x5a);
	gib_vcpu_set_io_enabled(v, false);
	assert_int_equal(gib_vcpu_isc_mask(v), 0);
	gib_vcpu_set_io_enabled(v, true);
	gib_vcpu_set_cr6(v, 0x00ffffffull);
	assert_int_equal(gib_vcpu_isc_mask(v), 0);
	gib_vcpu_set_stopped(v, true);
	assert_int_equal(v->stopped, 1);
	gib_vcpu_set_stopped(v, false);
	assert_int_equal(v->stopped, 0);
}

/* ---- The runnable check ------------------------------------------------ */

static void test_runnable_clears_kicked_always(void **state)
{
	struct t_fx *f = *state;
	struct t_guest *g = f->g;
	struct gib_vcpu *v = &g->v[1];
	struct gib_gisa *gisa = t_gisa(g);

	/* Nothing pending: false, and the kicked bit is gone. */
	set_kicked(g, 1);
	set_kicked(g, 2);
	assert_false(gib_vcpu_runnable(v));
	assert_false(t_kicked(g, 1));
	assert_true(t_kicked(g, 2));	/* only its own */

	/* Pending but masked by CR6, or I/O off: false, cleared all the same. */
	gib_gisa_set_ipm_gisc(gisa, 6);
	t_vcpu_set(g, 1, (uint8_t)~t_isc_bit(6), true);
	set_kicked(g, 1);
	assert_false(gib_vcpu_runnable(v));
	assert_false(t_kicked(g, 1));
	t_vcpu_set(g, 1, t_isc_bit(6), false);
	set_kicked(g, 1);
	assert_false(gib_vcpu_runnable(v));
	assert_false(t_kicked(g, 1));

	/* Deliverable: true, and cleared. */
	t_vcpu_set(g, 1, t_isc_bit(6), true);
	set_kicked(g, 1);
	assert_true(gib_vcpu_runnable(v));
	assert_false(t_kicked(g, 1));
	/* The check only reads the IPM. */
	assert_int_equal(gib_gisa_get_ipm(gisa), t_isc_bit(6));
	assert_false(idle(g, 1));

	/* Without a GISA: false, and cleared. */
	assert_int_equal(gib_gisa_destroy(&g->gi), 0);
	set_kicked(g, 1);
	assert_false(gib_vcpu_runnable(v));
	assert_false(t_kicked(g, 1));
	gib_pf_clear_bit(2, g->gi.kicked_mask);
}

/* ---- Before a wait ------------------------------------------------------ */

static void test_prepare_wait(void **state)
{
	struct t_fx *f = *state;
	struct t_guest *g = f->g;
	struct gib_vcpu *v = &g->v[2];
	struct gib_gisa *gisa = t_gisa(g);
	const uint8_t mask = t_isc_bit(MASK_ISC) | t_isc_bit(5);

	t_register(g, mask);
	assert_int_equal(gib_vcpu_prepare_wait(NULL), -EINVAL);
	/* As after an alert: the IAM is off. */
	assert_int_equal(gib_gisa_set_iam(gisa, 0), 0);
	g->gi.last_sleep_cpu = 0;

	/* (1) Work deliverable to this vcpu: 1, not idle, IAM untouched. */
	gib_gisa_set_ipm_gisc(gisa, MASK_ISC);
	set_kicked(g, 2);
	assert_int_equal(gib_vcpu_prepare_wait(v), 1);
	assert_false(t_kicked(g, 2));
	assert_false(idle(g, 2));
	assert_int_equal(gib_gisa_get_iam(gisa), 0);
	assert_int_equal(g->gi.last_sleep_cpu, 0);
	gib_gisa_clear_ipm(gisa);

	/*
	 * (2) I/O disabled: a disabled wait is refused, after the runnable
	 * check (the kicked bit is gone) and before the IAM would be re-armed.
	 */
	gib_vcpu_set_io_enabled(v, false);
	set_kicked(g, 2);
	assert_int_equal(gib_vcpu_prepare_wait(v), -EOPNOTSUPP);
	assert_false(t_kicked(g, 2));
	assert_false(idle(g, 2));
	assert_int_equal(gib_gisa_get_iam(gisa), 0);
	/* Even with an AI pending for its CR6: the PSW decides. */
	gib_gisa_set_ipm_gisc(gisa, MASK_ISC);
	assert_int_equal(gib_vcpu_prepare_wait(v), -EOPNOTSUPP);
	gib_gisa_clear_ipm(gisa);
	gib_vcpu_set_io_enabled(v, true);

	/* (3) An alert ISC pending that this vcpu's CR6 does not take: sleep, IAM stays off. */
	t_vcpu_set(g, 2, t_isc_bit(5), true);
	gib_gisa_set_ipm_gisc(gisa, MASK_ISC);
	assert_int_equal(gib_vcpu_prepare_wait(v), 0);
	assert_true(idle(g, 2));
	assert_int_equal(gib_gisa_get_iam(gisa), 0);
	assert_int_equal(g->gi.last_sleep_cpu, 2);
	gib_vcpu_end_wait(v);
	assert_false(idle(g, 2));
	gib_gisa_clear_ipm(gisa);
	g->gi.last_sleep_cpu = 0;

	/* Nothing pending: the IAM is re-armed, the vcpu idle and the last sleeper. */
	gib_gisa_set_ipm_gisc(gisa, 7);		/* not an alert ISC */
	assert_int_equal(gib_vcpu_prepare_wait(v), 0);
	assert_int_equal(gib_gisa_get_iam(gisa), mask);
	assert_true(idle(g, 2));
	assert_false(idle(g, 0) || idle(g, 1));
	assert_int_equal(g->gi.last_sleep_cpu, 2);
	gib_vcpu_end_wait(v);

	/* No GISA: nothing to check, the vcpu may sleep. */
	t_unregister_all(&g->gi);	/* destroy refuses while registered */
	assert_int_equal(gib_gisa_destroy(&g->gi), 0);
	assert_int_equal(gib_vcpu_prepare_wait(&g->v[1]), 0);
	assert_true(idle(g, 1));
	assert_int_equal(g->gi.last_sleep_cpu, 1);
	gib_vcpu_end_wait(&g->v[1]);
}

/* The idle bitmap is indexed by vcpu index, whatever the vcpu ids. */
static void test_idle_bit_by_index(void **state)
{
	struct t_fx *f = *state;
	struct t_guest *g = f->g;
	unsigned int i, bit;

	/* t_guest_up() gave ids 3, 13, 23. */
	for (i = 0; i < NR_VCPUS; i++) {
		assert_int_equal(g->v[i].id, 10 * i + 3);
		assert_int_equal(gib_vcpu_prepare_wait(&g->v[i]), 0);
		for (bit = 0; bit < 64; bit++)
			assert_int_equal(idle(g, bit), bit <= i);
	}
	for (i = 0; i < NR_VCPUS; i++) {
		gib_vcpu_end_wait(&g->v[i]);
		assert_false(idle(g, i));
	}
	for (bit = 0; bit < 64; bit++)
		assert_false(idle(g, bit));
}

/* ---- SIE ---------------------------------------------------------------- */

static void test_enter_exit_sie(void **state)
{
	struct t_fx *f = *state;
	struct t_guest *g = f->g;

	set_kicked(g, 0);
	set_kicked(g, 1);
	gib_vcpu_enter_sie(&g->v[0]);
	assert_false(t_kicked(g, 0));
	assert_true(t_kicked(g, 1));
	assert_int_equal(g->v[0].in_sie, 1);
	assert_int_equal(g->v[1].in_sie, 0);
	gib_vcpu_exit_sie(&g->v[0]);
	assert_int_equal(g->v[0].in_sie, 0);
	gib_vcpu_runnable(&g->v[1]);
}

static void test_take_ai(void **state)
{
	struct t_fx *f = *state;
	struct t_guest *g = f->g;
	struct gib_vcpu *v = &g->v[0];
	struct gib_gisa *gisa = t_gisa(g);
	static const unsigned int order[] = { 1, 5, 7 };
	uint32_t word = 0;
	unsigned int i;

	assert_int_equal(gib_vcpu_take_ai(NULL, &word), -EINVAL);
	assert_int_equal(gib_vcpu_take_ai(v, &word), -ENOENT);
	gib_gisa_set_ipm_gisc(gisa, 7);
	gib_gisa_set_ipm_gisc(gisa, 1);
	gib_gisa_set_ipm_gisc(gisa, 5);

	/* I/O disabled: nothing is deliverable, nothing taken. */
	gib_vcpu_set_io_enabled(v, false);
	assert_int_equal(gib_vcpu_take_ai(v, &word), -ENOENT);
	assert_int_equal(gib_gisa_get_ipm(gisa), 0x45);
	/* CR6 takes ISC 5 and 7 only: 5 first. */
	t_vcpu_set(g, 0, t_isc_bit(5) | t_isc_bit(7), true);
	assert_int_equal(gib_vcpu_take_ai(v, &word), 5);
	assert_int_equal(word, 0x80000000u | 5u << 27);
	assert_int_equal(gib_gisa_get_ipm(gisa), 0x41);
	gib_gisa_set_ipm_gisc(gisa, 5);

	/* Everything enabled: lowest ISC (highest priority) first. */
	t_vcpu_set(g, 0, T_ALL_ISCS, true);
	for (i = 0; i < 3; i++) {
		word = 0;
		assert_int_equal(gib_vcpu_take_ai(v, &word), (int)order[i]);
		assert_int_equal(word, 0x80000000u | order[i] << 27);
		assert_int_equal(gib_gisa_test_ipm_gisc(gisa, order[i]), 0);
	}
	assert_int_equal(gib_vcpu_take_ai(v, &word), -ENOENT);
	/* No interruption word wanted. */
	gib_gisa_set_ipm_gisc(gisa, 0);
	assert_int_equal(gib_vcpu_take_ai(v, NULL), 0);
	assert_int_equal(gib_gisa_get_ipm(gisa), 0);

	assert_int_equal(gib_gisa_destroy(&g->gi), 0);
	assert_int_equal(gib_vcpu_take_ai(v, &word), -ENODEV);
}

/* ---- Injection ---------------------------------------------------------- */

static void test_inject(void **state)
{
	struct t_fx *f = *state;
	struct t_env *e = f->e;
	struct t_guest *g = f->g;
	struct gib_gisa *gisa = t_gisa(g);

	t_register(g, t_isc_bit(4));
	assert_int_equal(gib_inject_ai(NULL, 4), -EINVAL);
	assert_int_equal(gib_inject_ai(&g->gi, 8), -ERANGE);
	assert_int_equal(gib_gisa_get_ipm(gisa), 0);
	assert_int_equal(t_count(e, T_EV_WAKE, NULL), 0);

	/* Nobody idle: round robin from vcpu 0. The bit is set, no alert. */
	assert_int_equal(gib_inject_ai(&g->gi, 4), 0);
	assert_int_equal(gib_gisa_get_ipm(gisa), t_isc_bit(4));
	assert_int_equal(t_wakes(e, &g->v[0]), 1);
	assert_int_equal(gib_gisa_in_alert_list(gisa), 0);
	assert_int_equal(gib_gisa_get_iam(gisa), t_isc_bit(4));
	assert_int_equal(gib_alert_list_origin(&e->host), GIB_NULL_GISA_ADDR);
	assert_int_equal(gib_us_machine_take_gal(&e->m), 0);
	assert_false(t_timer_queued(e, NULL));
	/* Nothing is queued for the vcpu, it is only woken: kicked bit untouched. */
	assert_false(t_kicked(g, 0));
	gib_gisa_clear_ipm(gisa);

	/* An idle vcpu is preferred. */
	assert_int_equal(gib_vcpu_prepare_wait(&g->v[2]), 0);
	assert_int_equal(gib_inject_ai(&g->gi, 1), 2);
	assert_int_equal(t_wakes(e, &g->v[2]), 1);
	assert_true(gib_vcpu_runnable(&g->v[2]));
	gib_vcpu_end_wait(&g->v[2]);
	gib_gisa_clear_ipm(gisa);

	/* Nobody to choose: -ENODEV, the AI stays pending. */
	for (unsigned int i = 0; i < NR_VCPUS; i++)
		gib_vcpu_set_stopped(&g->v[i], true);
	assert_int_equal(gib_inject_ai(&g->gi, 3), -ENODEV);
	assert_int_equal(gib_gisa_get_ipm(gisa), t_isc_bit(3));
	assert_int_equal(t_count(e, T_EV_WAKE, NULL), 2);

	t_unregister_all(&g->gi);	/* destroy refuses while registered */
	assert_int_equal(gib_gisa_destroy(&g->gi), 0);
	assert_int_equal(gib_inject_ai(&g->gi, 3), -ENODEV);
}

/* The report variant says whether the AI merged with a pending one. */
static void test_inject_report(void **state)
{
	struct t_fx *f = *state;
	struct t_guest *g = f->g;
	bool coalesced = true;

	assert_true(gib_inject_ai_report(&g->gi, 6, &coalesced) >= 0);
	assert_false(coalesced);
	assert_true(gib_inject_ai_report(&g->gi, 6, &coalesced) >= 0);
	assert_true(coalesced);
	assert_true(gib_inject_ai_report(&g->gi, 5, NULL) >= 0);
	coalesced = false;
	assert_int_equal(gib_inject_ai_report(&g->gi, 8, &coalesced), -ERANGE);
	assert_false(coalesced);
	assert_int_equal(gib_gisa_get_ipm(t_gisa(g)), t_isc_bit(6) | t_isc_bit(5));
	assert_int_equal(t_count(f->e, T_EV_WAKE, NULL), 3);
	gib_gisa_clear_ipm(t_gisa(g));
}

static void test_inject_no_vcpus(void **state)
{
	struct t_env *e = t_env_new(false, GIB_GAL_ISC);
	struct t_guest *g = calloc(1, sizeof(*g));

	(void)state;
	assert_non_null(g);
	t_guest_up(e, g, 0);
	assert_int_equal(gib_inject_ai(&g->gi, 6), -ENODEV);
	assert_int_equal(gib_gisa_get_ipm(t_gisa(g)), t_isc_bit(6));
	assert_int_equal(t_count(e, T_EV_WAKE, NULL), 0);
	t_guest_down(g);
	free(g);
	t_env_free(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add),
		cmocka_unit_test_setup_teardown(test_isc_mask, setup, teardown),
		cmocka_unit_test_setup_teardown(test_runnable_clears_kicked_always, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_prepare_wait, setup, teardown),
		cmocka_unit_test_setup_teardown(test_idle_bit_by_index, setup, teardown),
		cmocka_unit_test_setup_teardown(test_enter_exit_sie, setup, teardown),
		cmocka_unit_test_setup_teardown(test_take_ai, setup, teardown),
		cmocka_unit_test_setup_teardown(test_inject, setup, teardown),
		cmocka_unit_test_setup_teardown(test_inject_report, setup, teardown),
		cmocka_unit_test(test_inject_no_vcpus),
	};

	return cmocka_run_group_tests(tests, t_group_setup, t_group_teardown);
}
