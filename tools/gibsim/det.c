// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * The deterministic engine: a discrete-event simulation in one thread.
 *
 * Two queues make up the future: gibsim's own events (device arrivals, vcpu
 * runs, wake-ups, GAL deliveries) and the kick timers on the backend's
 * simulated clock. The loop always runs whichever comes first (timers on a
 * tie), moving the clock with gib_us_clock_run_until(), so every step of the
 * protocol happens at a definite simulated time and in a definite order.
 * One seeded generator draws every random number in event order.
 */
#include "engines.h"
#include "evq.h"
#include "trace.h"

#include <stdlib.h>

enum {
	EV_DEV,		/* a device's next arrival (or the next event of a burst) */
	EV_START,	/* a vcpu starts */
	EV_RUN_END,	/* a vcpu's SIE run ends */
	EV_IO_ON,	/* a vcpu enables I/O again, in SIE */
	EV_SIE_CHECK,	/* the machine looks at the IPM for a vcpu in SIE */
	EV_WAKE,	/* a woken vcpu runs its wake-up check */
	EV_OWN,		/* a waiting vcpu wakes for its own work */
	EV_GAL,		/* the host takes the GAL interruptions */
	EV_CYCLE_END,	/* a disabled GISA's window ends */
	EV_END,		/* --duration-ns passed */
};

struct det {
	struct sim_evq q;
	struct sim_prng r;
	uint64_t *burst_left;
	bool gal_queued;
	bool in_gal;
	bool done;
	uint64_t drain_start;
	uint64_t steps;
};

static uint64_t det_now(struct sim *s)
{
	return gib_us_clock_now(s->clock);
}

static struct det *D(struct sim *s)
{
	return s->engine;
}

static void at(struct sim *s, uint64_t delay, uint32_t type, uint32_t a, uint64_t epoch)
{
	sim_evq_push(&D(s)->q, det_now(s) + delay, type, a, epoch);
}

static uint32_t vid(struct sim_vcpu *sv)
{
	return sv->g->idx * sv->g->nr_vcpus + sv->idx;
}

static void vtr(struct sim *s, struct sim_vcpu *sv, char ph, const char *name)
{
	sim_trace_ev(s->trace, det_now, s, ph, sv->g->idx + 1, sv->idx + 1, name, NULL);
}

/* A new state: earlier events of this vcpu are stale from now on. */
static void set_state(struct sim_vcpu *sv, enum sim_vstate st)
{
	sv->state = st;
	sv->epoch++;
	sv->wake_pending = false;
}

static void go_wait(struct sim *s, struct sim_vcpu *sv);

static void enter_run(struct sim *s, struct sim_vcpu *sv)
{
	struct det *d = D(s);
	uint64_t window = 0;

	if (sv->stopped || sv->dead)
		return;
	if (!sim_sie_valid(sv)) {
		set_state(sv, SIM_V_STOPPED);
		return;
	}
	set_state(sv, SIM_V_SIE);
	sim_inc(&s->st.sie_entries, 1);
	vtr(s, sv, 'B', "SIE");
	if (s->o->io_off && sim_prng_percent(&d->r, s->o->io_off)) {
		/* The guest runs a while with I/O interruptions disabled. */
		window = sim_prng_exp(&d->r, s->o->io_window_ns);
		gib_vcpu_set_io_enabled(&sv->v, false);
		at(s, window, EV_IO_ON, vid(sv), sv->epoch);
	}
	gib_vcpu_enter_sie(&sv->v);
	sim_take_all(s, sv, SIM_BY_HOST);
	at(s, window + sim_prng_exp(&d->r, s->o->run_ns), EV_RUN_END, vid(sv), sv->epoch);
}

static void leave_sie(struct sim *s, struct sim_vcpu *sv)
{
	if (!GIB_PF_READ_ONCE(sv->v.io_enabled))
		gib_vcpu_set_io_enabled(&sv->v, true);
	gib_vcpu_exit_sie(&sv->v);
	vtr(s, sv, 'E', "SIE");
	set_state(sv, SIM_V_OUT);
}

static void go_wait(struct sim *s, struct sim_vcpu *sv)
{
	struct det *d = D(s);
	int rc = gib_vcpu_prepare_wait(&sv->v);

	if (rc == 1) {
		sim_inc(&s->st.wait_refused, 1);
		enter_run(s, sv);
		return;
	}
	if (rc < 0) {
		sim_inc(&s->st.disabled_waits, 1);
		enter_run(s, sv);
		return;
	}
	sim_inc(&s->st.waits, 1);
	/* The caller's last check before it sleeps (see gib_vcpu_prepare_wait()). */
	if (gib_vcpu_runnable(&sv->v)) {
		gib_vcpu_end_wait(&sv->v);
		enter_run(s, sv);
		return;
	}
	set_state(sv, SIM_V_WAIT);
	vtr(s, sv, 'B', "wait");
	if (sv->idle_ns && !s->draining)
		at(s, sim_prng_exp(&d->r, sv->idle_ns), EV_OWN, vid(sv), sv->epoch);
}

static void end_wait(struct sim *s, struct sim_vcpu *sv)
{
	gib_vcpu_end_wait(&sv->v);
	vtr(s, sv, 'E', "wait");
	set_state(sv, SIM_V_OUT);
	enter_run(s, sv);
}

/* The core's wake_vcpu, through sim.c. */
static void det_wake(struct sim *s, struct sim_vcpu *sv)
{
	switch (sv->state) {
	case SIM_V_WAIT:
		if (sv->wake_pending)
			return;
		sv->wake_pending = true;
		at(s, sim_prng_exp(&D(s)->r, s->o->wake_ns), EV_WAKE, vid(sv), sv->epoch);
		return;
	case SIM_V_SIE:
		/* In SIE the machine presents what became deliverable. */
		at(s, 0, EV_SIE_CHECK, vid(sv), sv->epoch);
		return;
	default:
		return;	/* outside SIE it checks the IPM before it waits */
	}
}

static void det_drained(struct sim *s)
{
	D(s)->done = true;
}

static void dispatch(struct sim *s, const struct sim_ev *e);

/* Host events that wait while the host walks a cut (det_unlinked()). */
#define HELD_MAX 64

/*
 * --walk-ns: the host spends that long on each GISA its GAL processing
 * unlinks. Meanwhile time moves on for everything else: device arrivals,
 * vcpus and kick timers run (on other CPUs, as it were) between two unlinks
 * of the cut, so the machine links GISAs while the host holds the list.
 * The host's own events (GAL, life cycle) wait until the walk is over.
 */
static void det_unlinked(struct sim *s)
{
	struct det *d = D(s);
	struct sim_ev held[HELD_MAX];
	unsigned int n = 0;
	uint64_t until;

	if (!d->in_gal || !s->o->walk_ns)
		return;
	d->in_gal = false;	/* events run here are not the host's walk */
	until = det_now(s) + s->o->walk_ns;
	for (;;) {
		uint64_t te = 0, tt = 0;
		bool have_e = sim_evq_peek(&d->q, &te) && te <= until;
		bool have_t = gib_us_clock_next_expiry(s->clock, &tt) == 0 && tt <= until;
		struct sim_ev e;

		if (d->done || (!have_e && !have_t))
			break;
		if (have_t && (!have_e || tt <= te)) {
			gib_us_clock_run_until(s->clock, tt);
			continue;
		}
		gib_us_clock_run_until(s->clock, te);
		e = sim_evq_pop(&d->q);
		if (e.type == EV_GAL || e.type == EV_CYCLE_END) {
			held[n++] = e;
			if (n == HELD_MAX)
				break;
			continue;
		}
		dispatch(s, &e);
	}
	gib_us_clock_run_until(s->clock, until);
	while (n--)
		sim_evq_push(&d->q, held[n].t, held[n].type, held[n].a, held[n].epoch);
	d->in_gal = true;
}

static const struct sim_engine_ops det_ops = {
	.now = det_now,
	.wake = det_wake,
	.drained = det_drained,
	.unlinked = det_unlinked,
};

static void start_drain(struct sim *s)
{
	struct det *d = D(s);

	if (s->draining)
		return;
	s->draining = 1;
	d->drain_start = det_now(s);
	s->st.sim_ns = d->drain_start;
	if (!s->outstanding)
		d->done = true;
}

/* Keep a paused guest's vcpus out of SIE; let them in again. */
static void det_pause(struct sim *s, struct sim_guest *g, bool on)
{
	unsigned int i;

	for (i = 0; i < g->nr_vcpus; i++) {
		struct sim_vcpu *sv = &g->vcpus[i];

		if (on) {
			sv->paused_in_sie = sv->state == SIM_V_SIE;
			if (sv->paused_in_sie)
				leave_sie(s, sv);
		} else if (sv->paused_in_sie) {
			sv->paused_in_sie = false;
			/* Back into SIE, through the machine's check of the designation. */
			enter_run(s, sv);
		}
	}
}

static void queue_gal(struct sim *s);

static void on_gal(struct sim *s)
{
	struct det *d = D(s);
	struct sim_guest *g;
	bool gal = false;
	int n;

	d->gal_queued = false;
	n = gib_us_machine_take_gal(&s->machine);
	if (n <= 0)
		return;
	if (sim_gal_due_cycle(s)) {
		g = sim_cycle_target(s);
		if (g) {
			det_pause(s, g, true);
			sim_cycle_begin(s, g);
			if (s->o->cycle == SIM_CYCLE_DISABLE) {
				/* vcpus run without a GISA for the window. */
				g->off = 1;
				det_pause(s, g, false);
				at(s, s->o->cycle_window_ns, EV_CYCLE_END, g->idx, 0);
			} else {
				gal = sim_cycle_end(s, g);
				det_pause(s, g, false);
			}
		}
	}
	d->in_gal = true;
	sim_gal_handle(s);
	d->in_gal = false;
	/* A GAL that the re-signal raised is the host's next one. */
	if (gal)
		queue_gal(s);
}

static void queue_gal(struct sim *s)
{
	if (D(s)->gal_queued)
		return;
	D(s)->gal_queued = true;
	at(s, s->o->gal_ns, EV_GAL, 0, 0);
}

static void on_dev(struct sim *s, struct sim_device *dev)
{
	struct det *d = D(s);
	uint64_t *left = &d->burst_left[dev->idx];
	struct gib_us_ai_result res;

	if (s->draining)
		return;
	if (dev->g->off) {
		/* The guest has no GISA now; the device waits for it. */
		at(s, sim_prng_exp(&d->r, s->o->rate_ns), EV_DEV, dev->idx, 0);
		return;
	}
	if (!*left)
		*left = 1 + sim_prng_below(&d->r, s->o->burst);
	(*left)--;
	if (sim_raise(s, dev, &res) > 0 && !dev->host_injected &&
	    res.outcome == GIB_US_AI_LINKED_GAL && s->o->gal == SIM_GAL_DEFERRED)
		queue_gal(s);
	if (s->o->ais && s->st.raised + s->st.throttled >= s->o->ais) {
		start_drain(s);
		return;
	}
	at(s, *left ? s->o->burst_gap_ns : sim_prng_exp(&d->r, s->o->rate_ns), EV_DEV, dev->idx,
	   0);
}

static void dispatch(struct sim *s, const struct sim_ev *e)
{
	struct sim_vcpu *sv = NULL;

	if (e->type >= EV_START && e->type <= EV_OWN) {
		sv = s->vcpus[e->a];
		if (e->type != EV_START && e->epoch != sv->epoch)
			return;	/* the vcpu moved on since */
	}
	switch (e->type) {
	case EV_DEV:
		on_dev(s, &s->devs[e->a]);
		break;
	case EV_START:
		enter_run(s, sv);
		break;
	case EV_RUN_END:
		leave_sie(s, sv);
		go_wait(s, sv);
		break;
	case EV_IO_ON:
		gib_vcpu_set_io_enabled(&sv->v, true);
		sim_take_all(s, sv, SIM_IN_SIE);
		break;
	case EV_SIE_CHECK:
		sim_take_all(s, sv, SIM_IN_SIE);
		break;
	case EV_WAKE:
		sv->wake_pending = false;
		sim_inc(&s->st.wakeups, 1);
		vtr(s, sv, 'i', "wake");
		/* The runnable check clears the kicked bit whatever it finds. */
		if (gib_vcpu_runnable(&sv->v)) {
			end_wait(s, sv);
		} else {
			sim_inc(&s->st.spurious_wakeups, 1);
			vtr(s, sv, 'i', "spurious_wakeup");
		}
		break;
	case EV_OWN:
		if (s->draining)
			break;
		sim_inc(&s->st.own_wakeups, 1);
		vtr(s, sv, 'i', "own_wakeup");
		gib_vcpu_runnable(&sv->v);
		end_wait(s, sv);
		break;
	case EV_GAL:
		on_gal(s);
		break;
	case EV_CYCLE_END: {
		struct sim_guest *g = &s->guests[e->a];

		bool gal;

		det_pause(s, g, true);
		gal = sim_cycle_end(s, g);
		g->off = 0;
		det_pause(s, g, false);
		if (gal)
			queue_gal(s);
		break;
	}
	case EV_END:
		start_drain(s);
		break;
	}
}

static void loop(struct sim *s)
{
	struct det *d = D(s);
	const struct sim_opts *o = s->o;

	while (!d->done) {
		uint64_t te = 0, tt = 0, now = det_now(s);
		bool have_e = sim_evq_peek(&d->q, &te);
		bool have_t = gib_us_clock_next_expiry(s->clock, &tt) == 0;

		if (s->draining && now - d->drain_start >= o->drain_ns)
			break;
		/* While AIs still come; in the drain, its bound decides (lost). */
		if (!s->draining && s->outstanding && now - s->last_progress >= o->stall_ns) {
			s->st.stalled = 1;
			break;
		}
		if (!have_e && !have_t)
			break;	/* nothing can happen any more */
		if ((++d->steps & 0xffff) == 0)
			sim_progress(s, now, false);
		if (have_t && (!have_e || tt <= te)) {
			/* Kick timers due first: run them (and what they start). */
			gib_us_clock_run_until(s->clock, tt);
			continue;
		}
		gib_us_clock_run_until(s->clock, te);
		{
			struct sim_ev e = sim_evq_pop(&d->q);

			dispatch(s, &e);
		}
	}
}

int sim_run_deterministic(struct sim *s)
{
	struct det d = { 0 };
	struct gib_us_clock *clock;
	unsigned int i;
	int rc;

	s->ops = &det_ops;
	s->engine = &d;
	sim_prng_seed(&d.r, s->o->seed, 1);
	clock = gib_us_clock_create(GIB_US_CLOCK_SIM);
	if (!clock) {
		fprintf(stderr, "gibsim: cannot create the simulated clock\n");
		return -ENOMEM;
	}
	/* This thread pushes AIs and reads GISAs: it must be an RCU reader. */
	gib_us_thread_online();
	rc = sim_build(s, clock);
	if (rc)
		goto out;
	d.burst_left = calloc(s->nr_devs, sizeof(*d.burst_left));
	if (!d.burst_left) {
		rc = -ENOMEM;
		goto out;
	}
	for (i = 0; i < s->nr_vcpus; i++)
		at(s, sim_prng_below(&d.r, s->o->run_ns + 1), EV_START, i, 0);
	for (i = 0; i < s->nr_devs; i++)
		at(s, sim_prng_exp(&d.r, s->o->rate_ns), EV_DEV, i, 0);
	if (s->o->duration_ns)
		at(s, s->o->duration_ns, EV_END, 0, 0);

	loop(s);

	if (!s->draining)
		s->st.sim_ns = det_now(s);
	else
		s->st.drain_ns = det_now(s) - d.drain_start;
	sim_progress(s, det_now(s), true);
	if (sim_finish(s))
		rc = -EPROTO;
	/* Quiet the vcpus before the teardown destroys their GISAs. */
	for (i = 0; i < s->nr_vcpus; i++) {
		struct sim_vcpu *sv = s->vcpus[i];

		if (sv->state == SIM_V_SIE)
			leave_sie(s, sv);
		if (sv->state == SIM_V_WAIT)
			vtr(s, sv, 'E', "wait");	/* close the trace's span */
	}
out:
	sim_teardown(s);
	gib_us_thread_offline();
	gib_us_clock_destroy(clock);
	sim_evq_free(&d.q);
	free(d.burst_left);
	s->engine = NULL;
	return rc;
}
