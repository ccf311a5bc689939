/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/**
 * DOC: user-space backend of the platform contract
 *
 * Binds include/libgib/platform.h to user space: liburcu atomics and RCU,
 * pthreads, a real or simulated clock, an arena of 31-bit machine addresses
 * and a software model of the machine (``<libgib-us/machine.h>``).
 *
 * Two synchronisation modes, chosen at build time (meson option ``us_sync``):
 *
 * - ``urcu`` (default): liburcu's ``uatomic`` operations and barriers, RCU
 *   grace periods for gib_pf_free31().
 * - ``tsan`` (``GIB_US_SYNC_TSAN``): compiler ``__atomic`` builtins and a
 *   rwlock "grace period", because ThreadSanitizer cannot see liburcu 0.13's
 *   inline-assembly atomics. Once accesses become acquire loads and release
 *   stores here: TSan does not model fences, and the core publishes with
 *   "barrier, then once-store" and reads with "once-load, then dependent
 *   loads". The stronger orders keep those edges visible to TSan and still
 *   meet the contract.
 *
 * Fully ordered operations:
 *
 * - ``urcu``: ``uatomic_cmpxchg`` and ``uatomic_xchg``, which liburcu
 *   documents as full barriers before and after. Every fully ordered RMW
 *   here ends in one *successful* cmpxchg, also when it changes nothing, so it
 *   is fully ordered even when the bit was set already (as the kernel's
 *   test_and_set_bit() has been since 2022).
 * - ``tsan``: a seq_cst fence, the seq_cst RMW, a seq_cst fence. A seq_cst
 *   RMW alone does not order surrounding relaxed accesses on every machine
 *   (arm64 LL/SC); the fences make it an smp_mb() on both sides.
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
#include <pthread.h>
#include <sched.h>

#ifndef GIB_US_SYNC_TSAN
#include <urcu/arch.h>
#include <urcu/uatomic.h>
#if CAA_BITS_PER_LONG != 64
#error "the user-space backend needs 64-bit uatomic operations (a 64-bit host)"
#endif
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Once accesses ---------------------------------------------------- */

#ifdef GIB_US_SYNC_TSAN
/**
 * GIB_PF_READ_ONCE() - once-load of a scalar (tsan mode: acquire, see DOC)
 * @x: the lvalue
 */
#define GIB_PF_READ_ONCE(x) __atomic_load_n(&(x), __ATOMIC_ACQUIRE)
/**
 * GIB_PF_WRITE_ONCE() - once-store of a scalar (tsan mode: release, see DOC)
 * @x: the lvalue
 * @v: the value
 */
#define GIB_PF_WRITE_ONCE(x, v) __atomic_store_n(&(x), (v), __ATOMIC_RELEASE)
/** GIB_US_ONCE_LOAD - memory order of the backend's once-loads */
#define GIB_US_ONCE_LOAD __ATOMIC_ACQUIRE
/** GIB_US_ONCE_STORE - memory order of the backend's once-stores */
#define GIB_US_ONCE_STORE __ATOMIC_RELEASE
#else
/**
 * GIB_PF_READ_ONCE() - once-load of a scalar: a relaxed atomic load
 * @x: the lvalue
 *
 * Relaxed __atomic rather than a volatile access, so that a race detector
 * sees an atomic access.
 */
#define GIB_PF_READ_ONCE(x) __atomic_load_n(&(x), __ATOMIC_RELAXED)
/**
 * GIB_PF_WRITE_ONCE() - once-store of a scalar: a relaxed atomic store
 * @x: the lvalue
 * @v: the value
 */
#define GIB_PF_WRITE_ONCE(x, v) __atomic_store_n(&(x), (v), __ATOMIC_RELAXED)
/** GIB_US_ONCE_LOAD - memory order of the backend's once-loads */
#define GIB_US_ONCE_LOAD __ATOMIC_RELAXED
/** GIB_US_ONCE_STORE - memory order of the backend's once-stores */
#define GIB_US_ONCE_STORE __ATOMIC_RELAXED
#endif

/* ---- Types the contract leaves to the backend -------------------------- */

/**
 * struct gib_pf_lock - the core's lock: a pthread mutex
 * @mutex: lock is an acquire, unlock a release (POSIX memory synchronisation)
 * @owner: the holding thread, for gib_pf_lock_assert_held(); valid while
 *         @held is set
 * @held: set by the holder after locking, cleared before unlocking
 */
struct gib_pf_lock {
	pthread_mutex_t mutex;
	pthread_t owner;
	bool held;
};

struct gib_us_clock;
struct gib_us_machine;

/**
 * struct gib_pf_timer - a timer of a struct gib_us_clock
 * @clock: the clock it was bound to by gib_pf_timer_init() (the default clock
 *         at that time)
 * @fn: the callback
 * @expires: absolute expiry on @clock, in ns, while queued
 * @seq: start order on @clock; breaks ties of @expires
 * @prev: queue neighbour, under the clock's lock
 * @next: queue neighbour, under the clock's lock
 * @queued: whether it is in the clock's queue, under the clock's lock
 *
 * Every field is the clock's: touch it only through gib_pf_timer_*().
 */
struct gib_pf_timer {
	struct gib_us_clock *clock;
	uint64_t (*fn)(struct gib_pf_timer *t);
	uint64_t expires;
	uint64_t seq;
	struct gib_pf_timer *prev;
	struct gib_pf_timer *next;
	bool queued;
};

/**
 * struct gib_pf_host - the backend's part of struct gib_host
 * @machine: the machine model, set by gib_us_host_attach() before gib_init()
 */
struct gib_pf_host {
	struct gib_us_machine *machine;
};

/* ---- Word atomics ------------------------------------------------------ */

#ifdef GIB_US_SYNC_TSAN
/** GIB_US_FULL_FENCE() - an smp_mb() in tsan mode */
#define GIB_US_FULL_FENCE() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#endif

/** gib_pf_load64() - once-load: an untorn atomic load (see GIB_US_ONCE_LOAD) */
static inline uint64_t gib_pf_load64(const uint64_t *p)
{
	return __atomic_load_n(p, GIB_US_ONCE_LOAD);
}

/** gib_pf_load32() - once-load: an untorn atomic load */
static inline uint32_t gib_pf_load32(const uint32_t *p)
{
	return __atomic_load_n(p, GIB_US_ONCE_LOAD);
}

/** gib_pf_load8() - once-load: an atomic byte load */
static inline uint8_t gib_pf_load8(const uint8_t *p)
{
	return __atomic_load_n(p, GIB_US_ONCE_LOAD);
}

/** gib_pf_store32() - once-store: an untorn atomic store */
static inline void gib_pf_store32(uint32_t *p, uint32_t v)
{
	__atomic_store_n(p, v, GIB_US_ONCE_STORE);
}

/** gib_pf_store_release32() - store-release: earlier accesses are visible first */
static inline void gib_pf_store_release32(uint32_t *p, uint32_t v)
{
#ifdef GIB_US_SYNC_TSAN
	/* C11 release store: orders every earlier load and store before it. */
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
#else
	/*
	 * liburcu 0.13 has no release store (cmm_smp_mb() + store would be an
	 * mfence on x86, 19x the cost on the alert-list walk): the compiler's
	 * release store orders every earlier load and store before it, and is
	 * a plain store on x86 and s390x.
	 */
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
#endif
}

/** gib_pf_cmpxchg64() - CAS: fully ordered on success, unordered on failure */
static inline uint64_t gib_pf_cmpxchg64(uint64_t *p, uint64_t old, uint64_t val)
{
#ifdef GIB_US_SYNC_TSAN
	uint64_t seen = old;

	GIB_US_FULL_FENCE();
	/* seq_cst CAS between two seq_cst fences: an smp_mb() on each side. */
	__atomic_compare_exchange_n(p, &seen, val, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
	GIB_US_FULL_FENCE();
	return seen;
#else
	/* uatomic_cmpxchg: full barrier before and after (liburcu's documented rule). */
	return uatomic_cmpxchg(p, old, val);
#endif
}

/** gib_pf_cmpxchg32() - CAS: fully ordered on success, unordered on failure */
static inline uint32_t gib_pf_cmpxchg32(uint32_t *p, uint32_t old, uint32_t val)
{
#ifdef GIB_US_SYNC_TSAN
	uint32_t seen = old;

	GIB_US_FULL_FENCE();
	/* seq_cst CAS between two seq_cst fences: an smp_mb() on each side. */
	__atomic_compare_exchange_n(p, &seen, val, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
	GIB_US_FULL_FENCE();
	return seen;
#else
	/* uatomic_cmpxchg: full barrier before and after. */
	return uatomic_cmpxchg(p, old, val);
#endif
}

/** gib_pf_xchg32() - exchange: fully ordered */
static inline uint32_t gib_pf_xchg32(uint32_t *p, uint32_t v)
{
#ifdef GIB_US_SYNC_TSAN
	uint32_t old;

	GIB_US_FULL_FENCE();
	/* seq_cst exchange between two seq_cst fences: an smp_mb() on each side. */
	old = __atomic_exchange_n(p, v, __ATOMIC_SEQ_CST);
	GIB_US_FULL_FENCE();
	return old;
#else
	/* uatomic_xchg: full barrier before and after. */
	return uatomic_xchg(p, v);
#endif
}

#ifndef GIB_US_SYNC_TSAN
/**
 * gib_us_rmw8() - fully ordered byte RMW: *@p = (*@p & @keep) | @set
 * @p: the byte
 * @keep: bits to keep
 * @set: bits to set
 *
 * Ends in one successful uatomic_cmpxchg (full barrier before and after),
 * even when the byte does not change. Where liburcu has byte atomics (x86)
 * the CAS is on the byte itself; elsewhere (s390x) on the aligned 32-bit word
 * that contains it, carrying the other three bytes over unchanged. Either is
 * atomic against a 64-bit CAS on the containing doubleword, because the
 * machines libgib targets serialise every atomic RMW on one cache line.
 *
 * Return: the byte before.
 */
static inline uint8_t gib_us_rmw8(uint8_t *p, uint8_t keep, uint8_t set)
{
#ifdef UATOMIC_HAS_ATOMIC_BYTE
	uint8_t old = uatomic_read(p), seen;

	for (;;) {
		seen = uatomic_cmpxchg(p, old, (uint8_t)((old & keep) | set));
		if (seen == old)
			return old;
		old = seen;
	}
#else
	uint32_t *w = (uint32_t *)((uintptr_t)p & ~(uintptr_t)3);
	unsigned int byte = (unsigned int)((uintptr_t)p & 3);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	unsigned int shift = 8 * (3 - byte);
#else
	unsigned int shift = 8 * byte;
#endif
	uint32_t old = uatomic_read(w), seen, nb;

	for (;;) {
		nb = (((old >> shift) & keep) | set) & 0xff;
		seen = uatomic_cmpxchg(w, old, (old & ~(0xffu << shift)) | nb << shift);
		if (seen == old)
			return (uint8_t)(old >> shift);
		old = seen;
	}
#endif
}
#endif

/** gib_pf_fetch_or8() - byte OR: fully ordered, atomic against cmpxchg64 */
static inline uint8_t gib_pf_fetch_or8(uint8_t *p, uint8_t mask)
{
#ifdef GIB_US_SYNC_TSAN
	uint8_t old;

	GIB_US_FULL_FENCE();
	/* seq_cst fetch-OR between two seq_cst fences: an smp_mb() on each side. */
	old = __atomic_fetch_or(p, mask, __ATOMIC_SEQ_CST);
	GIB_US_FULL_FENCE();
	return old;
#else
	/* A successful uatomic_cmpxchg loop: full barrier before and after. */
	return gib_us_rmw8(p, 0xff, mask);
#endif
}

/** gib_pf_fetch_and8() - byte AND: fully ordered, atomic against cmpxchg64 */
static inline uint8_t gib_pf_fetch_and8(uint8_t *p, uint8_t mask)
{
#ifdef GIB_US_SYNC_TSAN
	uint8_t old;

	GIB_US_FULL_FENCE();
	/* seq_cst fetch-AND between two seq_cst fences: an smp_mb() on each side. */
	old = __atomic_fetch_and(p, mask, __ATOMIC_SEQ_CST);
	GIB_US_FULL_FENCE();
	return old;
#else
	/* A successful uatomic_cmpxchg loop: full barrier before and after. */
	return gib_us_rmw8(p, mask, 0);
#endif
}

/** gib_pf_smp_mb() - full barrier: orders all earlier accesses before all later ones */
static inline void gib_pf_smp_mb(void)
{
#ifdef GIB_US_SYNC_TSAN
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
#else
	cmm_smp_mb();
#endif
}

/** gib_pf_smp_rmb() - read barrier: earlier loads before later loads */
static inline void gib_pf_smp_rmb(void)
{
#ifdef GIB_US_SYNC_TSAN
	/* An acquire fence orders earlier loads before later loads and stores. */
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
#else
	cmm_smp_rmb();
#endif
}

/** gib_pf_cpu_relax() - pause in a retry loop: caa_cpu_relax(), a compiler barrier at least */
static inline void gib_pf_cpu_relax(void)
{
#ifdef GIB_US_SYNC_TSAN
	sched_yield();	/* no liburcu here; let a preempted pusher finish */
#else
	caa_cpu_relax();
#endif
}

/**
 * gib_pf_irq_save() - a compiler barrier only: user space cannot mask
 *                     preemption
 *
 * What the kernel gets from local_irq_save() user space gets from its
 * scheduler: libgib's threads run under a time-sharing policy (SCHED_OTHER)
 * and no library path runs in a signal handler, so a thread preempted while
 * it processes the list runs again while another thread spins for it. A
 * program that runs them under SCHED_FIFO on one CPU loses that guarantee.
 *
 * Return: 0.
 */
static inline unsigned long gib_pf_irq_save(void)
{
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	return 0;
}

/**
 * gib_pf_irq_restore() - a compiler barrier only (see gib_pf_irq_save())
 * @flags: ignored
 */
static inline void gib_pf_irq_restore(unsigned long flags)
{
	(void)flags;
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
}

/* ---- Byte order -------------------------------------------------------- */

/**
 * GIB_US_SWAP - whether CPU order differs from big-endian
 *
 * From the compiler, not <endian.h>: a user who compiles with -std=c11 and
 * no feature macros must still get byte order right.
 */
#define GIB_US_SWAP (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__)
GIB_STATIC_ASSERT(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ ||
	       __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__, "a known byte order");

/** gib_pf_be64_to_cpu() - big-endian to CPU order, 64 bits */
static inline uint64_t gib_pf_be64_to_cpu(uint64_t v)
{
	return GIB_US_SWAP ? __builtin_bswap64(v) : v;
}

/** gib_pf_cpu_to_be64() - CPU order to big-endian, 64 bits */
static inline uint64_t gib_pf_cpu_to_be64(uint64_t v)
{
	return GIB_US_SWAP ? __builtin_bswap64(v) : v;
}

/** gib_pf_be32_to_cpu() - big-endian to CPU order, 32 bits */
static inline uint32_t gib_pf_be32_to_cpu(uint32_t v)
{
	return GIB_US_SWAP ? __builtin_bswap32(v) : v;
}

/** gib_pf_cpu_to_be32() - CPU order to big-endian, 32 bits */
static inline uint32_t gib_pf_cpu_to_be32(uint32_t v)
{
	return GIB_US_SWAP ? __builtin_bswap32(v) : v;
}

/* ---- Bitmaps ----------------------------------------------------------- */

/** GIB_US_BPL - bits of an unsigned long */
#define GIB_US_BPL (8 * sizeof(unsigned long))

/** gib_pf_set_bit() - atomic OR of one bit: unordered RMW */
static inline void gib_pf_set_bit(unsigned int nr, unsigned long *addr)
{
	unsigned long *w = addr + nr / GIB_US_BPL;
	unsigned long bit = 1ul << (nr % GIB_US_BPL);

#ifdef GIB_US_SYNC_TSAN
	/* Relaxed RMW: atomic, orders nothing (set_bit()). */
	__atomic_fetch_or(w, bit, __ATOMIC_RELAXED);
#else
	/* uatomic_or without cmm_smp_mb__*_uatomic_or: atomic, orders nothing. */
	uatomic_or(w, bit);
#endif
}

/** gib_pf_clear_bit() - atomic AND-NOT of one bit: unordered RMW */
static inline void gib_pf_clear_bit(unsigned int nr, unsigned long *addr)
{
	unsigned long *w = addr + nr / GIB_US_BPL;
	unsigned long bit = 1ul << (nr % GIB_US_BPL);

#ifdef GIB_US_SYNC_TSAN
	/* Relaxed RMW: atomic, orders nothing (clear_bit()). */
	__atomic_fetch_and(w, ~bit, __ATOMIC_RELAXED);
#else
	/* uatomic_and without cmm_smp_mb__*_uatomic_and: atomic, orders nothing. */
	uatomic_and(w, ~bit);
#endif
}

#ifndef GIB_US_SYNC_TSAN
/**
 * gib_us_rmw_long() - fully ordered RMW of one word: *@p = (*@p & @keep) | @set
 * @p: the word
 * @keep: bits to keep
 * @set: bits to set
 *
 * Ends in one successful uatomic_cmpxchg (full barrier before and after),
 * even when the word does not change.
 *
 * Return: the word before.
 */
static inline unsigned long gib_us_rmw_long(unsigned long *p, unsigned long keep,
					    unsigned long set)
{
	unsigned long old = uatomic_read(p), seen;

	for (;;) {
		seen = uatomic_cmpxchg(p, old, (old & keep) | set);
		if (seen == old)
			return old;
		old = seen;
	}
}
#endif

/** gib_pf_test_and_set_bit() - set one bit and return the old: fully ordered */
static inline bool gib_pf_test_and_set_bit(unsigned int nr, unsigned long *addr)
{
	unsigned long *w = addr + nr / GIB_US_BPL;
	unsigned long bit = 1ul << (nr % GIB_US_BPL);
	unsigned long old;

#ifdef GIB_US_SYNC_TSAN
	GIB_US_FULL_FENCE();
	/* seq_cst fetch-OR between two fences: fully ordered, also when already set. */
	old = __atomic_fetch_or(w, bit, __ATOMIC_SEQ_CST);
	GIB_US_FULL_FENCE();
#else
	/* Successful cmpxchg, also when already set: full barrier both sides. */
	old = gib_us_rmw_long(w, ~0ul, bit);
#endif
	return old & bit;
}

/** gib_pf_test_and_clear_bit() - clear one bit and return the old: fully ordered */
static inline bool gib_pf_test_and_clear_bit(unsigned int nr, unsigned long *addr)
{
	unsigned long *w = addr + nr / GIB_US_BPL;
	unsigned long bit = 1ul << (nr % GIB_US_BPL);
	unsigned long old;

#ifdef GIB_US_SYNC_TSAN
	GIB_US_FULL_FENCE();
	/* seq_cst fetch-AND between two fences: fully ordered, also when already clear. */
	old = __atomic_fetch_and(w, ~bit, __ATOMIC_SEQ_CST);
	GIB_US_FULL_FENCE();
#else
	/* Successful cmpxchg, also when already clear: full barrier both sides. */
	old = gib_us_rmw_long(w, ~bit, 0);
#endif
	return old & bit;
}

/** gib_pf_test_bit() - once-read of one bit */
static inline bool gib_pf_test_bit(unsigned int nr, const unsigned long *addr)
{
	return (__atomic_load_n(addr + nr / GIB_US_BPL, GIB_US_ONCE_LOAD) >>
		(nr % GIB_US_BPL)) & 1;
}

/** gib_pf_find_next_bit() - next set bit at or after @offset, words once-loaded */
static inline unsigned int gib_pf_find_next_bit(const unsigned long *addr, unsigned int size,
						 unsigned int offset)
{
	unsigned int i = offset;

	while (i < size) {
		/* One once-load per word; bits below @offset are masked off. */
		unsigned long w = __atomic_load_n(addr + i / GIB_US_BPL, GIB_US_ONCE_LOAD);

		w &= ~0ul << (i % GIB_US_BPL);
		if (w) {
			i = (unsigned int)(i - i % GIB_US_BPL) + (unsigned int)__builtin_ctzl(w);
			return i < size ? i : size;
		}
		i = (unsigned int)(i - i % GIB_US_BPL + GIB_US_BPL);
	}
	return size;
}

/* ---- Machine addresses: the arena -------------------------------------- */

/**
 * struct gib_us_arena_map - where the arena is, for address translation
 * @virt_base: host address of the arena's first byte; 0 while there is none
 * @virt_end: one past its last byte
 * @maddr_base: machine address of @virt_base
 *
 * Process-wide, written by gib_us_arena_init() and gib_us_arena_fini() (and
 * the lazy default arena) while no arena memory is in use; read with
 * once-loads. Not part of the API: use gib_pf_virt_to_maddr().
 */
struct gib_us_arena_map {
	uintptr_t virt_base;
	uintptr_t virt_end;
	uint32_t maddr_base;
};

/** gib_us_arena_map - the current arena (see struct gib_us_arena_map) */
extern struct gib_us_arena_map gib_us_arena_map;

/** gib_pf_virt_to_maddr() - maddr_base + offset in the arena, or GIB_PF_NO_MADDR outside */
static inline uint64_t gib_pf_virt_to_maddr(const void *p)
{
	uintptr_t v = (uintptr_t)p;
	uintptr_t base = __atomic_load_n(&gib_us_arena_map.virt_base, GIB_US_ONCE_LOAD);
	uintptr_t end = __atomic_load_n(&gib_us_arena_map.virt_end, GIB_US_ONCE_LOAD);

	if (!base || v < base || v >= end)
		return UINT64_MAX;	/* GIB_PF_NO_MADDR, defined after this header */
	return (uint64_t)__atomic_load_n(&gib_us_arena_map.maddr_base, GIB_US_ONCE_LOAD) +
	       (uint64_t)(v - base);
}

/** gib_pf_maddr_to_virt() - the inverse of gib_pf_virt_to_maddr() */
static inline void *gib_pf_maddr_to_virt(uint32_t maddr)
{
	uintptr_t base = __atomic_load_n(&gib_us_arena_map.virt_base, GIB_US_ONCE_LOAD);
	uint32_t mbase = __atomic_load_n(&gib_us_arena_map.maddr_base, GIB_US_ONCE_LOAD);

	return (void *)(base + (uintptr_t)(maddr - mbase));
}

#ifdef __cplusplus
}
#endif

#endif /* GIB_BACKEND_H */
