// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * The vcpu side: add, state changes, the runnable and before-wait checks,
 * SIE entry and exit, host delivery from the IPM, and host injection.
 */
#include <libgib/vcpu.h>

int gib_vcpu_add(struct gib_guest *gi, struct gib_vcpu *vcpu, unsigned int id, void *priv)
{
	unsigned int idx;
	uint32_t gd;

	if (!gi || !vcpu)
		return -EINVAL;
	gib_pf_lock(&gi->lock);
	idx = gi->online_vcpus;
	if (idx >= GIB_MAX_VCPUS) {
		gib_pf_unlock(&gi->lock);
		return -ERANGE;
	}
	gd = gib_gisa_designation(gi);
	*vcpu = (struct gib_vcpu){
		.idx = idx,
		.id = id,
		.gd = gd,
		.eca_aiv = gd != 0,
		.gi = gi,
		.priv = priv,
	};
	gi->vcpus[idx] = vcpu;
	/*
	 * Full barrier, then publish the count: lock-free walkers read the
	 * count, then (after a read barrier) vcpus[idx].
	 */
	gib_pf_smp_mb();
	GIB_PF_WRITE_ONCE(gi->online_vcpus, idx + 1);
	gib_pf_unlock(&gi->lock);
	return (int)idx;
}

int gib_vcpu_remove_all(struct gib_guest *gi)
{
	unsigned int i;

	if (!gi)
		return -EINVAL;
	gib_pf_lock(&gi->lock);
	/* Unpublish: a walk that starts from now on sees no vcpu. */
	GIB_PF_WRITE_ONCE(gi->online_vcpus, 0);
	gib_pf_unlock(&gi->lock);
	/*
	 * Then wait for the walks that read the old count: a kick-timer run
	 * (the cancel waits for it; a run that the alert list starts later
	 * reads 0) and every reader section (gib_pf_synchronize()). Neither
	 * under gi->lock: both may wait.
	 */
	gib_pf_timer_cancel(&gi->timer);
	gib_pf_synchronize();
	for (i = 0; i < GIB_VCPU_MASK_LONGS; i++) {
		GIB_PF_WRITE_ONCE(gi->idle_mask[i], 0);
		GIB_PF_WRITE_ONCE(gi->kicked_mask[i], 0);
	}
	for (i = 0; i < GIB_MAX_VCPUS; i++)
		gi->vcpus[i] = NULL;
	return 0;
}

void gib_vcpu_set_cr6(struct gib_vcpu *vcpu, uint64_t cr6)
{
	GIB_PF_WRITE_ONCE(vcpu->cr6, cr6);
}

void gib_vcpu_set_io_enabled(struct gib_vcpu *vcpu, bool enabled)
{
	GIB_PF_WRITE_ONCE(vcpu->io_enabled, enabled);
}

void gib_vcpu_set_stopped(struct gib_vcpu *vcpu, bool stopped)
{
	GIB_PF_WRITE_ONCE(vcpu->stopped, stopped);
}

bool gib_vcpu_runnable(struct gib_vcpu *vcpu)
{
	struct gib_guest *gi = vcpu->gi;
	struct gib_gisa *gisa;

	/*
	 * Clear "kicked" on every re-check, fully ordered before the IPM read
	 * below. Pairs with the test_and_set in gib_kick_one_vcpu(): a kicker
	 * that still saw the bit set read an IPM this re-check will see.
	 */
	gib_pf_test_and_clear_bit(vcpu->idx, gi->kicked_mask);
	gisa = gib_guest_gisa(gi);
	if (!gisa)
		return false;
	return (gib_pf_load8(&gisa->ipm) & gib_vcpu_isc_mask(vcpu)) != 0;
}

int gib_vcpu_prepare_wait(struct gib_vcpu *vcpu)
{
	struct gib_guest *gi;
	struct gib_gisa *gisa;
	int pending;

	if (!vcpu)
		return -EINVAL;
	gi = vcpu->gi;
	if (gib_vcpu_runnable(vcpu))
		return 1;
	if (!GIB_PF_READ_ONCE(vcpu->io_enabled))
		return -EOPNOTSUPP;	/* disabled wait */
	gisa = gib_guest_gisa(gi);
	if (gisa) {
		pending = gib_gisa_get_ipm_or_restore_iam(gisa, &gi->alert.mask);
		if (pending > 0 && (pending & gib_cr6_isc_mask(GIB_PF_READ_ONCE(vcpu->cr6))))
			return 1;
	}
	GIB_PF_WRITE_ONCE(gi->last_sleep_cpu, vcpu->idx);
	gib_pf_set_bit(vcpu->idx, gi->idle_mask);
	/*
	 * Idle bit before the caller's last runnable check: pairs with the
	 * kick timer, which sets IPM-derived pending before walking the idle
	 * mask; a kick the walk misses is retried one period later.
	 */
	gib_pf_smp_mb();
	return 0;
}

void gib_vcpu_end_wait(struct gib_vcpu *vcpu)
{
	/* Unordered: a stale idle bit costs one spare wake-up, never a lost one. */
	gib_pf_clear_bit(vcpu->idx, vcpu->gi->idle_mask);
}

void gib_vcpu_enter_sie(struct gib_vcpu *vcpu)
{
	/* Fully ordered clear: the vcpu is about to look at the IPM anyway. */
	gib_pf_test_and_clear_bit(vcpu->idx, vcpu->gi->kicked_mask);
	GIB_PF_WRITE_ONCE(vcpu->in_sie, 1);
	/*
	 * Dekker with the machine: it sets the IPM bit (fully ordered), then
	 * looks for a vcpu in SIE; we mark ourselves in SIE, then the caller's
	 * gib_vcpu_take_ai() reads the IPM. One of the two sees the other.
	 */
	gib_pf_smp_mb();
}

void gib_vcpu_exit_sie(struct gib_vcpu *vcpu)
{
	/* Full barrier first: deliveries taken in SIE complete before we leave. */
	gib_pf_smp_mb();
	GIB_PF_WRITE_ONCE(vcpu->in_sie, 0);
}

int gib_vcpu_take_ai(struct gib_vcpu *vcpu, uint32_t *ai_word)
{
	struct gib_gisa *gisa;
	uint8_t enabled, deliverable;
	int isc;

	if (!vcpu)
		return -EINVAL;
	gisa = gib_guest_gisa(vcpu->gi);
	if (!gisa)
		return -ENODEV;
	enabled = gib_vcpu_isc_mask(vcpu);
	for (;;) {
		deliverable = gib_pf_load8(&gisa->ipm) & enabled;
		if (!deliverable)
			return -ENOENT;
		isc = gib_isc_lowest(deliverable);
		/* Fully ordered test-and-clear: one taker per setting of the bit. */
		if (gib_gisa_tac_ipm_gisc(gisa, (unsigned int)isc) == 1)
			break;
		/* Another vcpu or the machine took it first: look again. */
	}
	if (ai_word)
		*ai_word = gib_ai_word((unsigned int)isc);
	return isc;
}

int gib_inject_ai(struct gib_guest *gi, unsigned int gisc)
{
	return gib_inject_ai_report(gi, gisc, NULL);
}

int gib_inject_ai_report(struct gib_guest *gi, unsigned int gisc, bool *coalesced)
{
	struct gib_gisa *gisa;
	int idx, was_set;

	if (!gi)
		return -EINVAL;
	gisa = gib_guest_gisa(gi);
	if (!gisa)
		return -ENODEV;
	if (gisc > GIB_MAX_ISC)
		return -ERANGE;
	/* Fully ordered: the bit is set before the chosen vcpu is woken. */
	was_set = gib_gisa_test_and_set_ipm_gisc(gisa, gisc);
	if (coalesced)
		*coalesced = was_set > 0;
	idx = gib_find_vcpu_for_floating_irq(gi);
	if (idx < 0)
		return idx;
	gi->ops->wake_vcpu(gi, gi->vcpus[idx]);
	return idx;
}
