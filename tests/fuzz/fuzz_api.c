/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * API fuzz harness: sequences of public-API calls against a reference model.
 *
 * Each input is one run of a host with a GIB and 1..3 guests of 1..4 vcpus on
 * the user-space machine model and a simulated clock, single-threaded, so
 * that every outcome is determined by the call sequence. The first bytes
 * choose the machine (GAL delivery direct or deferred, GISA format, NISC) and
 * the initial guests; every following group of bytes is one step: GISC
 * (un)registration with valid and invalid ISCs, set IAM, AIs raised through
 * the machine model, host injections and forwarded adapter events, alert-list
 * processing, kick timers, the vcpu protocol (prepare wait, SIE entry, host
 * delivery, SIE exit, CR6 and PSW changes), clear IPM, GISA destroy, disable
 * and enable, guest create and destroy, GIB destroy and re-create.
 *
 * The model below is written from the spec, not from src/: plain fields for
 * IPM, IAM, the alert list, reference counts, the kick timers and the vcpu
 * bitmaps. After every step the harness compares every byte of state the
 * library exposes with it (return codes, the GISA's first doubleword and
 * links, the alert-list origin, counts and masks, timers, vcpu bits, wake-ups,
 * machine counters, arena slots, and what the trace hooks reported: each cut
 * of the two-phase cut, each unlink, kick-timer run and vcpu kick) and aborts
 * on the first difference.
 *
 * No AI may be lost. Every AI made pending is counted per (guest, ISC) as an
 * indicator; whoever takes the ISC drains its count; clearing and destroying
 * drop it. So after every step raised == delivered + dropped + outstanding,
 * and an ISC has outstanding AIs exactly while its IPM bit is set. At the end
 * of each input the harness lets the system run to rest by the protocol alone
 * (GAL handling, kick timers, and only the vcpus a kick or an injection woke)
 * and then checks that every AI the protocol owes a delivery (raised by the
 * machine for a registered ISC) was delivered whenever some vcpu enables its
 * ISC.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libgib/libgib.h>
#include <libgib-us/arena.h>
#include <libgib-us/clock.h>
#include <libgib-us/machine.h>
#include <libgib-us/rcu.h>
#include "fuzz_api.h"

#define NG 3			/* guest slots */
#define NV 4			/* vcpus per guest */
#define NISCS 8
#define MAX_STEPS 400		/* steps per input; libFuzzer's -max_len bounds it too */
#define DRAIN_ROUNDS 400	/* rounds of the final run to rest */
#define RUN_TO_REST 8		/* SIE round trips of one vcpu before it must sleep */

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ---- Failure reporting ------------------------------------------------- */

static unsigned int step;
static const char *step_name = "setup";
static bool trace;

static void fail(int line, const char *what, long long a, long long b)
{
	fprintf(stderr, "fuzz_api: step %u (%s), line %d: %s (%lld, %lld)\n", step, step_name,
		line, what, a, b);
	abort();
}

#define CHECK(c)							\
	do {								\
		if (!(c))						\
			fail(__LINE__, #c, 0, 0);			\
	} while (0)

#define CHECK_EQ(a, b)							\
	do {								\
		long long a_ = (long long)(a), b_ = (long long)(b);	\
		if (a_ != b_)						\
			fail(__LINE__, #a " == " #b, a_, b_);		\
	} while (0)

/* ---- Input ------------------------------------------------------------- */

struct in {
	const uint8_t *p;
	size_t n;
};

/* The next byte; an exhausted input reads as zeros. */
static unsigned int u8(struct in *in)
{
	if (!in->n)
		return 0;
	in->n--;
	return *in->p++;
}

/* Mostly valid ISCs, and each class of invalid one. */
static const unsigned int isc_table[] = {
	0, 1, 2, 3, 4, 5, 6, 7, 0, 3, 5, 7, 8, 255, UINT_MAX,
};

static unsigned int pick_isc(struct in *in)
{
	return isc_table[u8(in) % ARRAY_SIZE(isc_table)];
}

/* ---- The system under test --------------------------------------------- */

struct rvcpu {
	struct gib_vcpu vcpu;
	unsigned int wakes;	/* wake_vcpu calls */
	bool woken;		/* woken and has not re-checked for work yet */
};

struct rguest {
	struct gib_guest gi;
	struct rvcpu v[NV];
};

static struct {
	struct gib_us_clock *clock;
	struct gib_us_machine m;
	struct gib_host host;
	struct rguest g[NG];
} W;

static void wake_vcpu(struct gib_guest *gi, struct gib_vcpu *vcpu)
{
	struct rvcpu *v = GIB_CONTAINER_OF(vcpu, struct rvcpu, vcpu);

	/* The core wakes vcpus of the guest it was given, nothing else. */
	CHECK(vcpu->gi == gi);
	v->wakes++;
	v->woken = true;
}

static const struct gib_guest_ops ops = { .wake_vcpu = wake_vcpu };

static struct gib_gisa *gisa_of(unsigned int g)
{
	return gib_guest_gisa(&W.g[g].gi);
}

/* ---- The reference model ----------------------------------------------- */

static struct fuzz_api_totals totals;

const struct fuzz_api_totals *fuzz_api_totals(void)
{
	return &totals;
}

struct mvcpu {
	uint64_t cr6;
	bool io, stopped, in_sie, idle, kicked, woken;
	unsigned int wakes;
	uint32_t gd;		/* designation word */
};

struct mguest {
	bool live;		/* guest set up (else the slot is all zero) */
	bool gisa;
	bool linked;		/* in the alert list */
	bool tq;		/* kick timer queued */
	bool tampered;		/* the harness set an IAM without some alert-mask bit */
	uint8_t ipm, iam, simm, nimm, mask;
	unsigned int refs[NISCS];
	unsigned int nv, next_rr, last_sleep;
	int policy;
	uint64_t period, texp;
	uint64_t out[NISCS];	/* outstanding AIs per ISC */
	bool owed[NISCS];	/* the protocol owes delivery of out[] */
	struct mvcpu v[NV];
};

static struct {
	unsigned int ng;
	bool direct, gisaf;
	unsigned int nisc;
	unsigned int list[NG];	/* alert list, head first */
	unsigned int nlist;
	unsigned int gals;	/* deferred GALs not taken */
	uint64_t now;
	unsigned int nr_gisas;
	struct gib_us_machine_stats st;
	uint64_t raised, delivered, dropped_clear, dropped_destroy;
	struct mguest g[NG];
} M;

/*
 * What the core reports through its trace hooks, logged per guest (timer
 * runs and kicks; the guests' timers run in an order the model does not
 * keep) and for the host (cuts and unlinks), against what the model expects.
 */
enum { EV_CUT, EV_CUT_DONE, EV_UNLINK, EV_KICK_TIMER, EV_KICK_VCPU };

struct ev {
	unsigned int kind, pass, nr, vcpu;
	uint32_t value;
	bool flag;
};

#define MAX_EV 64
#define HOST_LOG NG

struct evlog {
	unsigned long n;	/* events, also those past MAX_EV (not kept) */
	struct ev e[MAX_EV];
};

static struct evlog ev_real[NG + 1], ev_model[NG + 1];

static void ev_push(struct evlog *l, struct ev e)
{
	if (l->n < MAX_EV)
		l->e[l->n] = e;
	l->n++;
}

static unsigned int guest_index(const struct gib_guest *gi)
{
	unsigned int g;

	for (g = 0; g < NG; g++)
		if (gi == &W.g[g].gi)
			return g;
	fail(__LINE__, "trace of an unknown guest", 0, 0);
	return 0;
}

static void tr_cut(void *priv, struct gib_host *host, unsigned int pass, uint32_t cut, bool final)
{
	CHECK(priv == &W && host == &W.host);
	ev_push(&ev_real[HOST_LOG], (struct ev){ .kind = EV_CUT, .pass = pass, .value = cut,
						  .flag = final });
}

static void tr_cut_done(void *priv, struct gib_host *host, unsigned int pass, unsigned int nr,
			uint32_t term)
{
	CHECK(priv == &W && host == &W.host);
	ev_push(&ev_real[HOST_LOG], (struct ev){ .kind = EV_CUT_DONE, .pass = pass, .nr = nr,
						  .value = term });
}

static void tr_unlink(void *priv, struct gib_guest *gi)
{
	CHECK(priv == &W);
	ev_push(&ev_real[HOST_LOG], (struct ev){ .kind = EV_UNLINK, .value = guest_index(gi) });
}

static void tr_kick_timer(void *priv, struct gib_guest *gi, int pending)
{
	CHECK(priv == &W);
	ev_push(&ev_real[guest_index(gi)], (struct ev){ .kind = EV_KICK_TIMER,
							 .value = (uint32_t)pending });
}

static void tr_kick_vcpu(void *priv, struct gib_guest *gi, struct gib_vcpu *vcpu, bool woken)
{
	CHECK(priv == &W && vcpu->gi == gi);
	ev_push(&ev_real[guest_index(gi)], (struct ev){ .kind = EV_KICK_VCPU, .vcpu = vcpu->idx,
							 .flag = woken });
}

static const struct gib_trace_ops trace_ops = {
	.cut = tr_cut,
	.cut_done = tr_cut_done,
	.unlink = tr_unlink,
	.kick_timer = tr_kick_timer,
	.kick_vcpu = tr_kick_vcpu,
};

static void check_events(void)
{
	unsigned int l, i;

	for (l = 0; l <= NG; l++) {
		CHECK_EQ(ev_real[l].n, ev_model[l].n);
		for (i = 0; i < ev_real[l].n && i < MAX_EV; i++) {
			const struct ev *a = &ev_real[l].e[i], *b = &ev_model[l].e[i];

			CHECK_EQ(a->kind, b->kind);
			CHECK_EQ(a->pass, b->pass);
			CHECK_EQ(a->nr, b->nr);
			CHECK_EQ(a->vcpu, b->vcpu);
			CHECK_EQ(a->value, b->value);
			CHECK_EQ(a->flag, b->flag);
		}
		ev_real[l].n = 0;
		ev_model[l].n = 0;
	}
}

static uint8_t bit(unsigned int isc)
{
	return (uint8_t)(0x80u >> isc);
}

static uint8_t cr6_mask(uint64_t cr6)
{
	return (uint8_t)((cr6 >> 24) & 0xff);
}

/* The ISCs a vcpu takes now: CR6's mask if its PSW enables I/O. */
static uint8_t m_takes(const struct mvcpu *v)
{
	return v->io ? cr6_mask(v->cr6) : 0;
}

static uint32_t m_designation(unsigned int g)
{
	if (!M.g[g].gisa)
		return 0;
	return gib_gisa_maddr(gisa_of(g)) | (M.gisaf ? 1u : 0u);
}

static void m_deliver(unsigned int g, unsigned int isc)
{
	if (M.g[g].owed[isc])
		totals.owed_delivered += M.g[g].out[isc];
	M.delivered += M.g[g].out[isc];
	M.g[g].out[isc] = 0;
	M.g[g].owed[isc] = false;
}

static void m_drop(unsigned int g, uint8_t mask, uint64_t *into)
{
	unsigned int isc;

	for (isc = 0; isc < NISCS; isc++) {
		if (!(mask & bit(isc)))
			continue;
		*into += M.g[g].out[isc];
		M.g[g].out[isc] = 0;
		M.g[g].owed[isc] = false;
	}
}

/* An AI made pending in the IPM, counted as outstanding. */
static void m_pend(unsigned int g, unsigned int isc)
{
	M.g[g].ipm |= bit(isc);
	M.g[g].out[isc]++;
	M.raised++;
}

static void m_timer_start(unsigned int g)
{
	M.g[g].tq = true;
	M.g[g].texp = M.now;
}

/* The two-phase cut, single-threaded: every GISA unlinked, its timer kicked. */
static unsigned int m_process_list(void)
{
	struct evlog *l = &ev_model[HOST_LOG];
	unsigned int k, n = M.nlist;

	/* Pass 1 cuts the list (it ends in NULL) and stores NONE. */
	ev_push(l, (struct ev){ .kind = EV_CUT, .pass = 1,
				 .value = n ? gib_gisa_maddr(gisa_of(M.list[0])) : 0 });
	for (k = 0; k < n; k++) {
		m_timer_start(M.list[k]);
		M.g[M.list[k]].linked = false;
		ev_push(l, (struct ev){ .kind = EV_UNLINK, .value = M.list[k] });
	}
	ev_push(l, (struct ev){ .kind = EV_CUT_DONE, .pass = 1, .nr = n,
				 .value = GIB_NULL_GISA_ADDR });
	/* Pass 2 cuts NONE, which ends in NONE: pass 3 stores NULL, and stops. */
	ev_push(l, (struct ev){ .kind = EV_CUT, .pass = 2, .value = GIB_NONE_GISA_ADDR });
	ev_push(l, (struct ev){ .kind = EV_CUT_DONE, .pass = 2, .value = GIB_NONE_GISA_ADDR });
	ev_push(l, (struct ev){ .kind = EV_CUT, .pass = 3, .value = GIB_NONE_GISA_ADDR,
				 .flag = true });
	ev_push(l, (struct ev){ .kind = EV_CUT_DONE, .pass = 3, .value = GIB_NONE_GISA_ADDR });
	M.nlist = 0;
	return n;
}

static int m_kick_one(unsigned int g, uint8_t deliverable)
{
	struct mguest *mg = &M.g[g];
	unsigned int i;

	for (i = 0; i < mg->nv; i++) {
		struct mvcpu *v = &mg->v[i];

		if (!v->idle || !(m_takes(v) & deliverable))
			continue;
		ev_push(&ev_model[g], (struct ev){ .kind = EV_KICK_VCPU, .vcpu = i,
						    .flag = !v->kicked });
		if (v->kicked)
			return -EALREADY;
		v->kicked = true;
		v->woken = true;
		v->wakes++;
		return (int)i;
	}
	return -ENOENT;
}

static int m_find_vcpu(unsigned int g)
{
	struct mguest *mg = &M.g[g];
	unsigned int i, idx;

	if (!mg->nv)
		return -ENODEV;
	if (mg->policy == GIB_FLOAT_LAST_SLEEPER) {
		idx = mg->last_sleep % mg->nv;
		for (i = 0; i <= mg->nv; i++, idx = (idx + 1) % mg->nv)
			if (!mg->v[idx].stopped)
				return (int)idx;
		return -ENODEV;
	}
	for (i = 0; i < mg->nv; i++)
		if (mg->v[i].idle)
			return (int)i;
	for (i = 0; i < mg->nv; i++) {
		idx = mg->next_rr % mg->nv;
		mg->next_rr = (idx + 1) % mg->nv;
		if (!mg->v[idx].stopped)
			return (int)idx;
	}
	return -ENODEV;
}

/* One run of a kick timer; true if it asks to run again. */
static bool m_timer_cb(unsigned int g)
{
	struct mguest *mg = &M.g[g];
	uint8_t pending;

	if (!mg->gisa)
		return false;
	pending = mg->ipm & mg->mask;
	if (!pending && mg->linked) {
		/* Still linked: poll again, re-arm nothing (the SPIN model's lost-AI fix, verify/). */
		ev_push(&ev_model[g], (struct ev){ .kind = EV_KICK_TIMER, .value = (uint32_t)-EBUSY });
		return true;
	}
	ev_push(&ev_model[g], (struct ev){ .kind = EV_KICK_TIMER, .value = pending });
	if (!pending) {
		mg->iam |= mg->mask;	/* a restore only adds bits */
		return false;
	}
	m_kick_one(g, pending);
	return true;
}

/* gib_us_clock_run_until(): the number of callbacks that run. */
static unsigned int m_run_until(uint64_t t)
{
	unsigned int g, runs = 0;

	if (t < M.now)
		t = M.now;
	/* Guests' timers touch only their own guest: run them guest by guest. */
	for (g = 0; g < M.ng; g++) {
		struct mguest *mg = &M.g[g];

		while (mg->live && mg->tq && mg->texp <= t) {
			uint64_t at = mg->texp;

			mg->tq = false;
			runs++;
			if (m_timer_cb(g)) {
				mg->tq = true;
				mg->texp = at + mg->period;
			}
		}
	}
	M.now = t;
	return runs;
}

static void m_gisa_created(unsigned int g)
{
	struct mguest *mg = &M.g[g];
	unsigned int isc;

	mg->gisa = true;
	mg->linked = false;
	mg->tampered = false;
	mg->ipm = mg->iam = mg->simm = mg->nimm = mg->mask = 0;
	for (isc = 0; isc < NISCS; isc++) {
		mg->refs[isc] = 0;
		CHECK_EQ(mg->out[isc], 0);
	}
	mg->period = GIB_KICK_EXPIRES_NS;
	M.nr_gisas++;
}

/* GISA destroy (and disable): returns the documented "was registered". */
static int m_gisa_destroy(unsigned int g, bool disable)
{
	struct mguest *mg = &M.g[g];
	unsigned int i;

	/* GISCs registered: devices still designate it; refused, unchanged. */
	if (mg->mask)
		return -EBUSY;
	if (disable)
		for (i = 0; i < mg->nv; i++)
			mg->v[i].gd = 0;
	mg->mask = 0;
	mg->tq = false;
	/* Linked: destroy processes the whole list itself. */
	if (mg->linked)
		m_process_list();
	mg->iam = 0;
	mg->tq = false;
	mg->gisa = false;
	M.nr_gisas--;
	m_drop(g, 0xff, &M.dropped_destroy);
	return 0;
}

/* Spec section 4 on the model; returns the expected rc and result. */
static int m_raise(unsigned int g, unsigned int isc, struct gib_us_ai_result *r)
{
	struct mguest *mg = &M.g[g];
	uint8_t m = 0;
	unsigned int i;

	if (!mg->live)
		return -EINVAL;
	if (!mg->gisa)
		return -ENODEV;
	if (isc > 7)
		return -ERANGE;
	m = bit(isc);
	*r = (struct gib_us_ai_result){ .outcome = GIB_US_AI_PENDING };
	M.st.ais_raised++;
	r->coalesced = mg->ipm & m;
	if (r->coalesced)
		M.st.coalesced++;
	m_pend(g, isc);
	if ((mg->mask & m) && !mg->tampered)
		mg->owed[isc] = true;
	for (i = 0; i < mg->nv; i++) {
		if (mg->v[i].in_sie && (m_takes(&mg->v[i]) & m)) {
			r->vcpu = &W.g[g].v[i].vcpu;
			r->outcome = GIB_US_AI_DELIVERED_IN_SIE;
			mg->ipm &= (uint8_t)~m;
			m_deliver(g, isc);
			M.st.delivered_in_sie++;
			return 0;
		}
	}
	if (!(mg->iam & m) || mg->linked) {
		M.st.pending++;
		return 0;
	}
	mg->iam = 0;
	r->old_origin = M.nlist ? gib_gisa_maddr(gisa_of(M.list[0])) : GIB_NULL_GISA_ADDR;
	memmove(&M.list[1], &M.list[0], M.nlist * sizeof(M.list[0]));
	M.list[0] = g;
	M.nlist++;
	mg->linked = true;
	M.st.linked++;
	if (r->old_origin != GIB_NULL_GISA_ADDR) {
		r->outcome = GIB_US_AI_LINKED;
		return 0;
	}
	r->outcome = GIB_US_AI_LINKED_GAL;
	M.st.gals_raised++;
	if (M.direct)
		m_process_list();
	else
		M.gals++;
	return 0;
}

/* ---- Comparing the two after every step -------------------------------- */

static void check_gisa(unsigned int g)
{
	const struct mguest *mg = &M.g[g];
	struct gib_gisa *gisa = gisa_of(g);
	const uint8_t *b = (const uint8_t *)gisa;
	uint64_t w = gib_gisa_load_word(gisa);
	uint32_t next = (uint32_t)(w >> 32), want;
	unsigned int k, i;

	CHECK_EQ(gib_gisa_check_addr(gisa), 0);
	CHECK(GIB_CONTAINER_OF(gisa, struct gib_gisa_page, gisa)->gi == &W.g[g].gi);
	CHECK_EQ((w >> 24) & 0xff, mg->ipm);
	CHECK_EQ(w & 0xff, mg->iam);
	CHECK_EQ(gib_gisa_get_ipm(gisa), mg->ipm);
	CHECK_EQ(gib_gisa_get_iam(gisa), mg->iam);
	CHECK_EQ(gib_gisa_in_alert_list(gisa), mg->linked);
	/* Big-endian in memory, whatever the host. */
	CHECK_EQ(b[4], mg->ipm);
	CHECK_EQ(b[7], mg->iam);
	CHECK_EQ(b[5], mg->simm);
	CHECK_EQ(b[6], mg->nimm);
	want = gib_gisa_maddr(gisa);
	for (k = 0; mg->linked && k < M.nlist; k++) {
		if (M.list[k] != g)
			continue;
		want = k + 1 < M.nlist ? gib_gisa_maddr(gisa_of(M.list[k + 1])) :
					 GIB_NULL_GISA_ADDR;
	}
	CHECK_EQ(next, want);
	CHECK_EQ(((uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3]), want);
	/* Nobody writes the rest of the GISA. */
	for (i = 8; i < GIB_GISA_SIZE; i++)
		CHECK_EQ(b[i], 0);
	for (i = 0; i < NISCS; i++) {
		CHECK_EQ(mg->out[i] != 0, (mg->ipm & bit(i)) != 0);
		/* Owed only while registered. */
		CHECK(!mg->owed[i] || (mg->mask & bit(i)));
	}
	/*
	 * The protocol's invariant: out of the list and with no kick timer to
	 * re-arm it, the IAM arms every ISC of the alert mask (else an AI could
	 * go unalerted).
	 */
	if (!mg->tampered && !mg->linked && !mg->tq)
		CHECK_EQ(mg->iam & mg->mask, mg->mask);
}

static void check_guest(unsigned int g)
{
	const struct mguest *mg = &M.g[g];
	struct rguest *rg = &W.g[g];
	struct gib_guest *gi = &rg->gi;
	unsigned int i;

	if (!mg->live) {
		CHECK(gi->host == NULL);
		return;
	}
	CHECK(gi->host == &W.host);
	CHECK(gi->ops == &ops);
	CHECK(gi->priv == rg);
	CHECK_EQ(gib_guest_gisa(gi) != NULL, mg->gisa);
	CHECK_EQ(gib_gisc_alert_mask(gi), mg->mask);
	for (i = 0; i < NISCS; i++)
		CHECK_EQ(gi->alert.ref_count[i], mg->refs[i]);
	CHECK_EQ(gi->expires, mg->period);
	CHECK_EQ(gi->float_policy, mg->policy);
	CHECK_EQ(gi->online_vcpus, mg->nv);
	CHECK_EQ(gi->next_rr_cpu, mg->next_rr);
	CHECK_EQ(gi->last_sleep_cpu, mg->last_sleep);
	CHECK_EQ(gi->timer.queued, mg->tq);
	if (mg->tq)
		CHECK_EQ(gi->timer.expires, mg->texp);
	CHECK_EQ(gib_gisa_designation(gi), m_designation(g));
	CHECK_EQ(gib_gisa_device_designation(gi), m_designation(g) & ~1u);
	if (mg->gisa)
		check_gisa(g);
	for (i = 0; i < mg->nv; i++) {
		const struct mvcpu *mv = &mg->v[i];
		struct gib_vcpu *v = &rg->v[i].vcpu;

		CHECK(gi->vcpus[i] == v);
		CHECK(v->gi == gi);
		CHECK_EQ(v->idx, i);
		CHECK_EQ(v->cr6, mv->cr6);
		CHECK_EQ(v->io_enabled != 0, mv->io);
		CHECK_EQ(v->stopped != 0, mv->stopped);
		CHECK_EQ(v->in_sie != 0, mv->in_sie);
		CHECK_EQ(v->gd, mv->gd);
		CHECK_EQ(v->eca_aiv != 0, mv->gd != 0);
		CHECK_EQ(gib_vcpu_isc_mask(v), m_takes(mv));
		CHECK_EQ(gib_pf_test_bit(i, gi->idle_mask), mv->idle);
		CHECK_EQ(gib_pf_test_bit(i, gi->kicked_mask), mv->kicked);
		CHECK_EQ(rg->v[i].wakes, mv->wakes);
		CHECK_EQ(rg->v[i].woken, mv->woken);
		/* A kicked vcpu that sleeps was woken: nobody can skip it for ever. */
		CHECK(!(mv->kicked && mv->idle) || mv->woken);
	}
	/* No bit beyond the vcpus added. */
	for (i = 0; i < GIB_VCPU_MASK_LONGS; i++) {
		unsigned long beyond = i ? ~0ul : ~0ul << mg->nv;

		CHECK_EQ(gi->idle_mask[i] & beyond, 0);
		CHECK_EQ(gi->kicked_mask[i] & beyond, 0);
	}
}

static void check_all(void)
{
	struct gib_us_machine_stats st;
	uint64_t out = 0, t, first = UINT64_MAX;
	unsigned int g, i;

	for (g = 0; g < NG; g++) {
		check_guest(g);
		for (i = 0; i < NISCS; i++)
			out += M.g[g].out[i];
		if (M.g[g].live && M.g[g].tq && M.g[g].texp < first)
			first = M.g[g].texp;
	}
	CHECK_EQ(M.raised, M.delivered + M.dropped_clear + M.dropped_destroy + out);
	check_events();

	CHECK(W.host.gib != NULL);
	CHECK_EQ(gib_alert_list_origin(&W.host),
		 M.nlist ? gib_gisa_maddr(gisa_of(M.list[0])) : GIB_NULL_GISA_ADDR);
	CHECK_EQ(W.host.gib->nisc_byte, M.nisc);
	CHECK_EQ(W.host.nisc, M.nisc);
	CHECK_EQ(W.host.nr_gisas, M.nr_gisas);
	CHECK_EQ(W.host.gisa_format, M.gisaf ? GIB_GISA_FORMAT1 : GIB_GISA_FORMAT0);
	CHECK_EQ(gib_us_machine_gib(&W.m), W.host.gib_maddr);
	CHECK_EQ(gib_pf_virt_to_maddr(W.host.gib), W.host.gib_maddr);
	CHECK_EQ(gib_us_arena_used(), M.nr_gisas + 1);

	CHECK_EQ(gib_us_machine_stats(&W.m, &st), 0);
	CHECK_EQ(st.ais_raised, M.st.ais_raised);
	CHECK_EQ(st.coalesced, M.st.coalesced);
	CHECK_EQ(st.delivered_in_sie, M.st.delivered_in_sie);
	CHECK_EQ(st.taken_by_other, 0);
	CHECK_EQ(st.linked, M.st.linked);
	CHECK_EQ(st.gals_raised, M.st.gals_raised);
	CHECK_EQ(st.gals_dropped, 0);
	CHECK_EQ(st.pending, M.st.pending);

	CHECK_EQ(gib_us_clock_now(W.clock), M.now);
	if (first == UINT64_MAX) {
		CHECK_EQ(gib_us_clock_next_expiry(W.clock, &t), -ENOENT);
	} else {
		CHECK_EQ(gib_us_clock_next_expiry(W.clock, &t), 0);
		CHECK_EQ(t, first);
	}
}

/* ---- Steps -------------------------------------------------------------- */

static unsigned int pick_guest(struct in *in)
{
	return u8(in) % M.ng;
}

static void vcpu_add(unsigned int g, unsigned int id)
{
	struct mguest *mg = &M.g[g];
	struct rvcpu *rv = &W.g[g].v[mg->nv];

	if (!mg->live || mg->nv >= NV)
		return;
	CHECK_EQ(gib_vcpu_add(&W.g[g].gi, &rv->vcpu, id, rv), mg->nv);
	CHECK_EQ(rv->vcpu.id, id);
	CHECK(rv->vcpu.priv == rv);
	rv->wakes = 0;
	rv->woken = false;
	mg->v[mg->nv] = (struct mvcpu){ .gd = m_designation(g) };
	mg->nv++;
}

static void guest_init(unsigned int g)
{
	struct mguest *mg = &M.g[g];

	CHECK_EQ(gib_guest_init(&W.g[g].gi, &W.host, &ops, &W.g[g]), 0);
	*mg = (struct mguest){
		.live = true,
		.period = GIB_KICK_EXPIRES_NS,
		.policy = GIB_FLOAT_IDLE_FIRST,
	};
}

static void op_guest_create(struct in *in)
{
	unsigned int g = pick_guest(in), id = u8(in);

	/* Sparse vcpu ids: the core must go by index. */
	if (M.g[g].live)
		vcpu_add(g, 3 * id + 1);
	else
		guest_init(g);
}

/* gib_gisc_unregister() of @isc on guest @g, checked against the model. */
static void gisc_unregister(unsigned int g, unsigned int isc)
{
	struct mguest *mg = &M.g[g];
	int want = 0;

	if (!mg->live) {
		CHECK_EQ(gib_gisc_unregister(NULL, isc), -EINVAL);
		return;
	}
	if (!mg->gisa) {
		want = -ENODEV;
	} else if (isc > 7) {
		want = -ERANGE;
	} else if (!mg->refs[isc]) {
		want = -EINVAL;
	} else if (--mg->refs[isc] == 0) {
		mg->mask &= (uint8_t)~bit(isc);
		mg->owed[isc] = false;	/* no longer alerted: no promise */
		if (!mg->linked)
			mg->iam = mg->mask;
	}
	CHECK_EQ(gib_gisc_unregister(&W.g[g].gi, isc), want);
}

static void guest_destroy(unsigned int g)
{
	struct mguest *mg = &M.g[g];

	if (mg->gisa && mg->mask) {
		unsigned int isc;

		/* Refused while GISCs are registered; the teardown drops them. */
		CHECK_EQ(gib_guest_destroy(&W.g[g].gi), -EBUSY);
		for (isc = 0; isc < NISCS; isc++)
			while (mg->refs[isc])
				gisc_unregister(g, isc);
	}
	if (mg->gisa)
		CHECK_EQ(m_gisa_destroy(g, false), 0);
	mg->tq = false;
	CHECK_EQ(gib_guest_destroy(&W.g[g].gi), 0);
	/* The caller frees the guest; a zeroed slot stands for that here. */
	memset(&W.g[g], 0, sizeof(W.g[g]));
	*mg = (struct mguest){ 0 };
}

static void op_guest_destroy(struct in *in)
{
	unsigned int g = pick_guest(in);

	if (M.g[g].live)
		guest_destroy(g);
	else
		CHECK_EQ(gib_guest_destroy(NULL), -EINVAL);
}

static void gisa_create(unsigned int g, unsigned int how)
{
	struct mguest *mg = &M.g[g];
	bool enable = how & 1;
	unsigned int i;
	int rc, want = mg->gisa ? -EALREADY : 0;

	if (!mg->live)
		return;
	if (!mg->gisa && (how & 2)) {
		/* Out of 31-bit memory: nothing changes. */
		gib_us_arena_fail_next_allocs(1);
		rc = enable ? gib_gisa_enable(&W.g[g].gi) : gib_gisa_init(&W.g[g].gi);
		gib_us_arena_fail_next_allocs(0);
		CHECK_EQ(rc, -ENOMEM);
		return;
	}
	rc = enable ? gib_gisa_enable(&W.g[g].gi) : gib_gisa_init(&W.g[g].gi);
	CHECK_EQ(rc, want);
	if (rc)
		return;
	m_gisa_created(g);
	/* Both designate the GISA to every vcpu already added (guest.h). */
	for (i = 0; i < mg->nv; i++)
		mg->v[i].gd = m_designation(g);
}

static void op_gisa_create(struct in *in)
{
	unsigned int g = pick_guest(in);

	gisa_create(g, u8(in));
}

static void op_gisa_destroy(struct in *in)
{
	unsigned int g = pick_guest(in);
	bool disable = u8(in) & 1;
	struct mguest *mg = &M.g[g];
	int rc, want;

	if (!mg->live) {
		CHECK_EQ(gib_gisa_destroy(NULL), -EINVAL);
		CHECK_EQ(gib_gisa_disable(NULL), -EINVAL);
		return;
	}
	want = mg->gisa ? m_gisa_destroy(g, disable) : -ENODEV;
	rc = disable ? gib_gisa_disable(&W.g[g].gi) : gib_gisa_destroy(&W.g[g].gi);
	CHECK_EQ(rc, want);
}

static void op_gisc_register(struct in *in)
{
	unsigned int g = pick_guest(in), isc = pick_isc(in);
	struct mguest *mg = &M.g[g];
	int want;

	if (!mg->live) {
		CHECK_EQ(gib_gisc_register(NULL, isc), -EINVAL);
		return;
	}
	if (!mg->gisa) {
		want = -ENODEV;
	} else if (isc > 7) {
		want = -ERANGE;
	} else {
		want = (int)M.nisc;
		if (mg->refs[isc]++ == 0) {
			mg->mask |= bit(isc);
			if (!mg->linked)
				mg->iam = mg->mask;
		}
	}
	CHECK_EQ(gib_gisc_register(&W.g[g].gi, isc), want);
}

static void op_gisc_unregister(struct in *in)
{
	unsigned int g = pick_guest(in), isc = pick_isc(in);

	gisc_unregister(g, isc);
}

static void op_set_iam(struct in *in)
{
	unsigned int g = pick_guest(in), how = u8(in), val = u8(in);
	struct mguest *mg = &M.g[g];
	uint8_t iam;
	int want;

	if (!mg->live || !mg->gisa) {
		CHECK_EQ(gib_gisa_set_iam(NULL, 0), -EINVAL);
		return;
	}
	/* Mostly what registration would store; sometimes anything. */
	iam = (how & 1) ? (uint8_t)val : mg->mask;
	if (mg->linked) {
		want = -EBUSY;
	} else {
		want = 0;
		mg->iam = iam;
		if ((iam & mg->mask) != mg->mask)
			mg->tampered = true;
	}
	CHECK_EQ(gib_gisa_set_iam(gisa_of(g), iam), want);
}

static void op_raise(struct in *in)
{
	unsigned int g = pick_guest(in), isc = pick_isc(in);
	struct gib_us_ai_result want = { 0 }, got;
	int rc, wrc;

	memset(&got, 0xa5, sizeof(got));
	wrc = m_raise(g, isc, &want);
	rc = gib_us_machine_raise_ai(&W.m, &W.g[g].gi, isc, &got);
	CHECK_EQ(rc, wrc);
	if (rc) {
		/* Errors leave @res alone. */
		CHECK_EQ(got.old_origin, 0xa5a5a5a5u);
		return;
	}
	CHECK_EQ(got.outcome, want.outcome);
	CHECK_EQ(got.coalesced, want.coalesced);
	CHECK(got.vcpu == want.vcpu);
	CHECK_EQ(got.old_origin, want.old_origin);
}

static void op_inject(struct in *in)
{
	unsigned int g = pick_guest(in), isc = pick_isc(in);
	struct mguest *mg = &M.g[g];
	int want;

	if (!mg->live) {
		CHECK_EQ(gib_inject_ai(NULL, isc), -EINVAL);
		return;
	}
	if (!mg->gisa) {
		want = -ENODEV;
	} else if (isc > 7) {
		want = -ERANGE;
	} else {
		/* The host sets the bit and wakes a vcpu itself: no alert, no promise. */
		m_pend(g, isc);
		want = m_find_vcpu(g);
		if (want >= 0) {
			mg->v[want].woken = true;
			mg->v[want].wakes++;
		}
	}
	CHECK_EQ(gib_inject_ai(&W.g[g].gi, isc), want);
}

static void op_forward(struct in *in)
{
	unsigned int g = pick_guest(in), isc = pick_isc(in);
	struct mguest *mg = &M.g[g];
	int want;

	if (!mg->live) {
		CHECK_EQ(gib_gisa_forward_adapter_event(NULL, isc), -EINVAL);
		return;
	}
	if (!mg->gisa) {
		want = -ENODEV;
	} else if (isc > 7) {
		want = -ERANGE;
	} else if (!M.gisaf) {
		want = -EOPNOTSUPP;
	} else if ((mg->simm & bit(isc)) && (mg->nimm & bit(isc))) {
		want = 0;
	} else {
		want = 1;
		m_pend(g, isc);
		/* The kick timer runs until the alert mask's ISCs are taken. */
		if ((mg->mask & bit(isc)) && !mg->tampered)
			mg->owed[isc] = true;
		m_timer_start(g);
	}
	CHECK_EQ(gib_gisa_forward_adapter_event(&W.g[g].gi, isc), want);
}

/* The machine owns SIMM and NIMM (format 1); the host only reads them. */
static void op_set_suppression(struct in *in)
{
	unsigned int g = pick_guest(in), simm = u8(in), nimm = u8(in);
	struct mguest *mg = &M.g[g];
	struct gib_gisa *gisa;

	if (!mg->live || !mg->gisa || !M.gisaf)
		return;
	gisa = gisa_of(g);
	__atomic_store_n(&gisa->simm, (uint8_t)simm, __ATOMIC_SEQ_CST);
	__atomic_store_n(&gisa->nimm, (uint8_t)nimm, __ATOMIC_SEQ_CST);
	mg->simm = (uint8_t)simm;
	mg->nimm = (uint8_t)nimm;
}

static void gal(unsigned int how)
{
	int n = gib_us_machine_take_gal(&W.m);

	CHECK_EQ(n, M.gals);
	M.gals = 0;
	if (how & 1) {
		m_process_list();
		gib_gal_interrupt(&W.host);
	} else {
		CHECK_EQ(gib_process_alert_list(&W.host), m_process_list());
	}
}

static void op_gal(struct in *in)
{
	gal(u8(in));
}

static const uint64_t deltas[] = { 0, 1, 49, 50, 1000, 50000, 120000 };

static void op_run_timers(struct in *in)
{
	uint64_t t = M.now + deltas[u8(in) % ARRAY_SIZE(deltas)];
	unsigned int want = m_run_until(t);

	CHECK_EQ(gib_us_clock_run_until(W.clock, t), want);
}

static void run_next_timer(void)
{
	uint64_t t;
	unsigned int want;

	if (gib_us_clock_next_expiry(W.clock, &t))
		return;
	want = m_run_until(t);
	CHECK_EQ(gib_us_clock_run_until(W.clock, t), want);
}

static void op_run_next_timer(struct in *in)
{
	(void)in;
	run_next_timer();
}

/* ---- The vcpu protocol -------------------------------------------------- */

static int m_runnable(unsigned int g, unsigned int i)
{
	struct mguest *mg = &M.g[g];

	mg->v[i].kicked = false;
	return mg->gisa && (mg->ipm & m_takes(&mg->v[i]));
}

static void runnable(unsigned int g, unsigned int i)
{
	int want = m_runnable(g, i);

	CHECK_EQ(gib_vcpu_runnable(&W.g[g].v[i].vcpu), want);
}

static void end_wait(unsigned int g, unsigned int i)
{
	struct mvcpu *mv = &M.g[g].v[i];

	gib_vcpu_end_wait(&W.g[g].v[i].vcpu);
	mv->idle = false;
	mv->woken = false;
	W.g[g].v[i].woken = false;
}

static int take(unsigned int g, unsigned int i)
{
	struct mguest *mg = &M.g[g];
	uint32_t word = 0;
	uint8_t d;
	int want, rc, isc;

	if (!mg->gisa) {
		want = -ENODEV;
	} else {
		d = mg->ipm & m_takes(&mg->v[i]);
		want = -ENOENT;
		for (isc = 0; isc < NISCS; isc++) {
			if (d & bit((unsigned int)isc)) {
				want = isc;
				mg->ipm &= (uint8_t)~bit((unsigned int)isc);
				m_deliver(g, (unsigned int)isc);
				break;
			}
		}
	}
	rc = gib_vcpu_take_ai(&W.g[g].v[i].vcpu, &word);
	CHECK_EQ(rc, want);
	if (rc >= 0)
		CHECK_EQ(word, 0x80000000u | (uint32_t)rc << 27);
	return rc;
}

/* SIE entry, then host delivery until nothing is deliverable. */
static void enter_sie(unsigned int g, unsigned int i)
{
	struct mvcpu *mv = &M.g[g].v[i];
	unsigned int n = 0;

	if (mv->idle)
		end_wait(g, i);
	if (!mv->in_sie) {
		gib_vcpu_enter_sie(&W.g[g].v[i].vcpu);
		mv->kicked = false;
		mv->in_sie = true;
	}
	while (take(g, i) >= 0)
		CHECK(++n <= NISCS);
}

static void exit_sie(unsigned int g, unsigned int i)
{
	gib_vcpu_exit_sie(&W.g[g].v[i].vcpu);
	M.g[g].v[i].in_sie = false;
}

static int prepare_wait(unsigned int g, unsigned int i)
{
	struct mguest *mg = &M.g[g];
	struct mvcpu *mv = &mg->v[i];
	int want;

	if (mv->in_sie)
		exit_sie(g, i);
	/* A wake-up that came while it ran is consumed by this check. */
	mv->woken = false;
	W.g[g].v[i].woken = false;
	if (m_runnable(g, i)) {
		want = 1;
	} else if (!mv->io) {
		want = -EOPNOTSUPP;
	} else {
		want = 0;
		if (mg->gisa) {
			uint8_t pending = mg->ipm & mg->mask;

			if (pending & cr6_mask(mv->cr6))
				want = 1;
			else if (!pending)
				mg->iam |= mg->mask;
		}
		if (!want) {
			mg->last_sleep = i;
			mv->idle = true;
		}
	}
	CHECK_EQ(gib_vcpu_prepare_wait(&W.g[g].v[i].vcpu), want);
	return want;
}

/* A running vcpu: SIE round trips until it may sleep (or waits disabled). */
static void run_vcpu(unsigned int g, unsigned int i)
{
	unsigned int n;

	for (n = 0; n < RUN_TO_REST; n++) {
		enter_sie(g, i);
		exit_sie(g, i);
		if (prepare_wait(g, i) != 1)
			return;
	}
	fail(__LINE__, "vcpu never gets to wait", g, i);
}

/* A sleeping vcpu that was woken re-checks; finding work, it runs. */
static bool run_woken(unsigned int g, unsigned int i)
{
	struct mvcpu *mv = &M.g[g].v[i];
	bool work;

	if (!mv->idle || !mv->woken)
		return false;
	mv->woken = false;
	W.g[g].v[i].woken = false;
	work = m_runnable(g, i);
	CHECK_EQ(gib_vcpu_runnable(&W.g[g].v[i].vcpu), work);
	if (work) {
		end_wait(g, i);
		run_vcpu(g, i);
	}
	return true;
}

static void op_vcpu(struct in *in)
{
	unsigned int g = pick_guest(in), i = u8(in), sub = u8(in), arg = u8(in);
	struct mguest *mg = &M.g[g];
	struct gib_vcpu *v;
	struct mvcpu *mv;

	if (!mg->live || !mg->nv)
		return;
	i %= mg->nv;
	v = &W.g[g].v[i].vcpu;
	mv = &mg->v[i];
	switch (sub % 11) {
	case 0:
		if (!mv->idle)
			prepare_wait(g, i);
		break;
	case 1:
		if (mv->idle)
			end_wait(g, i);
		break;
	case 2:
		enter_sie(g, i);
		break;
	case 3:
		take(g, i);
		break;
	case 4:
		if (mv->in_sie)
			exit_sie(g, i);
		break;
	case 5:
		/* The guest loads CR6 while it runs; the other bits do not matter. */
		if (mv->idle)
			end_wait(g, i);
		mv->cr6 = (uint64_t)arg << 24 | (uint64_t)(sub * 0x9e3779b9u) << 32 | (sub & 0xff);
		gib_vcpu_set_cr6(v, mv->cr6);
		break;
	case 6:
		if (mv->idle)
			end_wait(g, i);
		mv->io = arg & 1;
		gib_vcpu_set_io_enabled(v, mv->io);
		break;
	case 7:
		if (mv->in_sie)
			exit_sie(g, i);
		mv->stopped = arg & 1;
		gib_vcpu_set_stopped(v, mv->stopped);
		break;
	case 8:
		runnable(g, i);
		break;
	case 9:
		run_woken(g, i);
		break;
	default:
		if (mv->idle)
			end_wait(g, i);
		run_vcpu(g, i);
		break;
	}
}

/* ---- Direct GISA operations -------------------------------------------- */

static void op_gisa_word(struct in *in)
{
	unsigned int g = pick_guest(in), sub = u8(in), isc = pick_isc(in);
	struct mguest *mg = &M.g[g];
	struct gib_gisa *gisa;
	uint8_t m = isc <= 7 ? bit(isc) : 0;
	int want;

	if (!mg->live || !mg->gisa) {
		CHECK_EQ(gib_gisa_set_ipm_gisc(NULL, 0), -EINVAL);
		CHECK_EQ(gib_gisa_tac_ipm_gisc(NULL, 0), -EINVAL);
		CHECK_EQ(gib_gisa_clear(mg->live ? &W.g[g].gi : NULL), mg->live ? -ENODEV : -EINVAL);
		return;
	}
	gisa = gisa_of(g);
	switch (sub % 8) {
	case 0:		/* set one bit (as TPI puts an AI back): no alert */
		if (isc <= 7)
			m_pend(g, isc);
		CHECK_EQ(gib_gisa_set_ipm_gisc(gisa, isc), isc > 7 ? -ERANGE : 0);
		break;
	case 1:		/* drop one */
		if (isc <= 7) {
			mg->ipm &= (uint8_t)~m;
			m_drop(g, m, &M.dropped_clear);
		}
		CHECK_EQ(gib_gisa_clear_ipm_gisc(gisa, isc), isc > 7 ? -ERANGE : 0);
		break;
	case 2:
		want = isc > 7 ? -ERANGE : !!(mg->ipm & m);
		CHECK_EQ(gib_gisa_test_ipm_gisc(gisa, isc), want);
		break;
	case 3:		/* TPI: test-and-clear is a delivery */
		want = isc > 7 ? -ERANGE : !!(mg->ipm & m);
		if (want == 1) {
			mg->ipm &= (uint8_t)~m;
			m_deliver(g, isc);
		}
		CHECK_EQ(gib_gisa_tac_ipm_gisc(gisa, isc), want);
		break;
	case 4:
		want = mg->ipm;
		m_drop(g, mg->ipm, &M.dropped_clear);
		mg->ipm = 0;
		CHECK_EQ(gib_gisa_clear_ipm(gisa), want);
		break;
	case 5:
		m_drop(g, mg->ipm, &M.dropped_clear);
		mg->ipm = 0;
		CHECK_EQ(gib_gisa_clear(&W.g[g].gi), 0);
		break;
	case 6:
		want = mg->ipm & mg->mask;
		if (!want)
			mg->iam |= mg->mask;
		CHECK_EQ(gib_gisa_get_ipm_or_restore_iam(gisa, &W.g[g].gi.alert.mask), want);
		break;
	default:
		CHECK_EQ(gib_gisa_get_ipm_or_restore_iam(gisa, NULL), -EINVAL);
		CHECK_EQ(gib_gisa_reset(NULL), -EINVAL);
		break;
	}
}

static void op_kick(struct in *in)
{
	unsigned int g = pick_guest(in), sub = u8(in), arg = u8(in);
	struct mguest *mg = &M.g[g];

	if (!mg->live) {
		CHECK_EQ(gib_gisa_kick(NULL), -EINVAL);
		CHECK_EQ(gib_kick_one_vcpu(NULL, 0xff), -EINVAL);
		CHECK_EQ(gib_find_vcpu_for_floating_irq(NULL), -EINVAL);
		return;
	}
	switch (sub % 3) {
	case 0:
		m_timer_start(g);
		CHECK_EQ(gib_gisa_kick(&W.g[g].gi), 0);
		break;
	case 1: {
		int want = m_kick_one(g, (uint8_t)arg);

		CHECK_EQ(gib_kick_one_vcpu(&W.g[g].gi, (uint8_t)arg), want);
		break;
	}
	default: {
		int want = m_find_vcpu(g);

		CHECK_EQ(gib_find_vcpu_for_floating_irq(&W.g[g].gi), want);
		break;
	}
	}
}

static const uint64_t periods[] = {
	0, 1, 50, 50000, 1000000000ull, 1000000001ull, UINT64_MAX,
};

static void op_guest_settings(struct in *in)
{
	unsigned int g = pick_guest(in), sub = u8(in), arg = u8(in);
	struct mguest *mg = &M.g[g];
	uint64_t ns;
	int want;

	if (!mg->live) {
		CHECK_EQ(gib_guest_set_expires(NULL, 1), -EINVAL);
		CHECK_EQ(gib_guest_set_float_policy(NULL, GIB_FLOAT_IDLE_FIRST), -EINVAL);
		return;
	}
	if (sub & 1) {
		ns = periods[arg % ARRAY_SIZE(periods)];
		want = ns >= 1 && ns <= 1000000000ull ? 0 : -ERANGE;
		if (!want)
			mg->period = ns;
		CHECK_EQ(gib_guest_set_expires(&W.g[g].gi, ns), want);
	} else {
		int policy = (int)(arg % 4) - 1;	/* -1 and 2 are unknown */

		want = policy == 0 || policy == 1 ? 0 : -EINVAL;
		if (!want)
			mg->policy = policy;
		CHECK_EQ(gib_guest_set_float_policy(&W.g[g].gi, (enum gib_float_policy)policy),
			 want);
	}
}

/* GIB destroy and re-create, with each unwind of gib_init() on the way. */
static void op_gib_cycle(struct in *in)
{
	unsigned int how = u8(in), g, nisc = u8(in) % 8;
	bool live = false;
	int rc;

	for (g = 0; g < M.ng; g++)
		live |= M.g[g].live;
	CHECK_EQ(gib_init(&W.host, nisc), -EALREADY);
	CHECK_EQ(gib_init(&W.host, 8 + nisc), -ERANGE);
	if (M.nr_gisas) {
		CHECK_EQ(gib_destroy(&W.host), -EBUSY);
		return;
	}
	/* Guests without a GISA still point at the host: keep it. */
	if (live)
		return;
	CHECK_EQ(gib_destroy(&W.host), 0);
	CHECK(W.host.gib == NULL);
	CHECK_EQ(gib_us_machine_gib(&W.m), 0);
	CHECK(!gib_us_machine_gal_registered(&W.m, NULL));
	CHECK_EQ(gib_destroy(&W.host), -ENODEV);
	CHECK_EQ(gib_process_alert_list(&W.host), -ENODEV);
	CHECK_EQ(gib_us_arena_used(), 0);
	switch (how % 4) {
	case 1:
		gib_us_arena_fail_next_allocs(1);
		CHECK_EQ(gib_init(&W.host, nisc), -ENOMEM);
		break;
	case 2:
		CHECK_EQ(gib_us_machine_fail_next(&W.m, GIB_US_FAULT_GAL_REGISTER, 1), 0);
		CHECK_EQ(gib_init(&W.host, nisc), -EIO);
		break;
	case 3:
		CHECK_EQ(gib_us_machine_fail_next(&W.m, GIB_US_FAULT_SET_GIB, 1), 0);
		CHECK_EQ(gib_init(&W.host, nisc), -EIO);
		break;
	default:
		break;
	}
	CHECK(W.host.gib == NULL);
	CHECK(!gib_us_machine_gal_registered(&W.m, NULL));
	CHECK_EQ(gib_us_arena_used(), 0);
	rc = gib_init(&W.host, nisc);
	CHECK_EQ(rc, 0);
	M.nisc = nisc;
	M.gals = 0;	/* GALs counted for the old handler die with it */
}

struct op {
	const char *name;
	void (*fn)(struct in *in);
	unsigned int weight;
};

static const struct op op_table[] = {
	{ "guest-create", op_guest_create, 2 },
	{ "guest-destroy", op_guest_destroy, 1 },
	{ "gisa-create", op_gisa_create, 1 },
	{ "gisa-destroy", op_gisa_destroy, 1 },
	{ "gisc-register", op_gisc_register, 3 },
	{ "gisc-unregister", op_gisc_unregister, 2 },
	{ "set-iam", op_set_iam, 1 },
	{ "raise", op_raise, 6 },
	{ "inject", op_inject, 2 },
	{ "forward", op_forward, 1 },
	{ "set-suppression", op_set_suppression, 1 },
	{ "gal", op_gal, 2 },
	{ "run-timers", op_run_timers, 2 },
	{ "run-next-timer", op_run_next_timer, 2 },
	{ "vcpu", op_vcpu, 8 },
	{ "gisa-word", op_gisa_word, 2 },
	{ "kick", op_kick, 2 },
	{ "guest-settings", op_guest_settings, 1 },
	{ "gib-cycle", op_gib_cycle, 1 },
};

static const struct op *pick_op(unsigned int b)
{
	unsigned int i, total = 0;

	for (i = 0; i < ARRAY_SIZE(op_table); i++)
		total += op_table[i].weight;
	b %= total;
	for (i = 0; b >= op_table[i].weight; i++)
		b -= op_table[i].weight;
	return &op_table[i];
}

/* ---- One input ---------------------------------------------------------- */

static void world_up(struct in *in)
{
	unsigned int cfgb = u8(in), vcpus = u8(in), cr6 = u8(in), g, i;
	struct gib_us_machine_config cfg;

	memset(&W, 0, sizeof(W));
	memset(&M, 0, sizeof(M));
	M.ng = 1 + cfgb % NG;
	M.direct = cfgb & 4;
	M.gisaf = cfgb & 8;
	M.nisc = (cfgb >> 5) & 7;
	cfg = (struct gib_us_machine_config){
		.has_aiv = true,
		.has_gisaf = M.gisaf,
		.gal_mode = M.direct ? GIB_US_GAL_DIRECT : GIB_US_GAL_DEFERRED,
	};
	W.clock = gib_us_clock_create(GIB_US_CLOCK_SIM);
	CHECK(W.clock != NULL);
	/* Kick timers bind to the default clock when their guest is set up. */
	gib_us_set_default_clock(W.clock);
	CHECK_EQ(gib_us_machine_init(&W.m, &cfg), 0);
	CHECK_EQ(gib_us_host_attach(&W.host, &W.m), 0);
	W.host.trace = &trace_ops;
	W.host.trace_priv = &W;
	memset(ev_real, 0, sizeof(ev_real));
	memset(ev_model, 0, sizeof(ev_model));
	CHECK_EQ(gib_init(&W.host, M.nisc), 0);
	/* Guests with a GISA, then vcpus (as KVM creates them), all running. */
	for (g = 0; g < M.ng; g++) {
		guest_init(g);
		gisa_create(g, 0);
		for (i = 0; i <= ((vcpus >> (2 * g)) & 3); i++) {
			struct mvcpu *mv;

			vcpu_add(g, 100 + 7 * i);
			mv = &M.g[g].v[i];
			mv->cr6 = (uint64_t)cr6 << 24;
			mv->io = true;
			gib_vcpu_set_cr6(&W.g[g].v[i].vcpu, mv->cr6);
			gib_vcpu_set_io_enabled(&W.g[g].v[i].vcpu, true);
		}
	}
	check_all();
}

/* Everything that happens: a run has come to rest when this stops moving. */
static uint64_t events(void)
{
	uint64_t n = M.delivered + M.st.linked + M.st.ais_raised + M.gals;
	unsigned int g, i;

	for (g = 0; g < M.ng; g++)
		for (i = 0; i < M.g[g].nv; i++)
			n += M.g[g].v[i].wakes + M.g[g].v[i].woken;
	return n;
}

/*
 * Run to rest by the protocol alone: GALs are handled, timers run, vcpus
 * that were running go to wait, and a sleeping vcpu runs only when a kick or
 * an injection woke it. Then every AI owed a delivery must have been
 * delivered, if any vcpu takes its ISC.
 */
static void drain(void)
{
	unsigned int g, i, round, isc, quiet = 0;

	step_name = "drain";
	for (g = 0; g < M.ng; g++) {
		struct mguest *mg = &M.g[g];

		if (!mg->live)
			continue;
		for (i = 0; i < mg->nv; i++) {
			if (mg->v[i].stopped) {
				mg->v[i].stopped = false;
				gib_vcpu_set_stopped(&W.g[g].v[i].vcpu, false);
			}
			if (!mg->v[i].idle && mg->v[i].io)
				run_vcpu(g, i);
			else if (mg->v[i].in_sie)
				exit_sie(g, i);
		}
		/*
		 * One period for all, and queued timers due now: then one period
		 * of simulated time runs every queued timer. A kick only moves a
		 * timer that is queued already; it rescues no lost AI.
		 */
		mg->period = GIB_KICK_EXPIRES_NS;
		CHECK_EQ(gib_guest_set_expires(&W.g[g].gi, GIB_KICK_EXPIRES_NS), 0);
		if (mg->tq) {
			m_timer_start(g);
			CHECK_EQ(gib_gisa_kick(&W.g[g].gi), 0);
		}
	}
	check_all();
	for (round = 0; round < DRAIN_ROUNDS && quiet < 3; round++) {
		uint64_t before = events(), t;
		bool busy = false;

		step++;
		if (M.gals) {
			gal(round);
			busy = true;
		}
		for (g = 0; g < M.ng; g++)
			for (i = 0; M.g[g].live && i < M.g[g].nv; i++)
				busy |= run_woken(g, i);
		if (!busy) {
			if (gib_us_clock_next_expiry(W.clock, &t))
				break;
			unsigned int want;

			t = M.now + GIB_KICK_EXPIRES_NS;
			want = m_run_until(t);
			CHECK_EQ(gib_us_clock_run_until(W.clock, t), want);
		}
		check_all();
		/* Timers that kick nobody new change nothing: at rest. */
		quiet = events() == before ? quiet + 1 : 0;
	}
	CHECK(round < DRAIN_ROUNDS);
	totals.drain_rounds += round;
	for (g = 0; g < M.ng; g++) {
		struct mguest *mg = &M.g[g];
		uint8_t takers = 0;

		if (!mg->live || !mg->gisa)
			continue;
		for (i = 0; i < mg->nv; i++)
			takers |= m_takes(&mg->v[i]);
		for (isc = 0; isc < NISCS; isc++) {
			if (mg->owed[isc] && (takers & bit(isc)))
				fail(__LINE__, "AI lost (guest, isc)", g, isc);
			totals.stranded += mg->out[isc];
		}
	}
}

static void world_down(void)
{
	unsigned int g;

	step_name = "teardown";
	for (g = 0; g < M.ng; g++) {
		if (M.g[g].live)
			guest_destroy(g);
		check_all();
	}
	CHECK_EQ(gib_destroy(&W.host), 0);
	CHECK_EQ(gib_us_machine_fini(&W.m), 0);
	gib_us_set_default_clock(NULL);
	CHECK_EQ(gib_us_clock_destroy(W.clock), 0);
	CHECK_EQ(gib_us_arena_used(), 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool online;
	struct in in = { .p = data, .n = size };

	if (!online) {
		/* The machine model raises AIs inside reader sections. */
		gib_us_thread_online();
		trace = getenv("GIB_FUZZ_TRACE") != NULL;
		online = true;
	}
	step = 0;
	step_name = "setup";
	world_up(&in);
	while (in.n && step < MAX_STEPS) {
		const struct op *op = pick_op(u8(&in));

		step++;
		step_name = op->name;
		if (trace)
			fprintf(stderr, "step %u: %s\n", step, op->name);
		op->fn(&in);
		check_all();
	}
	drain();
	world_down();
	totals.inputs++;
	totals.steps += step;
	totals.raised += M.raised;
	totals.delivered += M.delivered;
	totals.dropped_clear += M.dropped_clear;
	/* With the AIs left pending at the end, which teardown dropped. */
	totals.dropped_destroy += M.dropped_destroy;
	return 0;
}
