/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/**
 * DOC: the model-checking backend of the platform contract
 *
 * Binds include/libgib/platform.h for the C-level checker of verify/check/:
 * every contract operation (loads, stores, CAS, xchg, byte and bit RMWs,
 * barriers, cpu_relax, lock, unlock, timer start and cancel, synchronize,
 * free) first calls gib_ck_point(), a scheduling point at which the
 * explorer may switch to another thread. Threads are coroutines on one OS
 * thread (``ucontext``), so the operation itself is atomic and every
 * execution is sequentially consistent: the checker explores interleavings,
 * not weak-memory reorderings (the SPIN model and the ordering comments
 * cover those). The explorer is in platform/check/src/, the scenarios in
 * verify/check/.
 *
 * Memory from gib_pf_alloc31() comes from a small arena with 31-bit machine
 * addresses; gib_pf_free31() poisons it after a grace period, and every
 * operation on poisoned memory fails the execution ("use after free").
 *
 * Include <libgib/platform.h>, never this header.
 */
#ifndef GIB_BACKEND_H
#define GIB_BACKEND_H

#ifndef GIB_PLATFORM_INSIDE
#error "include <libgib/platform.h>, not <gib_backend.h>"
#endif

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>
#include <errno.h>

/**
 * gib_ck_point() - a scheduling point: the explorer may switch threads here
 * @addr: the memory the next operation touches, or NULL; checked against
 *        freed arena memory
 */
void gib_ck_point(const volatile void *addr);

/**
 * gib_ck_relax() - a scheduling point at which the thread waits for others
 *
 * cpu_relax(): the explorer runs another thread first if one can run (a
 * yield, not a preemption), so that spin loops terminate when they should.
 */
void gib_ck_relax(void);

/**
 * GIB_PF_READ_ONCE() - once-load of a scalar, after a scheduling point
 * @x: the lvalue
 */
#define GIB_PF_READ_ONCE(x) (gib_ck_point(&(x)), *(volatile __typeof__(x) *)&(x))
/**
 * GIB_PF_WRITE_ONCE() - once-store of a scalar, after a scheduling point
 * @x: the lvalue
 * @v: the value
 */
#define GIB_PF_WRITE_ONCE(x, v) \
	do { gib_ck_point(&(x)); *(volatile __typeof__(x) *)&(x) = (v); } while (0)

/**
 * struct gib_pf_lock - a lock of the checker: a blocking owner field
 * @owner: 0 when free, else the owning thread's id + 1
 */
struct gib_pf_lock {
	int owner;
};

/**
 * struct gib_pf_timer - a timer of the checker, run by its own coroutine
 * @fn: the callback
 * @queued: started and not yet run
 * @running: its callback is running
 * @id: index in the explorer's timer table
 * @polls: consecutive runs that asked to run again (a livelock guard)
 */
struct gib_pf_timer {
	uint64_t (*fn)(struct gib_pf_timer *t);
	bool queued;
	bool running;
	int id;
	unsigned int polls;
};

/**
 * struct gib_pf_host - the backend's part of struct gib_host
 * @gal_registered: gib_pf_gal_register() was called
 * @gib_maddr: what "set GIB" associated
 */
struct gib_pf_host {
	bool gal_registered;
	uint32_t gib_maddr;
};

/* ---- Word atomics: one scheduling point, then the operation ------------- */

/** gib_pf_load64() - scheduling point, then a load */
static inline uint64_t gib_pf_load64(const uint64_t *p)
{
	gib_ck_point(p);
	return *(const volatile uint64_t *)p;
}

/** gib_pf_load32() - scheduling point, then a load */
static inline uint32_t gib_pf_load32(const uint32_t *p)
{
	gib_ck_point(p);
	return *(const volatile uint32_t *)p;
}

/** gib_pf_load8() - scheduling point, then a load */
static inline uint8_t gib_pf_load8(const uint8_t *p)
{
	gib_ck_point(p);
	return *(const volatile uint8_t *)p;
}

/** gib_pf_store32() - scheduling point, then a store */
static inline void gib_pf_store32(uint32_t *p, uint32_t v)
{
	gib_ck_point(p);
	*(volatile uint32_t *)p = v;
}

/** gib_pf_store_release32() - scheduling point, then a store (SC: release holds) */
static inline void gib_pf_store_release32(uint32_t *p, uint32_t v)
{
	gib_ck_point(p);
	*(volatile uint32_t *)p = v;
}

/** gib_pf_cmpxchg64() - scheduling point, then an atomic CAS */
static inline uint64_t gib_pf_cmpxchg64(uint64_t *p, uint64_t old, uint64_t new)
{
	uint64_t cur;

	gib_ck_point(p);
	cur = *p;
	if (cur == old)
		*p = new;
	return cur;
}

/** gib_pf_cmpxchg32() - scheduling point, then an atomic CAS */
static inline uint32_t gib_pf_cmpxchg32(uint32_t *p, uint32_t old, uint32_t new)
{
	uint32_t cur;

	gib_ck_point(p);
	cur = *p;
	if (cur == old)
		*p = new;
	return cur;
}

/** gib_pf_xchg32() - scheduling point, then an atomic exchange */
static inline uint32_t gib_pf_xchg32(uint32_t *p, uint32_t v)
{
	uint32_t cur;

	gib_ck_point(p);
	cur = *p;
	*p = v;
	return cur;
}

/** gib_pf_fetch_or8() - scheduling point, then an atomic byte OR */
static inline uint8_t gib_pf_fetch_or8(uint8_t *p, uint8_t mask)
{
	uint8_t cur;

	gib_ck_point(p);
	cur = *p;
	*p = (uint8_t)(cur | mask);
	return cur;
}

/** gib_pf_fetch_and8() - scheduling point, then an atomic byte AND */
static inline uint8_t gib_pf_fetch_and8(uint8_t *p, uint8_t mask)
{
	uint8_t cur;

	gib_ck_point(p);
	cur = *p;
	*p = (uint8_t)(cur & mask);
	return cur;
}

/*
 * Barriers touch no memory: under sequential consistency a switch at a
 * barrier is the same as one at the next operation, which is a point.
 */

/** gib_pf_smp_mb() - nothing to do under sequential consistency */
static inline void gib_pf_smp_mb(void)
{
}

/** gib_pf_smp_rmb() - nothing to do under sequential consistency */
static inline void gib_pf_smp_rmb(void)
{
}

/** gib_pf_cpu_relax() - a yield: others run first if they can */
static inline void gib_pf_cpu_relax(void)
{
	gib_ck_relax();
}

/**
 * gib_pf_irq_save() - nothing to do: a checker thread is a CPU of its own
 *
 * The checker's threads stand for CPUs, which no task of the same CPU
 * preempts; other threads run concurrently as other CPUs do.
 *
 * Return: 0.
 */
static inline unsigned long gib_pf_irq_save(void)
{
	return 0;
}

/**
 * gib_pf_irq_restore() - end of a gib_pf_irq_save() section: nothing to do
 * @flags: ignored
 */
static inline void gib_pf_irq_restore(unsigned long flags)
{
	(void)flags;
}

/* ---- Byte order -------------------------------------------------------- */

/** GIB_CK_SWAP - whether CPU order differs from big-endian */
#define GIB_CK_SWAP (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__)

/** gib_pf_be64_to_cpu() - big-endian to CPU order, 64 bits */
static inline uint64_t gib_pf_be64_to_cpu(uint64_t v)
{
	return GIB_CK_SWAP ? __builtin_bswap64(v) : v;
}

/** gib_pf_cpu_to_be64() - CPU order to big-endian, 64 bits */
static inline uint64_t gib_pf_cpu_to_be64(uint64_t v)
{
	return GIB_CK_SWAP ? __builtin_bswap64(v) : v;
}

/** gib_pf_be32_to_cpu() - big-endian to CPU order, 32 bits */
static inline uint32_t gib_pf_be32_to_cpu(uint32_t v)
{
	return GIB_CK_SWAP ? __builtin_bswap32(v) : v;
}

/** gib_pf_cpu_to_be32() - CPU order to big-endian, 32 bits */
static inline uint32_t gib_pf_cpu_to_be32(uint32_t v)
{
	return GIB_CK_SWAP ? __builtin_bswap32(v) : v;
}

/* ---- Bitmaps ----------------------------------------------------------- */

/** GIB_CK_BPL - bits of an unsigned long */
#define GIB_CK_BPL (8 * sizeof(unsigned long))

/** gib_pf_set_bit() - scheduling point, then an atomic bit set */
static inline void gib_pf_set_bit(unsigned int nr, unsigned long *addr)
{
	gib_ck_point(addr + nr / GIB_CK_BPL);
	addr[nr / GIB_CK_BPL] |= 1ul << (nr % GIB_CK_BPL);
}

/** gib_pf_clear_bit() - scheduling point, then an atomic bit clear */
static inline void gib_pf_clear_bit(unsigned int nr, unsigned long *addr)
{
	gib_ck_point(addr + nr / GIB_CK_BPL);
	addr[nr / GIB_CK_BPL] &= ~(1ul << (nr % GIB_CK_BPL));
}

/** gib_pf_test_and_set_bit() - scheduling point, then an atomic test-and-set */
static inline bool gib_pf_test_and_set_bit(unsigned int nr, unsigned long *addr)
{
	unsigned long bit = 1ul << (nr % GIB_CK_BPL), old;

	gib_ck_point(addr + nr / GIB_CK_BPL);
	old = addr[nr / GIB_CK_BPL];
	addr[nr / GIB_CK_BPL] = old | bit;
	return old & bit;
}

/** gib_pf_test_and_clear_bit() - scheduling point, then an atomic test-and-clear */
static inline bool gib_pf_test_and_clear_bit(unsigned int nr, unsigned long *addr)
{
	unsigned long bit = 1ul << (nr % GIB_CK_BPL), old;

	gib_ck_point(addr + nr / GIB_CK_BPL);
	old = addr[nr / GIB_CK_BPL];
	addr[nr / GIB_CK_BPL] = old & ~bit;
	return old & bit;
}

/** gib_pf_test_bit() - scheduling point, then a bit read */
static inline bool gib_pf_test_bit(unsigned int nr, const unsigned long *addr)
{
	gib_ck_point(addr + nr / GIB_CK_BPL);
	return (addr[nr / GIB_CK_BPL] >> (nr % GIB_CK_BPL)) & 1;
}

/** gib_pf_find_next_bit() - one scheduling point per word read */
static inline unsigned int gib_pf_find_next_bit(const unsigned long *addr, unsigned int size,
						 unsigned int offset)
{
	unsigned int i = offset;

	while (i < size) {
		unsigned long w;

		gib_ck_point(addr + i / GIB_CK_BPL);
		w = addr[i / GIB_CK_BPL] & (~0ul << (i % GIB_CK_BPL));
		if (w) {
			i = (unsigned int)(i - i % GIB_CK_BPL) + (unsigned int)__builtin_ctzl(w);
			return i < size ? i : size;
		}
		i = (unsigned int)(i - i % GIB_CK_BPL + GIB_CK_BPL);
	}
	return size;
}

/* ---- Machine addresses: the checker's arena ---------------------------- */

/** GIB_CK_ARENA_BYTES - bytes of the checker's arena */
#define GIB_CK_ARENA_BYTES (64 * 256)
/** GIB_CK_ARENA_MADDR - machine address of the arena's first byte */
#define GIB_CK_ARENA_MADDR 0x10000u

/** gib_ck_arena - the arena (256-byte aligned) */
extern unsigned char gib_ck_arena[GIB_CK_ARENA_BYTES];

/** gib_pf_virt_to_maddr() - offset in the arena plus its machine address */
static inline uint64_t gib_pf_virt_to_maddr(const void *p)
{
	const unsigned char *c = p;

	if (c < gib_ck_arena || c >= gib_ck_arena + GIB_CK_ARENA_BYTES)
		return UINT64_MAX;	/* GIB_PF_NO_MADDR */
	return GIB_CK_ARENA_MADDR + (uint64_t)(c - gib_ck_arena);
}

/** gib_pf_maddr_to_virt() - the inverse of gib_pf_virt_to_maddr() */
static inline void *gib_pf_maddr_to_virt(uint32_t maddr)
{
	return gib_ck_arena + (maddr - GIB_CK_ARENA_MADDR);
}

#endif /* GIB_BACKEND_H */
