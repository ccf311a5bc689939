/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/**
 * DOC: libgib platform contract
 *
 * The core of libgib names no platform. Everything it needs from one comes
 * through the operations declared here, and exactly one backend defines them.
 * The build puts the backend's include folder on the path; this header pulls
 * in its ``<gib_backend.h>``, which must refuse to be included on its own.
 *
 * The backend also provides the base types the core uses: ``uint8_t`` ..
 * ``uint64_t``, ``bool``, ``size_t``, ``NULL``, ``offsetof`` and the errno
 * constants (``EINVAL``, ``ERANGE``, ``EBUSY``, ``ENODEV``, ``ENOMEM``,
 * ``EIO``, ``ENOENT``, ``EOPNOTSUPP``, ``EOVERFLOW``, ``EALREADY``).
 *
 * Ordering vocabulary (as in the Linux kernel's memory model):
 *
 * - *once*: a single, untorn access the compiler may neither fuse, split nor
 *   repeat; it orders nothing (READ_ONCE / WRITE_ONCE).
 * - *fully ordered*: acts as a full memory barrier before and after the
 *   operation (value-returning RMW in the kernel). A failed compare-and-swap
 *   orders nothing.
 * - *release* / *acquire*: the usual one-way barriers.
 * - *unordered RMW*: atomic, but orders nothing (kernel set_bit()).
 *
 * Backends are in ``platform/<name>/``: ``userspace`` (liburcu, pthreads,
 * simulated or real clock, an arena of 31-bit machine addresses) and
 * ``linux-kernel`` (kernel atomics, hrtimer, CHSC "set GIB", the GAL adapter
 * interrupt).
 */
#ifndef LIBGIB_PLATFORM_H
#define LIBGIB_PLATFORM_H

/**
 * GIB_STATIC_ASSERT() - a compile-time check, in C11 and in C++
 * @cond: the constant expression that must hold
 * @msg: the message if it does not
 */
#ifdef __cplusplus
#define GIB_STATIC_ASSERT(cond, msg) static_assert(cond, msg)
#else
#define GIB_STATIC_ASSERT(cond, msg) _Static_assert(cond, msg)
#endif

#define GIB_PLATFORM_INSIDE
#include <gib_backend.h>
#undef GIB_PLATFORM_INSIDE

#ifdef __cplusplus
extern "C" {
#endif

struct gib_host;

/*
 * Once accesses of plain scalar fields.
 *
 * GIB_PF_READ_ONCE(x) and GIB_PF_WRITE_ONCE(x, v) are macros the backend
 * defines: once accesses (see above) that a race detector must see as atomic
 * (relaxed) accesses, not as plain ones.
 */

/* ---- Word atomics on shared (hardware-visible) memory ------------------ */

/**
 * gib_pf_load64() - once-load of a 64-bit word
 * @p: the word, 8-byte aligned
 *
 * Return: the value, in memory byte order (no conversion).
 */
static inline uint64_t gib_pf_load64(const uint64_t *p);

/**
 * gib_pf_load32() - once-load of a 32-bit word
 * @p: the word, 4-byte aligned
 *
 * Return: the value, in memory byte order.
 */
static inline uint32_t gib_pf_load32(const uint32_t *p);

/**
 * gib_pf_load8() - once-load of a byte
 * @p: the byte
 *
 * Return: the value.
 */
static inline uint8_t gib_pf_load8(const uint8_t *p);

/**
 * gib_pf_store32() - once-store of a 32-bit word
 * @p: the word, 4-byte aligned
 * @v: the value, in memory byte order
 */
static inline void gib_pf_store32(uint32_t *p, uint32_t v);

/**
 * gib_pf_store_release32() - store of a 32-bit word with release ordering
 * @p: the word, 4-byte aligned
 * @v: the value, in memory byte order
 *
 * Every access before it in program order is visible to whoever observes the
 * stored value (smp_store_release()).
 */
static inline void gib_pf_store_release32(uint32_t *p, uint32_t v);

/**
 * gib_pf_cmpxchg64() - 64-bit compare-and-swap
 * @p: the word, 8-byte aligned
 * @old: the expected value, memory byte order
 * @val: the value to store when *@p == @old
 *
 * Fully ordered when it succeeds; a failed one orders nothing.
 *
 * Return: the value *@p held before (equal to @old on success).
 */
static inline uint64_t gib_pf_cmpxchg64(uint64_t *p, uint64_t old, uint64_t val);

/**
 * gib_pf_cmpxchg32() - 32-bit compare-and-swap
 * @p: the word, 4-byte aligned
 * @old: the expected value, memory byte order
 * @val: the value to store when *@p == @old
 *
 * Fully ordered when it succeeds; a failed one orders nothing.
 *
 * Return: the value *@p held before.
 */
static inline uint32_t gib_pf_cmpxchg32(uint32_t *p, uint32_t old, uint32_t val);

/**
 * gib_pf_xchg32() - 32-bit exchange
 * @p: the word, 4-byte aligned
 * @v: the new value, memory byte order
 *
 * Fully ordered.
 *
 * Return: the value *@p held before.
 */
static inline uint32_t gib_pf_xchg32(uint32_t *p, uint32_t v);

/**
 * gib_pf_fetch_or8() - atomic OR on one byte
 * @p: the byte
 * @mask: the bits to set
 *
 * Fully ordered. The byte may be part of a word that others change with
 * gib_pf_cmpxchg64(); the backend must make the two atomic against each other
 * (true of every machine libgib targets).
 *
 * Return: the byte before the OR.
 */
static inline uint8_t gib_pf_fetch_or8(uint8_t *p, uint8_t mask);

/**
 * gib_pf_fetch_and8() - atomic AND on one byte
 * @p: the byte
 * @mask: the bits to keep
 *
 * Fully ordered; atomic against gib_pf_cmpxchg64() on the containing word.
 *
 * Return: the byte before the AND.
 */
static inline uint8_t gib_pf_fetch_and8(uint8_t *p, uint8_t mask);

/**
 * gib_pf_smp_mb() - full memory barrier between CPUs
 */
static inline void gib_pf_smp_mb(void);

/**
 * gib_pf_smp_rmb() - read barrier: earlier loads before later loads
 */
static inline void gib_pf_smp_rmb(void);

/**
 * gib_pf_cpu_relax() - a pause inside a retry loop that waits for another CPU
 *
 * Orders nothing; lets a sibling thread or a preempted software machine run.
 */
static inline void gib_pf_cpu_relax(void);

/**
 * gib_pf_irq_save() - stay on this CPU, neither preempted nor interrupted,
 *                     until gib_pf_irq_restore()
 *
 * Brackets the host's processing of the alert list: gib_process_alert_list()
 * holds a cut-off list while the origin reads NONE, and another CPU's
 * gib_gisa_destroy() may spin until a GISA of that cut is unlinked. Were the
 * processing preempted there, every GISA linked meanwhile would raise no GAL
 * interruption until it ran again, and a spinning destroy of higher priority
 * on its CPU would keep it from ever running (SPIN run
 * prefix-live-destroy-preempted-cutter). Sections nest; the GAL interruption
 * handler runs so already. Orders nothing; a compiler barrier at least.
 *
 * Return: the state for gib_pf_irq_restore().
 */
static inline unsigned long gib_pf_irq_save(void);

/**
 * gib_pf_irq_restore() - end a gib_pf_irq_save() section
 * @flags: what gib_pf_irq_save() returned
 */
static inline void gib_pf_irq_restore(unsigned long flags);

/* ---- Byte order -------------------------------------------------------- */

/**
 * gib_pf_be64_to_cpu() - big-endian 64-bit value to CPU order
 * @v: the big-endian value
 *
 * Return: @v in CPU order.
 */
static inline uint64_t gib_pf_be64_to_cpu(uint64_t v);

/**
 * gib_pf_cpu_to_be64() - CPU-order 64-bit value to big-endian
 * @v: the CPU-order value
 *
 * Return: @v in big-endian order.
 */
static inline uint64_t gib_pf_cpu_to_be64(uint64_t v);

/**
 * gib_pf_be32_to_cpu() - big-endian 32-bit value to CPU order
 * @v: the big-endian value
 *
 * Return: @v in CPU order.
 */
static inline uint32_t gib_pf_be32_to_cpu(uint32_t v);

/**
 * gib_pf_cpu_to_be32() - CPU-order 32-bit value to big-endian
 * @v: the CPU-order value
 *
 * Return: @v in big-endian order.
 */
static inline uint32_t gib_pf_cpu_to_be32(uint32_t v);

/* ---- Bitmaps of unsigned long (vcpu idle and kicked masks) ------------- */

/**
 * gib_pf_set_bit() - atomically set a bit; unordered RMW
 * @nr: the bit number
 * @addr: the bitmap
 */
static inline void gib_pf_set_bit(unsigned int nr, unsigned long *addr);

/**
 * gib_pf_clear_bit() - atomically clear a bit; unordered RMW
 * @nr: the bit number
 * @addr: the bitmap
 */
static inline void gib_pf_clear_bit(unsigned int nr, unsigned long *addr);

/**
 * gib_pf_test_and_set_bit() - atomically set a bit, fully ordered
 * @nr: the bit number
 * @addr: the bitmap
 *
 * Return: true if the bit was already set.
 */
static inline bool gib_pf_test_and_set_bit(unsigned int nr, unsigned long *addr);

/**
 * gib_pf_test_and_clear_bit() - atomically clear a bit, fully ordered
 * @nr: the bit number
 * @addr: the bitmap
 *
 * Return: true if the bit was set.
 */
static inline bool gib_pf_test_and_clear_bit(unsigned int nr, unsigned long *addr);

/**
 * gib_pf_test_bit() - once-read of one bit
 * @nr: the bit number
 * @addr: the bitmap
 *
 * Return: true if the bit is set.
 */
static inline bool gib_pf_test_bit(unsigned int nr, const unsigned long *addr);

/**
 * gib_pf_find_next_bit() - the next set bit at or after @offset
 * @addr: the bitmap, read word by word with once-loads
 * @size: the number of bits to search
 * @offset: the first bit to look at
 *
 * Return: the bit number, or @size if no bit in [@offset, @size) is set.
 */
static inline unsigned int gib_pf_find_next_bit(const unsigned long *addr, unsigned int size,
						 unsigned int offset);

/* ---- Lock (GISC registration, guest life cycle) ------------------------ */

/*
 * struct gib_pf_lock is defined by the backend: a sleeping or spinning lock
 * whose lock is an acquire and whose unlock is a release.
 */

/**
 * gib_pf_lock_init() - initialise a lock
 * @l: the lock
 */
void gib_pf_lock_init(struct gib_pf_lock *l);

/**
 * gib_pf_lock_destroy() - release a lock's resources; it must be unlocked
 * @l: the lock
 */
void gib_pf_lock_destroy(struct gib_pf_lock *l);

/**
 * gib_pf_lock() - take a lock (acquire)
 * @l: the lock
 */
void gib_pf_lock(struct gib_pf_lock *l);

/**
 * gib_pf_unlock() - drop a lock (release)
 * @l: the lock
 */
void gib_pf_unlock(struct gib_pf_lock *l);

/**
 * gib_pf_lock_assert_held() - complain unless the caller holds @l
 * @l: the lock
 *
 * For the core's ``*_locked`` helpers (kernel: lockdep_assert_held(), a
 * no-op without CONFIG_LOCKDEP; user space: aborts if the calling thread
 * is not the owner).
 */
void gib_pf_lock_assert_held(struct gib_pf_lock *l);

/* ---- Kick timer -------------------------------------------------------- */

/**
 * typedef gib_pf_timer_fn - a timer's callback
 * @t: the timer that expired
 *
 * Runs with no lock of the core held. Must not call gib_pf_timer_cancel() or
 * gib_pf_timer_start() on @t itself: it asks to be run again by its return.
 *
 * Return: nanoseconds from now after which to run again, or
 * %GIB_PF_TIMER_STOP to stop.
 */
typedef uint64_t (*gib_pf_timer_fn)(struct gib_pf_timer *t);

/** GIB_PF_TIMER_STOP - a timer callback's "do not run again" */
#define GIB_PF_TIMER_STOP (~(uint64_t)0)

/**
 * gib_pf_timer_init() - initialise a stopped timer
 * @t: the timer (struct gib_pf_timer, defined by the backend)
 * @fn: its callback
 */
void gib_pf_timer_init(struct gib_pf_timer *t, gib_pf_timer_fn fn);

/**
 * gib_pf_timer_start() - (re)start a timer
 * @t: the timer
 * @delay_ns: nanoseconds from now; 0 means as soon as possible
 *
 * A timer that is already queued is moved to the new expiry. Everything the
 * caller did before the call happens before the callback it causes.
 */
void gib_pf_timer_start(struct gib_pf_timer *t, uint64_t delay_ns);

/**
 * gib_pf_timer_cancel() - stop a timer and wait for a running callback
 * @t: the timer
 *
 * On return the timer is not queued and its callback is not running
 * (hrtimer_cancel()). Must not be called from @t's own callback.
 */
void gib_pf_timer_cancel(struct gib_pf_timer *t);

/**
 * gib_pf_timer_destroy() - release a stopped timer's resources
 * @t: the timer
 */
void gib_pf_timer_destroy(struct gib_pf_timer *t);

/* ---- Machine memory: 31-bit addressable GIB and GISA ------------------- */

/** GIB_PF_NO_MADDR - gib_pf_virt_to_maddr() of memory the machine cannot address */
#define GIB_PF_NO_MADDR (~(uint64_t)0)

/**
 * gib_pf_alloc31() - allocate zeroed memory the machine can address
 * @size: bytes, at most 256
 *
 * The memory is zeroed and aligned to 256 bytes, and its machine
 * address is below 2 GiB and at least 0x1000 (so it never reads as an
 * alert-list marker).
 *
 * Return: the memory, or NULL when none is left.
 */
void *gib_pf_alloc31(size_t size);

/**
 * gib_pf_free31() - give back memory from gib_pf_alloc31()
 * @p: the memory, or NULL
 *
 * The memory is reused only once no reader that found it before the call can
 * still touch it (user space: after an RCU grace period).
 */
void gib_pf_free31(void *p);

/**
 * gib_pf_synchronize() - wait for every reader that may still see old state
 *
 * Returns once every reader section of the backend (user space: RCU read
 * side; kernel: rcu_read_lock()) that began before the call has ended. Paths
 * that find a GISA through its guest's origin while it may be destroyed run
 * in such sections. May sleep.
 */
void gib_pf_synchronize(void);

/**
 * gib_pf_virt_to_maddr() - the machine address of a host pointer
 * @p: the pointer
 *
 * Return: the machine address, which may be 2 GiB or more (the core then
 * refuses it with -ERANGE), or %GIB_PF_NO_MADDR if the machine cannot address
 * @p at all.
 */
static inline uint64_t gib_pf_virt_to_maddr(const void *p);

/**
 * gib_pf_maddr_to_virt() - the host pointer of a machine address
 * @maddr: a machine address earlier returned by gib_pf_virt_to_maddr()
 *
 * Return: the pointer.
 */
static inline void *gib_pf_maddr_to_virt(uint32_t maddr);

/* ---- The machine: facilities, GAL interrupt, CHSC "set GIB" ------------ */

/**
 * gib_pf_host_ready() - whether the backend has set the host up
 * @host: the host
 *
 * A host the backend never set up (user space: no gib_us_host_attach())
 * is a caller's mistake, not a machine without a GIB.
 *
 * Return: 0 if it has; -EINVAL if not.
 */
int gib_pf_host_ready(struct gib_host *host);

/**
 * gib_pf_has_aiv() - whether the machine has the adapter-interruption
 *                    virtualization facility (and so a GIB)
 * @host: the host
 *
 * Return: true if it has.
 */
bool gib_pf_has_aiv(struct gib_host *host);

/**
 * gib_pf_has_gisaf() - whether the machine has the GISA-format-1 facility
 * @host: the host
 *
 * Return: true if GISAs are designated in format 1.
 */
bool gib_pf_has_gisaf(struct gib_host *host);

/**
 * gib_pf_gal_register() - route GIB-alert interruptions on @nisc to the core
 * @host: the host; the backend calls gib_gal_interrupt(@host) on each one
 * @nisc: the host ISC, 0..7
 *
 * Return: 0, or a negative errno (the core then unwinds).
 */
int gib_pf_gal_register(struct gib_host *host, uint8_t nisc);

/**
 * gib_pf_gal_unregister() - undo gib_pf_gal_register()
 * @host: the host
 *
 * On return no GAL interruption handler of @host is running or will run.
 */
void gib_pf_gal_unregister(struct gib_host *host);

/**
 * gib_pf_set_gib() - CHSC "set GIB": associate the GIB with the machine
 * @host: the host
 * @gib_maddr: the GIB's machine address, or 0 to dissociate
 *
 * Return: 0, or -EIO when the machine refuses.
 */
int gib_pf_set_gib(struct gib_host *host, uint32_t gib_maddr);

#ifdef __cplusplus
}
#endif

#endif /* LIBGIB_PLATFORM_H */
