// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * The machine's side of an adapter interruption (spec section 4), lock-free.
 *
 * The hardware does steps 1-3 as one unit; a software machine cannot, so the
 * alert (step 3) is split into a *claim* and a *link*:
 *
 * - The claim is one CAS on the GISA's first doubleword: IAM := 0 and
 *   next_alert := the origin just read, only if the IAM still has the ISC and
 *   next_alert is still the GISA's own address. From then on the GISA reads
 *   as linked to everybody: gib_gisa_set_iam() returns -EBUSY and other
 *   pushers give up, so nobody can re-arm it or link it a second time while
 *   it is half linked. The claimant alone owns the link word until the host
 *   that cuts the GISA off the list writes it back.
 * - The link is a CAS loop on the origin, old -> our address, storing
 *   next_alert := old before each attempt. Only this CAS changes the origin
 *   on the machine's side, so exactly one pusher replaces each NULL the host
 *   stores: one GAL interruption per NULL -> GISA transition.
 *
 * Between the two, the GISA is in no list yet: a host cut cannot see it, and
 * gib_gisa_destroy() retries until the link lands and a cut unlinks it.
 */
#include "machine_internal.h"
#include <libgib-us/rcu.h>

/*
 * Step 2: a vcpu of @gi in SIE that takes @mask, or NULL.
 *
 * Dekker with gib_vcpu_enter_sie(): we set the IPM bit (fully ordered) and
 * then read in_sie here; the vcpu stores in_sie, issues smp_mb() and then
 * reads the IPM in gib_vcpu_take_ai(). One of the two sees the other, so an
 * AI is never left pending next to a vcpu in SIE that could take it.
 */
static struct gib_vcpu *vcpu_in_sie(struct gib_guest *gi, uint8_t mask)
{
	unsigned int online, i;

	online = GIB_PF_READ_ONCE(gi->online_vcpus);
	/* Pairs with the smp_mb() in gib_vcpu_add() before it grows the count. */
	gib_pf_smp_rmb();
	for (i = 0; i < online; i++) {
		struct gib_vcpu *vcpu = GIB_PF_READ_ONCE(gi->vcpus[i]);

		if (GIB_PF_READ_ONCE(vcpu->in_sie) && (gib_vcpu_isc_mask(vcpu) & mask))
			return vcpu;
	}
	return NULL;
}

/*
 * Step 3, claim: take the right to link @gisa. Returns the origin (memory
 * order) the claim wrote into next_alert, or sets @res and returns false.
 */
static bool claim(struct gib_gisa *gisa, const struct gib_block *gib, uint8_t mask,
		  uint32_t *origin, struct gib_us_ai_result *res)
{
	uint32_t self = gib_gisa_maddr(gisa);
	uint64_t raw = gib_pf_load64(&gisa->word);

	for (;;) {
		uint64_t w = gib_pf_be64_to_cpu(raw), nw, seen;

		if (!(w & mask) || (uint32_t)(w >> 32) != self) {
			/* IAM lacks the ISC (alerted, not re-armed) or linked. */
			res->outcome = GIB_US_AI_PENDING;
			return false;
		}
		if (!((w >> GIB_GISA_W_IPM_SHIFT) & mask)) {
			/* Someone took the bit since step 1: nothing to alert for. */
			res->outcome = GIB_US_AI_TAKEN_BY_OTHER;
			return false;
		}
		*origin = gib_pf_load32(&gib->alert_list_origin);
		if (*origin == gib_pf_cpu_to_be32(self)) {
			/*
			 * Only a stale pair of reads shows our own address at the
			 * head while our link says "not linked"; claiming with it
			 * would leave next_alert == self, which reads as unlinked.
			 * Read both again.
			 */
			raw = gib_pf_load64(&gisa->word);
			continue;
		}
		/* Keep IPM and the mode bytes; IAM := 0; link := the origin. */
		nw = (w & ~(0xffffffffull << 32) & ~GIB_GISA_W_IAM) |
		     (uint64_t)gib_pf_be32_to_cpu(*origin) << 32;
		/*
		 * Fully ordered on success. Fails if anything in the word moved
		 * since we read it: an IPM bit, a set_iam or restore (their CAS
		 * came first), another claim, or the host's unlink store. Pairs
		 * with gib_gisa_set_iam()'s CAS: one of the two sees the other,
		 * so either set_iam returns -EBUSY or we see its IAM.
		 */
		seen = gib_pf_cmpxchg64(&gisa->word, raw, gib_pf_cpu_to_be64(nw));
		if (seen == raw)
			return true;
		raw = seen;
	}
}

/*
 * Step 3, link: put the claimed @gisa at the head of the alert list.
 * Returns the origin it replaced (memory order).
 */
static uint32_t link_gisa(struct gib_gisa *gisa, struct gib_block *gib, uint32_t old)
{
	uint32_t self_be = gib_pf_cpu_to_be32(gib_gisa_maddr(gisa));

	for (;;) {
		/*
		 * Fully ordered on success: our next_alert store (by the claim
		 * or below) is visible before the origin points at us. Pairs
		 * with the host's fully ordered xchg of the origin, after which
		 * it reads our link.
		 */
		uint32_t seen = gib_pf_cmpxchg32(&gib->alert_list_origin, old, self_be);

		if (seen == old)
			return old;
		old = seen;
		/*
		 * Once-store of the link alone: we own it since the claim, and
		 * every CAS on the doubleword re-reads it, so none can write an
		 * older link back over this one.
		 */
		gib_pf_store32(&gisa->next_alert, old);
	}
}

/* Step 3. Returns true if a GAL interruption must be raised. */
static bool alert(struct gib_us_machine *m, struct gib_gisa *gisa, uint8_t mask,
		  struct gib_us_ai_result *res)
{
	/* Acquire: pairs with the release in gib_pf_set_gib(); the GIB is set up. */
	uint32_t gib_maddr = __atomic_load_n(&m->gib_maddr, __ATOMIC_ACQUIRE);
	struct gib_block *gib;
	gib_us_claim_hook hook;
	uint32_t origin;

	if (!gib_maddr) {
		res->outcome = GIB_US_AI_PENDING;	/* no GIB: nowhere to alert */
		return false;
	}
	gib = gib_pf_maddr_to_virt(gib_maddr);
	if (!claim(gisa, gib, mask, &origin, res))
		return false;
	hook = __atomic_load_n(&m->claim_hook, __ATOMIC_ACQUIRE);
	if (hook)
		hook(m, gisa, m->claim_hook_priv);
	origin = link_gisa(gisa, gib, origin);
	res->old_origin = gib_pf_be32_to_cpu(origin);
	GIB_US_COUNT(m, linked);
	if (res->old_origin == GIB_NULL_GISA_ADDR) {
		res->outcome = GIB_US_AI_LINKED_GAL;
		return true;
	}
	res->outcome = GIB_US_AI_LINKED;
	return false;
}

int gib_us_machine_raise_ai(struct gib_us_machine *m, struct gib_guest *gi, unsigned int gisc,
			    struct gib_us_ai_result *res)
{
	struct gib_us_ai_result r = { .outcome = GIB_US_AI_PENDING };
	struct gib_gisa *gisa;
	uint8_t mask;
	bool gal = false;
	int rc = 0;

	if (!m || !gi || !gi->host || gi->host->pf.machine != m)
		return -EINVAL;
	/* The GISA and the GIB stay allocated until we leave (gib_pf_free31()). */
	gib_us_read_lock();
	gisa = gib_guest_gisa(gi);
	if (!gisa) {
		rc = -ENODEV;
		goto out;
	}
	if (gisc > GIB_MAX_ISC) {
		rc = -ERANGE;
		goto out;
	}
	GIB_US_COUNT(m, ais_raised);
	mask = gib_isc_mask(gisc);

	/*
	 * Step 1: gib_gisa_set_ipm_gisc()'s operation, with the old byte kept
	 * to count coalescing. Fully ordered: the bit is visible before we
	 * look for a vcpu in SIE (step 2) and before the claim reads the word.
	 */
	r.coalesced = gib_pf_fetch_or8(&gisa->ipm, mask) & mask;
	if (r.coalesced)
		GIB_US_COUNT(m, coalesced);

	/* Step 2. */
	r.vcpu = vcpu_in_sie(gi, mask);
	if (r.vcpu) {
		/* Fully ordered tac: exactly one taker per setting of the bit. */
		if (gib_gisa_tac_ipm_gisc(gisa, gisc) == 1) {
			r.outcome = GIB_US_AI_DELIVERED_IN_SIE;
			GIB_US_COUNT(m, delivered_in_sie);
		} else {
			r.outcome = GIB_US_AI_TAKEN_BY_OTHER;
			GIB_US_COUNT(m, taken_by_other);
		}
		goto out;
	}

	/* Step 3. */
	gal = alert(m, gisa, mask, &r);
	if (r.outcome == GIB_US_AI_PENDING)
		GIB_US_COUNT(m, pending);
	else if (r.outcome == GIB_US_AI_TAKEN_BY_OTHER)
		GIB_US_COUNT(m, taken_by_other);
out:
	gib_us_read_unlock();
	if (!rc && res)
		*res = r;
	/*
	 * Outside the reader section: the handler processes the alert list and
	 * may wait for kick-timer callbacks, which must not hold up grace
	 * periods. gib_pf_gal_unregister() is what keeps the host alive here.
	 */
	if (gal)
		gib_us_machine_raise_gal(m);
	return rc;
}
