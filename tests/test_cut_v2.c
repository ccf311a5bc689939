/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * The v2 series' cut (GIB_CUT_V2, src/alert_list.c): one compare-and-swap
 * loop to NULL takes the whole list, one walk unlinks and kicks each GISA.
 * Seen through the trace hooks: one cut, final, per call; the CAS retries
 * when a link lands between its read and its CAS (made to happen from the
 * cut_cas hook, through the machine model); a GISA linked while the host
 * walks raises its own GAL interruption and is not stranded; the policy is
 * chosen at set-up and a bad one changes nothing.
 */
#include "gib_test.h"

#define NR_GUESTS 4
#define ISC 5

static int setup(void **state)
{
	*state = t_list_fx_new(GIB_CUT_V2, NR_GUESTS, ISC);
	return 0;
}

static int teardown(void **state)
{
	t_fx_free(*state);
	return 0;
}

/* The @n-th event of @kind, or fail. */
static const struct t_ev *nth(struct t_env *e, enum t_ev_kind kind, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < e->nr_ev; i++)
		if (e->ev[i].kind == kind && n-- == 0)
			return &e->ev[i];
	fail_msg("no event %u of kind %d", n, kind);
	return NULL;
}

/* Drop what is pending; the kick timers re-arm every IAM and stop. */
static void drain(struct t_fx *f)
{
	unsigned int i;

	for (i = 0; i < NR_GUESTS; i++)
		assert_int_equal(gib_gisa_clear(&f->g[i].gi), 0);
	t_run_out(f->e);
	for (i = 0; i < NR_GUESTS; i++) {
		t_assert_unlinked(&f->g[i]);
		assert_int_equal(gib_gisa_get_iam(t_gisa(&f->g[i])), t_isc_bit(ISC));
	}
}

static void test_one_cut_takes_the_chain(void **state)
{
	struct t_fx *f = *state;
	struct t_env *e = f->e;
	unsigned int i;

	/* g0 links onto NULL (GAL), g1 and g2 onto it (no GAL). */
	assert_int_equal(t_raise(&f->g[0], ISC), GIB_US_AI_LINKED_GAL);
	assert_int_equal(t_raise(&f->g[1], ISC), GIB_US_AI_LINKED);
	assert_int_equal(t_raise(&f->g[2], ISC), GIB_US_AI_LINKED);
	assert_int_equal(gib_us_machine_take_gal(&e->m), 1);
	assert_int_equal(t_raw_origin(e), t_maddr_of(&f->g[2]));

	t_log_clear(e);
	assert_int_equal(gib_process_alert_list(&e->host), 3);
	/* One CAS, one cut (final: NULL stored at once), one walk. */
	assert_int_equal(t_count(e, T_EV_CUT_CAS, NULL), 1);
	assert_int_equal(nth(e, T_EV_CUT_CAS, 0)->value, t_maddr_of(&f->g[2]));
	assert_int_equal(t_count(e, T_EV_CUT, NULL), 1);
	assert_int_equal(nth(e, T_EV_CUT, 0)->pass, 1);
	assert_int_equal(nth(e, T_EV_CUT, 0)->value, t_maddr_of(&f->g[2]));
	assert_true(nth(e, T_EV_CUT, 0)->flag);
	assert_int_equal(t_count(e, T_EV_CUT_DONE, NULL), 1);
	assert_int_equal(nth(e, T_EV_CUT_DONE, 0)->nr, 3);
	assert_int_equal(nth(e, T_EV_CUT_DONE, 0)->value, GIB_NULL_GISA_ADDR);
	/* Head first, each once, with its kick due. */
	for (i = 0; i < 3; i++) {
		assert_int_equal(t_count(e, T_EV_UNLINK, &f->g[i].gi), 1);
		assert_ptr_equal(nth(e, T_EV_UNLINK, i)->gi, &f->g[2 - i].gi);
		t_assert_unlinked(&f->g[i]);
	}
	assert_int_equal(t_raw_origin(e), GIB_NULL_GISA_ADDR);
	assert_true(t_timer_queued(e, NULL));

	/* A spurious GAL: one CAS NULL -> NULL, nothing unlinked, no pass 2. */
	t_log_clear(e);
	assert_int_equal(gib_process_alert_list(&e->host), 0);
	assert_int_equal(t_count(e, T_EV_CUT_CAS, NULL), 1);
	assert_int_equal(t_count(e, T_EV_CUT, NULL), 1);
	assert_int_equal(nth(e, T_EV_CUT, 0)->value, GIB_NULL_GISA_ADDR);
	assert_int_equal(t_raw_origin(e), GIB_NULL_GISA_ADDR);
	drain(f);
}

/* Hooks record, the test asserts afterwards (see gib_test.h). */
struct inject {
	struct t_fx *f;
	unsigned int calls;
	unsigned int guest;	/* whose AI to raise */
	unsigned int at_call;	/* on which cut_cas / unlink call */
	int rc;
	struct gib_us_ai_result r;
};

static void inject_raise(struct inject *in)
{
	if (++in->calls != in->at_call)
		return;
	in->rc = gib_us_machine_raise_ai(&in->f->e->m, &in->f->g[in->guest].gi, ISC, &in->r);
}

static void inject_cut_cas(struct t_env *e, uint32_t seen)
{
	(void)seen;
	inject_raise(e->priv);
}

/*
 * A push landing between the cut's read of the origin and its CAS makes
 * the CAS fail; the loop retries with the value the CAS returned and takes
 * the whole list, new head included.
 */
static void test_cas_retries_when_a_link_lands(void **state)
{
	struct t_fx *f = *state;
	struct t_env *e = f->e;
	struct inject in = { .f = f, .guest = 1, .at_call = 1 };

	assert_int_equal(t_raise(&f->g[0], ISC), GIB_US_AI_LINKED_GAL);
	assert_int_equal(gib_us_machine_take_gal(&e->m), 1);
	e->priv = &in;
	e->hooks.cut_cas = inject_cut_cas;
	t_log_clear(e);
	assert_int_equal(gib_process_alert_list(&e->host), 2);
	e->hooks.cut_cas = NULL;

	/* g1 linked onto g0 (no GAL: the origin was not NULL) in between. */
	assert_int_equal(in.rc, 0);
	assert_int_equal(in.r.outcome, GIB_US_AI_LINKED);
	assert_int_equal(t_count(e, T_EV_CUT_CAS, NULL), 2);
	assert_int_equal(nth(e, T_EV_CUT_CAS, 0)->value, t_maddr_of(&f->g[0]));
	assert_int_equal(nth(e, T_EV_CUT_CAS, 1)->value, t_maddr_of(&f->g[1]));
	assert_int_equal(t_count(e, T_EV_CUT, NULL), 1);
	assert_int_equal(nth(e, T_EV_CUT, 0)->value, t_maddr_of(&f->g[1]));
	assert_int_equal(nth(e, T_EV_CUT_DONE, 0)->nr, 2);
	assert_int_equal(t_count(e, T_EV_UNLINK, &f->g[0].gi), 1);
	assert_int_equal(t_count(e, T_EV_UNLINK, &f->g[1].gi), 1);
	t_assert_unlinked(&f->g[0]);
	t_assert_unlinked(&f->g[1]);
	assert_int_equal(t_raw_origin(e), GIB_NULL_GISA_ADDR);
	assert_int_equal(gib_us_machine_take_gal(&e->m), 0);
	drain(f);
}

static void inject_unlink(struct t_env *e, struct gib_guest *gi)
{
	(void)gi;
	inject_raise(e->priv);
}

/*
 * The cost of the v2 cut: a GISA the machine links while the host walks
 * lands on NULL and raises a GAL interruption of its own (the two-phase cut
 * holds NONE there and raises none: tests/test_alert_list.c). It is not
 * stranded: that GAL's processing takes it.
 */
static void test_link_during_walk_raises_a_gal(void **state)
{
	struct t_fx *f = *state;
	struct t_env *e = f->e;
	struct inject in = { .f = f, .guest = 3, .at_call = 1 };
	struct gib_us_machine_stats before, after;

	assert_int_equal(t_raise(&f->g[0], ISC), GIB_US_AI_LINKED_GAL);
	assert_int_equal(gib_us_machine_take_gal(&e->m), 1);
	gib_us_machine_stats(&e->m, &before);
	e->priv = &in;
	e->hooks.unlink = inject_unlink;
	t_log_clear(e);
	assert_int_equal(gib_process_alert_list(&e->host), 1);
	e->hooks.unlink = NULL;

	assert_int_equal(in.rc, 0);
	assert_int_equal(in.r.outcome, GIB_US_AI_LINKED_GAL);
	gib_us_machine_stats(&e->m, &after);
	assert_int_equal(after.gals_raised - before.gals_raised, 1);
	assert_int_equal(t_count(e, T_EV_CUT, NULL), 1);
	assert_int_equal(t_raw_origin(e), t_maddr_of(&f->g[3]));
	assert_int_equal(gib_gisa_in_alert_list(t_gisa(&f->g[3])), 1);

	/* Its GAL: the handler's one cut takes it. */
	assert_int_equal(gib_us_machine_take_gal(&e->m), 1);
	t_log_clear(e);
	gib_gal_interrupt(&e->host);
	assert_int_equal(t_count(e, T_EV_UNLINK, &f->g[3].gi), 1);
	t_assert_unlinked(&f->g[3]);
	assert_int_equal(t_raw_origin(e), GIB_NULL_GISA_ADDR);
	drain(f);
}

/* Destroy of a linked GISA processes the list itself, with this cut too. */
static void test_destroy_linked(void **state)
{
	struct t_fx *f = *state;
	struct t_env *e = f->e;

	assert_int_equal(t_raise(&f->g[2], ISC), GIB_US_AI_LINKED_GAL);
	assert_int_equal(t_raise(&f->g[0], ISC), GIB_US_AI_LINKED);
	assert_int_equal(gib_us_machine_take_gal(&e->m), 1);
	assert_int_equal(gib_gisc_unregister(&f->g[0].gi, ISC), 0);
	t_log_clear(e);
	assert_int_equal(gib_gisa_destroy(&f->g[0].gi), 0);
	/* Its own cut took both GISAs; nothing left in the list. */
	assert_int_equal(t_count(e, T_EV_CUT, NULL), 1);
	assert_int_equal(t_count(e, T_EV_UNLINK, NULL), 2);
	assert_int_equal(t_raw_origin(e), GIB_NULL_GISA_ADDR);
	t_assert_unlinked(&f->g[2]);
	assert_int_equal(gib_gisa_init(&f->g[0].gi), 0);
	t_register(&f->g[0], t_isc_bit(ISC));
	drain(f);
}

/* The policy is read at gib_init(): a bad one is -EINVAL, nothing changed. */
static void test_bad_policy(void **state)
{
	struct gib_us_machine_config cfg = t_cfg(true, false);
	static const int bad[] = { GIB_NR_CUT_POLICIES, GIB_NR_CUT_POLICIES + 1, -1, 0x7fffffff };
	struct t_env *e = calloc(1, sizeof(*e));
	struct gib_us_machine_stats st;
	unsigned int i;

	(void)state;
	assert_non_null(e);
	t_env_attach(e, &cfg);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		e->host.cut_policy = (enum gib_cut_policy)bad[i];
		assert_int_equal(gib_init(&e->host, GIB_GAL_ISC), -EINVAL);
		assert_null(e->host.gib);
		assert_int_equal(e->host.gib_maddr, 0);
		assert_int_equal(e->m.gib_maddr, 0);
		assert_false(e->m.gal_registered);
		assert_int_equal(gib_us_arena_used(), 0);
		assert_int_equal((int)e->host.cut_policy, bad[i]);
	}
	gib_us_machine_stats(&e->m, &st);
	assert_int_equal(st.gals_raised, 0);
	/* Each valid policy sets up. */
	for (i = 0; i < GIB_NR_CUT_POLICIES; i++) {
		e->host.cut_policy = (enum gib_cut_policy)i;
		assert_int_equal(gib_init(&e->host, GIB_GAL_ISC), 0);
		assert_int_equal(e->host.cut_policy, i);
		assert_int_equal(gib_destroy(&e->host), 0);
	}
	t_env_free(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_one_cut_takes_the_chain, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cas_retries_when_a_link_lands, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_link_during_walk_raises_a_gal, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_destroy_linked, setup, teardown),
		cmocka_unit_test(test_bad_policy),
	};

	return cmocka_run_group_tests(tests, t_group_setup, t_group_teardown);
}
