/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * The kick timer and the choice of the vcpu it wakes (src/kick.c), on the
 * simulated clock: after an alert the timer kicks one idle vcpu whose CR6
 * takes a pending alert ISC, runs again one period later while anything is
 * pending, and re-arms the IAM when nothing is; gib_kick_one_vcpu() skips
 * I/O-disabled vcpus, stops at the first match, honours the kicked bit
 * (-EALREADY) and reports -ENOENT when no idle vcpu matches.
 */
#include "gib_test.h"

#define NR_VCPUS 4

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

/* The last event of @kind, or NULL; callable from callbacks. */
static const struct t_ev *last_or_null(struct t_env *e, enum t_ev_kind kind)
{
	unsigned int i = e->nr_ev;

	while (i--)
		if (e->ev[i].kind == kind)
			return &e->ev[i];
	return NULL;
}

/* The last event of @kind, or fail. */
static const struct t_ev *last(struct t_env *e, enum t_ev_kind kind)
{
	const struct t_ev *ev = last_or_null(e, kind);

	if (!ev)
		fail_msg("no event of kind %d", kind);
	return ev;
}

/* vcpu @idx wakes, re-checks, takes what it can in SIE; returns the count. */
static unsigned int vcpu_runs(struct t_guest *g, unsigned int idx)
{
	struct gib_vcpu *v = &g->v[idx];
	unsigned int n = 0;
	uint32_t word;
	int isc;

	gib_vcpu_end_wait(v);
	gib_vcpu_runnable(v);
	gib_vcpu_enter_sie(v);
	while ((isc = gib_vcpu_take_ai(v, &word)) >= 0) {
		assert_int_equal(word, 0x80000000u | (uint32_t)isc << 27);
		n++;
	}
	gib_vcpu_exit_sie(v);
	return n;
}

/* ---- The timer ---------------------------------------------------------- */

static void test_alert_kicks_one_vcpu_until_taken(void **state)
{
	struct t_fx *f = *state;
	struct t_env *e = f->e;
	struct t_guest *g = f->g;
	uint64_t t0, when;
	const struct t_ev *ev;

	t_register(g, t_isc_bit(3) | t_isc_bit(6));
	/* vcpu 0 takes ISC 0 only; 1 and 2 take ISC 3; 3 is not idle. */
	t_vcpu_set(g, 0, t_isc_bit(0), true);
	t_vcpu_set(g, 1, t_isc_bit(3), true);
	t_vcpu_set(g, 2, t_isc_bit(3), true);
	assert_int_equal(gib_vcpu_prepare_wait(&g->v[0]), 0);
	assert_int_equal(gib_vcpu_prepare_wait(&g->v[1]), 0);
	assert_int_equal(gib_vcpu_prepare_wait(&g->v[2]), 0);

	assert_int_equal(t_raise(g, 3), GIB_US_AI_LINKED_GAL);
	assert_int_equal(gib_us_machine_take_gal(&e->m), 1);
	t_log_clear(e);
	gib_gal_interrupt(&e->host);
	/* The alert only schedules the kick; nobody is woken yet. */
	assert_int_equal(t_count(e, T_EV_WAKE, NULL), 0);
	t0 = gib_us_clock_now(e->clock);
	assert_true(t_timer_queued(e, &when));
	assert_int_equal(when, t0);

	assert_int_equal(t_run_now(e), 1);
	ev = last(e, T_EV_KICK_TIMER);
	assert_int_equal(ev->pending, t_isc_bit(3));
	/* The first idle vcpu whose CR6 takes ISC 3: vcpu 1, and only it. */
	assert_int_equal(t_count(e, T_EV_WAKE, NULL), 1);
	assert_int_equal(t_wakes(e, &g->v[1]), 1);
	ev = last(e, T_EV_KICK_VCPU);
	assert_ptr_equal(ev->vcpu, &g->v[1]);
	assert_true(ev->flag);
	assert_true(t_kicked(g, 1));
	assert_false(t_kicked(g, 0) || t_kicked(g, 2) || t_kicked(g, 3));
	/* Still pending: again one period later. */
	assert_true(t_timer_queued(e, &when));
	assert_int_equal(when, t0 + GIB_KICK_EXPIRES_NS);

	/* vcpu 1 has not run yet: the next run finds it kicked, wakes nobody. */
	assert_int_equal(gib_us_clock_run_until(e->clock, when), 1);
	ev = last(e, T_EV_KICK_VCPU);
	assert_ptr_equal(ev->vcpu, &g->v[1]);
	assert_false(ev->flag);
	assert_int_equal(t_count(e, T_EV_WAKE, NULL), 1);
	assert_int_equal(gib_gisa_get_iam(t_gisa(g)), 0);
	assert_true(t_timer_queued(e, &when));
	assert_int_equal(when, t0 + 2 * GIB_KICK_EXPIRES_NS);

	/* vcpu 1 runs and takes the AI. */
	assert_int_equal(vcpu_runs(g, 1), 1);
	assert_false(t_kicked(g, 1));
	/* Nothing pending: the IAM is re-armed from the alert mask, the timer stops. */
	assert_int_equal(gib_us_clock_run_until(e->clock, when), 1);
	assert_int_equal(last(e, T_EV_KICK_TIMER)->pending, 0);
	assert_int_equal(t_bytes(t_gisa(g))[7], t_isc_bit(3) | t_isc_bit(6));
	assert_false(t_timer_queued(e, NULL));
	assert_int_equal(t_count(e, T_EV_WAKE, NULL), 1);
	gib_vcpu_end_wait(&g->v[0]);
	gib_vcpu_end_wait(&g->v[2]);
}

static void test_reruns_every_period_while_pending(void **state)
{
	struct t_fx *f = *state;
	struct t_env *e = f->e;
	struct t_guest *g = f->g;
	uint64_t when, t;
	unsigned int i;

	t_register(g, t_isc_bit(1));
	assert_int_equal(gib_guest_set_expires(&g->gi, 1234), 0);
	/* As after an alert: IAM off, ISC 1 pending. */
	assert_int_equal(gib_gisa_set_iam(t_gisa(g), 0), 0);
	gib_gisa_set_ipm_gisc(t_gisa(g), 1);
	assert_int_equal(gib_gisa_kick(&g->gi), 0);
	t = gib_us_clock_now(e->clock);
	/* No vcpu idle: each run finds ISC 1 pending and re-queues itself. */
	for (i = 0; i < 5; i++) {
		assert_true(t_timer_queued(e, &when));
		assert_int_equal(when, t);
		assert_int_equal(gib_us_clock_run_until(e->clock, when), 1);
		assert_int_equal(last(e, T_EV_KICK_TIMER)->pending, t_isc_bit(1));
		t += 1234;
	}
	assert_int_equal(t_count(e, T_EV_KICK_TIMER, &g->gi), 5);
	assert_int_equal(t_count(e, T_EV_WAKE, NULL), 0);
	/* While pending, the IAM stays off: no second alert. */
	assert_int_equal(gib_gisa_get_iam(t_gisa(g)), 0);
	/* Nothing between two periods. */
	assert_int_equal(gib_us_clock_run_until(e->clock, t - 1), 0);

	gib_gisa_tac_ipm_gisc(t_gisa(g), 1);
	assert_int_equal(gib_us_clock_run_until(e->clock, t), 1);
	assert_false(t_timer_queued(e, NULL));
	assert_int_equal(gib_gisa_get_iam(t_gisa(g)), t_isc_bit(1));
}

/* Only alert ISCs count: another pending ISC neither keeps it running nor stays in the IAM. */
static void test_restores_alert_mask_only(void **state)
{
	struct t_fx *f = *state;
	struct t_env *e = f->e;
	struct t_guest *g = f->g;

	t_register(g, t_isc_bit(0) | t_isc_bit(7));
	assert_int_equal(gib_gisa_set_iam(t_gisa(g), 0), 0);
	gib_gisa_set_ipm_gisc(t_gisa(g), 4);
	assert_int_equal(gib_gisa_kick(&g->gi), 0);
	assert_int_equal(t_run_now(e), 1);
	assert_int_equal(last(e, T_EV_KICK_TIMER)->pending, 0);
	assert_false(t_timer_queued(e, NULL));
	assert_int_equal(t_bytes(t_gisa(g))[7], t_isc_bit(0) | t_isc_bit(7));
	assert_int_equal(t_bytes(t_gisa(g))[4], t_isc_bit(4));
	assert_int_equal(t_count(e, T_EV_WAKE, NULL), 0);
}

/* The timer of a guest whose GISA went away does nothing. */
static void test_timer_without_gisa(void **state)
{
	struct t_fx *f = *state;

	assert_int_equal(gib_gisa_destroy(&f->g->gi), 0);
	assert_int_equal(gib_gisa_kick_timer_fn(&f->g->gi.timer), GIB_PF_TIMER_STOP);
	assert_int_equal(t_count(f->e, T_EV_KICK_TIMER, NULL), 0);
}

/* ---- gib_kick_one_vcpu() ---------------------------------------------- */

static void go_idle(struct t_guest *g, unsigned int idx)
{
	assert_int_equal(gib_vcpu_prepare_wait(&g->v[idx]), 0);
}

static void test_kick_one_vcpu(void **state)
{
	struct t_fx *f = *state;
	struct t_env *e = f->e;
	struct t_guest *g = f->g;
	const uint8_t isc3 = t_isc_bit(3);

	assert_int_equal(gib_kick_one_vcpu(NULL, isc3), -EINVAL);
	/* Nobody idle. */
	assert_int_equal(gib_kick_one_vcpu(&g->gi, isc3), -ENOENT);

	/* Idle, CR6 takes ISC 3, but the PSW disables I/O: skipped. */
	go_idle(g, 0);
	gib_vcpu_set_io_enabled(&g->v[0], false);
	assert_int_equal(gib_kick_one_vcpu(&g->gi, isc3), -ENOENT);
	assert_false(t_kicked(g, 0));

	/* Idle, I/O on, CR6 without ISC 3: skipped. */
	t_vcpu_set(g, 1, t_isc_bit(2), true);
	go_idle(g, 1);
	assert_int_equal(gib_kick_one_vcpu(&g->gi, isc3), -ENOENT);
	assert_int_equal(gib_kick_one_vcpu(&g->gi, 0), -ENOENT);
	assert_int_equal(t_count(e, T_EV_WAKE, NULL), 0);

	/* Two that match: the first by index is woken. */
	go_idle(g, 2);
	go_idle(g, 3);
	assert_int_equal(gib_kick_one_vcpu(&g->gi, isc3), 2);
	assert_int_equal(t_wakes(e, &g->v[2]), 1);
	assert_true(t_kicked(g, 2));

	/* Kicked, not yet running: the walk still stops there. */
	assert_int_equal(gib_kick_one_vcpu(&g->gi, isc3), -EALREADY);
	assert_int_equal(t_wakes(e, &g->v[2]), 1);
	assert_int_equal(t_wakes(e, &g->v[3]), 0);
	assert_false(t_kicked(g, 3));
	assert_false(last(e, T_EV_KICK_VCPU)->flag);

	/* Any ISC of the set matches: vcpu 1 takes ISC 2. */
	assert_int_equal(gib_kick_one_vcpu(&g->gi, isc3 | t_isc_bit(2)), 1);
	assert_int_equal(t_wakes(e, &g->v[1]), 1);

	/* vcpu 2 re-checked for work: kickable again. */
	assert_false(gib_vcpu_runnable(&g->v[2]));
	assert_false(t_kicked(g, 2));
	assert_int_equal(gib_kick_one_vcpu(&g->gi, isc3), 2);
	assert_int_equal(t_wakes(e, &g->v[2]), 2);

	/* I/O enabled again: vcpu 0 comes first. */
	gib_vcpu_set_io_enabled(&g->v[0], true);
	assert_int_equal(gib_kick_one_vcpu(&g->gi, isc3), 0);
	assert_int_equal(t_count(e, T_EV_WAKE, NULL), 4);
	assert_int_equal(t_count(e, T_EV_KICK_VCPU, NULL), 5);
	for (unsigned int i = 0; i < NR_VCPUS; i++)
		gib_vcpu_end_wait(&g->v[i]);
	assert_int_equal(gib_kick_one_vcpu(&g->gi, T_ALL_ISCS), -ENOENT);
}

/* The walk covers the indexes below the online count, no further. */
static void test_walk_bounded_by_online(void **state)
{
	struct t_fx *f = *state;
	struct t_guest *g = f->g;

	/* A stray idle bit beyond the vcpus added (no vcpu there). */
	gib_pf_set_bit(NR_VCPUS + 1, g->gi.idle_mask);
	assert_int_equal(gib_kick_one_vcpu(&g->gi, T_ALL_ISCS), -ENOENT);
	go_idle(g, NR_VCPUS - 1);
	assert_int_equal(gib_kick_one_vcpu(&g->gi, T_ALL_ISCS), NR_VCPUS - 1);
	gib_pf_clear_bit(NR_VCPUS + 1, g->gi.idle_mask);
	gib_vcpu_end_wait(&g->v[NR_VCPUS - 1]);
}

/*
 * The lost AI the SPIN model found (verify/, run asis-alert-1g): the host
 * starts a guest's kick timer before it unlinks the GISA. If the timer ran
 * in that window, found nothing pending (a vcpu took the AI), re-armed the
 * IAM on the still-linked GISA and stopped, a new AI saw the GISA "linked"
 * and raised no alert, and after the unlink nobody was left to kick for it.
 * The timer must poll while the GISA reads as linked.
 */
/* What the window showed; asserted after the processing returned. */
static struct {
	int reached, linked, tac, runs, timer_result, iam, queued, raise_rc;
	enum gib_us_ai_outcome second;
} win;

static void in_unlink_window(struct t_env *e, struct gib_guest *gi)
{
	struct t_guest *g = e->priv;
	const struct t_ev *ev;
	struct gib_us_ai_result r = { .outcome = GIB_US_AI_LINKED_GAL };
	uint64_t when;

	/* No assert in here: a failure must not jump out of the library. */
	e->hooks.unlink = NULL;
	win.reached = gi == &g->gi;
	win.linked = gib_gisa_in_alert_list(t_gisa(g));
	/* A vcpu takes the AI; the kick timer, already started, runs now. */
	win.tac = gib_gisa_tac_ipm_gisc(t_gisa(g), 3);
	win.runs = (int)t_run_now(e);
	ev = last_or_null(e, T_EV_KICK_TIMER);
	win.timer_result = ev ? ev->pending : 0x7fff;
	win.iam = gib_gisa_get_iam(t_gisa(g));
	win.queued = gib_us_clock_next_expiry(e->clock, &when) == 0;
	/* A new AI finds the GISA linked: no alert. */
	win.raise_rc = gib_us_machine_raise_ai(&e->m, &g->gi, 3, &r);
	win.second = r.outcome;
}

static void test_timer_polls_while_linked(void **state)
{
	struct t_fx *f = *state;
	struct t_env *e = f->e;
	struct t_guest *g = f->g;
	uint64_t when;

	t_register(g, t_isc_bit(3));
	t_vcpu_set(g, 1, t_isc_bit(3), true);
	assert_int_equal(gib_vcpu_prepare_wait(&g->v[1]), 0);
	assert_int_equal(t_raise(g, 3), GIB_US_AI_LINKED_GAL);
	assert_int_equal(gib_us_machine_take_gal(&e->m), 1);
	t_log_clear(e);
	e->priv = g;
	e->hooks.unlink = in_unlink_window;
	gib_gal_interrupt(&e->host);
	assert_true(win.reached);
	assert_int_equal(win.linked, 1);
	assert_int_equal(win.tac, 1);
	assert_int_equal(win.runs, 1);
	assert_int_equal(win.raise_rc, 0);
	assert_int_equal(win.second, GIB_US_AI_PENDING);
	/* Still linked when the timer ran: it re-armed nothing and stays queued. */
	assert_int_equal(win.timer_result, -EBUSY);
	assert_int_equal(win.iam, 0);
	assert_true(win.queued);
	assert_int_equal(gib_gisa_in_alert_list(t_gisa(g)), 0);

	/* The second AI is pending; the timer's next run kicks vcpu 1 for it. */
	assert_int_equal(gib_gisa_test_ipm_gisc(t_gisa(g), 3), 1);
	assert_true(t_timer_queued(e, &when));
	assert_int_equal(gib_us_clock_run_until(e->clock, when), 1);
	assert_int_equal(last(e, T_EV_KICK_TIMER)->pending, t_isc_bit(3));
	assert_int_equal(t_wakes(e, &g->v[1]), 1);
	assert_int_equal(vcpu_runs(g, 1), 1);
	t_run_out(e);
	assert_int_equal(gib_gisa_get_iam(t_gisa(g)), t_isc_bit(3));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_alert_kicks_one_vcpu_until_taken, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_reruns_every_period_while_pending, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_restores_alert_mask_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_timer_without_gisa, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kick_one_vcpu, setup, teardown),
		cmocka_unit_test_setup_teardown(test_walk_bounded_by_online, setup, teardown),
		cmocka_unit_test_setup_teardown(test_timer_polls_while_linked, setup, teardown),
	};

	return cmocka_run_group_tests(tests, t_group_setup, t_group_teardown);
}
