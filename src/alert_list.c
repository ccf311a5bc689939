// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Processing the GIB alert list: the two-phase cut.
 *
 * The machine links alerted GISAs at the head of the list. While the origin
 * is NULL the first link raises a GAL interruption; while it is NONE (or a
 * GISA) links raise none. The host therefore cuts with NONE first, so that
 * the machine does not raise a GAL storm while the host works, and stores
 * NULL again only on a pass whose predecessor's cut ended in NONE: every GISA
 * of such a cut came while the host held the list, so nothing can be
 * stranded by re-enabling, and the loop cannot run for as long as alerts keep
 * arriving (NONE, NONE, NULL: three passes at most from a GAL while one CPU
 * processes; a NULL stored by another processing CPU can add one).
 *
 * A host set up with %GIB_CUT_V2 cuts as the series' v2 did instead: one
 * compare-and-swap loop to NULL, one walk (docs/seed.md). It strands nothing
 * either (any later link sees NULL and raises a GAL interruption), but a
 * GISA linked while the host still walks lands on NULL and raises a GAL
 * interruption of its own, where the two-phase cut holds NONE.
 */
#include <libgib/gib.h>
#include <libgib/guest.h>

/*
 * Unlink one cut-off GISA and schedule its guest's kick. Returns the next
 * value of the cut (a GISA address or the terminating marker).
 */
static uint32_t unlink_gisa(struct gib_host *host, uint32_t maddr)
{
	struct gib_gisa *gisa = gib_pf_maddr_to_virt(maddr);
	struct gib_guest *gi;
	uint32_t next;

	/* The owner finds its own GISAs; libgib's carry their guest behind. */
	if (host->gisa_owner)
		gi = host->gisa_owner(host, gisa);
	else
		gi = GIB_CONTAINER_OF(gisa, struct gib_gisa_page, gisa)->gi;

	/*
	 * Only this CPU owns the link of a cut-off GISA: the machine links only
	 * GISAs whose link is their own address, and this one's is not.
	 */
	next = gib_pf_be32_to_cpu(gib_pf_load32(&gisa->next_alert));
	/*
	 * Kick before unlinking: gib_gisa_destroy() waits for the unlink (its
	 * set_iam(0) succeeds only afterwards) and then cancels the timer, so
	 * the timer we start here is never started on a guest being freed.
	 */
	gib_gisa_kick(gi);
	if (host->trace && host->trace->unlink)
		host->trace->unlink(host->trace_priv, gi);
	/*
	 * Release: the kick above happens before anyone sees the GISA out of
	 * the list. Pairs with the fully ordered CAS in gib_gisa_set_iam()
	 * (destroy) and the machine's claim CAS, which re-read the link.
	 */
	gib_pf_store_release32(&gisa->next_alert, gib_pf_cpu_to_be32(maddr));
	return next;
}

/*
 * The v2 series' unlink_gib_alert_list() (patch 06): take the whole list,
 * leaving NULL, with a compare-and-swap loop. Returns the cut (CPU order).
 */
static uint32_t unlink_alert_list_v2(struct gib_host *host, struct gib_block *gib)
{
	/*
	 * Once-load: only a guess for the CAS below, which validates it; a
	 * stale value costs one retry, never a wrong cut.
	 */
	uint32_t old = gib_pf_load32(&gib->alert_list_origin);

	for (;;) {
		uint32_t seen;

		if (host->trace && host->trace->cut_cas)
			host->trace->cut_cas(host->trace_priv, host, gib_pf_be32_to_cpu(old));
		/*
		 * Fully ordered CAS, like the two-phase exchange: on success
		 * every GISA of the old list was linked by a fully ordered
		 * origin CAS of the machine, so its link word is visible here,
		 * and the list is ours alone. On failure a machine link or
		 * another CPU's cut landed since the read: retry with the
		 * value it left.
		 */
		seen = gib_pf_cmpxchg32(&gib->alert_list_origin, old,
					gib_pf_cpu_to_be32(GIB_NULL_GISA_ADDR));
		if (seen == old)
			return gib_pf_be32_to_cpu(old);
		old = seen;
	}
}

/*
 * The v2 series' process_gib_alert_list() (patch 09): walk what the cut
 * took. One pass: the origin is NULL already, so a GISA linked meanwhile
 * raises its own GAL interruption and is processed by that.
 */
static int process_v2_cut(struct gib_host *host, struct gib_block *gib)
{
	uint32_t value = unlink_alert_list_v2(host, gib);
	unsigned int nr = 0;

	if (host->trace && host->trace->cut)
		host->trace->cut(host->trace_priv, host, 1, value, true);
	while (value & GIB_GISA_ADDR_MASK) {
		value = unlink_gisa(host, value);
		nr++;
	}
	if (host->trace && host->trace->cut_done)
		host->trace->cut_done(host->trace_priv, host, 1, nr, value);
	return (int)nr;
}

int gib_process_alert_list(struct gib_host *host)
{
	struct gib_block *gib;
	unsigned int pass = 0;
	unsigned long flags;
	bool final = false;
	int total = 0;

	if (!host)
		return -EINVAL;
	gib = GIB_PF_READ_ONCE(host->gib);
	if (!gib)
		return -ENODEV;
	if (host->cut_policy == GIB_CUT_V2)
		return process_v2_cut(host, gib);

	/*
	 * Not preempted while we hold a cut (the origin reads NONE): a caller
	 * in process context (gib_gisa_destroy()) must not be kept from
	 * unlinking by a task that spins for a GISA of its cut, e.g. another
	 * guest's destroy (SPIN run prefix-live-destroy-preempted-cutter).
	 */
	flags = gib_pf_irq_save();
	for (;;) {
		uint32_t store = final ? GIB_NULL_GISA_ADDR : GIB_NONE_GISA_ADDR;
		uint32_t value;
		unsigned int nr = 0;

		pass++;
		/*
		 * Fully ordered exchange: every GISA in the old list was linked
		 * by a successful (fully ordered) origin CAS of the machine, so
		 * its link word is visible here. Each exchange hands a GISA to
		 * exactly one caller, so several CPUs may process at once.
		 */
		value = gib_pf_be32_to_cpu(gib_pf_xchg32(&gib->alert_list_origin,
							 gib_pf_cpu_to_be32(store)));
		if (host->trace && host->trace->cut)
			host->trace->cut(host->trace_priv, host, pass, value, final);
		while (value & GIB_GISA_ADDR_MASK) {
			value = unlink_gisa(host, value);
			nr++;
		}
		total += (int)nr;
		if (host->trace && host->trace->cut_done)
			host->trace->cut_done(host->trace_priv, host, pass, nr, value);
		if (final)
			break;
		/* A cut ending in NONE came wholly while we held the list. */
		final = value & GIB_NONE_GISA_ADDR;
	}
	gib_pf_irq_restore(flags);
	return total;
}

void gib_gal_interrupt(struct gib_host *host)
{
	gib_process_alert_list(host);
}
