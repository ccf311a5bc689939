// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Scenarios of the C-level checker: libgib's own code (built against
 * platform/check/) under every schedule up to a preemption bound. Each
 * checks, at every end state, the invariants of the SPIN model (verify/
 * gib.pml, proctype Check): GAL interruptions enabled and none pending, no
 * GISA linked, no AI pending on a registered ISC, the IAM armed for every
 * registered ISC. The explorer itself fails a run on a use of freed memory,
 * a GISA freed while linked, a deadlock or a call that does not terminate.
 */
#include "check.h"
#include <libgib/machine_push.h>
#include <string.h>

/* ---- Fixture: one host, up to two guests with one vcpu each ------------- */

struct ck_guest {
	struct gib_guest gi;
	struct gib_vcpu v;
	bool woken;
	uint8_t iscs;	/* the ISCs the scenario uses (the vcpu takes these) */
	uint8_t dev;	/* ISCs whose devices may raise AIs (registered ones) */
};

static struct gib_host host;
static struct ck_guest G[2];
static unsigned int nguests;
static bool reg_done;
/* The cut policy of the next fx_up() (then back to the default). */
static enum gib_cut_policy ck_cut;

static void wake(struct gib_guest *gi, struct gib_vcpu *vcpu)
{
	(void)vcpu;
	((struct ck_guest *)gi->priv)->woken = true;
}

static const struct gib_guest_ops ops = { .wake_vcpu = wake };

static void expect(bool ok, const char *what)
{
	if (!ok)
		gib_ck_fail("setup: %s", what);
}

/* @n guests, each with its GISA, one vcpu taking every ISC and @iscs registered. */
static void fx_up(unsigned int n, uint8_t iscs)
{
	unsigned int i, isc;

	memset(&host, 0, sizeof(host));
	memset(G, 0, sizeof(G));
	nguests = n;
	reg_done = false;
	host.cut_policy = ck_cut;
	ck_cut = GIB_CUT_TWO_PHASE;
	expect(gib_init(&host, GIB_GAL_ISC) == 0, "gib_init");
	for (i = 0; i < n; i++) {
		struct ck_guest *g = &G[i];

		g->iscs = iscs;
		g->dev = iscs;
		expect(gib_guest_init(&g->gi, &host, &ops, g) == 0, "gib_guest_init");
		expect(gib_gisa_init(&g->gi) == 0, "gib_gisa_init");
		expect(gib_vcpu_add(&g->gi, &g->v, i, NULL) == 0, "gib_vcpu_add");
		gib_vcpu_set_cr6(&g->v, (uint64_t)0xff << 24);
		gib_vcpu_set_io_enabled(&g->v, true);
		for (isc = 0; isc <= GIB_MAX_ISC; isc++)
			if (iscs & gib_isc_mask(isc))
				expect(gib_gisc_register(&g->gi, isc) >= 0, "gib_gisc_register");
	}
}

/*
 * The machine: an AI on @isc for @g (spec section 4), found through the
 * origin. A device raises AIs only between its registration's return and
 * the start of its unregistration (as vfio-ap and zPCI do, and as the SPIN
 * model's devmask says): the device check and the IPM bit are one step.
 */
static void push_ex(struct ck_guest *g, unsigned int isc, bool stray)
{
	struct gib_block *gib = GIB_PF_READ_ONCE(host.gib);
	struct gib_gisa *gisa;
	uint32_t origin;
	bool raised;
	uint32_t self;

	gib_ck_read_lock();
	gisa = gib_guest_gisa(&g->gi);
	if (gisa) {
		gib_ck_point(&gisa->ipm);
		raised = stray || (g->dev & gib_isc_mask(isc));
		if (raised)
			gisa->ipm |= gib_isc_mask(isc);	/* atomic: no point in between */
		self = gib_gisa_maddr(gisa);
		if (raised &&
		    ck_claim(gisa, gib, gib_isc_mask(isc), &origin) == GIB_MACHINE_CLAIMED) {
			/* A claim with our own address links the GISA to itself. */
			if (gib_pf_be32_to_cpu(origin) == self)
				gib_ck_fail("GISA 0x%x claimed with its own address: "
					    "linked to itself", self);
			origin = gib_machine_link(gisa, gib, origin);
			if (gib_pf_be32_to_cpu(origin) == GIB_NULL_GISA_ADDR)
				gib_ck_raise_gal(&host);
		}
	}
	gib_ck_read_unlock();
}

static void push(struct ck_guest *g, unsigned int isc)
{
	push_ex(g, isc, false);
}

/* Take what is pending on the scenario's ISCs (a vcpu delivering). */
static void deliver(struct ck_guest *g)
{
	struct gib_gisa *gisa = gib_guest_gisa(&g->gi);
	unsigned int isc;

	for (isc = 0; gisa && isc <= GIB_MAX_ISC; isc++)
		if (g->iscs & gib_isc_mask(isc))
			gib_gisa_tac_ipm_gisc(gisa, isc);
}

static bool is_woken(void *arg)
{
	return ((struct ck_guest *)arg)->woken;
}

/*
 * A vcpu: take what is pending, else go to enabled wait (the wait path's
 * restore) and sleep until woken. It may stay asleep at the end.
 */
static void vcpu_fn(void *arg)
{
	struct ck_guest *g = arg;

	for (;;) {
		int r;

		gib_ck_read_lock();
		r = gib_vcpu_prepare_wait(&g->v);
		if (r == 1)
			deliver(g);
		gib_ck_read_unlock();
		if (r == 1)
			continue;
		gib_ck_block_until(is_woken, g);
		g->woken = false;
		gib_vcpu_end_wait(&g->v);
		gib_ck_read_lock();
		deliver(g);
		gib_ck_read_unlock();
	}
}

/* The SPIN model's Check, on every guest that has a GISA. */
static void check_quiet(void)
{
	struct gib_block *gib = host.gib;
	uint32_t origin = gib_pf_be32_to_cpu(gib->alert_list_origin);
	unsigned int i;

	gib_ck_hash(origin);
	if (origin != GIB_NULL_GISA_ADDR) {
		gib_ck_fail("end state: alert-list origin 0x%x, not NULL", origin);
		return;
	}
	if (gib_ck_gal_pending(&host)) {
		gib_ck_fail("end state: a GAL interruption pending");
		return;
	}
	for (i = 0; i < nguests; i++) {
		struct gib_gisa *gisa = G[i].gi.origin;
		uint8_t mask = G[i].gi.alert.mask, ipm, iam;
		uint64_t w;

		gib_ck_hash(mask);
		if (!gisa)
			continue;
		w = gib_pf_be64_to_cpu(gisa->word);
		gib_ck_hash(w);
		ipm = (uint8_t)(w >> GIB_GISA_W_IPM_SHIFT);
		iam = (uint8_t)w;
		if ((uint32_t)(w >> 32) != gib_gisa_maddr(gisa)) {
			gib_ck_fail("end state: guest %u's GISA linked (next_alert 0x%x)", i,
				    (uint32_t)(w >> 32));
			return;
		}
		if (ipm & mask) {
			gib_ck_fail("end state: guest %u: AI pending with nobody to take it: "
				    "IPM 0x%02x, IAM 0x%02x, alert mask 0x%02x", i, ipm, iam, mask);
			return;
		}
		if (mask & ~iam) {
			gib_ck_fail("end state: guest %u: IAM 0x%02x lacks registered ISCs of "
				    "alert mask 0x%02x", i, iam, mask);
			return;
		}
	}
}

static bool reg_is_done(void *arg)
{
	(void)arg;
	return reg_done;
}

/* ---- restore-aba: the wait path's restore vs unregister + register ------ */

static void aba_reg_fn(void *arg)
{
	(void)arg;
	G[0].dev &= (uint8_t)~gib_isc_mask(2);
	gib_gisc_unregister(&G[0].gi, 2);
	gib_gisc_register(&G[0].gi, 2);
	G[0].dev |= gib_isc_mask(2);
	reg_done = true;
}

static void aba_push_fn(void *arg)
{
	(void)arg;
	gib_ck_block_until(reg_is_done, NULL);	/* the device raises after registering */
	push(&G[0], 2);
}

static void restore_aba_setup(void)
{
	fx_up(1, gib_isc_mask(1) | gib_isc_mask(2));
	gib_ck_spawn_sleeper(vcpu_fn, &G[0]);
	gib_ck_spawn(aba_reg_fn, NULL);
	gib_ck_spawn(aba_push_fn, NULL);
}

/* ---- set-iam-push: registration's set_iam vs machine pushes ------------- */

static void sip_reg_fn(void *arg)
{
	(void)arg;
	gib_gisc_register(&G[0].gi, 2);
	G[0].dev |= gib_isc_mask(2);
}

static void sip_push3_fn(void *arg)
{
	(void)arg;
	push(&G[0], 3);		/* no registration: IPM only, no claim */
}

static void sip_push1_fn(void *arg)
{
	(void)arg;
	push(&G[0], 1);
}

static void set_iam_push_setup(void)
{
	fx_up(1, gib_isc_mask(1));
	G[0].iscs |= gib_isc_mask(2) | gib_isc_mask(3);
	G[0].dev |= gib_isc_mask(3);	/* a device on ISC 3 that never registers */
	gib_ck_spawn_sleeper(vcpu_fn, &G[0]);
	gib_ck_spawn(sip_reg_fn, NULL);
	gib_ck_spawn(sip_push3_fn, NULL);
	gib_ck_spawn(sip_push1_fn, NULL);
}

/* ---- push-cut-timer: pushes vs two processing CPUs vs the kick timer ---- */

static void pct_push_fn(void *arg)
{
	(void)arg;
	push(&G[0], 1);
	push(&G[0], 1);
}

static void pct_process_fn(void *arg)
{
	(void)arg;
	gib_process_alert_list(&host);	/* a second CPU (as destroy may) */
}

static void push_cut_timer_setup(void)
{
	fx_up(1, gib_isc_mask(1));
	gib_ck_spawn_sleeper(vcpu_fn, &G[0]);
	gib_ck_spawn(pct_push_fn, NULL);
	gib_ck_spawn(pct_process_fn, NULL);
}

/* ---- restore-retry: two restores and a push on one word ------------------ */

static void rr_restore_fn(void *arg)
{
	(void)arg;
	/* The kick timer's decision, run by hand: re-arms from the mask. */
	gib_ck_read_lock();
	gib_gisa_kick_timer_fn(&G[0].gi.timer);
	gib_ck_read_unlock();
}

static void rr_push_fn(void *arg)
{
	(void)arg;
	push(&G[0], 3);		/* unregistered: moves the IPM, claims nothing */
}

static void restore_retry_setup(void)
{
	fx_up(1, gib_isc_mask(1));
	G[0].iscs |= gib_isc_mask(3);
	G[0].dev |= gib_isc_mask(3);
	/* As after a claim and unlink: IAM 0, unlinked, nothing pending. */
	expect(gib_gisa_set_iam(G[0].gi.origin, 0) == 0, "set_iam(0)");
	gib_ck_spawn(rr_restore_fn, NULL);
	gib_ck_spawn(rr_push_fn, NULL);
}

/* ---- destroy-pushers: two pushers vs unregister + destroy ---------------- */

static void dp_push_fn(void *arg)
{
	(void)arg;
	push(&G[0], 1);
}

static void dp_destroy_fn(void *arg)
{
	(void)arg;
	G[0].dev = 0;
	gib_gisc_unregister(&G[0].gi, 1);
	if (gib_gisa_destroy(&G[0].gi))
		gib_ck_fail("gib_gisa_destroy() failed without registrations");
}

static void destroy_pushers_setup(void)
{
	fx_up(1, gib_isc_mask(1));
	gib_ck_spawn(dp_push_fn, NULL);
	gib_ck_spawn(dp_push_fn, NULL);
	gib_ck_spawn(dp_destroy_fn, NULL);
}

/* ---- destroy-wait: a wait path's restore and a push vs destroy ---------- */

static void dw_wait_fn(void *arg)
{
	struct ck_guest *g = arg;

	gib_ck_read_lock();
	gib_vcpu_prepare_wait(&g->v);
	gib_ck_read_unlock();
}

/*
 * An AI the machine had in flight when the device unregistered (or one from
 * a device whose designation was not removed): destroy must not free the
 * GISA it links.
 */
static void dw_stray_push_fn(void *arg)
{
	(void)arg;
	push_ex(&G[0], 1, true);
}

static void destroy_wait_setup(void)
{
	fx_up(1, gib_isc_mask(1));
	/* As after a claim and unlink: the wait path will re-arm. */
	expect(gib_gisa_set_iam(G[0].gi.origin, 0) == 0, "set_iam(0)");
	gib_ck_spawn(dw_wait_fn, &G[0]);
	gib_ck_spawn(dw_stray_push_fn, NULL);
	gib_ck_spawn(dp_destroy_fn, NULL);
}

/* ---- disable-enable: a GISA life cycle vs a push and a vcpu ------------- */

static void de_cycle_fn(void *arg)
{
	(void)arg;
	G[0].dev = 0;
	gib_gisc_unregister(&G[0].gi, 1);
	if (gib_gisa_disable(&G[0].gi))
		gib_ck_fail("gib_gisa_disable() failed without registrations");
	if (gib_gisa_enable(&G[0].gi))
		gib_ck_fail("gib_gisa_enable() failed");
	gib_gisc_register(&G[0].gi, 1);
	G[0].dev = gib_isc_mask(1);
}

static void disable_enable_setup(void)
{
	fx_up(1, gib_isc_mask(1));
	gib_ck_spawn_sleeper(vcpu_fn, &G[0]);
	gib_ck_spawn(de_cycle_fn, NULL);
	gib_ck_spawn(dp_push_fn, NULL);
}

/* ---- claim-link: two machine CPUs alerting one GISA again and again ----- */

static void cl_push_fn(void *arg)
{
	(void)arg;
	push(&G[0], 1);
	push(&G[0], 1);
}

static void claim_link_setup(void)
{
	fx_up(1, gib_isc_mask(1));
	gib_ck_spawn_sleeper(vcpu_fn, &G[0]);
	gib_ck_spawn(cl_push_fn, NULL);
	gib_ck_spawn(cl_push_fn, NULL);
}

/* ---- clear-ipm: the owner's IPM reset vs a push moving the word -------- */

/*
 * gib_gisa_clear() (gib_gisa_clear_ipm()'s one CAS loop) while the machine
 * sets an IPM bit: a push between its read and its CAS makes the CAS fail,
 * and the loop must read again. An AI pending before the clear began (ISC
 * 4, no device: nothing else takes it) must be gone when it returns.
 */
static void ci_clear_fn(void *arg)
{
	(void)arg;
	gib_ck_read_lock();
	if (gib_gisa_clear(&G[0].gi))
		gib_ck_fail("gib_gisa_clear() failed on a guest with a GISA");
	gib_ck_read_unlock();
}

static void clear_ipm_setup(void)
{
	fx_up(1, gib_isc_mask(1));
	gib_gisa_set_ipm_gisc(G[0].gi.origin, 4);	/* stale, before the clear */
	/* The vcpu does not take ISC 4: only the clear can drop it. */
	gib_vcpu_set_cr6(&G[0].v, (uint64_t)(uint8_t)~gib_isc_mask(4) << 24);
	gib_ck_spawn_sleeper(vcpu_fn, &G[0]);
	gib_ck_spawn(ci_clear_fn, NULL);
	gib_ck_spawn(dp_push_fn, NULL);
}

static void clear_ipm_check(void)
{
	struct gib_gisa *gisa = G[0].gi.origin;
	uint8_t ipm = (uint8_t)(gib_pf_be64_to_cpu(gisa->word) >> GIB_GISA_W_IPM_SHIFT);

	check_quiet();
	gib_ck_hash(ipm);
	if (ipm & gib_isc_mask(4))
		gib_ck_fail("end state: IPM 0x%02x: the AI pending before gib_gisa_clear() "
			    "survived it", ipm);
}

/* ---- v2-*: the same races on a host with the v2 series' cut ------------- */

/*
 * GIB_CUT_V2 (issue 15): pushes vs the GAL handler and a second processing
 * CPU, each cutting with a CAS loop to NULL. A link landing between a cut's
 * read and its CAS makes it retry; a plain store there would strand the
 * GISA (mutant h-v2-cut-store).
 */
static void v2_push_cut_setup(void)
{
	ck_cut = GIB_CUT_V2;
	push_cut_timer_setup();
}

/* GIB_CUT_V2: destroy processes the list itself with the v2 cut. */
static void v2_destroy_pushers_setup(void)
{
	ck_cut = GIB_CUT_V2;
	destroy_pushers_setup();
}

const struct gib_ck_scenario ck_scenarios[] = {
	{ "restore-aba", restore_aba_setup, check_quiet, NULL, 2, 3 },
	{ "set-iam-push", set_iam_push_setup, check_quiet, NULL, 1, 2 },
	{ "restore-retry", restore_retry_setup, check_quiet, NULL, 2, 3 },
	{ "push-cut-timer", push_cut_timer_setup, check_quiet, NULL, 1, 2 },
	{ "destroy-pushers", destroy_pushers_setup, check_quiet, NULL, 1, 2 },
	{ "destroy-wait", destroy_wait_setup, check_quiet, NULL, 2, 3 },
	{ "disable-enable", disable_enable_setup, check_quiet, NULL, 1, 2 },
	{ "claim-link", claim_link_setup, check_quiet, NULL, 1, 2 },
	{ "clear-ipm", clear_ipm_setup, clear_ipm_check, NULL, 1, 2 },
	{ "v2-push-cut", v2_push_cut_setup, check_quiet, NULL, 1, 2 },
	{ "v2-destroy-pushers", v2_destroy_pushers_setup, check_quiet, NULL, 1, 2 },
	{ NULL, NULL, NULL, NULL, 0, 0 },
};
