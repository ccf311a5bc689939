// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * libgib Linux kernel backend: the non-inline half of the platform contract
 * (lock, kick timer, 31-bit machine memory, machine hooks) and the module's
 * set-up. The software machine itself is in swmachine.c.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/rcupdate.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <linux/ktime.h>
#ifdef CONFIG_S390
#include <asm/cio.h>
#include <asm/css_chars.h>
#include <asm/sclp.h>
#endif

#include <gib_kernel.h>
#include "swmachine.h"

/* ---- Lock -------------------------------------------------------------- */

void gib_pf_lock_init(struct gib_pf_lock *l)
{
	/*
	 * One static lockdep class for all of them (see struct gib_pf_lock):
	 * host and guest locks never nest. No key to register, so no grace
	 * period at teardown and no complaint about static memory.
	 */
	mutex_init(&l->mutex);
}

void gib_pf_lock_destroy(struct gib_pf_lock *l)
{
	mutex_destroy(&l->mutex);
}

void gib_pf_lock(struct gib_pf_lock *l)
{
	/* mutex_lock() is an acquire. */
	mutex_lock(&l->mutex);
}

void gib_pf_unlock(struct gib_pf_lock *l)
{
	/* mutex_unlock() is a release. */
	mutex_unlock(&l->mutex);
}

void gib_pf_lock_assert_held(struct gib_pf_lock *l)
{
	/* Checked with CONFIG_LOCKDEP (debug kernels), free otherwise. */
	lockdep_assert_held(&l->mutex);
}

/* ---- Kick timer -------------------------------------------------------- */

static enum hrtimer_restart gib_pf_hrtimer_fn(struct hrtimer *hrt)
{
	struct gib_pf_timer *t = container_of(hrt, struct gib_pf_timer, hrt);
	u64 ns = t->fn(t);

	if (ns == GIB_PF_TIMER_STOP)
		return HRTIMER_NORESTART;
	/* From now, not from the old expiry: a late run does not catch up. */
	hrtimer_forward_now(hrt, ns_to_ktime(min_t(u64, ns, KTIME_MAX)));
	return HRTIMER_RESTART;
}

void gib_pf_timer_init(struct gib_pf_timer *t, gib_pf_timer_fn fn)
{
	/*
	 * Hard-interrupt mode, on purpose and unlike KVM's GISA timer
	 * (HRTIMER_MODE_REL, which PREEMPT_RT moves to softirq). The core
	 * kicks with hrtimer_cancel() + hrtimer_start() from the GAL handler
	 * (hard irq) and from processing with interrupts off; a cancel there
	 * may wait only for a hard-irq callback: for a softirq one it would
	 * take the softirq expiry lock, which sleeps on PREEMPT_RT. The price:
	 * the callback, hence the owner's wake_vcpu and the trace hooks, runs
	 * in hard irq even on PREEMPT_RT and may take no spinlock_t (there a
	 * sleeping lock): raw locks, rcuwait_wake_up() (KVM's vcpu wake-up),
	 * wake_up_process() or irq_work only (docs/kernel-port.md).
	 */
	hrtimer_init(&t->hrt, CLOCK_MONOTONIC, HRTIMER_MODE_REL_HARD);
	t->hrt.function = gib_pf_hrtimer_fn;
	t->fn = fn;
}

void gib_pf_timer_start(struct gib_pf_timer *t, u64 delay_ns)
{
	/*
	 * hrtimer_start() enqueues under the timer base's lock, which the
	 * expiry takes before calling the callback: everything before this
	 * call happens before the callback it causes.
	 */
	hrtimer_start(&t->hrt, ns_to_ktime(min_t(u64, delay_ns, KTIME_MAX)),
		      HRTIMER_MODE_REL_HARD);
}

void gib_pf_timer_cancel(struct gib_pf_timer *t)
{
	/* Dequeues, and waits for a callback running on another CPU. */
	hrtimer_cancel(&t->hrt);
}

void gib_pf_timer_destroy(struct gib_pf_timer *t)
{
	/* An hrtimer holds no resources; a queued one here is a core bug. */
	WARN_ON_ONCE(hrtimer_active(&t->hrt));
}

/* ---- Machine memory ---------------------------------------------------- */

/*
 * Each block is one page: the core asks for at most 256 bytes, and the end
 * of the page holds the rcu_head with which gib_pf_free31() defers reuse
 * until no reader that found the block (the software machine, under
 * rcu_read_lock()) can still touch it.
 */
struct gib_pf_page_tail {
	struct rcu_head rcu;
};

#define GIB_PF_BLOCK_MAX 256
#define GIB_PF_TAIL(p) \
	((struct gib_pf_page_tail *)((u8 *)(p) + PAGE_SIZE - \
				     sizeof(struct gib_pf_page_tail)))

/* Statistics for tests: unordered counters. */
static atomic_long_t gib_pf_outstanding = ATOMIC_LONG_INIT(0);

#ifdef CONFIG_S390

static void *gib_pf_page_alloc(void)
{
	/* ZONE_DMA is the memory below 2 GiB on s390: 31-bit addressable. */
	return (void *)get_zeroed_page(GFP_KERNEL | GFP_DMA);
}

static void gib_pf_page_free(void *page)
{
	free_page((unsigned long)page);
}

static int gib_pf_mem_init(void)
{
	return 0;
}

static void gib_pf_mem_exit(void)
{
}

#else /* !CONFIG_S390 */

/* Exported for the inline gib_pf_virt_to_maddr() of other modules. */
u8 *gib_pf_arena;
EXPORT_SYMBOL_GPL(gib_pf_arena);
static DECLARE_BITMAP(gib_pf_arena_used, GIB_PF_ARENA_PAGES);
static DEFINE_SPINLOCK(gib_pf_arena_lock);

static void *gib_pf_page_alloc(void)
{
	unsigned long flags;
	unsigned int i;
	void *page;

	/* Pages come back from RCU callbacks (softirq): irqsave. */
	spin_lock_irqsave(&gib_pf_arena_lock, flags);
	i = find_first_zero_bit(gib_pf_arena_used, GIB_PF_ARENA_PAGES);
	if (i < GIB_PF_ARENA_PAGES)
		__set_bit(i, gib_pf_arena_used);
	spin_unlock_irqrestore(&gib_pf_arena_lock, flags);
	if (i >= GIB_PF_ARENA_PAGES)
		return NULL;
	page = gib_pf_arena + (unsigned long)i * PAGE_SIZE;
	memset(page, 0, PAGE_SIZE);
	return page;
}

static void gib_pf_page_free(void *page)
{
	unsigned long i = ((u8 *)page - gib_pf_arena) / PAGE_SIZE;
	unsigned long flags;

	spin_lock_irqsave(&gib_pf_arena_lock, flags);
	__clear_bit(i, gib_pf_arena_used);
	spin_unlock_irqrestore(&gib_pf_arena_lock, flags);
}

static int gib_pf_mem_init(void)
{
	gib_pf_arena = vzalloc(GIB_PF_ARENA_PAGES * PAGE_SIZE);
	return gib_pf_arena ? 0 : -ENOMEM;
}

static void gib_pf_mem_exit(void)
{
	vfree(gib_pf_arena);
	gib_pf_arena = NULL;
}

#endif /* CONFIG_S390 */

void *gib_pf_alloc31(size_t size)
{
	void *page;
	u64 maddr;

	if (size > GIB_PF_BLOCK_MAX)
		return NULL;
	page = gib_pf_page_alloc();
	if (!page)
		return NULL;
	maddr = gib_pf_virt_to_maddr(page);
	/* The contract: below 2 GiB, and never readable as a marker. */
	if (maddr == GIB_PF_NO_MADDR || maddr < 0x1000 ||
	    maddr > 0x80000000ull - PAGE_SIZE) {
		gib_pf_page_free(page);
		return NULL;
	}
	atomic_long_inc(&gib_pf_outstanding);
	/* Also the memory of a caller-owned GISA on the software machine. */
	return page;
}
EXPORT_SYMBOL_GPL(gib_pf_alloc31);

static void gib_pf_free_rcu(struct rcu_head *rcu)
{
	gib_pf_page_free((void *)((unsigned long)rcu & PAGE_MASK));
}

void gib_pf_free31(void *p)
{
	if (!p)
		return;
	atomic_long_dec(&gib_pf_outstanding);
	/* Reused only after every rcu_read_lock() reader that saw it is gone. */
	call_rcu(&GIB_PF_TAIL(p)->rcu, gib_pf_free_rcu);
}
EXPORT_SYMBOL_GPL(gib_pf_free31);

void gib_pf_synchronize(void)
{
	/* Readers of a GISA (the software machine) hold rcu_read_lock(). */
	synchronize_rcu();
}

long gib_kernel_alloc31_outstanding(void)
{
	return atomic_long_read(&gib_pf_outstanding);
}
EXPORT_SYMBOL_GPL(gib_kernel_alloc31_outstanding);

/* ---- The real machine (s390 with AIV) ---------------------------------- */

#ifdef CONFIG_S390

/* The machine has one GIB: at most one host may own it. */
static atomic_t gib_real_owned = ATOMIC_INIT(0);

static bool gib_real_has_aiv(void)
{
	return css_general_characteristics.aiv;
}

static void gib_real_gal_handler(struct airq_struct *airq,
				 struct tpi_info *tpi_info)
{
	struct gib_pf_host *pf = container_of(airq, struct gib_pf_host, airq);
	struct gib_host *host = container_of(pf, struct gib_host, pf);

	atomic_long_inc(&pf->gal_taken);	/* statistics, unordered */
	gib_gal_interrupt(host);
}

static int gib_real_gal_register(struct gib_host *host, u8 nisc)
{
	struct gib_pf_host *pf = &host->pf;

	/* Fully ordered claim; released below or by unregistering. */
	if (atomic_cmpxchg(&gib_real_owned, 0, 1))
		return -EBUSY;
	/* The port registers the adapter interrupt and calls gib_gal_interrupt(). */
	if (pf->port_gal)
		return 0;
	pf->airq.handler = gib_real_gal_handler;
	/*
	 * NULL: register_adapter_interrupt() allocates the summary indicator
	 * (and before 6.6, when the dispatcher also ANDed it with lsi_mask, it
	 * set a zero mask to 0xff), so this builds on 6.1 and 6.12 alike.
	 */
	pf->airq.lsi_ptr = NULL;
	pf->airq.isc = nisc;
	if (register_adapter_interrupt(&pf->airq)) {
		atomic_set(&gib_real_owned, 0);
		return -EIO;
	}
	/*
	 * GAL interruptions have no local summary indicator: keep it 0xff so
	 * the adapter-interrupt dispatcher always calls us (as KVM does).
	 */
	*pf->airq.lsi_ptr = 0xff;
	return 0;
}

static void gib_real_gal_unregister(struct gib_host *host)
{
	/* Waits (synchronize_rcu()) until no handler runs. */
	if (!host->pf.port_gal)
		unregister_adapter_interrupt(&host->pf.airq);
	/* After the handler is gone (synchronize_rcu() above). */
	atomic_set(&gib_real_owned, 0);
}

static int gib_real_set_gib(u32 gib_maddr)
{
	/* CHSC 0x0021 "set GIB"; 0 dissociates. */
	return chsc_sgib(gib_maddr) ? -EIO : 0;
}

bool gib_kernel_real_machine(void)
{
	return gib_real_has_aiv();
}
EXPORT_SYMBOL_GPL(gib_kernel_real_machine);

#else /* !CONFIG_S390: no real machine; these are never reached. */

static bool gib_real_has_aiv(void)
{
	return false;
}

static int gib_real_gal_register(struct gib_host *host, u8 nisc)
{
	return -EOPNOTSUPP;
}

static void gib_real_gal_unregister(struct gib_host *host)
{
}

static int gib_real_set_gib(u32 gib_maddr)
{
	return -EOPNOTSUPP;
}

bool gib_kernel_real_machine(void)
{
	return false;
}
EXPORT_SYMBOL_GPL(gib_kernel_real_machine);

#endif /* CONFIG_S390 */

/* ---- Machine hooks of the contract ------------------------------------- */

int gib_kernel_host_setup(struct gib_host *host, enum gib_pf_machine machine,
			  unsigned int soft_flags)
{
	if (!host || (soft_flags & ~GIB_SOFT_FLAGS))
		return -EINVAL;
	if (machine == GIB_PF_MACHINE_AUTO) {
		if (soft_flags)
			return -EINVAL;
		machine = gib_kernel_real_machine() ? GIB_PF_MACHINE_REAL :
						      GIB_PF_MACHINE_SOFT;
	}
	switch (machine) {
	case GIB_PF_MACHINE_REAL:
		if (!IS_ENABLED(CONFIG_S390))
			return -EOPNOTSUPP;
		if (soft_flags)
			return -EINVAL;
		break;
	case GIB_PF_MACHINE_SOFT:
		break;
	default:
		return -EINVAL;
	}
	host->pf.machine = machine;
	host->pf.soft_flags = soft_flags;
	host->pf.gal_registered = false;
	host->pf.port_gal = false;
	atomic_long_set(&host->pf.gal_raised, 0);
	atomic_long_set(&host->pf.gal_taken, 0);
	atomic_long_set(&host->pf.linked, 0);
	return 0;
}
EXPORT_SYMBOL_GPL(gib_kernel_host_setup);

int gib_pf_host_ready(struct gib_host *host)
{
	/* Every kernel host is the real or the software machine (zeroed: soft). */
	return 0;
}

bool gib_pf_has_aiv(struct gib_host *host)
{
	if (host->pf.machine == GIB_PF_MACHINE_REAL)
		return gib_real_has_aiv();
	return !(host->pf.soft_flags & GIB_SOFT_NO_AIV);
}

bool gib_pf_has_gisaf(struct gib_host *host)
{
#ifdef CONFIG_S390
	if (host->pf.machine == GIB_PF_MACHINE_REAL)
		return sclp.has_gisaf;
#endif
	return host->pf.soft_flags & GIB_SOFT_GISAF;
}

int gib_pf_gal_register(struct gib_host *host, u8 nisc)
{
	int rc;

	if (host->pf.machine == GIB_PF_MACHINE_REAL)
		rc = gib_real_gal_register(host, nisc);
	else
		rc = gib_soft_gal_register(host, nisc);
	if (!rc)
		host->pf.gal_registered = true;
	return rc;
}

void gib_pf_gal_unregister(struct gib_host *host)
{
	if (host->pf.machine == GIB_PF_MACHINE_REAL)
		gib_real_gal_unregister(host);
	else
		gib_soft_gal_unregister(host);
	host->pf.gal_registered = false;
}

int gib_pf_set_gib(struct gib_host *host, u32 gib_maddr)
{
	if (host->pf.machine == GIB_PF_MACHINE_REAL)
		return gib_real_set_gib(gib_maddr);
	return gib_soft_set_gib(host, gib_maddr);
}

int gib_kernel_host_port_gal(struct gib_host *host)
{
	if (!host)
		return -EINVAL;
	if (host->gib)
		return -EALREADY;
	/* Before gib_init(), under the caller's set-up: a plain store. */
	host->pf.port_gal = true;
	return 0;
}
EXPORT_SYMBOL_GPL(gib_kernel_host_port_gal);

void gib_kernel_host_stats(const struct gib_host *host,
			   struct gib_kernel_stats *st)
{
	/* Unordered snapshots: exact only once the machine is quiet. */
	st->gal_raised = atomic_long_read(&host->pf.gal_raised);
	st->gal_taken = atomic_long_read(&host->pf.gal_taken);
	st->linked = atomic_long_read(&host->pf.linked);
}
EXPORT_SYMBOL_GPL(gib_kernel_host_stats);

bool gib_kernel_gal_registered(const struct gib_host *host)
{
	/* Once-read; written under the host's life cycle only. */
	return READ_ONCE(host->pf.gal_registered);
}
EXPORT_SYMBOL_GPL(gib_kernel_gal_registered);

/* ---- Module ------------------------------------------------------------ */

static int __init gib_module_init(void)
{
	int rc = gib_pf_mem_init();

	if (rc)
		return rc;
	pr_info("loaded; real machine (s390 AIV): %s\n",
		gib_kernel_real_machine() ? "yes" : "no, software machine only");
	return 0;
}

static void __exit gib_module_exit(void)
{
	/* gib_pf_free31()'s callbacks touch the arena and this module's text. */
	rcu_barrier();
	gib_pf_mem_exit();
}

module_init(gib_module_init);
module_exit(gib_module_exit);

MODULE_DESCRIPTION("libgib: s390 KVM GIB/GISA adapter-interruption algorithms");
MODULE_AUTHOR("libgib project");
MODULE_LICENSE("Dual MIT/GPL");
