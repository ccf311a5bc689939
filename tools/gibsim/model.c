// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * The model both engines drive: building the host, guests, vcpus and
 * devices through libgib; raising device events; the guest's handler and
 * the accounting of every event; the core's trace hooks; and the GISA
 * life-cycle events of --cycle.
 */
#include "sim.h"
#include "trace.h"

#include <stdarg.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>

static void tr(struct sim *s, unsigned int pid, unsigned int tid, char ph, const char *name,
	       const char *fmt, ...)
{
	char args[160];
	va_list ap;

	if (!s->trace)
		return;
	if (fmt) {
		va_start(ap, fmt);
		vsnprintf(args, sizeof(args), fmt, ap);
		va_end(ap);
	}
	sim_trace_ev(s->trace, s->ops->now, s, ph, pid, tid, name, fmt ? args : NULL);
}

static struct sim_guest *guest_of(struct gib_guest *gi)
{
	return gi->priv;
}

/* ---- the core's callbacks -------------------------------------------- */

static void wake_vcpu(struct gib_guest *gi, struct gib_vcpu *vcpu)
{
	struct sim *s = guest_of(gi)->s;

	sim_inc(&s->st.wake_calls, 1);
	s->ops->wake(s, vcpu->priv);
}

static const struct gib_guest_ops guest_ops = {
	.wake_vcpu = wake_vcpu,
};

/* The final flag of the cut this thread is walking (cut, then cut_done). */
static _Thread_local bool cut_final;

static void on_cut(void *priv, struct gib_host *host, unsigned int pass, uint32_t cut,
		   bool final)
{
	(void)priv;
	(void)host;
	(void)pass;
	(void)cut;
	cut_final = final;
}

static void on_cut_done(void *priv, struct gib_host *host, unsigned int pass, unsigned int nr,
			uint32_t term)
{
	struct sim *s = priv;

	(void)host;
	sim_inc(&s->st.cuts, 1);
	if (nr) {
		sim_inc(&s->st.cuts_nonempty, 1);
		sim_inc(&s->st.unlinked, nr);
		sim_max(&s->st.max_per_cut, nr);
	}
	tr(s, 0, 0, 'i', "cut", "\"pass\":%u,\"final\":%d,\"gisas\":%u,\"term\":%u", pass,
	   cut_final, nr, term);
}

static void on_unlink(void *priv, struct gib_guest *gi)
{
	struct sim *s = priv;

	tr(s, guest_of(gi)->idx + 1, SIM_TRACE_GISA, 'i', "unlink", NULL);
	if (s->ops->unlinked)
		s->ops->unlinked(s);
}

static void on_kick_timer(void *priv, struct gib_guest *gi, int pending)
{
	struct sim *s = priv;

	sim_inc(&s->st.kick_timer_runs, 1);
	/* > 0: kicked, runs again; -EBUSY: still linked, polls again; 0: IAM re-armed. */
	sim_inc(pending ? &s->st.kick_timer_rearm : &s->st.iam_restored, 1);
	tr(s, guest_of(gi)->idx + 1, SIM_TRACE_GISA, 'i', "kick_timer", "\"pending\":%d",
	   pending > 0 ? pending : 0);
}

static void on_kick_vcpu(void *priv, struct gib_guest *gi, struct gib_vcpu *vcpu, bool woken)
{
	struct sim *s = priv;

	sim_inc(woken ? &s->st.kicks : &s->st.kicks_already, 1);
	tr(s, guest_of(gi)->idx + 1, vcpu->idx + 1, 'i', woken ? "kick" : "kick_skipped", NULL);
}

static void on_cut_cas(void *priv, struct gib_host *host, uint32_t seen)
{
	struct sim *s = priv;

	(void)host;
	(void)seen;
	sim_inc(&s->st.cut_cas, 1);
}

static const struct gib_trace_ops trace_ops = {
	.cut_cas = on_cut_cas,
	.cut = on_cut,
	.cut_done = on_cut_done,
	.unlink = on_unlink,
	.kick_timer = on_kick_timer,
	.kick_vcpu = on_kick_vcpu,
};

/* ---- building --------------------------------------------------------- */

/* vcpu ids: dense (id = index), or sparse and all at or above the count. */
static unsigned int vcpu_id(const struct sim_opts *o, unsigned int idx)
{
	unsigned int stride;

	if (!o->sparse_ids)
		return idx;
	/*
	 * Ids counted down from 247 in even steps: as sparse as the vcpu count
	 * allows, and for up to 15 vcpus every id is at or above the count,
	 * which is what a bitmap indexed by id instead of index trips over.
	 */
	stride = 247 / o->vcpus;
	return 247 - idx * stride;
}

static uint8_t isc_bit(unsigned int isc)
{
	return gib_isc_mask(isc);
}

/* The CR6 masks of one guest's vcpus; every ISC is enabled by a running vcpu. */
static void choose_cr6(struct sim *s, struct sim_guest *g, struct sim_prng *r)
{
	const struct sim_opts *o = s->o;
	unsigned int running = o->vcpus - o->stopped, i, k;

	for (i = 0; i < g->nr_vcpus; i++) {
		uint8_t m = 0;

		switch (o->cr6) {
		case SIM_CR6_ALL:
			for (k = 0; k < o->nr_iscs; k++)
				m |= isc_bit(o->iscs[k]);
			break;
		case SIM_CR6_SPLIT:
			m = isc_bit(o->iscs[i % o->nr_iscs]);
			break;
		case SIM_CR6_RANDOM:
			/* The first ISC always: host-injected devices use it. */
			m = isc_bit(o->iscs[0]);
			for (k = 1; k < o->nr_iscs; k++)
				if (sim_prng_below(r, 2))
					m |= isc_bit(o->iscs[k]);
			break;
		}
		g->vcpus[i].cr6_mask = m;
	}
	/* A running vcpu for every ISC, or its AIs could only wait forever. */
	for (k = 0; k < o->nr_iscs; k++) {
		bool covered = false;

		for (i = 0; i < running; i++)
			covered |= !!(g->vcpus[i].cr6_mask & isc_bit(o->iscs[k]));
		if (!covered)
			g->vcpus[k % running].cr6_mask |= isc_bit(o->iscs[k]);
	}
}

static int register_gisc(struct sim_guest *g)
{
	unsigned int d;
	int rc;

	for (d = 0; d < g->nr_devs; d++) {
		if (g->devs[d]->host_injected)
			continue;
		rc = gib_gisc_register(&g->gi, g->devs[d]->isc);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static void unregister_gisc(struct sim_guest *g)
{
	unsigned int d;

	for (d = 0; d < g->nr_devs; d++)
		if (!g->devs[d]->host_injected)
			gib_gisc_unregister(&g->gi, g->devs[d]->isc);
}

static int fail(const char *what, int rc)
{
	fprintf(stderr, "gibsim: %s failed: %s\n", what, strerror(-rc));
	return rc;
}

static int build_guest(struct sim *s, struct sim_guest *g, struct sim_prng *r,
		       unsigned int *dev_idx, unsigned int *vcpu_idx)
{
	const struct sim_opts *o = s->o;
	pthread_condattr_t cattr;
	unsigned int i, nr_inj;
	int rc;

	pthread_condattr_init(&cattr);
	pthread_condattr_setclock(&cattr, CLOCK_MONOTONIC);
	g->s = s;
	pthread_rwlock_init(&g->life, NULL);
	rc = gib_guest_init(&g->gi, &s->host, &guest_ops, g);
	if (rc)
		return fail("gib_guest_init", rc);
	if (o->float_policy == SIM_FLOAT_LAST_SLEEPER ||
	    (o->float_policy == SIM_FLOAT_MIXED && (g->idx & 1)))
		gib_guest_set_float_policy(&g->gi, GIB_FLOAT_LAST_SLEEPER);
	rc = gib_gisa_init(&g->gi);
	if (rc)
		return fail("gib_gisa_init", rc);
	rc = gib_guest_set_expires(&g->gi, o->kick_ns);
	if (rc)
		return fail("gib_guest_set_expires", rc);

	g->nr_vcpus = o->vcpus;
	g->vcpus = calloc(g->nr_vcpus, sizeof(*g->vcpus));
	if (!g->vcpus)
		return fail("calloc", -ENOMEM);
	for (i = 0; i < g->nr_vcpus; i++) {
		struct sim_vcpu *sv = &g->vcpus[i];

		sv->g = g;
		sv->idx = i;
		sv->idle_ns = o->idle_ns;
		sv->stopped = i >= o->vcpus - o->stopped;
		sim_prng_seed(&sv->prng, o->seed, 0x100000ull + *vcpu_idx);
		pthread_mutex_init(&sv->mx, NULL);
		/* Own-work deadlines are CLOCK_MONOTONIC, like the engine's time. */
		pthread_cond_init(&sv->cv, &cattr);
		pthread_mutex_init(&sv->run_lock, NULL);
		rc = gib_vcpu_add(&g->gi, &sv->v, vcpu_id(o, i), sv);
		if (rc < 0)
			return fail("gib_vcpu_add", rc);
		s->vcpus[(*vcpu_idx)++] = sv;
	}
	pthread_condattr_destroy(&cattr);
	choose_cr6(s, g, r);

	/* The first devices are emulated by the host, on the first ISC. */
	nr_inj = (o->devices * o->inject + 50) / 100;
	g->nr_devs = o->devices;
	g->devs = calloc(g->nr_devs, sizeof(*g->devs));
	if (!g->devs)
		return fail("calloc", -ENOMEM);
	for (i = 0; i < g->nr_devs; i++) {
		struct sim_device *d = &s->devs[*dev_idx];

		d->g = g;
		d->idx = (*dev_idx)++;
		d->host_injected = i < nr_inj;
		d->isc = d->host_injected ? o->iscs[0] : o->iscs[(i - nr_inj) % o->nr_iscs];
		d->ring = calloc(SIM_RING, sizeof(*d->ring));
		if (!d->ring)
			return fail("calloc", -ENOMEM);
		pthread_mutex_init(&d->lock, NULL);
		g->devs[i] = d;
	}
	return 0;
}

/* After the scenario's touch: give the core the vcpus' state, register GISCs. */
static int start_guest(struct sim_guest *g)
{
	unsigned int i;
	int rc;

	for (i = 0; i < g->nr_vcpus; i++) {
		struct sim_vcpu *sv = &g->vcpus[i];

		gib_vcpu_set_cr6(&sv->v, (uint64_t)sv->cr6_mask << 24);
		gib_vcpu_set_io_enabled(&sv->v, true);
		gib_vcpu_set_stopped(&sv->v, sv->stopped);
	}
	for (i = 0; i < g->nr_devs; i++)
		if (!g->devs[i]->host_injected)
			g->machine_iscs |= isc_bit(g->devs[i]->isc);
	rc = register_gisc(g);
	if (rc)
		return fail("gib_gisc_register", rc);
	return 0;
}

static void name_tracks(struct sim *s)
{
	char pname[32], tname[48];
	unsigned int gi, i;

	sim_trace_name(s->trace, 0, 0, "host", "host (GIB, GAL, alert list)");
	for (gi = 0; gi < s->o->guests; gi++) {
		struct sim_guest *g = &s->guests[gi];

		snprintf(pname, sizeof(pname), "guest %u", gi);
		sim_trace_name(s->trace, gi + 1, SIM_TRACE_GISA, pname, "GISA");
		for (i = 0; i < g->nr_vcpus; i++) {
			snprintf(tname, sizeof(tname), "vcpu %u (id %u)%s", i, g->vcpus[i].v.id,
				 g->vcpus[i].stopped ? " stopped" : "");
			sim_trace_name(s->trace, gi + 1, i + 1, pname, tname);
		}
	}
}

int sim_build(struct sim *s, struct gib_us_clock *clock)
{
	const struct sim_opts *o = s->o;
	struct gib_us_machine_config cfg = {
		.has_aiv = true,
		.has_gisaf = true,
		.gal_mode = o->gal == SIM_GAL_DIRECT ? GIB_US_GAL_DIRECT : GIB_US_GAL_DEFERRED,
	};
	struct sim_prng r;
	unsigned int g, dev_idx = 0, vcpu_idx = 0;
	int rc;

	sim_prng_seed(&r, o->seed, 0);
	s->clock = clock;
	/* Kick timers bind to the default clock when their guest is set up. */
	gib_us_set_default_clock(clock);
	rc = gib_us_machine_init(&s->machine, &cfg);
	if (rc)
		return fail("gib_us_machine_init", rc);
	rc = gib_us_host_attach(&s->host, &s->machine);
	if (rc)
		return fail("gib_us_host_attach", rc);
	s->host.trace = &trace_ops;
	s->host.trace_priv = s;
	s->host.cut_policy = o->cut == SIM_CUT_V2 ? GIB_CUT_V2 : GIB_CUT_TWO_PHASE;
	rc = gib_init(&s->host, GIB_GAL_ISC);
	if (rc)
		return fail("gib_init", rc);

	s->guests = calloc(o->guests, sizeof(*s->guests));
	s->nr_devs = o->guests * o->devices;
	s->devs = calloc(s->nr_devs, sizeof(*s->devs));
	s->nr_vcpus = o->guests * o->vcpus;
	s->vcpus = calloc(s->nr_vcpus, sizeof(*s->vcpus));
	if (!s->guests || !s->devs || !s->vcpus)
		return fail("calloc", -ENOMEM);
	for (g = 0; g < o->guests; g++) {
		s->guests[g].idx = g;
		rc = build_guest(s, &s->guests[g], &r, &dev_idx, &vcpu_idx);
		if (rc)
			return rc;
	}
	if (s->customize)
		s->customize(s);
	for (g = 0; g < o->guests; g++) {
		rc = start_guest(&s->guests[g]);
		if (rc)
			return rc;
	}
	name_tracks(s);
	return 0;
}

void sim_teardown(struct sim *s)
{
	unsigned int g, i;

	for (g = 0; s->guests && g < s->o->guests; g++) {
		struct sim_guest *gu = &s->guests[g];

		if (!gu->s)
			continue;
		if (gib_guest_gisa(&gu->gi))
			unregister_gisc(gu);
		gib_guest_destroy(&gu->gi);
		for (i = 0; i < gu->nr_vcpus; i++) {
			pthread_mutex_destroy(&gu->vcpus[i].mx);
			pthread_cond_destroy(&gu->vcpus[i].cv);
			pthread_mutex_destroy(&gu->vcpus[i].run_lock);
		}
		free(gu->vcpus);
		free(gu->devs);
		pthread_rwlock_destroy(&gu->life);
	}
	if (s->host.gib)
		gib_destroy(&s->host);
	gib_us_machine_fini(&s->machine);
	gib_us_set_default_clock(NULL);
	for (i = 0; s->devs && i < s->nr_devs; i++) {
		free(s->devs[i].ring);
		if (s->devs[i].g)
			pthread_mutex_destroy(&s->devs[i].lock);
	}
	free(s->devs);
	free(s->guests);
	free(s->vcpus);
}

/* ---- events, the handler --------------------------------------------- */

static void count_outcome(struct sim *s, struct sim_device *d, const struct gib_us_ai_result *res)
{
	struct sim_guest *g = d->g;
	unsigned int pid = g->idx + 1;

	sim_inc(&s->st.outcome[res->outcome], 1);
	if (res->coalesced)
		sim_inc(&s->st.coalesced, 1);
	else
		tr(s, pid, SIM_TRACE_GISA, 'i', "ipm_set", "\"isc\":%u", d->isc);
	switch (res->outcome) {
	case GIB_US_AI_LINKED_GAL:
		sim_inc(&s->st.gal_raised, 1);
		tr(s, pid, SIM_TRACE_GISA, 'i', "linked", "\"old_origin\":%u", res->old_origin);
		tr(s, 0, 0, 'i', "gal_raise", "\"guest\":%u", g->idx);
		break;
	case GIB_US_AI_LINKED:
		tr(s, pid, SIM_TRACE_GISA, 'i', "linked", "\"old_origin\":%u", res->old_origin);
		break;
	default:
		break;
	}
}

int sim_raise(struct sim *s, struct sim_device *d, struct gib_us_ai_result *res)
{
	struct sim_guest *g = d->g;
	struct gib_us_ai_result local;
	uint64_t now = s->ops->now(s);
	int rc;

	if (!res)
		res = &local;
	/* Pairs with the release store of consumed in sim_handle(). */
	if (d->raised - __atomic_load_n(&d->consumed, __ATOMIC_ACQUIRE) >= SIM_RING) {
		d->throttled++;
		sim_inc(&s->st.throttled, 1);
		return 0;
	}
	d->ring[d->raised % SIM_RING] = now;
	d->raised++;
	if (!__atomic_fetch_add(&s->outstanding, 1, __ATOMIC_SEQ_CST))
		__atomic_store_n(&s->last_progress, now, __ATOMIC_RELAXED);
	/*
	 * The adapter's protocol: indicator, then summary, then the AI. The
	 * handler that takes the AI's IPM bit clears the summary after that
	 * take, so it sees both (seq_cst RMW and store, fully ordered IPM OR).
	 */
	__atomic_fetch_add(&d->indicator, 1, __ATOMIC_SEQ_CST);
	__atomic_store_n(&g->summary[d->isc], 1, __ATOMIC_SEQ_CST);
	sim_inc(&s->st.raised, 1);
	tr(s, g->idx + 1, SIM_TRACE_GISA, 'i', "ai_raise", "\"device\":%u,\"isc\":%u%s", d->idx,
	   d->isc, d->host_injected ? ",\"host\":1" : "");

	if (d->host_injected) {
		sim_inc(&s->st.raised_injected, 1);
		/* The GISA is found through the origin: a reader section. */
		gib_us_read_lock();
		rc = gib_inject_ai(&g->gi, d->isc);
		gib_us_read_unlock();
		/* -ENODEV: no GISA, or every vcpu stopped; the bit stays pending. */
		sim_inc(rc >= 0 ? &s->st.injected_woken : &s->st.injected_no_vcpu, 1);
		tr(s, g->idx + 1, SIM_TRACE_GISA, 'i', "inject", "\"isc\":%u,\"vcpu\":%d", d->isc,
		   rc);
		return 1;
	}
	sim_inc(&s->st.raised_machine, 1);
	rc = gib_us_machine_raise_ai(&s->machine, &g->gi, d->isc, res);
	if (rc) {
		/* No GISA: the indicator stays set; sim_cycle_end() re-signals it. */
		sim_inc(&s->st.raise_nodev, 1);
		res->outcome = GIB_US_AI_PENDING;
		res->vcpu = NULL;
		return 1;
	}
	count_outcome(s, d, res);
	if (res->outcome == GIB_US_AI_LINKED_GAL && s->o->gal == SIM_GAL_DIRECT) {
		/* The pusher ran the GAL handler inside the call. */
		sim_inc(&s->st.gal_handled, 1);
		tr(s, 0, 0, 'i', "gal_handle", NULL);
	}
	if (res->outcome == GIB_US_AI_DELIVERED_IN_SIE)
		sim_handle(s, res->vcpu->priv, d->isc, SIM_IN_SIE);
	return 1;
}

uint64_t sim_handle(struct sim *s, struct sim_vcpu *sv, unsigned int isc, enum sim_kind kind)
{
	struct sim_guest *g = sv->g;
	uint64_t now = s->ops->now(s), total = 0;
	unsigned int i;

	sim_inc(kind == SIM_IN_SIE ? &s->st.irq_sie : &s->st.irq_host, 1);
	/* Summary first: an adapter sets it after its indicator. */
	if (__atomic_exchange_n(&g->summary[isc], 0, __ATOMIC_SEQ_CST)) {
		for (i = 0; i < g->nr_devs; i++) {
			struct sim_device *d = g->devs[i];
			uint64_t n, k, c;

			if (d->isc != isc || !__atomic_load_n(&d->indicator, __ATOMIC_RELAXED))
				continue;
			/*
			 * Under the device's lock, so that the events taken are
			 * the oldest not yet accounted: their raise times are
			 * the next ones in the ring.
			 */
			pthread_mutex_lock(&d->lock);
			n = __atomic_exchange_n(&d->indicator, 0, __ATOMIC_SEQ_CST);
			c = d->consumed;
			for (k = 0; k < n; k++) {
				uint64_t t0 = d->ring[(c + k) % SIM_RING];

				sim_hist_add(&s->st.lat, now > t0 ? now - t0 : 0);
			}
			__atomic_store_n(&d->consumed, c + n, __ATOMIC_RELEASE);
			pthread_mutex_unlock(&d->lock);
			total += n;
		}
	}
	tr(s, g->idx + 1, sv->idx + 1, 'i', kind == SIM_IN_SIE ? "deliver_sie" : "deliver_host",
	   "\"isc\":%u,\"events\":%llu", isc, (unsigned long long)total);
	if (!total) {
		sim_inc(&s->st.handler_empty, 1);
		return 0;
	}
	sim_inc(kind == SIM_IN_SIE ? &s->st.consumed_sie : &s->st.consumed_host, total);
	__atomic_store_n(&s->last_progress, now, __ATOMIC_RELAXED);
	if (__atomic_sub_fetch(&s->outstanding, total, __ATOMIC_SEQ_CST) == 0 &&
	    __atomic_load_n(&s->draining, __ATOMIC_SEQ_CST) && s->ops->drained)
		s->ops->drained(s);
	return total;
}

unsigned int sim_take_all(struct sim *s, struct sim_vcpu *sv, enum sim_kind kind)
{
	unsigned int n = 0;
	int isc;

	for (;;) {
		/* take_ai finds the GISA through the origin: a reader section. */
		gib_us_read_lock();
		isc = gib_vcpu_take_ai(&sv->v, NULL);
		gib_us_read_unlock();
		if (isc < 0)
			return n;
		sim_handle(s, sv, (unsigned int)isc, kind);
		n++;
	}
}

bool sim_sie_valid(struct sim_vcpu *sv)
{
	struct sim *s = sv->g->s;
	uint32_t gd = GIB_PF_READ_ONCE(sv->v.gd);
	int aiv = GIB_PF_READ_ONCE(sv->v.eca_aiv);
	struct gib_gisa *gisa = gib_guest_gisa(&sv->g->gi);
	bool ok;

	/*
	 * What the machine checks when SIE starts: no designation with AIV
	 * off, or AIV on with the designation of the guest's live GISA (its
	 * address, OR'ed with the format in the low bits).
	 */
	if (!gd && !aiv)
		ok = true;
	else
		ok = aiv && gd && gisa && (gd & ~7u) == gib_gisa_maddr(gisa);
	if (ok)
		return true;
	__atomic_store_n(&sv->dead, 1, __ATOMIC_RELAXED);
	sim_inc(&s->st.validity_intercepts, 1);
	tr(s, sv->g->idx + 1, sv->idx + 1, 'i', "validity_intercept", "\"gd\":%u,\"aiv\":%d", gd,
	   aiv);
	return false;
}

/* ---- GISA life cycle --------------------------------------------------- */

struct sim_guest *sim_cycle_target(struct sim *s)
{
	uint32_t origin = gib_alert_list_origin(&s->host);
	unsigned int g;

	if (!(origin & GIB_GISA_ADDR_MASK))
		return NULL;
	for (g = 0; g < s->o->guests; g++) {
		struct gib_gisa *gisa = gib_guest_gisa(&s->guests[g].gi);

		if (gisa && gib_gisa_maddr(gisa) == origin)
			return &s->guests[g];
	}
	return NULL;
}

void sim_cycle_begin(struct sim *s, struct sim_guest *g)
{
	/* A device that keeps its registration registers again at the end. */
	if (!s->o->cycle_keep_gisc)
		unregister_gisc(g);
	if (s->o->cycle == SIM_CYCLE_DISABLE) {
		/* A library that refuses while GISCs are registered: let go first. */
		if (gib_gisa_disable(&g->gi) == -EBUSY) {
			unregister_gisc(g);
			gib_gisa_disable(&g->gi);
		}
		sim_inc(&s->st.gisa_disables, 1);
		tr(s, g->idx + 1, SIM_TRACE_GISA, 'i', "gisa_disable", NULL);
	} else {
		if (gib_gisa_destroy(&g->gi) == -EBUSY) {
			unregister_gisc(g);
			gib_gisa_destroy(&g->gi);
		}
		sim_inc(&s->st.gisa_destroys, 1);
		tr(s, g->idx + 1, SIM_TRACE_GISA, 'i', "gisa_destroy", NULL);
	}
}

bool sim_cycle_end(struct sim *s, struct sim_guest *g)
{
	struct gib_us_ai_result res;
	unsigned int isc, i;
	bool gal = false;
	int rc;

	rc = gib_gisa_enable(&g->gi);
	if (rc) {
		fail("gib_gisa_enable", rc);
		return false;
	}
	gib_guest_set_expires(&g->gi, s->o->kick_ns);
	register_gisc(g);
	tr(s, g->idx + 1, SIM_TRACE_GISA, 'i', "gisa_enable", NULL);
	for (isc = 0; isc < GIB_NR_ISCS; isc++) {
		bool set = false, machine = false;

		for (i = 0; i < g->nr_devs; i++) {
			if (g->devs[i]->isc != isc)
				continue;
			set |= __atomic_load_n(&g->devs[i]->indicator, __ATOMIC_SEQ_CST) != 0;
			machine |= !g->devs[i]->host_injected;
		}
		if (!set)
			continue;
		sim_inc(&s->st.resignals, 1);
		tr(s, g->idx + 1, SIM_TRACE_GISA, 'i', "resignal", "\"isc\":%u", isc);
		/* Make sure the handler looks at the indicators again. */
		__atomic_store_n(&g->summary[isc], 1, __ATOMIC_SEQ_CST);
		if (!machine) {
			gib_us_read_lock();
			gib_inject_ai(&g->gi, isc);
			gib_us_read_unlock();
			continue;
		}
		if (gib_us_machine_raise_ai(&s->machine, &g->gi, isc, &res))
			continue;
		if (res.outcome == GIB_US_AI_LINKED_GAL) {
			gal = true;
			sim_inc(&s->st.gal_raised, 1);
			tr(s, 0, 0, 'i', "gal_raise", "\"guest\":%u", g->idx);
			if (s->o->gal == SIM_GAL_DIRECT) {
				sim_inc(&s->st.gal_handled, 1);
				tr(s, 0, 0, 'i', "gal_handle", NULL);
			}
		}
		if (res.outcome == GIB_US_AI_DELIVERED_IN_SIE)
			sim_handle(s, res.vcpu->priv, isc, SIM_IN_SIE);
	}
	return gal;
}

bool sim_gal_due_cycle(struct sim *s)
{
	s->gal_count++;
	return s->o->cycle != SIM_CYCLE_NONE && s->gal_count % s->o->cycle_every == 0;
}

void sim_gal_handle(struct sim *s)
{
	sim_inc(&s->st.gal_handled, 1);
	tr(s, 0, 0, 'i', "gal_handle", NULL);
	gib_gal_interrupt(&s->host);
}

int sim_finish(struct sim *s)
{
	uint64_t n = 0, raised = 0;
	unsigned int i;

	for (i = 0; i < s->nr_devs; i++) {
		n += __atomic_load_n(&s->devs[i].indicator, __ATOMIC_SEQ_CST);
		raised += s->devs[i].raised;
	}
	s->lost = n;
	if (raised != s->st.raised || n != s->st.raised - s->st.consumed_sie - s->st.consumed_host) {
		fprintf(stderr, "gibsim: internal error: accounting does not balance (raised %llu/%llu, "
			"in SIE %llu, after alert %llu, in indicators %llu)\n",
			(unsigned long long)raised, (unsigned long long)s->st.raised,
			(unsigned long long)s->st.consumed_sie,
			(unsigned long long)s->st.consumed_host, (unsigned long long)n);
		return -1;
	}
	return 0;
}
