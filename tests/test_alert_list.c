/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * The alert list (src/alert_list.c): the two-phase cut seen through the
 * trace hooks (NONE, NONE, NULL: one cut and one cut_done per pass), the
 * unlink (next_alert := own address, in the raw bytes), one kick per
 * unlinked GISA, GISAs the machine links while the host processes (linked
 * from the hooks, through the machine model: never stranded, no GAL before
 * the NULL store, one after it), at most three passes under a continuous
 * stream of alerts, the markers in the GIB's raw bytes, and the errors.
 */
#include "gib_test.h"

#define NR_GUESTS 6
#define ISC 2

static int setup(void **state)
{
	/* These tests assert the two-phase passes (tests/test_cut_v2.c: the other). */
	*state = t_list_fx_new(GIB_CUT_TWO_PHASE, NR_GUESTS, ISC);
	return 0;
}

static int teardown(void **state)
{
	t_fx_free(*state);
	return 0;
}

/*
 * Drop what is pending and let the kick timers finish: each finds nothing,
 * re-arms its IAM and stops.
 */
static void drain(struct t_fx *f)
{
	unsigned int i;

	for (i = 0; i < NR_GUESTS; i++)
		assert_int_equal(gib_gisa_clear(&f->g[i].gi), 0);
	t_run_out(f->e);
	for (i = 0; i < NR_GUESTS; i++)
		if (!gib_gisa_in_alert_list(t_gisa(&f->g[i])))
			assert_int_equal(gib_gisa_get_iam(t_gisa(&f->g[i])), t_isc_bit(ISC));
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

static void assert_cut(struct t_env *e, unsigned int n, uint32_t cut, bool final)
{
	const struct t_ev *ev = nth(e, T_EV_CUT, n);

	assert_int_equal(ev->pass, n + 1);
	assert_int_equal(ev->value, cut);
	assert_int_equal(ev->flag, final);
}

static void assert_cut_done(struct t_env *e, unsigned int n, unsigned int nr, uint32_t term)
{
	const struct t_ev *ev = nth(e, T_EV_CUT_DONE, n);

	assert_int_equal(ev->pass, n + 1);
	assert_int_equal(ev->nr, nr);
	assert_int_equal(ev->value, term);
}

/* ---- The cut ------------------------------------------------------------ */

static void test_two_phase_cut_one_gisa(void **state)
{
	struct t_fx *f = *state;
	struct t_env *e = f->e;
	struct t_guest *g = &f->g[0];
	uint64_t when;

	assert_int_equal(t_raise(g, ISC), GIB_US_AI_LINKED_GAL);
	assert_int_equal(gib_us_machine_take_gal(&e->m), 1);
	assert_int_equal(t_raw_origin(e), t_maddr_of(g));
	assert_int_equal(t_be32_at(t_gisa(g), 0), GIB_NULL_GISA_ADDR);
	assert_false(t_timer_queued(e, NULL));

	t_log_clear(e);
	assert_int_equal(gib_process_alert_list(&e->host), 1);
	/* NONE (cut: the GISA, ends in NULL), NONE (empty), NULL: three passes. */
	assert_int_equal(t_count(e, T_EV_CUT, NULL), 3);
	assert_int_equal(t_count(e, T_EV_CUT_DONE, NULL), 3);
	assert_cut(e, 0, t_maddr_of(g), false);
	assert_cut_done(e, 0, 1, GIB_NULL_GISA_ADDR);
	assert_cut(e, 1, GIB_NONE_GISA_ADDR, false);
	assert_cut_done(e, 1, 0, GIB_NONE_GISA_ADDR);
	assert_cut(e, 2, GIB_NONE_GISA_ADDR, true);
	assert_cut_done(e, 2, 0, GIB_NONE_GISA_ADDR);
	/* Unlinked during pass 1, between its cut and its cut_done. */
	assert_int_equal(t_count(e, T_EV_UNLINK, &g->gi), 1);
	assert_true(nth(e, T_EV_UNLINK, 0) > nth(e, T_EV_CUT, 0));
	assert_true(nth(e, T_EV_UNLINK, 0) < nth(e, T_EV_CUT_DONE, 0));

	assert_int_equal(t_raw_origin(e), GIB_NULL_GISA_ADDR);
	assert_int_equal(gib_alert_list_origin(&e->host), GIB_NULL_GISA_ADDR);
	t_assert_unlinked(g);
	/* The unlink leaves IPM and IAM alone: the kick timer owns them now. */
	assert_int_equal(gib_gisa_get_ipm(t_gisa(g)), t_isc_bit(ISC));
	assert_int_equal(gib_gisa_get_iam(t_gisa(g)), 0);
	/* Its kick is due at once. */
	assert_true(t_timer_queued(e, &when));
	assert_int_equal(when, gib_us_clock_now(e->clock));
	assert_int_equal(t_count(e, T_EV_KICK_TIMER, NULL), 0);
	assert_int_equal(t_run_now(e), 1);
	assert_int_equal(t_count(e, T_EV_KICK_TIMER, &g->gi), 1);
	drain(f);
}

static void test_empty_list_and_held_list(void **state)
{
	struct t_fx *f = *state;
	struct t_env *e = f->e;

	/* A spurious GAL: NULL, NONE, NONE; nothing unlinked. */
	t_log_clear(e);
	assert_int_equal(gib_process_alert_list(&e->host), 0);
	assert_int_equal(t_count(e, T_EV_CUT, NULL), 3);
	assert_cut(e, 0, GIB_NULL_GISA_ADDR, false);
	assert_cut_done(e, 0, 0, GIB_NULL_GISA_ADDR);
	assert_cut(e, 1, GIB_NONE_GISA_ADDR, false);
	assert_cut(e, 2, GIB_NONE_GISA_ADDR, true);
	assert_int_equal(t_count(e, T_EV_UNLINK, NULL), 0);
	assert_int_equal(t_raw_origin(e), GIB_NULL_GISA_ADDR);
	assert_false(t_timer_queued(e, NULL));

	/*
	 * Another CPU holds the list (origin NONE): its cut already ends in
	 * NONE, so this one may store NULL at once: two passes.
	 */
	gib_pf_xchg32(&e->host.gib->alert_list_origin, gib_pf_cpu_to_be32(GIB_NONE_GISA_ADDR));
	assert_int_equal(t_raw_origin(e), GIB_NONE_GISA_ADDR);
	t_log_clear(e);
	assert_int_equal(gib_process_alert_list(&e->host), 0);
	assert_int_equal(t_count(e, T_EV_CUT, NULL), 2);
	assert_cut(e, 0, GIB_NONE_GISA_ADDR, false);
	assert_cut_done(e, 0, 0, GIB_NONE_GISA_ADDR);
	assert_cut(e, 1, GIB_NONE_GISA_ADDR, true);
	assert_int_equal(t_raw_origin(e), GIB_NULL_GISA_ADDR);
}

static void test_chain_unlinked_and_kicked_once_each(void **state)
{
	struct t_fx *f = *state;
	struct t_env *e = f->e;
	unsigned int i;

	assert_int_equal(t_raise(&f->g[0], ISC), GIB_US_AI_LINKED_GAL);
	assert_int_equal(t_raise(&f->g[1], ISC), GIB_US_AI_LINKED);
	assert_int_equal(t_raise(&f->g[2], ISC), GIB_US_AI_LINKED);
	/* Head first: 2 -> 1 -> 0 -> NULL. */
	assert_int_equal(t_raw_origin(e), t_maddr_of(&f->g[2]));
	assert_int_equal(t_be32_at(t_gisa(&f->g[2]), 0), t_maddr_of(&f->g[1]));
	assert_int_equal(t_be32_at(t_gisa(&f->g[1]), 0), t_maddr_of(&f->g[0]));
	assert_int_equal(gib_us_machine_take_gal(&e->m), 1);

	t_log_clear(e);
	gib_gal_interrupt(&e->host);
	assert_cut(e, 0, t_maddr_of(&f->g[2]), false);
	assert_cut_done(e, 0, 3, GIB_NULL_GISA_ADDR);
	assert_int_equal(t_count(e, T_EV_CUT, NULL), 3);
	for (i = 0; i < 3; i++) {
		assert_ptr_equal(nth(e, T_EV_UNLINK, i)->gi, &f->g[2 - i].gi);
		t_assert_unlinked(&f->g[i]);
	}
	assert_int_equal(t_count(e, T_EV_UNLINK, NULL), 3);
	assert_int_equal(t_raw_origin(e), GIB_NULL_GISA_ADDR);

	/* One kick per GISA, all due now; the others have none. */
	assert_int_equal(t_run_now(e), 3);
	for (i = 0; i < NR_GUESTS; i++)
		assert_int_equal(t_count(e, T_EV_KICK_TIMER, &f->g[i].gi), i < 3);
	drain(f);
}

/* ---- Linked while the host processes ----------------------------------- */

/* Hooks record, the test asserts afterwards (see gib_test.h). */
struct mid {
	struct t_fx *f;
	unsigned int raised;
	struct {
		unsigned int pass;
		bool after_walk;
		int rc;
		struct gib_us_ai_result r;
	} log[8];
};

static void mid_raise(struct mid *mid, unsigned int guest, unsigned int pass, bool after_walk)
{
	if (mid->raised >= sizeof(mid->log) / sizeof(mid->log[0]))
		return;
	mid->log[mid->raised].pass = pass;
	mid->log[mid->raised].after_walk = after_walk;
	mid->log[mid->raised].rc = gib_us_machine_raise_ai(&mid->f->e->m, &mid->f->g[guest].gi,
							    ISC, &mid->log[mid->raised].r);
	mid->raised++;
}

/*
 * Pass 1, after its exchange: guest 1 alerts (the host holds the list).
 * Pass 2, after its walk: guest 2 alerts (still held: NULL is not stored
 * yet). Pass 3, after it stored NULL: guest 3 alerts, and this one raises a
 * GAL interruption.
 */
static void mid_cut(struct t_env *e, unsigned int pass, uint32_t cut, bool final)
{
	struct mid *mid = e->priv;

	(void)cut;
	(void)final;
	if (pass == 1)
		mid_raise(mid, 1, pass, false);
	if (pass == 3)
		mid_raise(mid, 3, pass, false);
}

static void mid_cut_done(struct t_env *e, unsigned int pass, unsigned int nr, uint32_t term)
{
	struct mid *mid = e->priv;

	(void)nr;
	(void)term;
	if (pass == 2)
		mid_raise(mid, 2, pass, true);
}

static void test_linked_during_processing(void **state)
{
	struct t_fx *f = *state;
	struct t_env *e = f->e;
	struct mid mid = { .f = f };

	assert_int_equal(t_raise(&f->g[0], ISC), GIB_US_AI_LINKED_GAL);
	assert_int_equal(gib_us_machine_take_gal(&e->m), 1);
	e->priv = &mid;
	e->hooks.cut = mid_cut;
	e->hooks.cut_done = mid_cut_done;
	t_log_clear(e);
	assert_int_equal(gib_process_alert_list(&e->host), 3);
	e->hooks.cut = NULL;
	e->hooks.cut_done = NULL;
	assert_int_equal(mid.raised, 3);
	assert_int_equal(mid.log[0].rc, 0);
	assert_int_equal(mid.log[1].rc, 0);
	assert_int_equal(mid.log[2].rc, 0);

	/* While the host held the list: linked onto NONE, no GAL. */
	assert_int_equal(mid.log[0].r.outcome, GIB_US_AI_LINKED);
	assert_int_equal(mid.log[0].r.old_origin, GIB_NONE_GISA_ADDR);
	assert_int_equal(mid.log[1].r.outcome, GIB_US_AI_LINKED);
	assert_int_equal(mid.log[1].r.old_origin, GIB_NONE_GISA_ADDR);
	/* After the NULL store: the first link raises a GAL. */
	assert_int_equal(mid.log[2].r.outcome, GIB_US_AI_LINKED_GAL);
	assert_int_equal(mid.log[2].r.old_origin, GIB_NULL_GISA_ADDR);
	assert_int_equal(gib_us_machine_take_gal(&e->m), 1);

	/* Still three passes; guest 1 came in pass 2's cut, guest 2 in pass 3's. */
	assert_int_equal(t_count(e, T_EV_CUT, NULL), 3);
	assert_cut(e, 0, t_maddr_of(&f->g[0]), false);
	assert_cut_done(e, 0, 1, GIB_NULL_GISA_ADDR);
	assert_cut(e, 1, t_maddr_of(&f->g[1]), false);
	assert_cut_done(e, 1, 1, GIB_NONE_GISA_ADDR);
	assert_cut(e, 2, t_maddr_of(&f->g[2]), true);
	assert_cut_done(e, 2, 1, GIB_NONE_GISA_ADDR);
	/* Not stranded: unlinked, each with its kick. */
	t_assert_unlinked(&f->g[0]);
	t_assert_unlinked(&f->g[1]);
	t_assert_unlinked(&f->g[2]);
	assert_int_equal(t_count(e, T_EV_UNLINK, &f->g[1].gi), 1);
	assert_int_equal(t_count(e, T_EV_UNLINK, &f->g[2].gi), 1);
	/* Guest 3 came after NULL: it is the new list, and its GAL is due. */
	assert_int_equal(gib_gisa_in_alert_list(t_gisa(&f->g[3])), 1);
	assert_int_equal(t_raw_origin(e), t_maddr_of(&f->g[3]));
	assert_int_equal(t_count(e, T_EV_UNLINK, &f->g[3].gi), 0);

	t_log_clear(e);
	gib_gal_interrupt(&e->host);
	assert_int_equal(t_count(e, T_EV_CUT, NULL), 3);
	t_assert_unlinked(&f->g[3]);
	assert_int_equal(t_raw_origin(e), GIB_NULL_GISA_ADDR);
	assert_int_equal(t_run_now(e), 4);
	drain(f);
}

/* ---- A continuous stream ------------------------------------------------ */

#define STREAM_RAISES 40

struct stream {
	struct t_fx *f;
	unsigned int next;	/* the next guest to alert */
	unsigned int raised;
	unsigned int gals;
	unsigned int passes;	/* of the current gib_process_alert_list() */
	bool null_stored;	/* in the current call */
	bool gal_before_null;
	unsigned int bad;	/* raises that failed or did not link */
};

/* Re-arm and alert the next guest that is not linked, until enough. */
static void stream_raise(struct stream *s)
{
	unsigned int tries;

	if (s->raised >= STREAM_RAISES)
		return;
	for (tries = 0; tries < NR_GUESTS; tries++) {
		struct t_guest *g = &s->f->g[s->next];
		struct gib_us_ai_result r;

		s->next = (s->next + 1) % NR_GUESTS;
		/* Stands in for the kick timer: nothing is pending, re-arm. */
		if (gib_gisa_set_iam(t_gisa(g), t_isc_bit(ISC)))
			continue;	/* linked */
		gib_gisa_clear_ipm(t_gisa(g));
		if (gib_us_machine_raise_ai(&s->f->e->m, &g->gi, ISC, &r) ||
		    (r.outcome != GIB_US_AI_LINKED && r.outcome != GIB_US_AI_LINKED_GAL))
			s->bad++;
		else if (r.outcome == GIB_US_AI_LINKED_GAL) {
			s->gals++;
			if (!s->null_stored)
				s->gal_before_null = true;
		}
		s->raised++;
		return;
	}
}

static void stream_cut(struct t_env *e, unsigned int pass, uint32_t cut, bool final)
{
	struct stream *s = e->priv;

	(void)cut;
	s->passes = pass;
	if (final)
		s->null_stored = true;
	stream_raise(s);
}

static void stream_cut_done(struct t_env *e, unsigned int pass, unsigned int nr, uint32_t term)
{
	(void)pass;
	(void)nr;
	(void)term;
	stream_raise(e->priv);
}

/* Every GISA is unlinked or on the list that starts at the origin. */
static void assert_none_stranded(struct t_fx *f)
{
	uint32_t v = gib_alert_list_origin(&f->e->host);
	bool on_list[NR_GUESTS] = { false };
	unsigned int i, steps = 0;

	while (v & GIB_GISA_ADDR_MASK) {
		for (i = 0; i < NR_GUESTS; i++)
			if (v == t_maddr_of(&f->g[i]))
				break;
		assert_true(i < NR_GUESTS);
		assert_false(on_list[i]);
		on_list[i] = true;
		v = t_be32_at(t_gisa(&f->g[i]), 0);
		assert_true(++steps <= NR_GUESTS);
	}
	assert_int_equal(v, GIB_NULL_GISA_ADDR);
	for (i = 0; i < NR_GUESTS; i++)
		assert_int_equal(gib_gisa_in_alert_list(t_gisa(&f->g[i])), on_list[i]);
}

static void test_at_most_three_passes_under_stream(void **state)
{
	struct t_fx *f = *state;
	struct t_env *e = f->e;
	struct stream s = { .f = f };
	unsigned int calls = 0;

	e->priv = &s;
	e->hooks.cut = stream_cut;
	e->hooks.cut_done = stream_cut_done;
	stream_raise(&s);
	assert_int_equal(s.bad, 0);
	assert_int_equal(s.gals, 1);
	while (gib_us_machine_take_gal(&e->m) > 0) {
		s.passes = 0;
		s.null_stored = false;
		s.gal_before_null = false;
		s.gals = 0;
		assert_true(gib_process_alert_list(&e->host) > 0);
		calls++;
		assert_int_equal(s.bad, 0);
		/* However fast the machine links: NONE, NONE, NULL at most. */
		assert_true(s.passes >= 2 && s.passes <= 3);
		assert_false(s.gal_before_null);
		/* Alerts after the NULL store raised exactly one more GAL. */
		assert_true(s.gals <= 1);
		assert_none_stranded(f);
		assert_true(calls < STREAM_RAISES);
	}
	e->hooks.cut = NULL;
	e->hooks.cut_done = NULL;
	assert_int_equal(s.raised, STREAM_RAISES);
	assert_true(calls > 1);
	/* The stream ran dry: everything processed, GALs enabled again. */
	assert_int_equal(t_raw_origin(e), GIB_NULL_GISA_ADDR);
	assert_none_stranded(f);
	assert_int_equal(gib_us_machine_take_gal(&e->m), 0);
	drain(f);
}

/* ---- Markers and errors ------------------------------------------------- */

struct markers {
	unsigned int seen;
	unsigned int wrong;	/* origins that were not the marker just stored */
};

static void marker_cut(struct t_env *e, unsigned int pass, uint32_t cut, bool final)
{
	struct markers *mk = e->priv;

	(void)pass;
	(void)cut;
	/* Right after the exchange, as the machine sees the origin. */
	mk->wrong += t_raw_origin(e) != (final ? GIB_NULL_GISA_ADDR : GIB_NONE_GISA_ADDR);
	mk->seen++;
}

static void test_markers(void **state)
{
	struct t_fx *f = *state;
	struct t_env *e = f->e;
	struct markers mk = { 0 };

	assert_int_equal(GIB_NULL_GISA_ADDR, 0);
	assert_int_equal(GIB_NONE_GISA_ADDR, 1);
	assert_int_equal(GIB_GISA_ADDR_MASK, 0xfffff000u);
	/* Both markers read as "no GISA"; every GISA address as one. */
	assert_int_equal(GIB_NULL_GISA_ADDR & GIB_GISA_ADDR_MASK, 0);
	assert_int_equal(GIB_NONE_GISA_ADDR & GIB_GISA_ADDR_MASK, 0);
	assert_int_not_equal(t_maddr_of(&f->g[0]) & GIB_GISA_ADDR_MASK, 0);
	/* A fresh GIB: origin NULL, GAL interruptions enabled. */
	assert_int_equal(t_raw_origin(e), GIB_NULL_GISA_ADDR);

	e->priv = &mk;
	e->hooks.cut = marker_cut;
	assert_int_equal(t_raise(&f->g[4], ISC), GIB_US_AI_LINKED_GAL);
	gib_us_machine_take_gal(&e->m);
	assert_int_equal(gib_process_alert_list(&e->host), 1);
	e->hooks.cut = NULL;
	assert_int_equal(mk.seen, 3);
	assert_int_equal(mk.wrong, 0);
	assert_int_equal(t_raw_origin(e), GIB_NULL_GISA_ADDR);
	drain(f);
}

static void test_errors(void **state)
{
	struct gib_host zero;
	struct t_env *e;

	(void)state;
	assert_int_equal(gib_process_alert_list(NULL), -EINVAL);
	memset(&zero, 0, sizeof(zero));
	assert_int_equal(gib_process_alert_list(&zero), -ENODEV);
	gib_gal_interrupt(&zero);	/* no GIB: nothing to do, no crash */

	/* A host whose GIB is gone. */
	e = t_env_new(false, GIB_GAL_ISC);
	assert_int_equal(gib_destroy(&e->host), 0);
	t_log_clear(e);
	assert_int_equal(gib_process_alert_list(&e->host), -ENODEV);
	assert_int_equal(t_count(e, T_EV_CUT, NULL), 0);
	t_env_free(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_two_phase_cut_one_gisa, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_list_and_held_list, setup, teardown),
		cmocka_unit_test_setup_teardown(test_chain_unlinked_and_kicked_once_each, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_linked_during_processing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_at_most_three_passes_under_stream, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_markers, setup, teardown),
		cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests(tests, t_group_setup, t_group_teardown);
}
