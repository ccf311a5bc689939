/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * Stand-ins for what Linux's s390 KVM interrupt code needs, so that its
 * functions, pulled out by name (kdiff.py), compile and run in user space.
 *
 * Memory: the GISAs and the GIB are a big-endian image, mapped at virtual
 * addresses equal to their machine addresses (the kernel code casts GISA
 * pointers to their 31-bit links). READ_ONCE, WRITE_ONCE, cmpxchg and xchg
 * access memory big-endian, as on s390; the only multi-byte memory the
 * extracted code reaches through them is the GISA's first doubleword and
 * link and the GIB's origin. The *_inv bit operations number bits from the
 * most significant bit of a big-endian doubleword (s390's "inverted" bits).
 * Everything else (bitmaps of vcpus, pending-IRQ words, SIE block fields) is
 * the host's own and in host order, as it is on s390.
 *
 * The shapes of struct kvm, kvm_vcpu, kvm_s390_gisa_interrupt and sie_page2
 * carry the fields the extracted code touches, nothing more. The harness has
 * no clock-comparator, CPU-timer, external-call or stop interrupts, no
 * guest debugging and no protected guests: their predicates are stubs.
 */
#ifndef KDIFF_KSTANDIN_H
#define KDIFF_KSTANDIN_H

#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int64_t s64;
typedef uint8_t __u8;
typedef uint16_t __u16;
typedef uint32_t __u32;
typedef uint64_t __u64;

#define __must_check
#define BITS_PER_BYTE 8
#define BITS_PER_LONG 64
#define MAX_ISC 7
#define KSTANDIN_MAX_VCPUS 248
#define BITS_TO_LONGS(n) (((n) + BITS_PER_LONG - 1) / BITS_PER_LONG)
#define container_of(ptr, type, member) ((type *)(void *)((char *)(ptr) - offsetof(type, member)))
#define EXPORT_SYMBOL_GPL(x)
#define min_t(t, a, b) ((t)(a) < (t)(b) ? (t)(a) : (t)(b))

/* ---- Events, warnings, tracing: counted where the harness compares them */
extern unsigned long kstandin_warns;
#define VM_EVENT(...) do { } while (0)
#define VCPU_EVENT(...) do { } while (0)
#define KVM_EVENT(...) (kstandin_warns++)
#define WARN(cond, ...) ({ int w_ = !!(cond); if (w_) kstandin_warns++; w_; })
#define WARN_ON(cond) WARN(cond, "")
#define WARN_ONCE(cond, ...) WARN(cond, "")
#define trace_kvm_s390_deliver_interrupt(...) do { } while (0)

/* ---- Big-endian memory accessors (s390 is big-endian) -------------------- */
#define KS_BSWAP(x) _Generic((x),						\
	uint8_t : (x), int8_t : (x),						\
	uint16_t : __builtin_bswap16((uint16_t)(x)),				\
	uint32_t : __builtin_bswap32((uint32_t)(x)),				\
	int32_t : (int32_t)__builtin_bswap32((uint32_t)(x)),			\
	unsigned long : __builtin_bswap64((uint64_t)(x)),			\
	unsigned long long : __builtin_bswap64((uint64_t)(x)))
#define READ_ONCE(x) ({ __typeof__(x) v_ = __atomic_load_n(&(x), __ATOMIC_RELAXED); \
			(__typeof__(x))KS_BSWAP(v_); })
#define WRITE_ONCE(x, v) do { __typeof__(x) w_ = (v);				\
	__atomic_store_n(&(x), (__typeof__(x))KS_BSWAP(w_), __ATOMIC_RELAXED); } while (0)
#define cmpxchg(p, o, n) ({ __typeof__(*(p)) o_ = KS_BSWAP((__typeof__(*(p)))(o)); \
	__atomic_compare_exchange_n((p), &o_, KS_BSWAP((__typeof__(*(p)))(n)), false,	\
				    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);		\
	(__typeof__(*(p)))KS_BSWAP(o_); })
/* The harness's hook runs after the exchange: a push between cut and walk. */
void kstandin_after_xchg(void *p, u64 old, u64 new);
#define xchg(p, v) ({ __typeof__(*(p)) n_ = (v), x_ = __atomic_exchange_n((p),	\
	KS_BSWAP(n_), __ATOMIC_SEQ_CST);					\
	kstandin_after_xchg(p, KS_BSWAP(x_), n_); (__typeof__(*(p)))KS_BSWAP(x_); })
extern unsigned long kstandin_spins;
#define cpu_relax() do { if (++kstandin_spins > 1000000) kstandin_stuck("cpu_relax"); } while (0)
void kstandin_stuck(const char *where) __attribute__((noreturn));

/* ---- atomic_t (host order) ---------------------------------------------- */
typedef struct { int counter; } atomic_t;
#define atomic_read(a) __atomic_load_n(&(a)->counter, __ATOMIC_RELAXED)
#define atomic_set(a, v) __atomic_store_n(&(a)->counter, (v), __ATOMIC_RELAXED)
#define atomic_or(v, a) __atomic_fetch_or(&(a)->counter, (int)(v), __ATOMIC_SEQ_CST)
#define atomic_andnot(v, a) __atomic_fetch_and(&(a)->counter, (int)~(v), __ATOMIC_SEQ_CST)

/* ---- Bit operations on host bitmaps -------------------------------------- */
#define BIT_WORD(nr) ((nr) / BITS_PER_LONG)
#define BIT_MASK(nr) (1UL << ((nr) % BITS_PER_LONG))
static inline void set_bit(unsigned long nr, volatile unsigned long *a)
{
	__atomic_fetch_or(&a[BIT_WORD(nr)], BIT_MASK(nr), __ATOMIC_SEQ_CST);
}
static inline void clear_bit(unsigned long nr, volatile unsigned long *a)
{
	__atomic_fetch_and(&a[BIT_WORD(nr)], ~BIT_MASK(nr), __ATOMIC_SEQ_CST);
}
static inline void __clear_bit(unsigned long nr, unsigned long *a)
{
	a[BIT_WORD(nr)] &= ~BIT_MASK(nr);
}
static inline int test_bit(unsigned long nr, const volatile unsigned long *a)
{
	return !!(a[BIT_WORD(nr)] & BIT_MASK(nr));
}
static inline int test_and_set_bit(unsigned long nr, volatile unsigned long *a)
{
	return !!(__atomic_fetch_or(&a[BIT_WORD(nr)], BIT_MASK(nr), __ATOMIC_SEQ_CST) &
		  BIT_MASK(nr));
}
static inline unsigned long find_next_bit(const unsigned long *a, unsigned long size,
					  unsigned long off)
{
	for (; off < size; off++)
		if (test_bit(off, a))
			return off;
	return size;
}
#define find_first_bit(a, size) find_next_bit((a), (size), 0)
static inline unsigned long find_last_bit(const unsigned long *a, unsigned long size)
{
	unsigned long i;

	for (i = size; i-- > 0;)
		if (test_bit(i, a))
			return i;
	return size;
}
#define for_each_set_bit(bit, addr, size)					\
	for ((bit) = find_next_bit((addr), (size), 0); (bit) < (size);		\
	     (bit) = find_next_bit((addr), (size), (bit) + 1))

/* ---- s390 inverted bit operations on a big-endian image ------------------ */
/* Bit nr counts from the most significant bit of the first (big-endian) byte. */
static inline void set_bit_inv(unsigned long nr, volatile unsigned long *a)
{
	__atomic_fetch_or((volatile u8 *)a + nr / 8, (u8)(0x80 >> (nr % 8)), __ATOMIC_SEQ_CST);
}
static inline void clear_bit_inv(unsigned long nr, volatile unsigned long *a)
{
	__atomic_fetch_and((volatile u8 *)a + nr / 8, (u8)~(0x80 >> (nr % 8)), __ATOMIC_SEQ_CST);
}
static inline int test_and_clear_bit_inv(unsigned long nr, volatile unsigned long *a)
{
	u8 m = (u8)(0x80 >> (nr % 8));

	return !!(__atomic_fetch_and((volatile u8 *)a + nr / 8, (u8)~m, __ATOMIC_SEQ_CST) & m);
}

/* ---- Locks: one thread, so only their pairing is checked ---------------- */
typedef struct { int held; } spinlock_t;
struct mutex { int held; };
#define spin_lock_init(l) ((l)->held = 0)
#define spin_lock(l) do { if ((l)->held++) kstandin_stuck("spin_lock"); } while (0)
#define spin_unlock(l) ((l)->held--)
#define mutex_lock(l) do { if ((l)->held++) kstandin_stuck("mutex_lock"); } while (0)
#define mutex_unlock(l) ((l)->held--)

/* ---- hrtimer on the harness's simulated clock ---------------------------- */
enum hrtimer_restart { HRTIMER_NORESTART, HRTIMER_RESTART };
enum hrtimer_mode { HRTIMER_MODE_REL };
#define CLOCK_MONOTONIC 1
typedef s64 ktime_t;
struct hrtimer {
	enum hrtimer_restart (*function)(struct hrtimer *);
	bool queued;
	u64 expires;
};
extern u64 kstandin_now;
#define ns_to_ktime(ns) ((ktime_t)(ns))
static inline void hrtimer_init(struct hrtimer *t, int clock, enum hrtimer_mode mode)
{
	(void)clock;
	(void)mode;
	t->function = NULL;
	t->queued = false;
	t->expires = 0;
}
void kstandin_timer_started(struct hrtimer *t);
static inline void hrtimer_start(struct hrtimer *t, u64 ns, enum hrtimer_mode mode)
{
	(void)mode;
	kstandin_timer_started(t);
	t->queued = true;
	t->expires = kstandin_now + ns;
}
static inline int hrtimer_cancel(struct hrtimer *t)
{
	int was = t->queued;

	t->queued = false;
	return was;
}
static inline bool hrtimer_active(const struct hrtimer *t)
{
	return t->queued;
}
/* Forward past now by whole intervals, as the kernel does. */
static inline u64 hrtimer_forward_now(struct hrtimer *t, ktime_t interval)
{
	u64 n = 0;

	while (t->expires <= kstandin_now) {
		t->expires += (u64)interval;
		n++;
	}
	return n;
}

/* ---- Lists (only ever empty here: no classic I/O interrupts queued) ------ */
struct list_head { struct list_head *next, *prev; };
#define list_first_entry_or_null(h, type, member)				\
	((h)->next != (h) && (h)->next ? container_of((h)->next, type, member) : NULL)
static inline int list_empty(const struct list_head *h)
{
	return h->next == h || !h->next;
}
static inline void list_del(struct list_head *e)
{
	e->prev->next = e->next;
	e->next->prev = e->prev;
}
#define kfree(p) free(p)

/* ---- Structures (shapes) -------------------------------------------------- */
/* The GISA: 32 bytes, big-endian; the fields the kernel names. */
struct kvm_s390_gisa {
	union {
		struct {
			u32 next_alert;
			u8 ipm;
			u8 reserved5;
			u8 reserved6;
			u8 iam;
			u8 rest[24];
		};
		struct {
			u64 word[4];
		} u64;
	};
};
_Static_assert(sizeof(struct kvm_s390_gisa) == 32, "GISA is 32 bytes");
_Static_assert(offsetof(struct kvm_s390_gisa, ipm) == 4, "IPM at 4");

/* The GIB: the NISC is the low three bits of byte 8 (a whole byte here). */
struct kvm_s390_gib {
	u32 alert_list_origin;
	u32 reserved01;
	u8 nisc;
	u8 reserved03[23];
};
_Static_assert(sizeof(struct kvm_s390_gib) == 32, "GIB is 32 bytes");

struct kvm;
struct sie_page2 {
	struct kvm_s390_gisa gisa;
	struct kvm *kvm;
};

struct kvm_s390_io_info {
	__u16 subchannel_id;
	__u16 subchannel_nr;
	__u32 io_int_parm;
	__u32 io_int_word;
};
struct kvm_s390_interrupt_info {
	struct list_head list;
	u64 type;
	struct kvm_s390_io_info io;
};
struct kvm_s390_mchk_info { __u64 cr14; };

struct kvm_s390_sie_block {
	atomic_t cpuflags;
	struct { u64 mask, addr; } gpsw;
	u64 gcr[16];
	u64 ckc;
	u32 gd;
	u32 eca;
	u8 iictl;
};

struct kvm_s390_local_interrupt {
	unsigned long pending_irqs;
	struct { struct kvm_s390_mchk_info mchk; } irq;
};

struct kvm_vcpu_arch {
	struct kvm_s390_sie_block *sie_block;
	struct kvm_s390_local_interrupt local_int;
	struct hrtimer ckc_timer;
};

struct kvm_vcpu_stat { u64 deliver_io, exit_wait_state; };

struct kvm_vcpu {
	struct kvm *kvm;
	int vcpu_id;
	int vcpu_idx;
	bool valid_wakeup;
	struct mutex mutex;
	struct kvm_vcpu_stat stat;
	struct kvm_vcpu_arch arch;
	/* harness */
	unsigned int wakes;
	struct kvm_s390_sie_block sb;
};

struct kvm_s390_float_interrupt {
	unsigned long pending_irqs;
	unsigned long masked_irqs;
	spinlock_t lock;
	struct list_head lists[8];
	int counters[4];
	struct kvm_s390_mchk_info mchk;
	int next_rr_cpu;
};

struct kvm_s390_gisa_iam {
	u8 mask;
	spinlock_t ref_lock;
	u32 ref_count[MAX_ISC + 1];
};

struct kvm_s390_gisa_interrupt {
	struct kvm_s390_gisa *origin;
	struct kvm_s390_gisa_iam alert;
	struct hrtimer timer;
	u64 expires;
	unsigned long kicked_mask[BITS_TO_LONGS(KSTANDIN_MAX_VCPUS)];
};

struct kvm_arch {
	struct sie_page2 *sie_page2;
	struct kvm_s390_float_interrupt float_int;
	unsigned long idle_mask[BITS_TO_LONGS(KSTANDIN_MAX_VCPUS)];
	struct kvm_s390_gisa_interrupt gisa_int;
};

struct kvm {
	atomic_t online_vcpus;
	struct kvm_vcpu *vcpus[KSTANDIN_MAX_VCPUS];
	struct kvm_arch arch;
};

static inline struct kvm_vcpu *kvm_get_vcpu(struct kvm *kvm, int i)
{
	return kvm->vcpus[i];
}
#define kvm_for_each_vcpu(idx, vcpup, kvm)					\
	for ((idx) = 0; (idx) < (unsigned long)atomic_read(&(kvm)->online_vcpus) &&	\
	     ((vcpup) = kvm_get_vcpu((kvm), (int)(idx))) != NULL; (idx)++)

/* ---- Machine and platform -------------------------------------------------- */
static struct { int aiv; } css_general_characteristics = { 1 };
extern struct { int has_gisaf, has_sigpif; } kstandin_sclp;
#define sclp kstandin_sclp
#define virt_to_phys(p) ((unsigned long)(p))	/* identity-mapped image */
#define phys_to_virt(a) ((void *)(unsigned long)(a))
static struct kvm_s390_gib *gib;

/* PSW and control-register bits (gcr[0] is 0 here: no external subclasses). */
#define PSW_MASK_EXT 0x0100000000000000UL
#define PSW_MASK_IO 0x0200000000000000UL
#define PSW_MASK_MCHECK 0x0004000000000000UL
#define PSW_MASK_PSTATE 0x0001000000000000UL
#define CR0_CLOCK_COMPARATOR_SIGN (1UL << 53)
#define CR0_EMERGENCY_SIGNAL_SUBMASK (1UL << 14)
#define CR0_EXTERNAL_CALL_SUBMASK (1UL << 13)
#define CR0_CLOCK_COMPARATOR_SUBMASK (1UL << 11)
#define CR0_CPU_TIMER_SUBMASK (1UL << 10)
#define CR0_SERVICE_SIGNAL_SUBMASK (1UL << 9)

/* uapi: interrupt types */
#define KVM_S390_MCHK 0xfffe1000u
#define KVM_S390_INT_IO_MIN 0x00000000u
#define KVM_S390_INT_IO_MAX 0xfffdffffu
#define KVM_S390_INT_IO_AI_MASK 0x04000000u
#define KVM_S390_INT_IO(ai, cssid, ssid, schid)				\
	((((u32)(ai) << 26) | ((cssid) << 8) | ((ssid) << 1) | (schid)) & 0x07ffffffu)

/* ---- Stubs: what the harness does not model ----------------------------- */
#define guestdbg_enabled(v) 0
#define guestdbg_sstep_enabled(v) 0
#define kvm_s390_pv_cpu_get_handle(v) 0
#define kvm_s390_vsie_kick(v) do { } while (0)
#define kvm_vcpu_srcu_read_unlock(v) do { } while (0)
#define kvm_vcpu_srcu_read_lock(v) do { } while (0)
static inline int kvm_cpu_has_pending_timer(struct kvm_vcpu *v) { (void)v; return 0; }
static inline int kvm_s390_ext_call_pending(struct kvm_vcpu *v) { (void)v; return 0; }
static inline int kvm_s390_is_stop_irq_pending(struct kvm_vcpu *v) { (void)v; return 0; }
static inline u64 __calculate_sltime(struct kvm_vcpu *v)
{
	(void)v;
	kstandin_stuck("__calculate_sltime: no guest timers in the harness");
}
/* A wake-up: counted per vcpu. */
static inline void kvm_vcpu_wake_up(struct kvm_vcpu *v)
{
	v->wakes++;
}
/* The vcpu sleeps: leave kvm_s390_handle_wait() for the harness's wait op. */
extern jmp_buf kstandin_halt;
static inline void kvm_vcpu_halt(struct kvm_vcpu *v)
{
	(void)v;
	longjmp(kstandin_halt, 1);
}
/* Delivery to the guest: the harness records the interruption word. */
extern u32 kstandin_delivered_word;
static inline int __do_deliver_io(struct kvm_vcpu *v, struct kvm_s390_io_info *io)
{
	(void)v;
	kstandin_delivered_word = io->io_int_word;
	return 0;
}

#endif /* KDIFF_KSTANDIN_H */
