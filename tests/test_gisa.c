/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * The GISA unit (include/libgib/gisa.h, include/libgib/isc.h): the layout as
 * the machine reads it, checked through the raw bytes of the structure after
 * each operation (a bit number used on the doubleword of a little-endian host
 * lands in next_alert, not in the IPM: these tests see that), the address
 * checks, and every first-doubleword operation with its errors.
 *
 * The arena of this program sits just below 2 GiB, so machine addresses have
 * all high bits but the 31st set, which byte-order mistakes turn into
 * visibly different values.
 */
#include "gib_test.h"

#define ARENA_BYTES 0x10000u
#define ARENA_MADDR (0x80000000u - ARENA_BYTES)

static struct gib_gisa *new_gisa(void)
{
	struct gib_gisa *gisa = gib_pf_alloc31(sizeof(*gisa));

	assert_non_null(gisa);
	assert_int_equal(gib_gisa_reset(gisa), 0);
	return gisa;
}

static void free_gisa(struct gib_gisa *gisa)
{
	gib_pf_free31(gisa);
}

/* Snapshot of the 32 bytes, to prove an operation left the rest alone. */
struct snap {
	uint8_t b[GIB_GISA_SIZE];
};

static struct snap take(const struct gib_gisa *gisa)
{
	struct snap s;

	memcpy(s.b, gisa, sizeof(s.b));
	return s;
}

/* Every byte of @gisa equals @s except the one at @except (-1: none). */
static void assert_same_but(const struct gib_gisa *gisa, const struct snap *s, int except)
{
	unsigned int i;

	for (i = 0; i < GIB_GISA_SIZE; i++)
		if ((int)i != except)
			assert_int_equal(t_bytes(gisa)[i], s->b[i]);
}

/* next_alert (bytes 0..3) as the machine reads it. */
static uint32_t raw_link(const struct gib_gisa *gisa)
{
	return t_be32_at(gisa, 0);
}

/* Link the GISA as the machine would: next_alert := @next, big-endian. */
static void machine_link(struct gib_gisa *gisa, uint32_t next)
{
	gib_pf_store32(&gisa->next_alert, gib_pf_cpu_to_be32(next));
}

/* ---- Layout ------------------------------------------------------------ */

static void test_reset_layout(void **state)
{
	struct gib_gisa *gisa = gib_pf_alloc31(sizeof(*gisa));
	uint64_t maddr;
	unsigned int i;

	(void)state;
	assert_non_null(gisa);
	memset(gisa, 0xa5, sizeof(*gisa));
	assert_int_equal(gib_gisa_reset(gisa), 0);

	maddr = gib_pf_virt_to_maddr(gisa);
	assert_true(maddr >= ARENA_MADDR && maddr < 0x80000000u);
	assert_int_equal(maddr % 8, 0);
	assert_int_equal(gib_gisa_maddr(gisa), (uint32_t)maddr);
	/* Bytes 0..3: its own address, big-endian; everything else zero. */
	assert_int_equal(t_bytes(gisa)[0], (uint8_t)(maddr >> 24));
	assert_int_equal(t_bytes(gisa)[1], (uint8_t)(maddr >> 16));
	assert_int_equal(t_bytes(gisa)[2], (uint8_t)(maddr >> 8));
	assert_int_equal(t_bytes(gisa)[3], (uint8_t)maddr);
	for (i = 4; i < GIB_GISA_SIZE; i++)
		assert_int_equal(t_bytes(gisa)[i], 0);
	assert_int_equal(gib_gisa_in_alert_list(gisa), 0);
	assert_int_equal(gib_gisa_get_ipm(gisa), 0);
	assert_int_equal(gib_gisa_get_iam(gisa), 0);
	assert_int_equal(gib_gisa_load_word(gisa), maddr << 32);

	/* Reset of a used GISA: clean again. */
	gib_gisa_set_ipm_gisc(gisa, 3);
	gib_gisa_set_iam(gisa, 0x11);
	machine_link(gisa, 0);
	assert_int_equal(gib_gisa_reset(gisa), 0);
	assert_int_equal(raw_link(gisa), (uint32_t)maddr);
	for (i = 4; i < GIB_GISA_SIZE; i++)
		assert_int_equal(t_bytes(gisa)[i], 0);
	free_gisa(gisa);
}

static void test_ipm_is_byte_4(void **state)
{
	struct gib_gisa *gisa = new_gisa();
	uint32_t self = gib_gisa_maddr(gisa);
	uint8_t all = 0;
	unsigned int isc, j;

	(void)state;
	for (isc = 0; isc <= GIB_MAX_ISC; isc++) {
		struct snap s = take(gisa);

		assert_int_equal(gib_gisa_set_ipm_gisc(gisa, isc), 0);
		all |= t_isc_bit(isc);
		/* Only byte 4 moved, by exactly 0x80 >> isc. */
		assert_same_but(gisa, &s, 4);
		assert_int_equal(t_bytes(gisa)[4], all);
		assert_int_equal(raw_link(gisa), self);
		assert_int_equal(gib_gisa_get_ipm(gisa), all);
		assert_int_equal((gib_gisa_load_word(gisa) >> 24) & 0xff, all);
		for (j = 0; j <= GIB_MAX_ISC; j++)
			assert_int_equal(gib_gisa_test_ipm_gisc(gisa, j), j <= isc);
		/* Setting it again changes nothing. */
		s = take(gisa);
		assert_int_equal(gib_gisa_set_ipm_gisc(gisa, isc), 0);
		assert_same_but(gisa, &s, -1);
	}
	assert_int_equal(all, 0xff);
	assert_int_equal(gib_gisa_in_alert_list(gisa), 0);

	for (isc = 0; isc <= GIB_MAX_ISC; isc++) {
		struct snap s = take(gisa);

		assert_int_equal(gib_gisa_clear_ipm_gisc(gisa, isc), 0);
		all &= (uint8_t)~t_isc_bit(isc);
		assert_same_but(gisa, &s, 4);
		assert_int_equal(t_bytes(gisa)[4], all);
		assert_int_equal(gib_gisa_test_ipm_gisc(gisa, isc), 0);
		/* Clearing a clear bit changes nothing. */
		s = take(gisa);
		assert_int_equal(gib_gisa_clear_ipm_gisc(gisa, isc), 0);
		assert_same_but(gisa, &s, -1);
	}
	assert_int_equal(raw_link(gisa), self);
	free_gisa(gisa);
}

/* The answer says whether the AI coalesced; the bit ends set either way. */
static void test_test_and_set_ipm(void **state)
{
	struct gib_gisa *gisa = new_gisa();

	(void)state;
	assert_int_equal(gib_gisa_test_and_set_ipm_gisc(gisa, 5), 0);
	assert_int_equal(gib_gisa_get_ipm(gisa), t_isc_bit(5));
	assert_int_equal(gib_gisa_test_and_set_ipm_gisc(gisa, 5), 1);
	assert_int_equal(gib_gisa_test_and_set_ipm_gisc(gisa, 2), 0);
	assert_int_equal(gib_gisa_get_ipm(gisa), t_isc_bit(5) | t_isc_bit(2));
	assert_int_equal(gib_gisa_test_and_set_ipm_gisc(gisa, 8), -ERANGE);
	assert_int_equal(gib_gisa_test_and_set_ipm_gisc(NULL, 0), -EINVAL);
	assert_int_equal(gib_gisa_get_ipm(gisa), t_isc_bit(5) | t_isc_bit(2));
	free_gisa(gisa);
}

static void test_iam_is_byte_7(void **state)
{
	static const uint8_t values[] = { 0x80, 0x01, 0x5a, 0xff, 0x00 };
	struct gib_gisa *gisa = new_gisa();
	unsigned int i;

	(void)state;
	gib_gisa_set_ipm_gisc(gisa, 6);
	for (i = 0; i < sizeof(values); i++) {
		struct snap s = take(gisa);

		assert_int_equal(gib_gisa_set_iam(gisa, values[i]), 0);
		assert_same_but(gisa, &s, 7);
		assert_int_equal(t_bytes(gisa)[7], values[i]);
		assert_int_equal(gib_gisa_get_iam(gisa), values[i]);
		assert_int_equal(gib_gisa_load_word(gisa) & 0xff, values[i]);
		assert_int_equal(t_bytes(gisa)[4], t_isc_bit(6));
	}
	free_gisa(gisa);
}

/* Format 1: SIMM at 5, NIMM at 6; the doubleword operations carry them over. */
static void test_mode_bytes_are_kept(void **state)
{
	struct gib_gisa *gisa = new_gisa();
	uint8_t mask = 0x24;
	struct snap s;

	(void)state;
	gisa->simm = 0xc3;
	gisa->nimm = 0x3c;
	assert_int_equal(t_bytes(gisa)[5], 0xc3);
	assert_int_equal(t_bytes(gisa)[6], 0x3c);
	assert_int_equal((gib_gisa_load_word(gisa) >> 8) & 0xffff, 0xc33c);

	assert_int_equal(gib_gisa_set_iam(gisa, 0x42), 0);
	assert_int_equal(gib_gisa_set_ipm_gisc(gisa, 1), 0);
	assert_int_equal(gib_gisa_tac_ipm_gisc(gisa, 1), 1);
	assert_int_equal(gib_gisa_set_ipm_gisc(gisa, 7), 0);
	assert_int_equal(gib_gisa_clear_ipm(gisa), 0x01);
	assert_int_equal(gib_gisa_get_ipm_or_restore_iam(gisa, &mask), 0);
	s = take(gisa);
	assert_int_equal(s.b[4], 0);
	assert_int_equal(s.b[5], 0xc3);
	assert_int_equal(s.b[6], 0x3c);
	assert_int_equal(s.b[7], 0x42 | 0x24);	/* a restore only adds IAM bits */
	assert_int_equal(raw_link(gisa), gib_gisa_maddr(gisa));
	/* The body is untouched by all of it. */
	assert_int_equal(t_be32_at(gisa, 8), 0);
	assert_int_equal(t_be32_at(gisa, 28), 0);
	free_gisa(gisa);
}

/* airq_count and the g/c bits are big-endian fields at the spec's offsets. */
static void test_body_offsets(void **state)
{
	struct gib_gisa *gisa = new_gisa();

	(void)state;
	gisa->f0.airq_count = gib_pf_cpu_to_be32(0x01020304);
	assert_int_equal(t_be32_at(gisa, 12), 0x01020304);
	gisa->f0.airq_count = 0;
	gisa->f1.airq_count = gib_pf_cpu_to_be32(0x0a0b0c0d);
	assert_int_equal(t_be32_at(gisa, 28), 0x0a0b0c0d);
	gisa->f1.bits = GIB_GISA_BIT_G | GIB_GISA_BIT_C;
	assert_int_equal(t_bytes(gisa)[16], 0x03);
	gisa->f0_bits = GIB_GISA_BIT_C;
	assert_int_equal(t_bytes(gisa)[6], 0x01);
	assert_int_equal(offsetof(struct gib_gisa, ipm), 4);
	assert_int_equal(offsetof(struct gib_gisa, iam), 7);
	free_gisa(gisa);
}

/* ---- Addresses --------------------------------------------------------- */

static void test_check_addr(void **state)
{
	struct gib_gisa outside __attribute__((aligned(256)));
	uint8_t *slot = gib_pf_alloc31(GIB_US_ARENA_SLOT);
	struct snap before;
	unsigned int off;

	(void)state;
	assert_non_null(slot);
	assert_int_equal(gib_gisa_check_addr(NULL), -EINVAL);
	assert_int_equal(gib_gisa_reset(NULL), -EINVAL);

	/* Not in the arena: the machine cannot address it at all. */
	memset(&outside, 0x5a, sizeof(outside));
	before = take(&outside);
	assert_int_equal(gib_pf_virt_to_maddr(&outside), GIB_PF_NO_MADDR);
	assert_int_equal(gib_gisa_check_addr(&outside), -ERANGE);
	assert_int_equal(gib_gisa_reset(&outside), -ERANGE);
	assert_same_but(&outside, &before, -1);

	/* In the arena: every 8-byte boundary is fine, nothing else is. */
	memset(slot, 0x77, GIB_US_ARENA_SLOT);
	for (off = 0; off + GIB_GISA_SIZE <= GIB_US_ARENA_SLOT; off++) {
		struct gib_gisa *g = (struct gib_gisa *)(void *)(slot + off);
		int want = off % 8 ? -EINVAL : 0;

		assert_int_equal(gib_gisa_check_addr(g), want);
		if (want) {
			/* Refused: not a byte of it written. */
			assert_int_equal(gib_gisa_reset(g), want);
			assert_int_equal(slot[off], 0x77);
			assert_int_equal(slot[off + GIB_GISA_SIZE - 1], 0x77);
		}
	}
	/* A GISA at an 8-byte offset of a slot works. */
	{
		struct gib_gisa *g = (struct gib_gisa *)(void *)(slot + 64);

		assert_int_equal(gib_gisa_reset(g), 0);
		assert_int_equal(raw_link(g), (uint32_t)gib_pf_virt_to_maddr(slot) + 64);
		assert_int_equal(gib_gisa_in_alert_list(g), 0);
		assert_int_equal(gib_gisa_set_iam(g, 0x10), 0);
		assert_int_equal(t_bytes(g)[7], 0x10);
	}
	gib_pf_free31(slot);
}

/* ---- set_iam ----------------------------------------------------------- */

static void test_set_iam_busy_while_linked(void **state)
{
	static const uint32_t links[] = { GIB_NULL_GISA_ADDR, GIB_NONE_GISA_ADDR, 0x00123458 };
	struct gib_gisa *gisa = new_gisa();
	uint32_t self = gib_gisa_maddr(gisa);
	unsigned int i;

	(void)state;
	assert_int_equal(gib_gisa_set_iam(gisa, 0x0f), 0);
	gib_gisa_set_ipm_gisc(gisa, 2);
	for (i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
		struct snap s;

		machine_link(gisa, links[i]);
		assert_int_equal(gib_gisa_in_alert_list(gisa), 1);
		s = take(gisa);
		assert_int_equal(gib_gisa_set_iam(gisa, 0xf0), -EBUSY);
		assert_int_equal(gib_gisa_set_iam(gisa, 0), -EBUSY);
		/* Refused: the whole GISA is as it was. */
		assert_same_but(gisa, &s, -1);
		assert_int_equal(raw_link(gisa), links[i]);
	}
	/* Unlinked again (the host writes its own address back): accepted. */
	machine_link(gisa, self);
	assert_int_equal(gib_gisa_in_alert_list(gisa), 0);
	assert_int_equal(gib_gisa_set_iam(gisa, 0xf0), 0);
	assert_int_equal(t_bytes(gisa)[7], 0xf0);
	assert_int_equal(t_bytes(gisa)[4], t_isc_bit(2));
	assert_int_equal(raw_link(gisa), self);
	assert_int_equal(gib_gisa_set_iam(NULL, 1), -EINVAL);
	free_gisa(gisa);
}

/* ---- clear_ipm --------------------------------------------------------- */

static void test_clear_ipm(void **state)
{
	struct gib_gisa *gisa = new_gisa();
	uint32_t self = gib_gisa_maddr(gisa);
	struct snap s;

	(void)state;
	assert_int_equal(gib_gisa_clear_ipm(gisa), 0);
	gib_gisa_set_iam(gisa, 0x81);
	gib_gisa_set_ipm_gisc(gisa, 0);
	gib_gisa_set_ipm_gisc(gisa, 5);
	s = take(gisa);
	assert_int_equal(gib_gisa_clear_ipm(gisa), 0x84);
	assert_same_but(gisa, &s, 4);
	assert_int_equal(t_bytes(gisa)[4], 0);
	assert_int_equal(t_bytes(gisa)[7], 0x81);
	assert_int_equal(raw_link(gisa), self);

	/* Unconditional: also while linked, keeping the link. */
	machine_link(gisa, 0x00345600);
	gib_gisa_set_ipm_gisc(gisa, 7);
	s = take(gisa);
	assert_int_equal(gib_gisa_clear_ipm(gisa), 0x01);
	assert_same_but(gisa, &s, 4);
	assert_int_equal(raw_link(gisa), 0x00345600);
	assert_int_equal(gib_gisa_clear_ipm(NULL), -EINVAL);
	free_gisa(gisa);
}

/* ---- get_ipm_or_restore_iam ------------------------------------------- */

static void test_get_ipm_or_restore_iam(void **state)
{
	struct gib_gisa *gisa = new_gisa();
	uint8_t mask = t_isc_bit(1) | t_isc_bit(3);
	struct snap s;

	(void)state;
	/* Pending alert ISCs: returned, nothing changed (IAM stays off). */
	gib_gisa_set_ipm_gisc(gisa, 3);
	gib_gisa_set_ipm_gisc(gisa, 6);
	s = take(gisa);
	assert_int_equal(gib_gisa_get_ipm_or_restore_iam(gisa, &mask), t_isc_bit(3));
	assert_same_but(gisa, &s, -1);

	/* Pending only outside the mask: the IAM is re-armed, IPM kept. */
	gib_gisa_clear_ipm_gisc(gisa, 3);
	s = take(gisa);
	assert_int_equal(gib_gisa_get_ipm_or_restore_iam(gisa, &mask), 0);
	assert_same_but(gisa, &s, 7);
	assert_int_equal(t_bytes(gisa)[7], mask);
	assert_int_equal(t_bytes(gisa)[4], t_isc_bit(6));

	/* Armed already: 0 and nothing changes. */
	s = take(gisa);
	assert_int_equal(gib_gisa_get_ipm_or_restore_iam(gisa, &mask), 0);
	assert_same_but(gisa, &s, -1);

	/*
	 * The mask is read at the call and added to the IAM; a restore never
	 * clears an IAM bit (issue 11, defect 1): only set_iam does.
	 */
	mask = t_isc_bit(0);
	assert_int_equal(gib_gisa_get_ipm_or_restore_iam(gisa, &mask), 0);
	assert_int_equal(t_bytes(gisa)[7], t_isc_bit(0) | t_isc_bit(1) | t_isc_bit(3));
	s = take(gisa);
	mask = 0;
	assert_int_equal(gib_gisa_get_ipm_or_restore_iam(gisa, &mask), 0);
	assert_same_but(gisa, &s, -1);
	assert_int_equal(gib_gisa_set_iam(gisa, 0), 0);
	assert_int_equal(t_bytes(gisa)[7], 0);

	/* Every pending alert ISC is reported, not just one. */
	mask = T_ALL_ISCS;
	gib_gisa_set_ipm_gisc(gisa, 0);
	assert_int_equal(gib_gisa_get_ipm_or_restore_iam(gisa, &mask),
			 t_isc_bit(0) | t_isc_bit(6));
	assert_int_equal(t_bytes(gisa)[7], 0);

	/* A restore never touches the link. */
	gib_gisa_clear_ipm(gisa);
	machine_link(gisa, GIB_NULL_GISA_ADDR);
	assert_int_equal(gib_gisa_get_ipm_or_restore_iam(gisa, &mask), 0);
	assert_int_equal(raw_link(gisa), GIB_NULL_GISA_ADDR);
	assert_int_equal(t_bytes(gisa)[4], 0);

	assert_int_equal(gib_gisa_get_ipm_or_restore_iam(NULL, &mask), -EINVAL);
	assert_int_equal(gib_gisa_get_ipm_or_restore_iam(gisa, NULL), -EINVAL);
	free_gisa(gisa);
}

/* ---- One IPM bit ------------------------------------------------------- */

static void test_tac_each_isc(void **state)
{
	struct gib_gisa *gisa = new_gisa();
	unsigned int isc;

	(void)state;
	gib_gisa_set_iam(gisa, 0x99);
	for (isc = 0; isc <= GIB_MAX_ISC; isc++) {
		struct snap s;

		assert_int_equal(gib_gisa_tac_ipm_gisc(gisa, isc), 0);
		gib_gisa_set_ipm_gisc(gisa, isc);
		gib_gisa_set_ipm_gisc(gisa, (isc + 3) % GIB_NR_ISCS);	/* a neighbour */
		s = take(gisa);
		assert_int_equal(gib_gisa_tac_ipm_gisc(gisa, isc), 1);
		assert_same_but(gisa, &s, 4);
		assert_int_equal(t_bytes(gisa)[4], t_isc_bit((isc + 3) % GIB_NR_ISCS));
		assert_int_equal(gib_gisa_tac_ipm_gisc(gisa, isc), 0);
		gib_gisa_clear_ipm(gisa);
	}
	assert_int_equal(t_bytes(gisa)[7], 0x99);
	assert_int_equal(raw_link(gisa), gib_gisa_maddr(gisa));
	free_gisa(gisa);
}

static void test_isc_out_of_range(void **state)
{
	static const unsigned int bad[] = { 8, 9, 31, 32, 63, 255, 256, ~0u };
	struct gib_gisa *gisa = new_gisa();
	unsigned int i;

	(void)state;
	gib_gisa_set_ipm_gisc(gisa, 4);
	gib_gisa_set_iam(gisa, 0x3c);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct snap s = take(gisa);

		assert_int_equal(gib_gisa_set_ipm_gisc(gisa, bad[i]), -ERANGE);
		assert_int_equal(gib_gisa_clear_ipm_gisc(gisa, bad[i]), -ERANGE);
		assert_int_equal(gib_gisa_test_ipm_gisc(gisa, bad[i]), -ERANGE);
		assert_int_equal(gib_gisa_tac_ipm_gisc(gisa, bad[i]), -ERANGE);
		assert_same_but(gisa, &s, -1);
	}
	free_gisa(gisa);
}

static void test_null_gisa(void **state)
{
	unsigned int isc;

	(void)state;
	for (isc = 0; isc <= GIB_NR_ISCS; isc++) {
		assert_int_equal(gib_gisa_set_ipm_gisc(NULL, isc), -EINVAL);
		assert_int_equal(gib_gisa_clear_ipm_gisc(NULL, isc), -EINVAL);
		assert_int_equal(gib_gisa_test_ipm_gisc(NULL, isc), -EINVAL);
		assert_int_equal(gib_gisa_tac_ipm_gisc(NULL, isc), -EINVAL);
	}
	assert_int_equal(gib_gisa_in_alert_list(NULL), -EINVAL);
	assert_int_equal(gib_gisa_get_ipm(NULL), -EINVAL);
	assert_int_equal(gib_gisa_get_iam(NULL), -EINVAL);
	assert_int_equal(gib_gisa_set_iam(NULL, 0), -EINVAL);
	assert_int_equal(gib_gisa_clear_ipm(NULL), -EINVAL);
	assert_int_equal(gib_gisa_check_addr(NULL), -EINVAL);
	assert_int_equal(gib_gisa_reset(NULL), -EINVAL);
}

static void test_in_alert_list(void **state)
{
	struct gib_gisa *a = new_gisa(), *b = new_gisa();
	uint32_t ma = gib_gisa_maddr(a), mb = gib_gisa_maddr(b);

	(void)state;
	assert_int_not_equal(ma, mb);
	assert_int_equal(gib_gisa_in_alert_list(a), 0);
	/* Linked to another GISA, or terminated by a marker. */
	machine_link(a, mb);
	assert_int_equal(gib_gisa_in_alert_list(a), 1);
	assert_int_equal(raw_link(a), mb);
	machine_link(a, GIB_NONE_GISA_ADDR);
	assert_int_equal(gib_gisa_in_alert_list(a), 1);
	/* Its own address in CPU order would be a different value on LE. */
	machine_link(a, ma);
	assert_int_equal(gib_gisa_in_alert_list(a), 0);
	assert_int_equal(gib_gisa_in_alert_list(b), 0);
	free_gisa(a);
	free_gisa(b);
}

/* ---- ISC helpers ------------------------------------------------------- */

static void test_isc_helpers(void **state)
{
	unsigned int isc, m;

	(void)state;
	for (isc = 0; isc <= GIB_MAX_ISC; isc++) {
		assert_int_equal(gib_isc_mask(isc), t_isc_bit(isc));
		assert_int_equal(gib_ai_word(isc), 0x80000000u | (uint32_t)isc << 27);
	}
	assert_int_equal(GIB_NR_ISCS, GIB_MAX_ISC + 1);
	assert_int_equal(gib_isc_lowest(0), -ENOENT);
	for (m = 1; m < 256; m++) {
		int want = 0;

		while (!(m & t_isc_bit((unsigned int)want)))
			want++;
		assert_int_equal(gib_isc_lowest((uint8_t)m), want);
	}
	assert_int_equal(gib_cr6_isc_mask(0x00000000a5000000ull), 0xa5);
	assert_int_equal(gib_cr6_isc_mask(0xffffffff00ffffffull), 0x00);
	assert_int_equal(gib_cr6_isc_mask(0x0000000001000000ull), t_isc_bit(7));
}

static int group_setup(void **state)
{
	/* Machine addresses 0x7fff0000..0x7fffffff: just below 2 GiB. */
	assert_int_equal(gib_us_arena_init(ARENA_BYTES, ARENA_MADDR), 0);
	return t_group_setup(state);
}

static int group_teardown(void **state)
{
	assert_int_equal(gib_us_arena_used(), 0);
	assert_int_equal(gib_us_arena_fini(), 0);
	return t_group_teardown(state);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reset_layout),
		cmocka_unit_test(test_ipm_is_byte_4),
		cmocka_unit_test(test_test_and_set_ipm),
		cmocka_unit_test(test_iam_is_byte_7),
		cmocka_unit_test(test_mode_bytes_are_kept),
		cmocka_unit_test(test_body_offsets),
		cmocka_unit_test(test_check_addr),
		cmocka_unit_test(test_set_iam_busy_while_linked),
		cmocka_unit_test(test_clear_ipm),
		cmocka_unit_test(test_get_ipm_or_restore_iam),
		cmocka_unit_test(test_tac_each_isc),
		cmocka_unit_test(test_isc_out_of_range),
		cmocka_unit_test(test_null_gisa),
		cmocka_unit_test(test_in_alert_list),
		cmocka_unit_test(test_isc_helpers),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
