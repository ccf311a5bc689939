// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * The GISA kick timer and the choice of the one vcpu it wakes.
 */
#include <libgib/kick.h>
#include <libgib/guest.h>
#include <libgib/vcpu.h>

uint64_t gib_gisa_kick_timer_fn(struct gib_pf_timer *t)
{
	struct gib_guest *gi = GIB_CONTAINER_OF(t, struct gib_guest, timer);
	struct gib_host *host = gi->host;
	struct gib_gisa *gisa = gib_guest_gisa(gi);
	int pending;

	/* Destroy cancels the timer before it forgets the GISA. */
	if (!gisa)
		return GIB_PF_TIMER_STOP;
	/*
	 * Never re-arm and stop while the GISA reads as linked: the host
	 * starts this timer before it unlinks the GISA, and an IAM re-armed
	 * in that window lets a new AI find the GISA "linked" and raise no
	 * alert, while nobody is left to kick for it (found by the SPIN
	 * model, verify/). Poll again instead: the unlink is a few steps
	 * away, and the next run decides on an unlinked word.
	 */
	pending = __gib_gisa_get_ipm_or_restore_iam(gisa, &gi->alert.mask, true);
	if (host->trace && host->trace->kick_timer)
		host->trace->kick_timer(host->trace_priv, gi, pending);
	if (pending == 0)
		return GIB_PF_TIMER_STOP;	/* IAM re-armed: the next AI alerts */
	if (pending > 0)
		gib_kick_one_vcpu(gi, (uint8_t)pending);
	return GIB_PF_READ_ONCE(gi->expires);
}

int gib_kick_one_vcpu(struct gib_guest *gi, uint8_t deliverable)
{
	struct gib_host *host;
	unsigned int online, base;

	if (!gi)
		return -EINVAL;
	host = gi->host;
	/* Acquire-by-dependency: vcpus[idx] was written before online grew. */
	online = GIB_PF_READ_ONCE(gi->online_vcpus);
	gib_pf_smp_rmb();
	for (base = 0; base < online; base += GIB_BITS_PER_LONG) {
		/*
		 * One once-load per word, then walk a local copy of it: a
		 * snapshot, as any walk of a changing bitmap is, and no
		 * reload per idle vcpu on the hot path.
		 */
		unsigned long idle = GIB_PF_READ_ONCE(gi->idle_mask[base / GIB_BITS_PER_LONG]);

		for (; idle; idle &= idle - 1) {
			unsigned int idx = base + (unsigned int)__builtin_ctzl(idle);
			struct gib_vcpu *vcpu;
			bool woken;

			if (idx >= online)
				break;
			vcpu = gi->vcpus[idx];
			/*
			 * Match each candidate against all of @deliverable:
			 * narrowing it by one vcpu's CR6 mask would hide ISCs
			 * that a later idle vcpu could take, and nobody would
			 * wake for them.
			 */
			if (!(gib_vcpu_isc_mask(vcpu) & deliverable))
				continue;
			/*
			 * Fully ordered: pairs with the clear in
			 * gib_vcpu_runnable(); a vcpu that cleared its bit
			 * re-checks the IPM after, and we wake it after
			 * setting, so one of the two sees the other.
			 */
			woken = !gib_pf_test_and_set_bit(idx, gi->kicked_mask);
			if (woken)
				gi->ops->wake_vcpu(gi, vcpu);
			if (host->trace && host->trace->kick_vcpu)
				host->trace->kick_vcpu(host->trace_priv, gi, vcpu, woken);
			return woken ? (int)idx : -EALREADY;
		}
	}
	return -ENOENT;
}
