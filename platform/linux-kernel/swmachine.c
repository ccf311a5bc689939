// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * The software machine: what the z/Architecture machine does when an adapter
 * interruption becomes pending for a guest (spec section 4), in kernel C.
 * It stands in for the real machine on x86 and on s390 without the AIV
 * facility (QEMU's TCG has neither SIE nor AIV), so that the core above it
 * runs unchanged: the same GISA and GIB bytes, the same alert list, and a
 * GAL interruption that arrives in hard-interrupt context.
 */
#include <linux/kernel.h>
#include <linux/export.h>
#include <linux/preempt.h>
#include <linux/rcupdate.h>
#include <linux/irq_work.h>

#include <gib_kernel.h>
#include <libgib/machine_push.h>
#include "swmachine.h"

/* The GAL interruption: runs the core's handler in hard-irq context. */
static void gib_soft_gal_fn(struct irq_work *work)
{
	struct gib_pf_host *pf = container_of(work, struct gib_pf_host, gal_work);
	struct gib_host *host = container_of(pf, struct gib_host, pf);

	atomic_long_inc(&pf->gal_taken);	/* statistics, unordered */
	gib_gal_interrupt(host);
}

int gib_soft_gal_register(struct gib_host *host, u8 nisc)
{
	if (host->pf.soft_flags & GIB_SOFT_FAIL_GAL)
		return -EIO;
	/* Hard irq even on PREEMPT_RT: the real GAL is an I/O interruption. */
	host->pf.gal_work = IRQ_WORK_INIT_HARD(gib_soft_gal_fn);
	return 0;
}

void gib_soft_gal_unregister(struct gib_host *host)
{
	/* No GAL handler of @host runs after this (contract). */
	irq_work_sync(&host->pf.gal_work);
}

int gib_soft_set_gib(struct gib_host *host, u32 gib_maddr)
{
	if (gib_maddr && (host->pf.soft_flags & GIB_SOFT_FAIL_SET_GIB))
		return -EIO;
	return 0;
}

/*
 * Step 3: alert. The claim and the link are the one implementation every
 * software machine shares (<libgib/machine_push.h>), so that the SPIN model,
 * the user-space machine and this one run the same code.
 */
static void gib_soft_alert(struct gib_host *host, struct gib_gisa *gisa,
			   u8 mask, struct gib_soft_ai *res)
{
	/* Once: published by gib_init() after "set GIB". */
	struct gib_block *gib = READ_ONCE(host->gib);
	u32 origin;

	if (!gib)
		return;
	/*
	 * Between claim and link the GISA is "in the list" for
	 * gib_gisa_set_iam() but not yet reachable from the origin, so
	 * gib_gisa_destroy() spins processing the list: keep the window
	 * short and never preempted (the real machine does it in one go).
	 */
	preempt_disable();
	if (gib_machine_claim(gisa, gib, mask, &origin) != GIB_MACHINE_CLAIMED)
		goto out;	/* not armed, linked already, or taken meanwhile */
	res->linked = true;
	origin = gib_machine_link(gisa, gib, origin);
	atomic_long_inc(&host->pf.linked);	/* statistics, unordered */
	if (gib_pf_be32_to_cpu(origin) == GIB_NULL_GISA_ADDR) {
		res->gal = true;
		atomic_long_inc(&host->pf.gal_raised);	/* statistics */
		/*
		 * A pending GAL absorbs this one, as on the machine. The
		 * handler's xchg() of the origin is fully ordered after our
		 * link CAS, whichever CPU it runs on.
		 */
		irq_work_queue(&host->pf.gal_work);
	}
out:
	preempt_enable();
}

int gib_soft_raise_ai(struct gib_guest *gi, unsigned int isc,
		      struct gib_soft_ai *res)
{
	struct gib_soft_ai dummy;
	struct gib_gisa *gisa;
	unsigned int online, i;
	int rc = 0;
	u8 mask;

	if (!res)
		res = &dummy;
	*res = (struct gib_soft_ai){ .vcpu = -1 };
	if (!gi)
		return -EINVAL;
	if (isc > GIB_MAX_ISC)
		return -ERANGE;
	if (gi->host->pf.machine != GIB_PF_MACHINE_SOFT)
		return -EOPNOTSUPP;
	mask = gib_isc_mask(isc);

	/* The GISA's memory is freed through RCU (gib_pf_free31()). */
	rcu_read_lock();
	gisa = gib_guest_gisa(gi);
	if (!gisa) {
		rc = -ENODEV;
		goto out;
	}
	/*
	 * Step 1, fully ordered: pairs with the full barrier of
	 * gib_vcpu_enter_sie(). Either we see the vcpu in SIE below, or its
	 * gib_vcpu_take_ai() sees this bit.
	 */
	res->merged = gib_pf_fetch_or8(&gisa->ipm, mask) & mask;

	/* Step 2: a vcpu in SIE that enables the ISC takes it. */
	online = READ_ONCE(gi->online_vcpus);
	/* vcpus[] were written before the count was published. */
	smp_rmb();
	for (i = 0; i < online; i++) {
		struct gib_vcpu *vcpu = READ_ONCE(gi->vcpus[i]);

		/* Once, after the fully ordered IPM update above. */
		if (!READ_ONCE(vcpu->in_sie) ||
		    !(gib_vcpu_isc_mask(vcpu) & mask))
			continue;
		/* Fully ordered test-and-clear: one taker per setting. */
		if (gib_gisa_tac_ipm_gisc(gisa, isc) == 1)
			res->vcpu = (int)i;
		/* Else someone took it meanwhile: it was delivered. */
		goto out;
	}

	/* Step 3: alert the host if the IAM enables the ISC. */
	gib_soft_alert(gi->host, gisa, mask, res);
out:
	rcu_read_unlock();
	return rc;
}
EXPORT_SYMBOL_GPL(gib_soft_raise_ai);
