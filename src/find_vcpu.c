// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Choosing a vcpu for an interrupt the host made pending itself, by either
 * of the two policies Linux has used.
 */
#include <libgib/vcpu.h>

static bool vcpu_stopped(const struct gib_guest *gi, unsigned int idx)
{
	return GIB_PF_READ_ONCE(gi->vcpus[idx]->stopped);
}

/* First idle vcpu, else round robin over the vcpus that are not stopped. */
static int find_idle_first(struct gib_guest *gi, unsigned int online)
{
	unsigned int idx, tries;

	idx = gib_pf_find_next_bit(gi->idle_mask, online, 0);
	if (idx < online)
		return (int)idx;
	for (tries = 0; tries < online; tries++) {
		/*
		 * Once accesses: concurrent callers may pick the same vcpu,
		 * as in Linux; a lost cursor update only changes who is tried.
		 */
		idx = GIB_PF_READ_ONCE(gi->next_rr_cpu) % online;
		GIB_PF_WRITE_ONCE(gi->next_rr_cpu, (idx + 1) % online);
		if (!vcpu_stopped(gi, idx))
			return (int)idx;
	}
	return -ENODEV;	/* all stopped */
}

/* The last vcpu to go to enabled wait, else the next one not stopped. */
static int find_last_sleeper(struct gib_guest *gi, unsigned int online)
{
	unsigned int idx = GIB_PF_READ_ONCE(gi->last_sleep_cpu) % online;
	unsigned int probes;

	for (probes = 0; probes <= online; probes++) {
		if (!vcpu_stopped(gi, idx))
			return (int)idx;
		idx = (idx + 1) % online;
	}
	return -ENODEV;
}

int gib_find_vcpu_for_floating_irq(struct gib_guest *gi)
{
	unsigned int online;

	if (!gi)
		return -EINVAL;
	online = GIB_PF_READ_ONCE(gi->online_vcpus);
	/* Pairs with the barrier in gib_vcpu_add() before the count grew. */
	gib_pf_smp_rmb();
	if (!online)
		return -ENODEV;
	if (GIB_PF_READ_ONCE(gi->float_policy) == GIB_FLOAT_LAST_SLEEPER)
		return find_last_sleeper(gi, online);
	return find_idle_first(gi, online);
}
