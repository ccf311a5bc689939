/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * Shared by the checker's scenarios and driver: the scenario table and the
 * machine's claim, the library's or (for the prefix run that finds defect 2
 * of issue 11) the old rule of the kernel's software machine.
 */
#ifndef GIB_CHECK_SCENARIOS_H
#define GIB_CHECK_SCENARIOS_H

#include <gib_check.h>
#include <libgib/machine_push.h>

/* NULL-terminated. */
extern const struct gib_ck_scenario ck_scenarios[];

/* Set by the driver: claim by the old rule (origin read once, no self check). */
extern bool ck_old_claim;

/*
 * The claim of platform/linux-kernel/swmachine.c before issue 11: the
 * origin is read once, before the CAS loop, and never compared with the
 * GISA's own address. Kept here only to show that the checker finds what
 * it does (a GISA linked to itself); the machines use gib_machine_claim().
 */
static inline enum gib_machine_claim_result
ck_claim_origin_once(struct gib_gisa *gisa, const struct gib_block *gib, uint8_t mask,
		     uint32_t *origin)
{
	uint32_t self = gib_gisa_maddr(gisa);
	uint64_t raw, w, nw, seen;

	*origin = gib_pf_load32(&gib->alert_list_origin);
	raw = gib_pf_load64(&gisa->word);
	for (;;) {
		w = gib_pf_be64_to_cpu(raw);
		if (!(w & GIB_GISA_W_IAM & mask) || (uint32_t)(w >> 32) != self)
			return GIB_MACHINE_CLAIM_NOT_ARMED;
		nw = (uint64_t)gib_pf_be32_to_cpu(*origin) << 32 | (w & 0xffffff00ull);
		seen = gib_pf_cmpxchg64(&gisa->word, raw, gib_pf_cpu_to_be64(nw));
		if (seen == raw)
			return GIB_MACHINE_CLAIMED;
		raw = seen;
	}
}

/* The machine's claim: the library's, or the old rule. */
static inline enum gib_machine_claim_result
ck_claim(struct gib_gisa *gisa, const struct gib_block *gib, uint8_t mask, uint32_t *origin)
{
	if (ck_old_claim)
		return ck_claim_origin_once(gisa, gib, mask, origin);
	return gib_machine_claim(gisa, gib, mask, origin);
}

#endif /* GIB_CHECK_SCENARIOS_H */
