// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * The machine's side of an adapter interruption (spec section 4), lock-free.
 *
 * Step 3's claim and link, and the lock-free argument for them, are in
 * <libgib/machine_push.h>.
 */
#include "machine_internal.h"
#include <libgib-us/rcu.h>
#include <libgib/machine_push.h>

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
	switch (gib_machine_claim(gisa, gib, mask, &origin)) {
	case GIB_MACHINE_CLAIM_NOT_ARMED:
		res->outcome = GIB_US_AI_PENDING;
		return false;
	case GIB_MACHINE_CLAIM_TAKEN:
		res->outcome = GIB_US_AI_TAKEN_BY_OTHER;
		return false;
	case GIB_MACHINE_CLAIMED:
		break;
	}
	hook = __atomic_load_n(&m->claim_hook, __ATOMIC_ACQUIRE);
	if (hook)
		hook(m, gisa, m->claim_hook_priv);
	origin = gib_machine_link(gisa, gib, origin);
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
