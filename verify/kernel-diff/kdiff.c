// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * The differential harness: the same seeded random operation sequences run
 * on Linux's own functions (a kside-SERIES.so built by kdiff.py) and on
 * libgib (user-space backend, simulated clock, machine model), and after
 * every operation the two are compared: return values, the 32-byte GISA and
 * GIB images byte for byte, alert masks, reference counts, kick timers,
 * vcpu idle and kicked bits, wake-ups, designations, the round-robin cursor,
 * GAL interruptions, and each cut and unlink of a process call, in order.
 *
 * Both sides' images sit at the same machine addresses: libgib's arena has
 * its machine addresses at KD_BASE, and the kernel side maps its image at
 * virtual KD_BASE (its code casts GISA pointers to links), placing each GISA
 * where libgib placed its own.
 *
 * A difference is either one of the named expected differences of rules.c
 * (docs/fidelity.md lists each), which ends the sequence and is counted, or
 * a failure: the harness prints the seed, the operations and the fields
 * that differ, and exits 1.
 *
 * usage: kdiff KSIDE.so [--seqs N] [--seed S] [--ops N] [--watchdog SECONDS] [--repro]
 * --repro runs issue 13's reproducers instead: each must end in its rule.
 * Exit: 0 equal up to the listed differences, 1 an unlisted divergence,
 * 2 bad usage or set-up, 3 the run outlived --watchdog (a call that never returns).
 */
#include <dlfcn.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <libgib/libgib.h>
#include <libgib-us/arena.h>
#include <libgib-us/clock.h>
#include <libgib-us/machine.h>
#include <libgib-us/rcu.h>
#include "kdiff.h"

#define KD_BASE 0x30000000u
#define KD_BYTES (1u << 20)

const struct kside *K;
bool kd_is_61;

/* ---- libgib's side ------------------------------------------------------- */

struct lvcpu {
	struct gib_vcpu vcpu;
	unsigned int wakes;
};

static struct {
	struct gib_us_clock *clock;
	struct gib_us_machine m;
	struct gib_host host;
	struct {
		struct gib_guest gi;
		struct lvcpu v[KS_NV];
		bool idle[KS_NV], in_sie[KS_NV];
	} g[KS_NG];
	unsigned int ng;
	struct ks_event ev[KS_LOG];
	unsigned int nev;
	struct { int pass, g; unsigned int isc; } cut_push;
} W;

static void wake_vcpu(struct gib_guest *gi, struct gib_vcpu *vcpu)
{
	(void)gi;
	GIB_CONTAINER_OF(vcpu, struct lvcpu, vcpu)->wakes++;
}

static const struct gib_guest_ops ops = { .wake_vcpu = wake_vcpu };

static void lev(int kind, uint32_t a, uint32_t b)
{
	if (W.nev < KS_LOG)
		W.ev[W.nev] = (struct ks_event){ kind, a, b };
	W.nev++;
}

static void tr_cut(void *priv, struct gib_host *host, unsigned int pass, uint32_t cut,
		   bool final)
{
	(void)priv;
	(void)host;
	lev(0, cut, final ? GIB_NULL_GISA_ADDR : GIB_NONE_GISA_ADDR);
	if (W.cut_push.pass == (int)pass) {
		W.cut_push.pass = -1;
		gib_us_machine_raise_ai(&W.m, &W.g[W.cut_push.g].gi, W.cut_push.isc, NULL);
	}
}

static void tr_unlink(void *priv, struct gib_guest *gi)
{
	unsigned int g;

	(void)priv;
	for (g = 0; g < KS_NG; g++)
		if (gi == &W.g[g].gi)
			lev(1, g, 0);
}

static const struct gib_trace_ops trace_ops = { .cut = tr_cut, .unlink = tr_unlink };

static void lsnap(struct ks_snap *s)
{
	unsigned int g, i, k;

	memset(s, 0, sizeof(*s));
	memcpy(s->gib, W.host.gib, 32);
	for (g = 0; g < W.ng; g++) {
		struct gib_guest *gi = &W.g[g].gi;
		struct gib_gisa *gisa = gib_guest_gisa(gi);
		struct ks_guest_snap *gs = &s->g[g];

		gs->has_gisa = gisa != NULL;
		if (gisa) {
			memcpy(gs->gisa, gisa, 32);
			gs->gisa_addr = gib_gisa_maddr(gisa);
		}
		gs->mask = gib_gisc_alert_mask(gi);
		for (k = 0; k < 8; k++)
			gs->refs[k] = gi->alert.ref_count[k];
		gs->timer_queued = gi->timer.queued;
		gs->timer_expires = gi->timer.queued ? gi->timer.expires : 0;
		gs->nv = gi->online_vcpus;
		gs->next_rr = gi->next_rr_cpu;
		for (i = 0; i < gs->nv; i++) {
			struct lvcpu *v = &W.g[g].v[i];

			gs->v[i].idle = gib_pf_test_bit(i, gi->idle_mask);
			gs->v[i].kicked = gib_pf_test_bit(i, gi->kicked_mask);
			gs->v[i].wakes = v->wakes;
			gs->v[i].gd = v->vcpu.gd;
			gs->v[i].aiv = v->vcpu.eca_aiv != 0;
		}
	}
	s->gals = __atomic_load_n(&W.m.gal_pending, __ATOMIC_SEQ_CST);
	s->nev = W.nev < KS_LOG ? W.nev : KS_LOG;
	memcpy(s->ev, W.ev, sizeof(W.ev));
	s->now = gib_us_clock_now(W.clock);
}

/* ---- Sequences ----------------------------------------------------------- */

static uint64_t rng;

static uint32_t rnd(uint32_t n)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (uint32_t)((rng * 2685821657736338717ull) >> 33) % n;
}

struct kd_stats kd_stats;
static char trace_buf[KD_TRACE][64];
static unsigned int trace_n;

static void fail_now(const char *why, const struct kd_step *st, const struct kd_diff *d,
		     const struct ks_snap *L, const struct ks_snap *G)
{
	unsigned int k, from = trace_n > KD_TRACE ? trace_n - KD_TRACE : 0;

	fprintf(stderr, "kdiff %s %s: %s at op %u (%s g%d i%d arg %u) of sequence seed %" PRIu64
		"\n", K->series, K->version, why, trace_n, kd_op_names[st->op], st->g, st->i,
		st->arg, st->seed);
	for (k = from; k < trace_n; k++)
		fprintf(stderr, "  %4u %s\n", k + 1, trace_buf[k % KD_TRACE]);
	fprintf(stderr, "  rc: linux %d, libgib %d\n", st->rc_linux, st->rc_libgib);
	kd_diff_print(stderr, d, L, G);
	exit(1);
}

/* Compare after one op: equal, an expected difference (ends the sequence), or a failure. */
static bool settle(struct kd_step *st)
{
	struct ks_snap L, G;
	struct kd_diff d;
	const struct kd_rule *r;

	K->snap(&L);
	lsnap(&G);
	kd_stats.ops[st->op]++;
	kd_stats.total++;
	kd_outcome(st, &L);
	kd_diff(&L, &G, st, &d);
	if (!d.any)
		return true;
	r = kd_rule_match(st, &L, &G, &d);
	if (!r)
		fail_now("unlisted divergence", st, &d, &L, &G);
	return false;
}

#define NISC_TABLE 12
static const unsigned int isc_table[NISC_TABLE] = { 0, 1, 2, 3, 4, 5, 6, 7, 2, 5, 8, UINT_MAX };

static int nv(int g)
{
	return (int)W.g[g].gi.online_vcpus;
}

static void vcpu_add(int g, int id)
{
	int i = nv(g);

	if (i >= KS_NV)
		return;
	gib_vcpu_add(&W.g[g].gi, &W.g[g].v[i].vcpu, (unsigned int)id, NULL);
	W.g[g].v[i].wakes = 0;
	W.g[g].idle[i] = W.g[g].in_sie[i] = false;
	K->vcpu_add(g, id);
}

static void set_cr6(int g, int i, uint64_t cr6)
{
	gib_vcpu_set_cr6(&W.g[g].v[i].vcpu, cr6);
	K->set_cr6(g, i, cr6);
}

static void set_io(int g, int i, bool on)
{
	gib_vcpu_set_io_enabled(&W.g[g].v[i].vcpu, on);
	K->set_io(g, i, on);
}

/* Returns false if the set-up already ends the sequence. */
static bool world_up(uint64_t seed)
{
	struct kd_step st = { .seed = seed };
	struct gib_us_machine_config cfg;
	int g, i, n;
	bool gisaf;
	uint8_t nisc;

	rng = seed * 0x9e3779b97f4a7c15ull + 1;
	memset(&W, 0, sizeof(W));
	W.cut_push.pass = -1;
	W.ng = 1 + rnd(KS_NG);
	gisaf = rnd(2);
	nisc = (uint8_t)rnd(8);
	cfg = (struct gib_us_machine_config){ .has_aiv = true, .has_gisaf = gisaf,
					      .gal_mode = GIB_US_GAL_DEFERRED };
	W.clock = gib_us_clock_create(GIB_US_CLOCK_SIM);
	gib_us_set_default_clock(W.clock);
	if (!W.clock || gib_us_machine_init(&W.m, &cfg) || gib_us_host_attach(&W.host, &W.m))
		exit(2);
	W.host.trace = &trace_ops;
	if (gib_init(&W.host, nisc) || K->init(KD_BASE, KD_BYTES, W.host.gib_maddr, nisc, gisaf))
		exit(2);
	/* As KVM creates a VM: the GISA, then vcpus with sparse ids. */
	for (g = 0; g < (int)W.ng; g++) {
		gib_guest_init(&W.g[g].gi, &W.host, &ops, NULL);
		gib_gisa_init(&W.g[g].gi);
		K->gisa_init(g, gib_gisa_maddr(gib_guest_gisa(&W.g[g].gi)));
		st.op = OP_GISA_INIT;
		st.g = g;
		if (!settle(&st))
			return false;
		n = 1 + (int)rnd(KS_NV);
		for (i = 0; i < n; i++) {
			vcpu_add(g, 3 * i + 1 + (int)rnd(4));
			set_cr6(g, i, (uint64_t)rnd(256) << 24);
			set_io(g, i, true);
		}
	}
	return true;
}

static void world_down(void)
{
	unsigned int g;

	for (g = 0; g < W.ng; g++) {
		struct gib_guest *gi = &W.g[g].gi;
		unsigned int isc;

		/* A GISA with registrations is refused (-EBUSY): drop them first. */
		for (isc = 0; isc < GIB_NR_ISCS; isc++)
			while (gib_guest_gisa(gi) && gib_gisc_unregister(gi, isc) == 0)
				;
		if (gib_guest_destroy(gi)) {
			fprintf(stderr, "kdiff: guest %u: destroy refused at the end of a sequence\n", g);
			exit(2);
		}
	}
	if (gib_destroy(&W.host)) {
		fprintf(stderr, "kdiff: host destroy refused at the end of a sequence\n");
		exit(2);
	}
	gib_us_machine_fini(&W.m);
	gib_us_set_default_clock(NULL);
	gib_us_clock_destroy(W.clock);
}

/* How often each class comes up: mostly the alert protocol and the vcpus. */
static const unsigned char weights[KD_NR_OPS] = {
	[OP_PUSH] = 10, [OP_PUSH_CUT] = 3, [OP_GAL] = 4, [OP_PROCESS] = 2,
	[OP_RUN_TIMERS] = 5, [OP_RUN_NEXT] = 4, [OP_REGISTER] = 4, [OP_UNREGISTER] = 3,
	[OP_SET_IAM] = 2, [OP_CLEAR_IPM] = 1, [OP_RESTORE] = 3, [OP_SET_IPM] = 2,
	[OP_GET_IPM] = 1, [OP_TAC] = 3, [OP_CLEAR_IPM_GISC] = 1, [OP_IN_LIST] = 1,
	[OP_GISA_INIT] = 1, [OP_GISA_ENABLE] = 3, [OP_GISA_CLEAR] = 1, [OP_GISA_DESTROY] = 1,
	[OP_GISA_DISABLE] = 1, [OP_VCPU_ADD] = 1, [OP_CR6] = 2, [OP_IO] = 2, [OP_STOPPED] = 2,
	[OP_WAIT] = 5, [OP_END_WAIT] = 3, [OP_RUNNABLE] = 3, [OP_ENTER_SIE] = 4,
	[OP_EXIT_SIE] = 3, [OP_DELIVER] = 4, [OP_KICK_SINGLE] = 2, [OP_INJECT] = 2,
};

static enum kd_op pick_op(void)
{
	unsigned int total = 0, o, r;

	for (o = 0; o < KD_NR_OPS; o++)
		total += weights[o];
	r = rnd(total);
	for (o = 0; r >= weights[o]; o++)
		r -= weights[o];
	return (enum kd_op)o;
}

static const uint64_t deltas[] = { 0, 1, 49999, 50000, 50001, 120000 };

/* One random op on both sides; returns false when the sequence ends. */
/* Every registration of guest @g dropped, one compared step each. */
static bool let_go(const struct kd_step *st, int g)
{
	struct kd_step u = *st;
	unsigned int isc;

	if (!gib_guest_gisa(&W.g[g].gi))
		return true;	/* nothing to let go of */
	for (isc = 0; isc < 8; isc++) {
		while (W.g[g].gi.alert.ref_count[isc]) {
			u.op = OP_UNREGISTER;
			u.arg = isc;
			u.rc_libgib = gib_gisc_unregister(&W.g[g].gi, isc);
			u.rc_linux = K->gisc_unregister(g, isc);
			K->clear_log();
			W.nev = 0;
			if (!settle(&u))
				return false;
			if (u.rc_libgib)
				break;	/* compared equal: an error on both sides */
		}
	}
	return true;
}

/* A scripted step (--repro): the op, guest 0, vcpu 0, this ISC and argument. */
struct kd_forced {
	enum kd_op op;
	unsigned int isc, arg;
};

static const struct kd_forced *forced;

static bool one_op(struct kd_step *st)
{
	int g = (int)rnd(W.ng), i = nv(g) ? (int)rnd((uint32_t)nv(g)) : 0;
	unsigned int isc = isc_table[rnd(NISC_TABLE)], visc = rnd(8);
	enum kd_op op = pick_op();
	struct gib_guest *gi;
	struct gib_gisa *gisa;
	struct gib_vcpu *v;
	uint32_t wl = 0, wg = 0;
	uint64_t t;
	int rl = 0, rg = 0;

	if (forced) {
		op = forced->op;
		g = i = 0;
		isc = visc = forced->isc;
	}
	gi = &W.g[g].gi;
	gisa = gib_guest_gisa(gi);
	v = &W.g[g].v[i].vcpu;
	st->op = op;
	st->g = g;
	st->i = i;
	st->arg = 0;
	st->aux = 0;
	st->had_gisa = gisa != NULL;
	st->linked = gisa && gib_gisa_in_alert_list(gisa);
	K->clear_log();
	W.nev = 0;
	/* Word ops and pushes need a GISA (Linux dereferences the origin). */
	switch (st->op) {
	case OP_PUSH: case OP_PUSH_CUT: case OP_SET_IAM: case OP_CLEAR_IPM: case OP_RESTORE:
	case OP_SET_IPM: case OP_GET_IPM: case OP_TAC: case OP_CLEAR_IPM_GISC: case OP_IN_LIST:
	case OP_INJECT:
		if (!gisa)
			return true;
		break;
	default:
		break;
	}
	switch (st->op) {
	case OP_PUSH:
		st->arg = visc;
		{
			struct gib_us_ai_result res;

			rg = gib_us_machine_raise_ai(&W.m, gi, visc, &res);
			if (!rg)
				rg = res.outcome == GIB_US_AI_DELIVERED_IN_SIE ? KS_DELIVERED_IN_SIE :
				     res.outcome == GIB_US_AI_LINKED ? KS_LINKED :
				     res.outcome == GIB_US_AI_LINKED_GAL ? KS_LINKED_GAL :
				     res.outcome == GIB_US_AI_PENDING ? KS_PENDING : 99;
		}
		rl = K->push(g, visc);
		break;
	case OP_PUSH_CUT:
		st->arg = 1 + rnd(3);
		W.cut_push.pass = (int)st->arg;
		W.cut_push.g = g;
		W.cut_push.isc = visc;
		K->push_after_cut((int)st->arg, g, visc);
		gib_process_alert_list(&W.host);
		K->process();
		W.cut_push.pass = -1;
		K->push_after_cut(-1, 0, 0);
		break;
	case OP_GAL:
		rg = gib_us_machine_take_gal(&W.m);
		rl = K->take_gal();
		if (rg)
			gib_gal_interrupt(&W.host);
		if (rl)
			K->process();
		break;
	case OP_PROCESS:
		gib_process_alert_list(&W.host);
		K->process();
		break;
	case OP_RUN_TIMERS:
		st->arg = forced ? forced->arg : rnd(6);
		t = gib_us_clock_now(W.clock) + deltas[st->arg];
		rg = (int)gib_us_clock_run_until(W.clock, t);
		rl = (int)K->run_until(t);
		break;
	case OP_RUN_NEXT:
		if (gib_us_clock_next_expiry(W.clock, &t))
			return true;
		rg = (int)gib_us_clock_run_until(W.clock, t);
		rl = (int)K->run_until(t);
		break;
	case OP_REGISTER:
		st->arg = isc;
		rg = gib_gisc_register(gi, isc);
		rl = K->gisc_register(g, isc);
		break;
	case OP_UNREGISTER:
		st->arg = isc;
		rg = gib_gisc_unregister(gi, isc);
		rl = K->gisc_unregister(g, isc);
		break;
	case OP_SET_IAM:
		st->arg = rnd(2) ? gib_gisc_alert_mask(gi) : rnd(256);
		rg = gib_gisa_set_iam(gisa, (uint8_t)st->arg);
		rl = K->set_iam(g, (uint8_t)st->arg);
		break;
	case OP_CLEAR_IPM:
		gib_gisa_clear_ipm(gisa);	/* Linux's returns nothing */
		K->clear_ipm(g);
		break;
	case OP_RESTORE:
		rg = gib_gisa_get_ipm_or_restore_iam(gisa, &gi->alert.mask);
		rl = K->get_ipm_or_restore_iam(g);
		break;
	case OP_SET_IPM:
		st->arg = visc;
		gib_gisa_set_ipm_gisc(gisa, visc);
		K->set_ipm_gisc(g, visc);
		break;
	case OP_GET_IPM:
		rg = gib_gisa_get_ipm(gisa);
		rl = K->get_ipm(g);
		break;
	case OP_TAC:
		st->arg = visc;
		rg = gib_gisa_tac_ipm_gisc(gisa, visc);
		rl = K->tac_ipm_gisc(g, visc);
		break;
	case OP_CLEAR_IPM_GISC:
		if (!kd_is_61)
			return true;	/* 6.12 has no gisa_clear_ipm_gisc() */
		st->arg = visc;
		gib_gisa_clear_ipm_gisc(gisa, visc);
		K->clear_ipm_gisc(g, visc);
		break;
	case OP_IN_LIST:
		if (!kd_is_61)
			return true;	/* 6.12 has no gisa_in_alert_list() */
		rg = gib_gisa_in_alert_list(gisa);
		rl = K->in_alert_list(g);
		break;
	case OP_GISA_INIT:
		/* KVM initialises the GISA when it creates the VM, before any vcpu. */
		if (gisa || nv(g))
			return true;
		gib_gisa_init(gi);
		K->gisa_init(g, gib_gisa_maddr(gib_guest_gisa(gi)));
		break;
	case OP_GISA_ENABLE:
		rg = gib_gisa_enable(gi);
		rg = rg == -EALREADY ? 0 : rg;	/* Linux returns silently */
		gisa = gib_guest_gisa(gi);
		K->gisa_enable(g, gisa ? gib_gisa_maddr(gisa) : 0);
		break;
	case OP_GISA_CLEAR:
		gib_gisa_clear(gi);
		K->gisa_clear(g);
		break;
	case OP_GISA_DESTROY:
	case OP_GISA_DISABLE:
		/* 6.1's destroy spins while the GISA is linked (one thread: for ever). */
		if (kd_is_61 && st->linked) {
			kd_stats.skipped_61_destroy++;
			return true;
		}
		/*
		 * Mostly the devices let go first, as they should; the rest
		 * keep registrations across it (gisc-regs-survive-reinit).
		 */
		if (forced == NULL && rnd(4) && !let_go(st, g))
			return false;
		rg = st->op == OP_GISA_DESTROY ? gib_gisa_destroy(gi) : gib_gisa_disable(gi);
		rl = st->op == OP_GISA_DESTROY ? K->gisa_destroy(g) : K->gisa_disable(g);
		rl = st->had_gisa ? rl : -ENODEV;	/* Linux returns silently */
		break;
	case OP_VCPU_ADD:
		vcpu_add(g, 3 * nv(g) + 1 + (int)rnd(4));
		break;
	case OP_CR6:
		if (!nv(g))
			return true;
		st->arg = rnd(256);
		set_cr6(g, i, (uint64_t)st->arg << 24 | rnd(2) << 31 | 0x12);
		break;
	case OP_IO:
		if (!nv(g))
			return true;
		st->arg = rnd(4) != 0;
		set_io(g, i, st->arg);
		break;
	case OP_STOPPED:
		if (!nv(g))
			return true;
		st->arg = rnd(2);
		gib_vcpu_set_stopped(v, st->arg);
		K->set_stopped(g, i, (int)st->arg);
		break;
	case OP_WAIT:
		if (!nv(g) || W.g[g].idle[i])
			return true;
		if (W.g[g].in_sie[i]) {
			gib_vcpu_exit_sie(v);
			K->exit_sie(g, i);
			W.g[g].in_sie[i] = false;
		}
		rg = gib_vcpu_prepare_wait(v);
		rl = K->wait(g, i);
		W.g[g].idle[i] = rg == 0;
		break;
	case OP_END_WAIT:
		if (!nv(g) || !W.g[g].idle[i])
			return true;
		gib_vcpu_end_wait(v);
		K->end_wait(g, i);
		W.g[g].idle[i] = false;
		break;
	case OP_RUNNABLE:
		if (!nv(g))
			return true;
		rg = gib_vcpu_runnable(v);
		rl = K->runnable(g, i);
		break;
	case OP_ENTER_SIE:
		if (!nv(g) || W.g[g].in_sie[i])
			return true;
		if (W.g[g].idle[i]) {
			gib_vcpu_end_wait(v);
			K->end_wait(g, i);
			W.g[g].idle[i] = false;
		}
		gib_vcpu_enter_sie(v);
		K->enter_sie(g, i);
		W.g[g].in_sie[i] = true;
		break;
	case OP_EXIT_SIE:
		if (!nv(g) || !W.g[g].in_sie[i])
			return true;
		gib_vcpu_exit_sie(v);
		K->exit_sie(g, i);
		W.g[g].in_sie[i] = false;
		break;
	case OP_DELIVER:
		if (!nv(g))
			return true;
		rg = gib_vcpu_take_ai(v, &wg);
		rg = rg == -ENODEV ? -ENOENT : rg;	/* no GISA: nothing deliverable */
		rl = K->deliver(g, i, &wl);
		if (rg >= 0 && wg != wl)
			rg = 1000 + rg;	/* same ISC, other word: a difference */
		break;
	case OP_KICK_SINGLE:
		st->arg = rnd(256);
		gib_kick_one_vcpu(gi, (uint8_t)st->arg);	/* Linux's returns nothing */
		K->kick_single(g, (uint8_t)st->arg);
		break;
	case OP_INJECT:
		st->arg = visc;
		st->aux = gib_inject_ai(gi, visc);	/* Linux: __inject_io(), then the kick */
		K->set_ipm_gisc(g, visc);
		K->floating_kick(g);
		break;
	case KD_NR_OPS:
		break;
	}
	st->rc_libgib = rg;
	st->rc_linux = rl;
	snprintf(trace_buf[trace_n % KD_TRACE], sizeof(trace_buf[0]), "%s g%d i%d arg %u -> %d/%d",
		 kd_op_names[st->op], g, i, st->arg, rl, rg);
	trace_n++;
	return settle(st);
}

/* The reproducers of issue 13: each must end in its named rule. */
static const struct kd_forced repro_regs[] = {
	{ OP_REGISTER, 0, 0 }, { OP_GISA_DISABLE, 0, 0 }, { OP_GISA_ENABLE, 0, 0 },
	{ OP_REGISTER, 0, 0 }, { KD_NR_OPS, 0, 0 },
};
static const struct kd_forced repro_kick[] = {
	{ OP_REGISTER, 0, 0 }, { OP_PUSH, 0, 0 }, { OP_PROCESS, 0, 0 }, { OP_TAC, 0, 0 },
	{ OP_RESTORE, 0, 0 }, { OP_PUSH, 0, 0 }, { OP_TAC, 0, 0 }, { OP_RUN_TIMERS, 0, 0 },
	{ KD_NR_OPS, 0, 0 },
};
/*
 * @rules: the rules that may end it. The first reproducer differs first at
 * the disable on 6.1 (it keeps the mask) and in a libgib that refuses to
 * disable while registered.
 */
static const struct {
	const char *name;
	const char *const rules[4];
	const struct kd_forced *steps;
} repros[] = {
	{ "gisc-regs-survive-reinit", { "gisc-regs-survive-reinit", "gisc-mask-survives-destroy",
					"destroy-busy-while-registered" }, repro_regs },
	{ "kick-rearms-while-linked", { "kick-rearms-while-linked" }, repro_kick },
};

static bool among(const char *const *names, const char *name)
{
	for (; *names; names++)
		if (!strcmp(*names, name))
			return true;
	return false;
}

static int run_repros(void)
{
	unsigned int r;
	int bad = 0;

	for (r = 0; r < sizeof(repros) / sizeof(repros[0]); r++) {
		struct kd_step st = { .seed = 1 };
		const char *got = "none";

		trace_n = 0;
		kd_last_rule = NULL;
		if (world_up(st.seed))
			for (forced = repros[r].steps; forced->op != KD_NR_OPS; forced++)
				if (!one_op(&st))
					break;
		if (kd_last_rule)
			got = kd_last_rule->name;
		printf("kdiff: Linux %s: reproducer of %s: ended by rule %s after %u ops\n",
		       K->version, repros[r].name, got, trace_n);
		bad |= !among(repros[r].rules, got);
		forced = NULL;
		world_down();
	}
	return bad;
}

static void watchdog(int sig)
{
	static const char msg[] = "kdiff: watchdog: the run did not end in time\n";

	(void)sig;
	if (write(2, msg, sizeof(msg) - 1) < 0)
		_exit(3);
	_exit(3);
}

int main(int argc, char **argv)
{
	unsigned int wd = 0;
	bool repro = false;
	unsigned long seqs = 2000, ops = 120, s;
	uint64_t seed0 = 1;
	const struct kside *k;
	void *so;
	int a;

	if (argc < 2) {
		fprintf(stderr, "usage: kdiff KSIDE.so [--seqs N] [--seed S] [--ops N] "
			"[--watchdog SECONDS] [--repro]\n");
		return 2;
	}
	for (a = 2; a < argc; a++) {
		if (!strcmp(argv[a], "--seqs") && a + 1 < argc)
			seqs = strtoul(argv[++a], NULL, 0);
		else if (!strcmp(argv[a], "--seed") && a + 1 < argc)
			seed0 = strtoull(argv[++a], NULL, 0);
		else if (!strcmp(argv[a], "--ops") && a + 1 < argc)
			ops = strtoul(argv[++a], NULL, 0);
		else if (!strcmp(argv[a], "--repro"))
			repro = true;
		else if (!strcmp(argv[a], "--watchdog") && a + 1 < argc)
			wd = (unsigned int)strtoul(argv[++a], NULL, 0);
		else {
			fprintf(stderr, "kdiff: unknown argument %s\n", argv[a]);
			return 2;
		}
	}
	so = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
	k = so ? dlsym(so, "kside") : NULL;
	if (!k) {
		fprintf(stderr, "kdiff: cannot load %s: %s\n", argv[1], dlerror());
		return 2;
	}
	K = k;
	kd_is_61 = !strcmp(K->series, "6.1");
	if (gib_us_arena_init(KD_BYTES, KD_BASE))
		return 2;
	gib_us_thread_online();
	if (wd) {
		signal(SIGALRM, watchdog);
		alarm(wd);
	}
	if (repro)
		return run_repros();
	for (s = 0; s < seqs; s++) {
		struct kd_step st = { .seed = seed0 + s };
		unsigned long n;

		trace_n = 0;
		if (world_up(st.seed))
			for (n = 0; n < ops; n++)
				if (!one_op(&st))
					break;
		kd_stats.seqs++;
		world_down();
	}
	kd_report(stdout);
	return 0;
}
