/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/**
 * DOC: interruption subclasses
 *
 * An ISC is 0..7. Every mask over ISCs (IPM, IAM, the alert mask, CR6's
 * mask) is one byte in which ISC n is the bit ``0x80 >> n``: ISC 0 is the
 * most significant bit and has the highest priority.
 */
#ifndef LIBGIB_ISC_H
#define LIBGIB_ISC_H

#include <libgib/platform.h>

#ifdef __cplusplus
extern "C" {
#endif

/** GIB_MAX_ISC - the highest interruption subclass */
#define GIB_MAX_ISC 7
/** GIB_NR_ISCS - the number of interruption subclasses */
#define GIB_NR_ISCS 8
/** GIB_GAL_ISC - the host ISC Linux uses for GIB-alert interruptions */
#define GIB_GAL_ISC 5

/**
 * gib_isc_mask() - the mask bit of one ISC
 * @isc: the ISC, 0..7 (not checked)
 *
 * Return: ``0x80 >> isc``.
 */
static inline uint8_t gib_isc_mask(unsigned int isc)
{
	return (uint8_t)(0x80u >> isc);
}

/**
 * gib_isc_lowest() - the lowest-numbered (highest-priority) ISC in a mask
 * @mask: an ISC mask
 *
 * Return: the ISC, or -ENOENT if @mask is 0.
 */
static inline int gib_isc_lowest(uint8_t mask)
{
	int isc;

	for (isc = 0; isc <= GIB_MAX_ISC; isc++)
		if (mask & gib_isc_mask(isc))
			return isc;
	return -ENOENT;
}

/**
 * gib_cr6_isc_mask() - the ISC mask of a guest's control register 6
 * @cr6: the register
 *
 * Return: bits 24..31 of CR6 (counted from the least significant bit of the
 * low word) shifted down, ``(cr6 >> 24) & 0xff``.
 */
static inline uint8_t gib_cr6_isc_mask(uint64_t cr6)
{
	return (uint8_t)(cr6 >> 24);
}

/**
 * gib_ai_word() - the I/O interruption word of an adapter interruption
 * @isc: the ISC, 0..7 (not checked)
 *
 * Return: ``0x80000000 | isc << 27``.
 */
static inline uint32_t gib_ai_word(unsigned int isc)
{
	return 0x80000000u | (uint32_t)isc << 27;
}

#ifdef __cplusplus
}
#endif

#endif /* LIBGIB_ISC_H */
