/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/**
 * DOC: GISA layout and its first-doubleword operations
 *
 * The GISA is shared with the machine: 32 bytes, big-endian, at least 8-byte
 * aligned, at a machine address below 2 GiB. Its first doubleword holds the
 * alert-list link, the pending mask and the alert mask; read as one
 * big-endian 64-bit value ``w``: ``next_alert = w >> 32``,
 * ``IPM = (w >> 24) & 0xff``, ``IAM = w & 0xff``.
 *
 * A GISA whose next_alert holds its own machine address is not in the alert
 * list. The machine links it (and clears the whole IAM) in one interlocked
 * step; only the host that cut it off the list writes the link back.
 *
 * Concurrency table (first doubleword; "ok" means safe without a lock):
 *
 * ====================  ======  ========  ========  =======  ========
 * against ->            push    set_ipm   tac_ipm   set_iam  restore
 * ====================  ======  ========  ========  =======  ========
 * machine push          ok      ok        ok        ok       ok
 * gib_gisa_set_ipm_gisc ok      ok        ok        ok       ok
 * gib_gisa_tac_ipm_gisc ok      ok        ok        ok       ok
 * gib_gisa_set_iam      ok      ok        ok        lock(1)  ok
 * get_ipm_or_restore    ok      ok        ok        ok       ok
 * unlink (plain store)  cutter  ok(2)     ok(2)     ok(2)    ok(2)
 * ====================  ======  ========  ========  =======  ========
 *
 * (1) callers serialise set_iam with the guest's GISC lock so that the last
 *     alert mask wins; the operation itself is atomic either way.
 * (2) the unlink stores only the 4 link bytes; every CAS on the doubleword
 *     re-reads it, so no CAS can write an old link back (a CAS that read the
 *     old link fails). Only the host that cut the GISA off the list unlinks.
 *
 * Every operation here is lock-free; none waits for another CPU.
 */
#ifndef LIBGIB_GISA_H
#define LIBGIB_GISA_H

#include <libgib/platform.h>
#include <libgib/isc.h>

#ifdef __cplusplus
extern "C" {
#endif

/** GIB_GISA_SIZE - bytes of a GISA */
#define GIB_GISA_SIZE 32
/** GIB_GISA_ADDR_MASK - origin bits that make a value a GISA, not a marker */
#define GIB_GISA_ADDR_MASK 0xfffff000u
/** GIB_GISA_BIT_G - the ``g`` bit of a GISA's bits byte */
#define GIB_GISA_BIT_G 0x02
/** GIB_GISA_BIT_C - the ``c`` bit of a GISA's bits byte */
#define GIB_GISA_BIT_C 0x01

/**
 * enum gib_gisa_format - GISA formats
 * @GIB_GISA_FORMAT0: the basic format
 * @GIB_GISA_FORMAT1: adds adapter-interruption suppression (zPCI), chosen
 *                    whenever the machine has the GISA-format-1 facility
 */
enum gib_gisa_format {
	GIB_GISA_FORMAT0 = 0,
	GIB_GISA_FORMAT1 = 1,
};

/**
 * struct gib_gisa - Guest Interruption State Area, as the machine sees it
 * @word: the first doubleword, big-endian; change it only through the
 *        operations below
 * @next_alert: big-endian machine address of the next GISA in the alert list,
 *              or the GISA's own address when it is not in the list
 * @ipm: interruption pending mask
 * @simm: format 1: suppression mode mask
 * @f0_res5: format 0: reserved
 * @nimm: format 1: no-interruption mode mask
 * @f0_bits: format 0: 6 reserved bits, then %GIB_GISA_BIT_G, %GIB_GISA_BIT_C
 * @iam: interruption alert mask
 * @f0: format 0 body (reserved word, big-endian @f0.airq_count at byte 12)
 * @f1: format 1 body (big-endian adapter-interruption source mask @f1.aism at
 *      byte 8, @f1.bits at byte 16, big-endian @f1.airq_count at byte 28)
 *
 * The fields are named for documentation and layout checks; the shared bytes
 * are never C bitfields, and the first doubleword is only ever accessed
 * atomically.
 */
struct gib_gisa {
	union {
		uint64_t word;
		struct {
			uint32_t next_alert;
			uint8_t ipm;
			union {
				uint8_t simm;
				uint8_t f0_res5;
			};
			union {
				uint8_t nimm;
				uint8_t f0_bits;
			};
			uint8_t iam;
		};
	};
	union {
		struct {
			uint32_t res8;
			uint32_t airq_count;
			uint8_t res16[16];
		} f0;
		struct {
			uint64_t aism;
			uint8_t bits;
			uint8_t res17[11];
			uint32_t airq_count;
		} f1;
	};
};

GIB_STATIC_ASSERT(sizeof(struct gib_gisa) == GIB_GISA_SIZE, "GISA is 32 bytes");
GIB_STATIC_ASSERT(__alignof__(struct gib_gisa) >= 8, "GISA is 8-byte aligned");
GIB_STATIC_ASSERT(offsetof(struct gib_gisa, next_alert) == 0, "next_alert at 0");
GIB_STATIC_ASSERT(offsetof(struct gib_gisa, ipm) == 4, "IPM at 4");
GIB_STATIC_ASSERT(offsetof(struct gib_gisa, simm) == 5, "SIMM at 5");
GIB_STATIC_ASSERT(offsetof(struct gib_gisa, nimm) == 6, "NIMM / bits at 6");
GIB_STATIC_ASSERT(offsetof(struct gib_gisa, iam) == 7, "IAM at 7");
GIB_STATIC_ASSERT(offsetof(struct gib_gisa, f0.airq_count) == 12, "f0 airq_count at 12");
GIB_STATIC_ASSERT(offsetof(struct gib_gisa, f1.aism) == 8, "f1 AISM at 8");
GIB_STATIC_ASSERT(offsetof(struct gib_gisa, f1.bits) == 16, "f1 bits at 16");
GIB_STATIC_ASSERT(offsetof(struct gib_gisa, f1.airq_count) == 28, "f1 airq_count at 28");

/** GIB_GISA_W_IPM_SHIFT - IPM position in the CPU-order first doubleword */
#define GIB_GISA_W_IPM_SHIFT 24
/** GIB_GISA_W_IPM - IPM bits of the CPU-order first doubleword */
#define GIB_GISA_W_IPM (0xffull << GIB_GISA_W_IPM_SHIFT)
/** GIB_GISA_W_IAM - IAM bits of the CPU-order first doubleword */
#define GIB_GISA_W_IAM 0xffull

/**
 * gib_gisa_maddr() - the machine address of a GISA
 * @gisa: a GISA set up by gib_gisa_reset()
 *
 * Return: its 31-bit machine address.
 */
static inline uint32_t gib_gisa_maddr(const struct gib_gisa *gisa)
{
	return (uint32_t)gib_pf_virt_to_maddr(gisa);
}

/**
 * gib_gisa_check_addr() - whether the machine can use a GISA at this place
 * @gisa: the GISA's memory
 *
 * Return: 0; -EINVAL if @gisa is NULL, not 8-byte aligned, or at a machine
 * address that would read as an alert-list marker; -ERANGE if its machine
 * address is 2 GiB or above, or the machine cannot address it at all.
 */
static inline int gib_gisa_check_addr(const struct gib_gisa *gisa)
{
	uint64_t maddr;

	if (!gisa)
		return -EINVAL;
	maddr = gib_pf_virt_to_maddr(gisa);
	if (maddr == GIB_PF_NO_MADDR || maddr > 0x7fffffffull)
		return -ERANGE;
	if ((maddr & 7) || !(maddr & GIB_GISA_ADDR_MASK))
		return -EINVAL;
	return 0;
}

/**
 * gib_gisa_load_word() - once-read of the first doubleword in CPU order
 * @gisa: the GISA
 *
 * Return: ``next_alert << 32 | IPM << 24 | mode bytes << 8 | IAM``.
 */
static inline uint64_t gib_gisa_load_word(const struct gib_gisa *gisa)
{
	return gib_pf_be64_to_cpu(gib_pf_load64(&gisa->word));
}

/**
 * gib_gisa_in_alert_list() - whether a GISA is linked into the alert list
 * @gisa: the GISA
 *
 * A once-read: true also while the machine is in the middle of linking it,
 * and until the host that cut it off unlinks it.
 *
 * Return: 1 if linked, 0 if not, -EINVAL if @gisa is NULL.
 */
static inline int gib_gisa_in_alert_list(const struct gib_gisa *gisa)
{
	if (!gisa)
		return -EINVAL;
	/* Compare big-endian forms: no conversion on the hot path. */
	return gib_pf_load32(&gisa->next_alert) != gib_pf_cpu_to_be32(gib_gisa_maddr(gisa));
}

/**
 * gib_gisa_get_ipm() - once-read of the pending mask
 * @gisa: the GISA
 *
 * Return: the IPM (0..255), or -EINVAL if @gisa is NULL.
 */
static inline int gib_gisa_get_ipm(const struct gib_gisa *gisa)
{
	if (!gisa)
		return -EINVAL;
	return gib_pf_load8(&gisa->ipm);
}

/**
 * gib_gisa_get_iam() - once-read of the alert mask
 * @gisa: the GISA
 *
 * Return: the IAM (0..255), or -EINVAL if @gisa is NULL.
 */
static inline int gib_gisa_get_iam(const struct gib_gisa *gisa)
{
	if (!gisa)
		return -EINVAL;
	return gib_pf_load8(&gisa->iam);
}

/**
 * gib_gisa_set_iam() - set the interruption alert mask unless linked
 * @gisa: the GISA
 * @iam: the new alert mask
 *
 * One CAS on the first doubleword, so the IAM changes only while the GISA is
 * verifiably out of the alert list. Fully ordered when it returns 0.
 *
 * Return: 0; -EBUSY if the GISA is in the alert list (left unchanged: the
 * kick path re-arms the IAM later); -EINVAL if @gisa is NULL.
 */
static inline int gib_gisa_set_iam(struct gib_gisa *gisa, uint8_t iam)
{
	uint64_t raw, w, nw;
	uint32_t self;

	if (!gisa)
		return -EINVAL;
	self = gib_gisa_maddr(gisa);
	raw = gib_pf_load64(&gisa->word);
	for (;;) {
		uint64_t seen;

		w = gib_pf_be64_to_cpu(raw);
		if ((uint32_t)(w >> 32) != self)
			return -EBUSY;
		nw = (w & ~GIB_GISA_W_IAM) | iam;
		/*
		 * Fully ordered on success: pairs with the machine's link CAS,
		 * which either saw this IAM or made this CAS fail.
		 */
		seen = gib_pf_cmpxchg64(&gisa->word, raw, gib_pf_cpu_to_be64(nw));
		if (seen == raw)
			return 0;
		raw = seen;
	}
}

/**
 * gib_gisa_clear_ipm() - drop every pending adapter interruption
 * @gisa: the GISA
 *
 * One CAS that clears the IPM byte and keeps link and IAM. Fully ordered.
 *
 * Return: the IPM it cleared (0..255), or -EINVAL if @gisa is NULL.
 */
static inline int gib_gisa_clear_ipm(struct gib_gisa *gisa)
{
	uint64_t raw, w;

	if (!gisa)
		return -EINVAL;
	raw = gib_pf_load64(&gisa->word);
	for (;;) {
		uint64_t seen;

		w = gib_pf_be64_to_cpu(raw);
		/* Fully ordered on success; a stale read only makes it retry. */
		seen = gib_pf_cmpxchg64(&gisa->word, raw,
					gib_pf_cpu_to_be64(w & ~GIB_GISA_W_IPM));
		if (seen == raw)
			return (int)((w & GIB_GISA_W_IPM) >> GIB_GISA_W_IPM_SHIFT);
		raw = seen;
	}
}

/**
 * __gib_gisa_get_ipm_or_restore_iam() - pending alert ISCs, or re-arm the IAM
 * @gisa: the GISA (not NULL)
 * @alert_mask: the guest's alert mask, re-read on every retry
 * @only_unlinked: refuse to re-arm while the GISA is linked or claimed
 *
 * The one decision gib_gisa_get_ipm_or_restore_iam() and the kick timer
 * share, taken on a single read of the first doubleword: pending ISCs, or
 * "linked" (with @only_unlinked), or the IAM re-armed by a CAS on that same
 * word, which fails if an IPM bit, the IAM or the link moved since.
 *
 * The re-arm only adds bits: IAM := IAM | mask, never IAM := mask. A CAS
 * that succeeds proves only that the word holds the value read, not that
 * nobody wrote it meanwhile: a GISC's unregister and register again put
 * back, through their set_iam, exactly the word read (ABA), and writing the
 * mask read in between would clear the re-registered ISC's bit with nobody
 * left to set it (issue 11, defect 1; Linux's gisa_get_ipm_or_restore_iam()
 * has the same shape). An OR cannot clear a bit: the word at the successful
 * CAS equals the word read, so the IAM after it contains the IAM before it,
 * whatever happened in between. Bits are cleared only by gib_gisa_set_iam()
 * under the guest's lock (the last alert mask wins) and by the machine's
 * claim. A bit the OR adds from a mask read before an unregistration is
 * harmless: the device stopped raising AIs on that ISC before it
 * unregistered, and the next claim clears it.
 *
 * Return: the pending alert ISCs (1..255); 0 if the IAM is armed; -EBUSY if
 * @only_unlinked and the word showed the GISA linked (nothing changed).
 */
static inline int __gib_gisa_get_ipm_or_restore_iam(struct gib_gisa *gisa,
						    const uint8_t *alert_mask,
						    bool only_unlinked)
{
	uint64_t raw, w;
	uint8_t mask, pending;

	raw = gib_pf_load64(&gisa->word);
	for (;;) {
		uint64_t seen;

		/*
		 * Read the mask after the word: pairs with the full barrier of
		 * gib_gisa_set_iam()'s CAS in GISC registration, which stores the
		 * mask first. Seeing its IAM means seeing its mask.
		 */
		gib_pf_smp_rmb();
		mask = GIB_PF_READ_ONCE(*alert_mask);
		w = gib_pf_be64_to_cpu(raw);
		pending = (uint8_t)(w >> GIB_GISA_W_IPM_SHIFT) & mask;
		if (pending)
			return pending;
		/* Translate only here: the wait path needs no address. */
		if (only_unlinked && (uint32_t)(w >> 32) != gib_gisa_maddr(gisa))
			return -EBUSY;
		if (!(mask & ~(uint8_t)w))
			return 0;	/* armed already: the read is the linearisation point */
		/*
		 * Fully ordered on success; fails if IPM, IAM or link moved.
		 * OR, never a plain store of the mask: see above.
		 */
		seen = gib_pf_cmpxchg64(&gisa->word, raw, gib_pf_cpu_to_be64(w | mask));
		if (seen == raw)
			return 0;
		raw = seen;
	}
}

/**
 * gib_gisa_get_ipm_or_restore_iam() - pending alert ISCs, or re-arm the IAM
 * @gisa: the GISA
 * @alert_mask: the guest's alert mask; re-read on every retry, so that a
 *              concurrent GISC registration's set_iam is never undone
 *
 * If ``IPM & alert_mask`` is non-zero, returns it and changes nothing.
 * Otherwise adds the alert mask to the IAM (IAM := IAM | alert mask) in the
 * same atomic step that saw the IPM clear of it (a CAS; or only the read, if
 * the IAM holds the mask already). It never clears an IAM bit, so a
 * concurrent unregister and register of one GISC cannot make it undo the
 * register's set_iam (see __gib_gisa_get_ipm_or_restore_iam()); only
 * gib_gisa_set_iam() clears bits. The vcpu wait path uses it; the kick timer
 * uses the variant that does not re-arm a linked GISA (see
 * gib_gisa_kick_timer_fn()).
 *
 * Return: the pending alert ISCs (1..255), 0 if the IAM is armed, -EINVAL if
 * an argument is NULL.
 */
static inline int gib_gisa_get_ipm_or_restore_iam(struct gib_gisa *gisa,
						  const uint8_t *alert_mask)
{
	if (!gisa || !alert_mask)
		return -EINVAL;
	return __gib_gisa_get_ipm_or_restore_iam(gisa, alert_mask, false);
}

/**
 * gib_gisa_test_and_set_ipm_gisc() - make an adapter interruption pending,
 *                                    telling whether it was already
 * @gisa: the GISA
 * @gisc: the guest ISC, 0..7
 *
 * An atomic OR on the IPM byte (never a bit number on the doubleword: on a
 * little-endian host that would land in next_alert). Fully ordered. Raises no
 * alert: a host that injects wakes a vcpu itself.
 *
 * Return: 0 if this call set the bit; 1 if it was set already (the AI
 * coalesced with a pending one); -EINVAL if @gisa is NULL; -ERANGE if
 * @gisc > 7.
 */
static inline int gib_gisa_test_and_set_ipm_gisc(struct gib_gisa *gisa, unsigned int gisc)
{
	if (!gisa)
		return -EINVAL;
	if (gisc > GIB_MAX_ISC)
		return -ERANGE;
	/* Fully ordered: the bit is visible before any wake-up that follows. */
	return !!(gib_pf_fetch_or8(&gisa->ipm, gib_isc_mask(gisc)) & gib_isc_mask(gisc));
}

/**
 * gib_gisa_set_ipm_gisc() - make an adapter interruption pending
 * @gisa: the GISA
 * @gisc: the guest ISC, 0..7
 *
 * gib_gisa_test_and_set_ipm_gisc() without the answer.
 *
 * Return: 0, -EINVAL if @gisa is NULL, -ERANGE if @gisc > 7.
 */
static inline int gib_gisa_set_ipm_gisc(struct gib_gisa *gisa, unsigned int gisc)
{
	int rc = gib_gisa_test_and_set_ipm_gisc(gisa, gisc);

	return rc < 0 ? rc : 0;
}

/**
 * gib_gisa_clear_ipm_gisc() - drop one pending adapter interruption
 * @gisa: the GISA
 * @gisc: the guest ISC, 0..7
 *
 * Return: 0, -EINVAL if @gisa is NULL, -ERANGE if @gisc > 7.
 */
static inline int gib_gisa_clear_ipm_gisc(struct gib_gisa *gisa, unsigned int gisc)
{
	if (!gisa)
		return -EINVAL;
	if (gisc > GIB_MAX_ISC)
		return -ERANGE;
	/* Fully ordered atomic AND; atomic against the doubleword CASes. */
	gib_pf_fetch_and8(&gisa->ipm, (uint8_t)~gib_isc_mask(gisc));
	return 0;
}

/**
 * gib_gisa_test_ipm_gisc() - read one IPM bit without changing it
 * @gisa: the GISA
 * @gisc: the guest ISC, 0..7
 *
 * Return: 1 if pending, 0 if not, -EINVAL if @gisa is NULL, -ERANGE if
 * @gisc > 7.
 */
static inline int gib_gisa_test_ipm_gisc(const struct gib_gisa *gisa, unsigned int gisc)
{
	if (!gisa)
		return -EINVAL;
	if (gisc > GIB_MAX_ISC)
		return -ERANGE;
	return !!(gib_pf_load8(&gisa->ipm) & gib_isc_mask(gisc));
}

/**
 * gib_gisa_tac_ipm_gisc() - test and clear one IPM bit
 * @gisa: the GISA
 * @gisc: the guest ISC, 0..7
 *
 * Exactly one of any number of concurrent callers sees 1 for one setting of
 * the bit: the one that delivers the interruption.
 *
 * Return: 1 if the bit was set (and is now clear), 0 if not, -EINVAL if
 * @gisa is NULL, -ERANGE if @gisc > 7.
 */
static inline int gib_gisa_tac_ipm_gisc(struct gib_gisa *gisa, unsigned int gisc)
{
	uint8_t mask;

	if (!gisa)
		return -EINVAL;
	if (gisc > GIB_MAX_ISC)
		return -ERANGE;
	mask = gib_isc_mask(gisc);
	/* A clear bit needs no RMW: the once-read is the linearisation point. */
	if (!(gib_pf_load8(&gisa->ipm) & mask))
		return 0;
	/* Fully ordered: the delivery that follows sees what the setter wrote. */
	return !!(gib_pf_fetch_and8(&gisa->ipm, (uint8_t)~mask) & mask);
}

/**
 * gib_gisa_reset() - set up a GISA: all zero, next_alert = own address
 * @gisa: the GISA's memory
 *
 * Not atomic: the GISA must not be visible to the machine yet.
 *
 * Return: 0, or an error of gib_gisa_check_addr() with @gisa left untouched.
 */
static inline int gib_gisa_reset(struct gib_gisa *gisa)
{
	int rc = gib_gisa_check_addr(gisa);

	if (rc)
		return rc;
	__builtin_memset(gisa, 0, sizeof(*gisa));
	gib_pf_store32(&gisa->next_alert, gib_pf_cpu_to_be32(gib_gisa_maddr(gisa)));
	return 0;
}

#ifdef __cplusplus
}
#endif

#endif /* LIBGIB_GISA_H */
