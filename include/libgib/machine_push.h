/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/**
 * DOC: a software machine's push: claim a GISA, then link it
 *
 * The hardware links an alerted GISA in one interlocked step; a software
 * machine cannot, so step 3 of spec section 4 is a *claim* and a *link*.
 * This header is the one implementation of the two for every software
 * machine: the user-space machine model (platform/userspace), the kernel's
 * software machine (platform/linux-kernel/swmachine.c) and the benchmark
 * use it, and the SPIN model (verify/gib.pml, Pusher) re-tells it. It uses
 * only contract operations, so each backend builds it as it is.
 *
 * - The claim reads the origin and the word again on every retry, and never
 *   claims with an origin naming the GISA itself: a stale origin (read
 *   before a cut took the GISA off the list, then unlinked and re-armed it)
 *   would store next_alert == self, a GISA linked to itself once it is
 *   linked (verify/ run prefix-origin-once-self-link).
 * - The claim is one CAS on the GISA's first doubleword: IAM := 0 and
 *   next_alert := the origin just read, only if the IAM still has the ISC
 *   and next_alert is still the GISA's own address. From then on the GISA
 *   reads as linked to everybody: gib_gisa_set_iam() returns -EBUSY and
 *   other pushers give up, so nobody can re-arm it or link it a second time
 *   while it is half linked. The claimant alone owns the link word until
 *   the host that cuts the GISA off the list writes it back.
 * - The link is a CAS loop on the origin, old -> our address, storing
 *   next_alert := old before each retry. Only this CAS changes the origin
 *   on the machine's side, so exactly one pusher replaces each NULL the
 *   host stores: one GAL interruption per NULL -> GISA transition.
 *
 * Between the two the GISA is in no list yet: a host cut cannot see it, and
 * gib_gisa_destroy() retries until the link lands and a cut unlinks it.
 * They are inline so that a benchmark (bench/push.c) measures this very
 * code. The caller stays in a reader section of the backend (the GISA must
 * not be freed meanwhile) and keeps claim to link short: gib_gisa_destroy()
 * spins while a GISA is claimed and not yet linked.
 */
#ifndef LIBGIB_MACHINE_PUSH_H
#define LIBGIB_MACHINE_PUSH_H

#include <libgib/gib.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * enum gib_machine_claim_result - what a claim found
 * @GIB_MACHINE_CLAIMED: the GISA is ours to link
 * @GIB_MACHINE_CLAIM_NOT_ARMED: the IAM lacks the ISC, or the GISA is linked
 * @GIB_MACHINE_CLAIM_TAKEN: the IPM bit was taken since it was set: nothing
 *                           to alert for
 */
enum gib_machine_claim_result {
	GIB_MACHINE_CLAIMED = 0,
	GIB_MACHINE_CLAIM_NOT_ARMED = 1,
	GIB_MACHINE_CLAIM_TAKEN = 2,
};

/**
 * gib_machine_claim() - step 3a: take the right to link @gisa
 * @gisa: the GISA
 * @gib: the GIB whose list it joins
 * @mask: the ISC's mask bit
 * @origin: receives the origin (memory order) the claim wrote into next_alert
 *
 * Return: the enum gib_machine_claim_result outcome.
 */
static inline enum gib_machine_claim_result
gib_machine_claim(struct gib_gisa *gisa, const struct gib_block *gib, uint8_t mask,
		  uint32_t *origin)
{
	uint32_t self = gib_gisa_maddr(gisa);
	uint64_t raw = gib_pf_load64(&gisa->word);

	for (;;) {
		uint64_t w = gib_pf_be64_to_cpu(raw), nw, seen;

		if (!(w & mask) || (uint32_t)(w >> 32) != self)
			return GIB_MACHINE_CLAIM_NOT_ARMED;	/* alerted, not re-armed; or linked */
		if (!((w >> GIB_GISA_W_IPM_SHIFT) & mask))
			return GIB_MACHINE_CLAIM_TAKEN;
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
			return GIB_MACHINE_CLAIMED;
		raw = seen;
	}
}

/**
 * gib_machine_link() - step 3b: put the claimed @gisa at the head of the list
 * @gisa: the GISA, claimed by gib_machine_claim()
 * @gib: the GIB
 * @old: the origin the claim wrote into next_alert (memory order)
 *
 * Return: the origin it replaced (memory order); %GIB_NULL_GISA_ADDR means
 * the caller raises one GAL interruption.
 */
static inline uint32_t gib_machine_link(struct gib_gisa *gisa, struct gib_block *gib, uint32_t old)
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

#ifdef __cplusplus
}
#endif

#endif /* LIBGIB_MACHINE_PUSH_H */
