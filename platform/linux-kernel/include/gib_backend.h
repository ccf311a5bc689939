/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/**
 * DOC: libgib Linux kernel backend: the platform contract on kernel primitives
 *
 * Included only by ``<libgib/platform.h>``. It binds every operation of the
 * contract to the kernel's own primitive with the ordering the contract asks:
 *
 * ========================  =================================  ===============
 * contract                  kernel                             ordering
 * ========================  =================================  ===============
 * load64/32/8, store32      READ_ONCE() / WRITE_ONCE()         once
 * store_release32           smp_store_release()                release
 * cmpxchg64/32, xchg32      cmpxchg() / xchg()                 full (success)
 * fetch_or8 / fetch_and8    1-byte cmpxchg() loop              full
 * smp_mb / smp_rmb          smp_mb() / smp_rmb()               barrier
 * irq_save / irq_restore    local_irq_save() / _restore()      compiler barrier
 * set_bit / clear_bit       set_bit() / clear_bit()            unordered RMW
 * test_and_{set,clear}_bit  test_and_{set,clear}_bit()         full
 * test_bit                  test_bit() (volatile read)         once
 * find_next_bit             READ_ONCE() word walk + __ffs()    once per word
 * lock                      struct mutex                       acquire/release
 * timer                     struct hrtimer (hard irq)          see backend.c
 * alloc31                   s390: GFP_DMA page (below 2 GiB)
 *                           others: a vmalloc'ed arena whose
 *                           machine addresses are 64 KiB +
 *                           offset
 * ========================  =================================  ===============
 *
 * The 1-byte cmpxchg() is supported by both x86 (``lock cmpxchgb``) and s390
 * (COMPARE AND SWAP on the containing aligned word), so the byte operations
 * are atomic against the 64-bit compare-and-swap of the GISA's first
 * doubleword, as the contract requires.
 *
 * The GISC lock is a mutex: the life-cycle and registration calls come from
 * process context (KVM's ioctls), and GISA destroy waits for an RCU grace
 * period (gib_pf_synchronize()) with it held. The core never takes a lock on
 * the GAL or kick-timer path, so no lock is wanted in interrupt context.
 */
#ifndef GIB_PLATFORM_INSIDE
#error "Include <libgib/platform.h>, not <gib_backend.h>"
#endif

#ifndef LIBGIB_GIB_BACKEND_H
#define LIBGIB_GIB_BACKEND_H

#include <linux/types.h>
#include <linux/errno.h>
#include <linux/stddef.h>
#include <linux/compiler.h>
#include <linux/limits.h>
#include <linux/atomic.h>
#include <linux/bitops.h>
#include <linux/hrtimer.h>
#include <linux/mutex.h>
#include <linux/processor.h>
#include <linux/lockdep.h>
#include <linux/irq_work.h>
#include <asm/barrier.h>
#include <asm/byteorder.h>
#include <asm/page.h>
#ifdef CONFIG_S390
#include <asm/airq.h>
#endif

/* Once accesses: KCSAN treats READ_ONCE()/WRITE_ONCE() as marked accesses. */
/** GIB_PF_READ_ONCE - once-load of a scalar: READ_ONCE() */
#define GIB_PF_READ_ONCE(x) READ_ONCE(x)
/** GIB_PF_WRITE_ONCE - once-store of a scalar: WRITE_ONCE() */
#define GIB_PF_WRITE_ONCE(x, v) WRITE_ONCE(x, v)

/* ---- Word atomics ------------------------------------------------------ */

/** gib_pf_load64() - once-load of a 64-bit word: READ_ONCE() */
static inline u64 gib_pf_load64(const u64 *p)
{
	/* Once: a single 64-bit load on every 64-bit architecture. */
	return READ_ONCE(*p);
}

/** gib_pf_load32() - once-load of a 32-bit word: READ_ONCE() */
static inline u32 gib_pf_load32(const u32 *p)
{
	/* Once, orders nothing. */
	return READ_ONCE(*p);
}

/** gib_pf_load8() - once-load of a byte: READ_ONCE() */
static inline u8 gib_pf_load8(const u8 *p)
{
	/* Once, orders nothing. */
	return READ_ONCE(*p);
}

/** gib_pf_store32() - once-store of a 32-bit word: WRITE_ONCE() */
static inline void gib_pf_store32(u32 *p, u32 v)
{
	/* Once, orders nothing. */
	WRITE_ONCE(*p, v);
}

/** gib_pf_store_release32() - release store of a 32-bit word: smp_store_release() */
static inline void gib_pf_store_release32(u32 *p, u32 v)
{
	/* Release: earlier accesses are visible to whoever reads @v. */
	smp_store_release(p, v);
}

/** gib_pf_cmpxchg64() - 64-bit compare-and-swap: cmpxchg() */
static inline u64 gib_pf_cmpxchg64(u64 *p, u64 old, u64 val)
{
	/* Value-returning RMW: fully ordered on success, nothing on failure. */
	return cmpxchg(p, old, val);
}

/** gib_pf_cmpxchg32() - 32-bit compare-and-swap: cmpxchg() */
static inline u32 gib_pf_cmpxchg32(u32 *p, u32 old, u32 val)
{
	/* Fully ordered on success, nothing on failure. */
	return cmpxchg(p, old, val);
}

/** gib_pf_xchg32() - 32-bit exchange: xchg() */
static inline u32 gib_pf_xchg32(u32 *p, u32 v)
{
	/* xchg() is fully ordered. */
	return xchg(p, v);
}

/** gib_pf_fetch_or8() - atomic OR on a byte: a 1-byte cmpxchg() loop */
static inline u8 gib_pf_fetch_or8(u8 *p, u8 mask)
{
	u8 old = READ_ONCE(*p), seen;

	/*
	 * A 1-byte cmpxchg() loop: the successful cmpxchg() is the
	 * linearisation point and fully ordered (a failed one orders nothing
	 * and is retried). It stores even when the bits are set already, so
	 * the operation is a real RMW in the byte's coherence order.
	 */
	for (;;) {
		seen = cmpxchg(p, old, (u8)(old | mask));
		if (seen == old)
			return old;
		old = seen;
	}
}

/** gib_pf_fetch_and8() - atomic AND on a byte: a 1-byte cmpxchg() loop */
static inline u8 gib_pf_fetch_and8(u8 *p, u8 mask)
{
	u8 old = READ_ONCE(*p), seen;

	/* Fully ordered, as gib_pf_fetch_or8(). */
	for (;;) {
		seen = cmpxchg(p, old, (u8)(old & mask));
		if (seen == old)
			return old;
		old = seen;
	}
}

/** gib_pf_smp_mb() - full memory barrier: smp_mb() */
static inline void gib_pf_smp_mb(void)
{
	/* Full barrier: orders all earlier accesses against all later ones. */
	smp_mb();
}

/** gib_pf_smp_rmb() - read barrier: smp_rmb() */
static inline void gib_pf_smp_rmb(void)
{
	/* Earlier loads before later loads. */
	smp_rmb();
}

/** gib_pf_cpu_relax() - pause in a retry loop: cpu_relax() */
static inline void gib_pf_cpu_relax(void)
{
	cpu_relax();
}

/** gib_pf_irq_save() - local_irq_save(): no preemption, no interrupt, even on PREEMPT_RT */
static inline unsigned long gib_pf_irq_save(void)
{
	unsigned long flags;

	local_irq_save(flags);
	return flags;
}

/** gib_pf_irq_restore() - local_irq_restore() */
static inline void gib_pf_irq_restore(unsigned long flags)
{
	local_irq_restore(flags);
}

/* ---- Byte order --------------------------------------------------------
 *
 * The contract carries big-endian values in plain integer types (the shared
 * words are declared uint64_t/uint32_t by the core), so the casts to the
 * kernel's __be types are forced for sparse.
 */

/** gib_pf_be64_to_cpu() - big-endian 64-bit value to CPU order: be64_to_cpu() */
static inline u64 gib_pf_be64_to_cpu(u64 v)
{
	return be64_to_cpu((__force __be64)v);
}

/** gib_pf_cpu_to_be64() - CPU-order 64-bit value to big-endian: cpu_to_be64() */
static inline u64 gib_pf_cpu_to_be64(u64 v)
{
	return (__force u64)cpu_to_be64(v);
}

/** gib_pf_be32_to_cpu() - big-endian 32-bit value to CPU order: be32_to_cpu() */
static inline u32 gib_pf_be32_to_cpu(u32 v)
{
	return be32_to_cpu((__force __be32)v);
}

/** gib_pf_cpu_to_be32() - CPU-order 32-bit value to big-endian: cpu_to_be32() */
static inline u32 gib_pf_cpu_to_be32(u32 v)
{
	return (__force u32)cpu_to_be32(v);
}

/* ---- Bitmaps ----------------------------------------------------------- */

/** gib_pf_set_bit() - atomically set a bit, unordered: set_bit() */
static inline void gib_pf_set_bit(unsigned int nr, unsigned long *addr)
{
	/* Atomic, unordered (the kernel's set_bit() orders nothing). */
	set_bit(nr, addr);
}

/** gib_pf_clear_bit() - atomically clear a bit, unordered: clear_bit() */
static inline void gib_pf_clear_bit(unsigned int nr, unsigned long *addr)
{
	/* Atomic, unordered. */
	clear_bit(nr, addr);
}

/** gib_pf_test_and_set_bit() - atomically set a bit, fully ordered: test_and_set_bit() */
static inline bool gib_pf_test_and_set_bit(unsigned int nr, unsigned long *addr)
{
	/* Value-returning bit RMW: fully ordered. */
	return test_and_set_bit(nr, addr);
}

/** gib_pf_test_and_clear_bit() - atomically clear a bit, fully ordered: test_and_clear_bit() */
static inline bool gib_pf_test_and_clear_bit(unsigned int nr, unsigned long *addr)
{
	/* Value-returning bit RMW: fully ordered. */
	return test_and_clear_bit(nr, addr);
}

/** gib_pf_test_bit() - once-read of a bit: test_bit() */
static inline bool gib_pf_test_bit(unsigned int nr, const unsigned long *addr)
{
	/* A volatile (once) read of the word; orders nothing. */
	return test_bit(nr, addr);
}

/** gib_pf_find_next_bit() - next set bit at or after an offset, read with once-loads */
static inline unsigned int gib_pf_find_next_bit(const unsigned long *addr,
						unsigned int size,
						unsigned int offset)
{
	unsigned long word;
	unsigned int base;

	/*
	 * Not find_next_bit(): the contract asks for once-loads, because the
	 * idle mask changes under the walk (vcpus going to and leaving wait)
	 * and a plain load may be torn or re-read by the compiler.
	 */
	while (offset < size) {
		base = offset - offset % BITS_PER_LONG;
		word = READ_ONCE(addr[offset / BITS_PER_LONG]);
		word &= ~0UL << (offset % BITS_PER_LONG);
		if (word) {
			offset = base + __ffs(word);
			return offset < size ? offset : size;
		}
		offset = base + BITS_PER_LONG;
	}
	return size;
}

/* ---- Lock -------------------------------------------------------------- */

/**
 * struct gib_pf_lock - the core's lock: a mutex
 * @mutex: the mutex. One static lockdep class for every gib_pf_lock (the
 *         mutex_init() site in backend.c): the core never holds a host's
 *         lock and a guest's at once (gisa_life.c counts a GISA on its host
 *         before or after the guest's lock), so one class loses nothing, and
 *         lockdep reports any nesting that creeps in as possible recursive
 *         locking. The structure holding it may be static (a static
 *         struct gib_host, as docs/kernel-port.md lays out).
 */
struct gib_pf_lock {
	struct mutex mutex;	/* serialises the core's life cycles */
};

/* ---- Timer ------------------------------------------------------------- */

/**
 * struct gib_pf_timer - the kick timer: an hrtimer in hard-interrupt mode,
 *                       even on PREEMPT_RT (why: gib_pf_timer_init())
 * @hrt: the hrtimer (CLOCK_MONOTONIC, relative)
 * @fn: the core's callback; returns the delay to run again after, in ns, or
 *      %GIB_PF_TIMER_STOP
 */
struct gib_pf_timer {
	struct hrtimer hrt;
	u64 (*fn)(struct gib_pf_timer *t);
};

/* ---- Machine memory ---------------------------------------------------- */

#ifdef CONFIG_S390

/** gib_pf_virt_to_maddr() - the machine address of a host pointer */
static inline u64 gib_pf_virt_to_maddr(const void *p)
{
	/*
	 * The machine uses real addresses. GIB and GISA come from GFP_DMA
	 * pages, which s390 places below 2 GiB.
	 */
	return virt_to_phys((void *)p);
}

/** gib_pf_maddr_to_virt() - the host pointer of a machine address */
static inline void *gib_pf_maddr_to_virt(u32 maddr)
{
	return phys_to_virt((unsigned long)maddr);
}

#else /* !CONFIG_S390 */

/** GIB_PF_ARENA_MADDR - machine address of the arena's first byte */
#define GIB_PF_ARENA_MADDR 0x10000UL
/** GIB_PF_ARENA_PAGES - pages in the arena (one per GIB or GISA) */
#define GIB_PF_ARENA_PAGES 512

/*
 * The arena: one vmalloc'ed region set up at module load; machine addresses
 * are GIB_PF_ARENA_MADDR + offset. Physical addresses are of no use here:
 * they may exceed 2 GiB, and nothing but the software machine reads them.
 */
/** gib_pf_arena - the arena's first byte, NULL before module load */
extern u8 *gib_pf_arena;

/** gib_pf_virt_to_maddr() - the machine address of a host pointer */
static inline u64 gib_pf_virt_to_maddr(const void *p)
{
	unsigned long off = (unsigned long)p - (unsigned long)gib_pf_arena;

	/* Unsigned wrap makes pointers below the arena fail the test too. */
	if (!gib_pf_arena || off >= GIB_PF_ARENA_PAGES * PAGE_SIZE)
		return U64_MAX;	/* GIB_PF_NO_MADDR, defined after us */
	return GIB_PF_ARENA_MADDR + off;
}

/** gib_pf_maddr_to_virt() - the host pointer of a machine address */
static inline void *gib_pf_maddr_to_virt(u32 maddr)
{
	return gib_pf_arena + (maddr - GIB_PF_ARENA_MADDR);
}

#endif /* CONFIG_S390 */

/* ---- The machine ------------------------------------------------------- */

/**
 * enum gib_pf_machine - what raises adapter interruptions for a host
 * @GIB_PF_MACHINE_SOFT: the software machine of swmachine.c (spec section 4)
 * @GIB_PF_MACHINE_REAL: s390 with AIV: CHSC "set GIB" and the GAL adapter
 *                       interrupt on the NISC
 * @GIB_PF_MACHINE_AUTO: for gib_kernel_host_setup() only: the real machine
 *                       where there is one (s390 with AIV), else the software
 *                       machine
 */
enum gib_pf_machine {
	GIB_PF_MACHINE_SOFT = 0,
	GIB_PF_MACHINE_REAL = 1,
	GIB_PF_MACHINE_AUTO = 2,
};

/**
 * struct gib_pf_host - the backend's part of a host
 * @machine: which machine the host has
 * @soft_flags: software machine behaviour, GIB_SOFT_* of <gib_kernel.h>
 * @gal_registered: a GAL handler is registered (unwinding is checked)
 * @port_gal: real machine: the port owns the GAL adapter interrupt
 *            (gib_kernel_host_port_gal()); libgib registers none
 * @gal_work: software machine: raises the GAL interruption in hard-irq
 *            context, as the real one comes
 * @gal_raised: software machine: GAL interruptions raised
 * @gal_taken: GAL interruptions handled
 * @linked: software machine: GISAs it linked into the alert list
 * @airq: s390 real machine: the adapter-interrupt handler on the NISC
 */
struct gib_pf_host {
	enum gib_pf_machine machine;
	unsigned int soft_flags;
	bool gal_registered;
	bool port_gal;
	struct irq_work gal_work;
	atomic_long_t gal_raised;
	atomic_long_t gal_taken;
	atomic_long_t linked;
#ifdef CONFIG_S390
	struct airq_struct airq;
#endif
};

#endif /* LIBGIB_GIB_BACKEND_H */
