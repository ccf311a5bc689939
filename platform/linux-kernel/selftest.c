// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * libgib_selftest.ko: the core's behaviours, run inside a booted kernel.
 *
 * Debian's kernels have no KUnit, so this is a plain module whose init runs
 * every case and prints one line "libgib_selftest: N passed, M failed"
 * (N and M count cases) plus one line per failed check. The module then
 * stays loaded, doing nothing, until it is removed; loading it again runs
 * the cases again. (Failing init with -EAGAIN to unload at once would make
 * busybox's insmod retry with init_module() and run everything twice.)
 *
 * The cases use the software machine (gib_soft_raise_ai()) to raise adapter
 * interruptions: it is what QEMU's TCG has on s390 (no SIE, no AIV) and all
 * there is on x86.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/kthread.h>
#include <linux/rcuwait.h>
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/completion.h>
#include <linux/rcupdate.h>
#include <linux/atomic.h>

#include <gib_kernel.h>

static unsigned int rounds = 1000;
module_param(rounds, uint, 0444);
MODULE_PARM_DESC(rounds, "alert round trips per pusher in the stress case");

static bool real_gib;
module_param(real_gib, bool, 0444);
MODULE_PARM_DESC(real_gib,
		 "on s390 with AIV, also associate a GIB with the machine (not while kvm.ko owns it)");

static int st_passed, st_failed;
static bool st_case_failed;
static const char *st_case;

/* A failed check prints one line and fails the running case. */
#define CHECK(cond)							\
	({								\
		bool __ok = !!(cond);					\
		if (!__ok) {						\
			st_case_failed = true;				\
			pr_err("FAIL %s: line %d: %s\n", st_case,	\
			       __LINE__, #cond);			\
		}							\
		__ok;							\
	})

#define CHECK_EQ(a, b)							\
	({								\
		long long __a = (long long)(a), __b = (long long)(b);	\
		bool __ok = __a == __b;					\
		if (!__ok) {						\
			st_case_failed = true;				\
			pr_err("FAIL %s: line %d: %s == %s: %lld != %lld\n", \
			       st_case, __LINE__, #a, #b, __a, __b);	\
		}							\
		__ok;							\
	})

/* Poll @cond for up to @ms milliseconds; true if it became true. */
#define WAIT_FOR(cond, ms)						\
	({								\
		unsigned long __end = jiffies + msecs_to_jiffies(ms);	\
		bool __ok;						\
		for (;;) {						\
			__ok = !!(cond);				\
			if (__ok || time_after(jiffies, __end))		\
				break;					\
			usleep_range(20, 60);				\
		}							\
		__ok;							\
	})

/* ---- Fixtures ---------------------------------------------------------- */

#define ST_VCPUS 4

struct st_guest;

struct st_vcpu {
	struct gib_vcpu vcpu;
	struct st_guest *tg;
	struct rcuwait wait;
	atomic_t woken;
	atomic_t woken_hardirq;
	struct task_struct *task;
};

struct st_guest {
	struct gib_guest gi;
	struct st_vcpu v[ST_VCPUS];
	unsigned int nr_vcpus;
	atomic_t taken[GIB_NR_ISCS];
};

/* Trace counters, also bumped from hard-irq context. */
static atomic_t st_unlinked;
static atomic_t st_unlinked_irqs_on;
static atomic_t st_cuts;

static void st_trace_cut(void *priv, struct gib_host *host, unsigned int pass,
			 u32 cut, bool final)
{
	atomic_inc(&st_cuts);
}

static void st_trace_unlink(void *priv, struct gib_guest *gi)
{
	atomic_inc(&st_unlinked);
	/* Processing runs with interrupts off, from any caller (issue 11). */
	if (!irqs_disabled())
		atomic_inc(&st_unlinked_irqs_on);
}

static const struct gib_trace_ops st_trace = {
	.cut = st_trace_cut,
	.unlink = st_trace_unlink,
};

static void st_wake_vcpu(struct gib_guest *gi, struct gib_vcpu *vcpu)
{
	struct st_vcpu *tv = vcpu->priv;

	atomic_inc(&tv->woken);
	if (in_hardirq())
		atomic_inc(&tv->woken_hardirq);
	/*
	 * KVM's own vcpu wake-up primitive: raw locks only, so it may run in
	 * the hard-irq kick timer even on PREEMPT_RT (a wait queue's
	 * spinlock_t sleeps there).
	 */
	rcuwait_wake_up(&tv->wait);
}

static const struct gib_guest_ops st_ops = {
	.wake_vcpu = st_wake_vcpu,
};

/* A host with the software machine and a GIB on the GAL ISC cut by @cut. */
static struct gib_host *st_host_cut(unsigned int soft_flags, enum gib_cut_policy cut)
{
	struct gib_host *host = kzalloc(sizeof(*host), GFP_KERNEL);

	if (!CHECK(host))
		return NULL;
	host->trace = &st_trace;
	host->cut_policy = cut;
	if (!CHECK_EQ(gib_kernel_host_setup(host, GIB_PF_MACHINE_SOFT,
					    soft_flags), 0) ||
	    !CHECK_EQ(gib_init(host, GIB_GAL_ISC), 0)) {
		kfree(host);
		return NULL;
	}
	return host;
}

/* ... by the default two-phase cut, or NULL. */
static struct gib_host *st_host(unsigned int soft_flags)
{
	return st_host_cut(soft_flags, GIB_CUT_TWO_PHASE);
}

static void st_host_free(struct gib_host *host)
{
	if (!host)
		return;
	CHECK_EQ(gib_destroy(host), 0);
	kfree(host);
}

/* A guest with a GISA and @nr_vcpus vcpus (ids 0, 100, 200, ...). */
static struct st_guest *st_guest(struct gib_host *host, unsigned int nr_vcpus)
{
	struct st_guest *tg = kzalloc(sizeof(*tg), GFP_KERNEL);
	unsigned int i;

	if (!CHECK(tg))
		return NULL;
	if (!CHECK_EQ(gib_guest_init(&tg->gi, host, &st_ops, tg), 0) ||
	    !CHECK_EQ(gib_gisa_init(&tg->gi), 0)) {
		kfree(tg);
		return NULL;
	}
	for (i = 0; i < nr_vcpus; i++) {
		struct st_vcpu *tv = &tg->v[i];

		tv->tg = tg;
		rcuwait_init(&tv->wait);
		/* Sparse ids: the bitmaps must use the index. */
		CHECK_EQ(gib_vcpu_add(&tg->gi, &tv->vcpu, i * 100, tv), i);
	}
	tg->nr_vcpus = nr_vcpus;
	return tg;
}

/* Drop every GISC registration left: destroy refuses while any remains. */
static void st_unregister_all(struct gib_guest *gi)
{
	unsigned int isc;

	if (!gib_guest_gisa(gi))
		return;
	for (isc = 0; isc <= GIB_MAX_ISC; isc++)
		while (gi->alert.ref_count[isc])
			if (!CHECK_EQ(gib_gisc_unregister(gi, isc), 0))
				break;
}

static void st_guest_free(struct st_guest *tg)
{
	if (!tg)
		return;
	st_unregister_all(&tg->gi);
	CHECK_EQ(gib_guest_destroy(&tg->gi), 0);
	kfree(tg);
}

static u8 *st_bytes(struct st_guest *tg)
{
	return (u8 *)gib_guest_gisa(&tg->gi);
}

static u32 st_origin(struct gib_host *host)
{
	return gib_alert_list_origin(host);
}

/* Pretend another CPU holds the list: links then raise no GAL. */
static void st_hold_list(struct gib_host *host)
{
	WRITE_ONCE(host->gib->alert_list_origin,
		   (__force u32)cpu_to_be32(GIB_NONE_GISA_ADDR));
}

static bool st_timer_idle(struct st_guest *tg)
{
	return !hrtimer_active(&tg->gi.timer.hrt);
}

/* ---- Cases ------------------------------------------------------------- */

/* Bytes at the spec's big-endian offsets, whatever the CPU's byte order. */
static void case_gisa_layout(void)
{
	struct gib_host *host = st_host(0);
	struct st_guest *tg = host ? st_guest(host, 0) : NULL;
	struct gib_gisa *gisa;
	u32 maddr;
	u8 *b;
	u64 w;
	int i;

	if (!tg)
		goto out;
	gisa = gib_guest_gisa(&tg->gi);
	b = st_bytes(tg);
	maddr = gib_gisa_maddr(gisa);
	CHECK(maddr >= 0x1000 && maddr < 0x80000000u);
	CHECK_EQ(maddr & 0xff, 0);
	/* next_alert = own address, big-endian; all else zero. */
	CHECK_EQ(b[0], maddr >> 24);
	CHECK_EQ(b[1], (maddr >> 16) & 0xff);
	CHECK_EQ(b[2], (maddr >> 8) & 0xff);
	CHECK_EQ(b[3], maddr & 0xff);
	for (i = 4; i < GIB_GISA_SIZE; i++)
		CHECK_EQ(b[i], 0);
	CHECK_EQ(gib_gisa_in_alert_list(gisa), 0);

	/* ISC n is 0x80 >> n of byte 4, never a bit of next_alert. */
	CHECK_EQ(gib_gisa_set_ipm_gisc(gisa, 0), 0);
	CHECK_EQ(b[4], 0x80);
	CHECK_EQ(gib_gisa_set_ipm_gisc(gisa, 3), 0);
	CHECK_EQ(b[4], 0x90);
	CHECK_EQ(b[3], maddr & 0xff);
	CHECK_EQ(gib_gisa_get_ipm(gisa), 0x90);
	CHECK_EQ(gib_gisa_test_ipm_gisc(gisa, 3), 1);
	CHECK_EQ(gib_gisa_test_ipm_gisc(gisa, 2), 0);
	w = gib_gisa_load_word(gisa);
	CHECK_EQ(w >> 32, maddr);
	CHECK_EQ((w >> 24) & 0xff, 0x90);

	/* IAM is byte 7. */
	CHECK_EQ(gib_gisa_set_iam(gisa, 0x24), 0);
	CHECK_EQ(b[7], 0x24);
	CHECK_EQ(gib_gisa_get_iam(gisa), 0x24);
	CHECK_EQ(b[4], 0x90);
	CHECK_EQ(b[0], maddr >> 24);

	/* Test-and-clear: once 1, then 0. */
	CHECK_EQ(gib_gisa_tac_ipm_gisc(gisa, 3), 1);
	CHECK_EQ(b[4], 0x80);
	CHECK_EQ(gib_gisa_tac_ipm_gisc(gisa, 3), 0);
	CHECK_EQ(gib_gisa_clear_ipm_gisc(gisa, 0), 0);
	CHECK_EQ(b[4], 0);
	CHECK_EQ(b[5], 0);
	CHECK_EQ(b[6], 0);

	/* Errnos of the word operations. */
	CHECK_EQ(gib_gisa_set_ipm_gisc(gisa, 8), -ERANGE);
	CHECK_EQ(gib_gisa_set_ipm_gisc(NULL, 0), -EINVAL);
	CHECK_EQ(gib_gisa_tac_ipm_gisc(gisa, 8), -ERANGE);
	CHECK_EQ(gib_gisa_tac_ipm_gisc(NULL, 0), -EINVAL);
	CHECK_EQ(gib_gisa_clear_ipm_gisc(gisa, 8), -ERANGE);
	CHECK_EQ(gib_gisa_test_ipm_gisc(gisa, 8), -ERANGE);
	CHECK_EQ(gib_gisa_get_ipm(NULL), -EINVAL);
	CHECK_EQ(gib_gisa_get_iam(NULL), -EINVAL);
	CHECK_EQ(gib_gisa_set_iam(NULL, 0), -EINVAL);
	CHECK_EQ(gib_gisa_clear_ipm(NULL), -EINVAL);
	CHECK_EQ(gib_gisa_in_alert_list(NULL), -EINVAL);
	CHECK_EQ(gib_gisa_get_ipm_or_restore_iam(gisa, NULL), -EINVAL);
	CHECK_EQ(gib_gisa_check_addr(NULL), -EINVAL);

	/* Designation: address | format; 0 without a GISA. */
	CHECK_EQ(gib_gisa_designation(&tg->gi), maddr | GIB_GISA_FORMAT0);
	CHECK_EQ(gib_gisa_device_designation(&tg->gi), maddr);
	CHECK_EQ(gib_gisa_designation(NULL), 0);

	/* The GIB: origin NULL at byte 0, NISC in byte 8. */
	b = (u8 *)host->gib;
	CHECK_EQ(b[0] | b[1] | b[2] | b[3], 0);
	CHECK_EQ(b[8], GIB_GAL_ISC);
	CHECK(gib_pf_virt_to_maddr(host->gib) < 0x80000000ull);
out:
	st_guest_free(tg);
	st_host_free(host);
}

/* Link the guest's GISA through the machine; the list must be held. */
static bool st_link(struct gib_host *host, struct st_guest *tg, unsigned int isc)
{
	struct gib_soft_ai res;

	if (!CHECK_EQ(gib_soft_raise_ai(&tg->gi, isc, &res), 0))
		return false;
	return CHECK(res.linked) && CHECK(!res.gal) && CHECK_EQ(res.vcpu, -1);
}

static void case_gisa_word_ops(void)
{
	struct gib_host *host = st_host(0);
	struct st_guest *tg = host ? st_guest(host, 0) : NULL;
	struct gib_gisa *gisa;
	u32 maddr;
	u8 *b;

	if (!tg)
		goto out;
	gisa = gib_guest_gisa(&tg->gi);
	maddr = gib_gisa_maddr(gisa);
	b = st_bytes(tg);
	CHECK_EQ(gib_gisc_register(&tg->gi, 3), GIB_GAL_ISC);
	CHECK_EQ(b[7], 0x10);

	/* The machine links it: IAM all clear, next_alert = old origin. */
	st_hold_list(host);
	if (!st_link(host, tg, 3))
		goto out;
	CHECK_EQ(b[7], 0);
	CHECK_EQ(b[4], 0x10);
	CHECK_EQ(gib_gisa_in_alert_list(gisa), 1);
	CHECK_EQ(be32_to_cpup((__be32 *)b), GIB_NONE_GISA_ADDR);
	CHECK_EQ(st_origin(host), maddr);

	/* set_iam refuses while linked and changes nothing. */
	CHECK_EQ(gib_gisa_set_iam(gisa, 0xff), -EBUSY);
	CHECK_EQ(b[7], 0);

	/* clear_ipm keeps link and IAM. */
	CHECK_EQ(gib_gisa_clear_ipm(gisa), 0x10);
	CHECK_EQ(b[4], 0);
	CHECK_EQ(gib_gisa_in_alert_list(gisa), 1);

	/* get_ipm_or_restore_iam: pending alert ISCs are returned ... */
	CHECK_EQ(gib_gisa_set_ipm_gisc(gisa, 3), 0);
	CHECK_EQ(gib_gisa_get_ipm_or_restore_iam(gisa, &tg->gi.alert.mask), 0x10);
	CHECK_EQ(b[7], 0);
	/* ... pending ISCs outside the mask do not count ... */
	CHECK_EQ(gib_gisa_tac_ipm_gisc(gisa, 3), 1);
	CHECK_EQ(gib_gisa_set_ipm_gisc(gisa, 5), 0);
	/* ... and with none pending, the IAM is re-armed from the mask. */
	CHECK_EQ(gib_gisa_get_ipm_or_restore_iam(gisa, &tg->gi.alert.mask), 0);
	CHECK_EQ(b[7], 0x10);
	CHECK_EQ(b[4], 0x04);

	/* Processing unlinks it and re-enables GAL interruptions. */
	CHECK_EQ(gib_process_alert_list(host), 1);
	CHECK_EQ(gib_gisa_in_alert_list(gisa), 0);
	CHECK_EQ(st_origin(host), GIB_NULL_GISA_ADDR);
	CHECK_EQ(gib_gisa_set_iam(gisa, 0x10), 0);
	CHECK(WAIT_FOR(st_timer_idle(tg), 5000));
	CHECK_EQ(gib_gisc_unregister(&tg->gi, 3), 0);
	CHECK_EQ(gib_gisa_clear(&tg->gi), 0);
	CHECK_EQ(b[4], 0);
out:
	st_guest_free(tg);
	st_host_free(host);
}

static void case_gisc_refcount(void)
{
	struct gib_host *host = st_host(0);
	struct st_guest *tg = host ? st_guest(host, 0) : NULL;
	struct gib_guest *gi;
	u8 *b;

	if (!tg)
		goto out;
	gi = &tg->gi;
	b = st_bytes(tg);
	CHECK_EQ(gib_gisc_register(NULL, 0), -EINVAL);
	CHECK_EQ(gib_gisc_unregister(NULL, 0), -EINVAL);
	CHECK_EQ(gib_gisc_register(gi, 8), -ERANGE);
	CHECK_EQ(gib_gisc_unregister(gi, 9), -ERANGE);
	CHECK_EQ(gib_gisc_unregister(gi, 2), -EINVAL);

	/* 0 -> 1 sets the mask bit and arms the IAM; returns the NISC. */
	CHECK_EQ(gib_gisc_register(gi, 2), GIB_GAL_ISC);
	CHECK_EQ(gib_gisc_alert_mask(gi), 0x20);
	CHECK_EQ(b[7], 0x20);
	CHECK_EQ(gib_gisc_register(gi, 2), GIB_GAL_ISC);
	CHECK_EQ(gi->alert.ref_count[2], 2);
	CHECK_EQ(gib_gisc_register(gi, 6), GIB_GAL_ISC);
	CHECK_EQ(gib_gisc_alert_mask(gi), 0x22);
	CHECK_EQ(b[7], 0x22);
	/* 2 -> 1 changes nothing; 1 -> 0 clears the bit. */
	CHECK_EQ(gib_gisc_unregister(gi, 2), 0);
	CHECK_EQ(gib_gisc_alert_mask(gi), 0x22);
	CHECK_EQ(gib_gisc_unregister(gi, 2), 0);
	CHECK_EQ(gib_gisc_alert_mask(gi), 0x02);
	CHECK_EQ(b[7], 0x02);
	CHECK_EQ(gib_gisc_unregister(gi, 2), -EINVAL);
	CHECK_EQ(gib_gisc_alert_mask(gi), 0x02);

	/* A count at its maximum refuses and changes nothing. */
	gi->alert.ref_count[4] = UINT_MAX;
	CHECK_EQ(gib_gisc_register(gi, 4), -EOVERFLOW);
	CHECK_EQ(gib_gisc_alert_mask(gi), 0x02);
	gi->alert.ref_count[4] = 0;

	/* While linked: the mask changes, the IAM waits for the kick path. */
	st_hold_list(host);
	if (st_link(host, tg, 6)) {
		CHECK_EQ(gib_gisc_register(gi, 1), GIB_GAL_ISC);
		CHECK_EQ(gib_gisc_alert_mask(gi), 0x42);
		CHECK_EQ(b[7], 0);
		CHECK_EQ(gib_gisa_tac_ipm_gisc(gib_guest_gisa(gi), 6), 1);
		CHECK_EQ(gib_process_alert_list(host), 1);
		/* The kick timer finds nothing pending and re-arms. */
		CHECK(WAIT_FOR(READ_ONCE(b[7]) == 0x42 && st_timer_idle(tg), 5000));
	}

	/* Destroy with GISCs registered: refused, nothing changed. */
	CHECK_EQ(gib_gisa_destroy(gi), -EBUSY);
	CHECK_EQ(gib_gisc_alert_mask(gi), 0x42);
	CHECK(gib_guest_gisa(gi));
	st_unregister_all(gi);
	CHECK_EQ(gib_gisa_destroy(gi), 0);
	CHECK_EQ(gib_gisc_alert_mask(gi), 0);
	CHECK_EQ(gib_gisc_register(gi, 1), -ENODEV);
	CHECK_EQ(gib_gisc_unregister(gi, 1), -ENODEV);
	CHECK_EQ(gib_gisa_destroy(gi), -ENODEV);
	CHECK_EQ(gib_gisa_clear(gi), -ENODEV);
	CHECK_EQ(gib_gisa_designation(gi), 0);
	CHECK_EQ(gib_gisa_device_designation(gi), 0);
	CHECK_EQ(gib_gisa_init(gi), 0);
	CHECK_EQ(gib_gisa_init(gi), -EALREADY);
	CHECK_EQ(gib_gisc_alert_mask(gi), 0);
out:
	st_guest_free(tg);
	st_host_free(host);
}

static void case_guest_errnos(void)
{
	struct gib_host *host = st_host(0);
	struct st_guest *tg = host ? st_guest(host, 1) : NULL;
	struct gib_guest *gi;
	struct gib_guest_ops no_wake = { };

	if (!tg)
		goto out;
	gi = &tg->gi;
	CHECK_EQ(gib_guest_init(NULL, host, &st_ops, NULL), -EINVAL);
	CHECK_EQ(gib_guest_init(gi, NULL, &st_ops, NULL), -EINVAL);
	CHECK_EQ(gib_guest_init(gi, host, &no_wake, NULL), -EINVAL);
	CHECK_EQ(gib_guest_destroy(NULL), -EINVAL);
	CHECK_EQ(gib_guest_set_expires(gi, 0), -ERANGE);
	CHECK_EQ(gib_guest_set_expires(gi, 1000000001ull), -ERANGE);
	CHECK_EQ(gib_guest_set_expires(NULL, 1), -EINVAL);
	CHECK_EQ(gib_guest_set_float_policy(gi, 7), -EINVAL);
	CHECK_EQ(gib_guest_set_float_policy(NULL, GIB_FLOAT_IDLE_FIRST), -EINVAL);
	CHECK_EQ(gib_gisa_init(NULL), -EINVAL);
	CHECK_EQ(gib_gisa_destroy(NULL), -EINVAL);
	CHECK_EQ(gib_gisa_clear(NULL), -EINVAL);
	CHECK_EQ(gib_gisa_kick(NULL), -EINVAL);
	CHECK_EQ(gib_gisa_enable(NULL), -EINVAL);
	CHECK_EQ(gib_gisa_disable(NULL), -EINVAL);
	CHECK_EQ(gib_vcpu_add(NULL, &tg->v[1].vcpu, 0, NULL), -EINVAL);
	CHECK_EQ(gib_vcpu_prepare_wait(NULL), -EINVAL);
	CHECK_EQ(gib_vcpu_take_ai(NULL, NULL), -EINVAL);
	CHECK_EQ(gib_kick_one_vcpu(NULL, 0xff), -EINVAL);
	CHECK_EQ(gib_find_vcpu_for_floating_irq(NULL), -EINVAL);
	CHECK_EQ(gib_inject_ai(NULL, 0), -EINVAL);
	CHECK_EQ(gib_inject_ai(gi, 8), -ERANGE);
	CHECK_EQ(gib_gisa_forward_adapter_event(NULL, 0), -EINVAL);
	CHECK_EQ(gib_gisa_forward_adapter_event(gi, 8), -ERANGE);
	/* Format 0: no adapter-event forwarding. */
	CHECK_EQ(gib_gisa_forward_adapter_event(gi, 1), -EOPNOTSUPP);
	CHECK_EQ(gib_soft_raise_ai(NULL, 0, NULL), -EINVAL);
	CHECK_EQ(gib_soft_raise_ai(gi, 8, NULL), -ERANGE);

	/* Without a GISA every GISA path says so. */
	CHECK_EQ(gib_gisa_disable(gi), 0);
	CHECK_EQ(gib_gisa_disable(gi), -ENODEV);
	CHECK_EQ(gib_vcpu_take_ai(&tg->v[0].vcpu, NULL), -ENODEV);
	CHECK_EQ(gib_inject_ai(gi, 1), -ENODEV);
	CHECK_EQ(gib_gisa_forward_adapter_event(gi, 1), -ENODEV);
	CHECK_EQ(gib_soft_raise_ai(gi, 1, NULL), -ENODEV);
out:
	st_guest_free(tg);
	st_host_free(host);
}

/* GISA disable/enable: designation and AIV control of every vcpu. */
static void case_enable_disable(void)
{
	struct gib_host *host = st_host(GIB_SOFT_GISAF);
	struct st_guest *tg = host ? st_guest(host, 2) : NULL;
	struct gib_vcpu *v0, *v1;
	u32 maddr;

	if (!tg)
		goto out;
	v0 = &tg->v[0].vcpu;
	v1 = &tg->v[1].vcpu;
	maddr = gib_gisa_maddr(gib_guest_gisa(&tg->gi));
	/* Format 1 whenever the machine has the facility. */
	CHECK_EQ(v0->gd, maddr | GIB_GISA_FORMAT1);
	CHECK_EQ(v1->eca_aiv, 1);
	CHECK_EQ(gib_gisa_device_designation(&tg->gi), maddr);
	CHECK_EQ(gib_gisc_register(&tg->gi, 2), GIB_GAL_ISC);
	/* Registered: refused, designations kept; unregister first. */
	CHECK_EQ(gib_gisa_disable(&tg->gi), -EBUSY);
	CHECK_EQ(v0->gd, maddr | GIB_GISA_FORMAT1);
	CHECK_EQ(gib_gisc_unregister(&tg->gi, 2), 0);
	CHECK_EQ(gib_gisa_disable(&tg->gi), 0);
	CHECK_EQ(v0->gd, 0);
	CHECK_EQ(v1->gd, 0);
	CHECK_EQ(v0->eca_aiv, 0);
	CHECK_EQ(gib_gisa_designation(&tg->gi), 0);
	CHECK_EQ(gib_gisc_register(&tg->gi, 2), -ENODEV);
	CHECK_EQ(gib_gisa_enable(&tg->gi), 0);
	CHECK_EQ(gib_gisa_enable(&tg->gi), -EALREADY);
	maddr = gib_gisa_maddr(gib_guest_gisa(&tg->gi));
	CHECK_EQ(v0->gd, maddr | GIB_GISA_FORMAT1);
	CHECK_EQ(v1->eca_aiv, 1);
out:
	st_guest_free(tg);
	st_host_free(host);
}

/* zPCI adapter-event forwarding on a format-1 GISA. */
static void case_forward_event(void)
{
	struct gib_host *host = st_host(GIB_SOFT_GISAF);
	struct st_guest *tg = host ? st_guest(host, 1) : NULL;
	u8 *b;

	if (!tg)
		goto out;
	b = st_bytes(tg);
	CHECK_EQ(host->gisa_format, GIB_GISA_FORMAT1);
	/* SIMM (byte 5) and NIMM (byte 6) both suppress ISC 2. */
	WRITE_ONCE(b[5], 0x20);
	WRITE_ONCE(b[6], 0x20);
	CHECK_EQ(gib_gisa_forward_adapter_event(&tg->gi, 2), 0);
	CHECK_EQ(b[4], 0);
	/* One of them alone does not. */
	WRITE_ONCE(b[6], 0);
	CHECK_EQ(gib_gisa_forward_adapter_event(&tg->gi, 2), 1);
	CHECK_EQ(b[4], 0x20);
	CHECK_EQ(gib_gisa_forward_adapter_event(&tg->gi, 4), 1);
	CHECK_EQ(b[4], 0x28);
	/* The kick timer runs while the alert mask is 0: re-arms IAM 0. */
	CHECK(WAIT_FOR(st_timer_idle(tg), 5000));
	CHECK_EQ(gib_gisa_clear(&tg->gi), 0);
	CHECK_EQ(b[4], 0);
out:
	st_guest_free(tg);
	st_host_free(host);
}

/* gib_init()'s errors, each leaving the host as it was. */
static void case_gib_init_unwind(void)
{
	static const struct {
		unsigned int flags;
		int rc;
	} fail[] = {
		{ GIB_SOFT_NO_AIV, -ENODEV },
		{ GIB_SOFT_FAIL_GAL, -EIO },
		{ GIB_SOFT_FAIL_SET_GIB, -EIO },
	};
	long base = gib_kernel_alloc31_outstanding();
	struct gib_host *host = kzalloc(sizeof(*host), GFP_KERNEL);
	struct gib_guest *gi = kzalloc(sizeof(*gi), GFP_KERNEL);
	struct st_guest *tg;
	unsigned int i;

	if (!CHECK(host && gi))
		goto free;
	CHECK_EQ(gib_init(NULL, GIB_GAL_ISC), -EINVAL);
	CHECK_EQ(gib_destroy(NULL), -EINVAL);
	CHECK_EQ(gib_process_alert_list(NULL), -EINVAL);
	CHECK_EQ(gib_kernel_host_setup(NULL, GIB_PF_MACHINE_SOFT, 0), -EINVAL);
	CHECK_EQ(gib_kernel_host_setup(host, GIB_PF_MACHINE_SOFT, 0x100), -EINVAL);
	CHECK_EQ(gib_kernel_host_setup(host, 7, 0), -EINVAL);

	for (i = 0; i < ARRAY_SIZE(fail); i++) {
		memset(host, 0, sizeof(*host));
		CHECK_EQ(gib_kernel_host_setup(host, GIB_PF_MACHINE_SOFT,
					       fail[i].flags), 0);
		CHECK_EQ(gib_init(host, GIB_GAL_ISC), fail[i].rc);
		CHECK(!host->gib);
		CHECK(!gib_kernel_gal_registered(host));
		CHECK_EQ(gib_kernel_alloc31_outstanding(), base);
		CHECK_EQ(gib_destroy(host), -ENODEV);
		CHECK_EQ(gib_process_alert_list(host), -ENODEV);
		CHECK_EQ(gib_guest_init(gi, host, &st_ops, NULL), -ENODEV);
	}

	memset(host, 0, sizeof(*host));
	CHECK_EQ(gib_kernel_host_setup(host, GIB_PF_MACHINE_SOFT, 0), 0);
	CHECK_EQ(gib_init(host, 8), -ERANGE);
	CHECK_EQ(gib_init(host, 3), 0);
	CHECK(gib_kernel_gal_registered(host));
	CHECK_EQ(gib_init(host, 3), -EALREADY);
	CHECK_EQ(host->gib->nisc_byte & GIB_NISC_MASK, 3);
	/* A GISA keeps the GIB alive. */
	tg = st_guest(host, 0);
	if (tg) {
		CHECK_EQ(gib_destroy(host), -EBUSY);
		CHECK(host->gib);
		st_guest_free(tg);
	}
	CHECK_EQ(gib_destroy(host), 0);
	CHECK(!gib_kernel_gal_registered(host));
	CHECK_EQ(gib_destroy(host), -ENODEV);
	CHECK_EQ(gib_kernel_alloc31_outstanding(), base);

	/* Automatic: real only on s390 with AIV. */
	memset(host, 0, sizeof(*host));
	CHECK_EQ(gib_kernel_host_setup(host, GIB_PF_MACHINE_AUTO, GIB_SOFT_GISAF),
		 -EINVAL);
	CHECK_EQ(gib_kernel_host_setup(host, GIB_PF_MACHINE_AUTO, 0), 0);
	CHECK_EQ(host->pf.machine, gib_kernel_real_machine() ?
		 GIB_PF_MACHINE_REAL : GIB_PF_MACHINE_SOFT);

	/* The real machine: only s390 has one; without AIV: "no GIB". */
	memset(host, 0, sizeof(*host));
	if (!IS_ENABLED(CONFIG_S390)) {
		CHECK_EQ(gib_kernel_host_setup(host, GIB_PF_MACHINE_REAL, 0),
			 -EOPNOTSUPP);
	} else if (CHECK_EQ(gib_kernel_host_setup(host, GIB_PF_MACHINE_REAL, 0), 0)) {
		CHECK_EQ(gib_kernel_host_setup(host, GIB_PF_MACHINE_REAL, 1), -EINVAL);
		if (!gib_kernel_real_machine()) {
			CHECK_EQ(gib_init(host, GIB_GAL_ISC), -ENODEV);
			CHECK(!host->gib);
		} else if (real_gib) {
			CHECK_EQ(gib_init(host, GIB_GAL_ISC), 0);
			CHECK_EQ(gib_destroy(host), 0);
		}
		CHECK(!gib_kernel_gal_registered(host));
		CHECK_EQ(gib_kernel_alloc31_outstanding(), base);
	}
free:
	kfree(gi);
	kfree(host);
}

/* The two-phase cut over a list the machine built while it was held. */
static void case_alert_list(void)
{
	struct gib_host *host = st_host(0);
	struct st_guest *tg[3] = { };
	struct gib_kernel_stats st;
	struct gib_soft_ai res;
	unsigned int i;
	int cuts;

	if (!host)
		return;
	for (i = 0; i < ARRAY_SIZE(tg); i++) {
		tg[i] = st_guest(host, 0);
		if (!tg[i])
			goto out;
		CHECK_EQ(gib_gisc_register(&tg[i]->gi, i), GIB_GAL_ISC);
	}
	/* Held list: three links, no GAL; the head is the last linked. */
	st_hold_list(host);
	for (i = 0; i < ARRAY_SIZE(tg); i++)
		if (!st_link(host, tg[i], i))
			goto out;
	CHECK_EQ(st_origin(host), gib_gisa_maddr(gib_guest_gisa(&tg[2]->gi)));
	CHECK_EQ(be32_to_cpup((__be32 *)st_bytes(tg[2])),
		 gib_gisa_maddr(gib_guest_gisa(&tg[1]->gi)));
	/* A second AI on a linked GISA links nothing. */
	CHECK_EQ(gib_soft_raise_ai(&tg[0]->gi, 0, &res), 0);
	CHECK(res.merged && !res.linked && !res.gal);

	/* Pass 1 cuts all three, ending in NONE; pass 2 stores NULL. */
	cuts = atomic_read(&st_cuts);
	atomic_set(&st_unlinked, 0);
	CHECK_EQ(gib_process_alert_list(host), 3);
	CHECK_EQ(atomic_read(&st_cuts) - cuts, 2);
	CHECK_EQ(atomic_read(&st_unlinked), 3);
	CHECK_EQ(st_origin(host), GIB_NULL_GISA_ADDR);
	for (i = 0; i < ARRAY_SIZE(tg); i++)
		CHECK_EQ(gib_gisa_in_alert_list(gib_guest_gisa(&tg[i]->gi)), 0);
	/* An empty list: one pass that stores NONE, one that stores NULL. */
	CHECK_EQ(gib_process_alert_list(host), 0);
	CHECK_EQ(st_origin(host), GIB_NULL_GISA_ADDR);

	/*
	 * The kick timers find the AIs pending (no vcpu takes them): drop
	 * them, so that the timers re-arm the IAMs and stop.
	 */
	for (i = 0; i < ARRAY_SIZE(tg); i++) {
		CHECK_EQ(gib_gisa_clear(&tg[i]->gi), 0);
		CHECK(WAIT_FOR(st_timer_idle(tg[i]) &&
			       st_bytes(tg[i])[7] == gib_isc_mask(i), 5000));
	}

	/* With origin NULL a link raises a GAL, handled in hard irq. */
	gib_kernel_host_stats(host, &st);
	CHECK_EQ(gib_soft_raise_ai(&tg[1]->gi, 1, &res), 0);
	CHECK(res.linked && res.gal && !res.merged);
	CHECK(WAIT_FOR(!gib_gisa_in_alert_list(gib_guest_gisa(&tg[1]->gi)) &&
		       st_origin(host) == GIB_NULL_GISA_ADDR, 5000));
	gib_kernel_host_stats(host, &st);
	CHECK_EQ(st.gal_raised, 1);
	CHECK(WAIT_FOR(({ gib_kernel_host_stats(host, &st); st.gal_taken == 1; }),
		       5000));
	CHECK_EQ(st.linked, 4);
	CHECK_EQ(gib_gisa_clear(&tg[1]->gi), 0);
out:
	for (i = 0; i < ARRAY_SIZE(tg); i++)
		st_guest_free(tg[i]);
	st_host_free(host);
}

/*
 * The v2 series' cut (GIB_CUT_V2): one CAS to NULL takes the whole list, one
 * walk; a link onto the NULL it left raises a GAL that the hard-irq handler
 * processes with the same cut. A bad policy is refused at gib_init().
 */
static void case_alert_list_v2(void)
{
	struct gib_host *host, *bad = kzalloc(sizeof(*bad), GFP_KERNEL);
	struct st_guest *tg[2] = { };
	struct gib_kernel_stats st;
	struct gib_soft_ai res;
	unsigned int i;
	int cuts;

	if (CHECK(bad)) {
		bad->cut_policy = GIB_NR_CUT_POLICIES;
		if (CHECK_EQ(gib_kernel_host_setup(bad, GIB_PF_MACHINE_SOFT, 0), 0)) {
			CHECK_EQ(gib_init(bad, GIB_GAL_ISC), -EINVAL);
			CHECK(!bad->gib);
		}
		kfree(bad);
	}
	host = st_host_cut(0, GIB_CUT_V2);
	if (!host)
		return;
	for (i = 0; i < ARRAY_SIZE(tg); i++) {
		tg[i] = st_guest(host, 0);
		if (!tg[i])
			goto out;
		CHECK_EQ(gib_gisc_register(&tg[i]->gi, i), GIB_GAL_ISC);
	}
	/* Links behind a marker raise no GAL: a list of two, ending in NONE. */
	st_hold_list(host);
	for (i = 0; i < ARRAY_SIZE(tg); i++)
		if (!st_link(host, tg[i], i))
			goto out;
	cuts = atomic_read(&st_cuts);
	atomic_set(&st_unlinked, 0);
	CHECK_EQ(gib_process_alert_list(host), 2);
	CHECK_EQ(atomic_read(&st_cuts) - cuts, 1);	/* one pass, NULL at once */
	CHECK_EQ(atomic_read(&st_unlinked), 2);
	CHECK_EQ(st_origin(host), GIB_NULL_GISA_ADDR);
	for (i = 0; i < ARRAY_SIZE(tg); i++) {
		CHECK_EQ(gib_gisa_in_alert_list(gib_guest_gisa(&tg[i]->gi)), 0);
		CHECK_EQ(gib_gisa_clear(&tg[i]->gi), 0);
		CHECK(WAIT_FOR(st_timer_idle(tg[i]) &&
			       st_bytes(tg[i])[7] == gib_isc_mask(i), 5000));
	}
	/* Onto NULL: a GAL, handled in hard irq by the v2 cut. */
	gib_kernel_host_stats(host, &st);
	CHECK_EQ(gib_soft_raise_ai(&tg[1]->gi, 1, &res), 0);
	CHECK(res.linked && res.gal);
	CHECK(WAIT_FOR(!gib_gisa_in_alert_list(gib_guest_gisa(&tg[1]->gi)) &&
		       st_origin(host) == GIB_NULL_GISA_ADDR, 5000));
	CHECK(WAIT_FOR(({ gib_kernel_host_stats(host, &st); st.gal_taken == 1; }),
		       5000));
	CHECK_EQ(gib_gisa_clear(&tg[1]->gi), 0);
out:
	for (i = 0; i < ARRAY_SIZE(tg); i++)
		st_guest_free(tg[i]);
	st_host_free(host);
}

/* The kick timer wakes the one idle vcpu whose CR6 takes the ISC. */
static void case_kick_timer(void)
{
	struct gib_host *host = st_host(0);
	struct st_guest *tg = host ? st_guest(host, 3) : NULL;
	struct gib_vcpu *v0, *v1, *v2;
	struct gib_soft_ai res;
	u32 word = 0;
	u8 *b;

	if (!tg)
		goto out;
	v0 = &tg->v[0].vcpu;
	v1 = &tg->v[1].vcpu;
	v2 = &tg->v[2].vcpu;
	b = st_bytes(tg);
	CHECK_EQ(gib_guest_set_expires(&tg->gi, 20000), 0);
	/* v0 takes ISC 2 only; v1 ISC 3; v2 would take 3 but I/O is off. */
	gib_vcpu_set_cr6(v0, 0x20ull << 24);
	gib_vcpu_set_cr6(v1, 0x10ull << 24);
	gib_vcpu_set_cr6(v2, 0xffull << 24);
	gib_vcpu_set_io_enabled(v0, true);
	gib_vcpu_set_io_enabled(v1, true);
	CHECK_EQ(gib_vcpu_prepare_wait(v2), -EOPNOTSUPP);
	gib_vcpu_set_io_enabled(v2, true);
	CHECK_EQ(gib_vcpu_prepare_wait(v0), 0);
	CHECK_EQ(gib_vcpu_prepare_wait(v1), 0);
	CHECK_EQ(gib_vcpu_prepare_wait(v2), 0);
	gib_vcpu_set_io_enabled(v2, false);
	CHECK_EQ(gib_gisc_register(&tg->gi, 3), GIB_GAL_ISC);

	/* Match each idle vcpu against all pending ISCs, by index. */
	CHECK_EQ(gib_kick_one_vcpu(&tg->gi, 0x10), 1);
	CHECK_EQ(gib_kick_one_vcpu(&tg->gi, 0x10), -EALREADY);
	CHECK_EQ(gib_kick_one_vcpu(&tg->gi, 0x01), -ENOENT);
	CHECK_EQ(atomic_read(&tg->v[1].woken), 1);
	/* The re-check clears the kicked bit, work or not. */
	CHECK(!gib_vcpu_runnable(v1));
	CHECK_EQ(gib_kick_one_vcpu(&tg->gi, 0x10), 1);
	CHECK(!gib_vcpu_runnable(v1));
	atomic_set(&tg->v[1].woken, 0);
	atomic_set(&tg->v[1].woken_hardirq, 0);

	/* The machine alerts; the GAL schedules the kick timer. */
	CHECK_EQ(gib_soft_raise_ai(&tg->gi, 3, &res), 0);
	CHECK(res.linked && res.gal);
	CHECK(WAIT_FOR(atomic_read(&tg->v[1].woken) >= 1, 5000));
	/* By the timer in hard irq, even on PREEMPT_RT (HRTIMER_MODE_REL_HARD). */
	CHECK_EQ(atomic_read(&tg->v[1].woken_hardirq), 1);
	/* Kicked and not yet running: the timer does not wake it again. */
	usleep_range(5000, 6000);
	CHECK_EQ(atomic_read(&tg->v[1].woken), 1);
	CHECK_EQ(atomic_read(&tg->v[0].woken), 0);
	CHECK_EQ(atomic_read(&tg->v[2].woken), 0);
	/* It re-checks (and goes back to sleep): the next run kicks again. */
	CHECK(gib_vcpu_runnable(v1));
	CHECK(WAIT_FOR(atomic_read(&tg->v[1].woken) >= 2, 5000));
	CHECK_EQ(gib_vcpu_prepare_wait(v1), 1);

	/* It takes the AI: the timer finds nothing, re-arms IAM, stops. */
	gib_vcpu_end_wait(v1);
	gib_vcpu_enter_sie(v1);
	CHECK_EQ(gib_vcpu_take_ai(v1, &word), 3);
	CHECK_EQ(word, 0x80000000u | 3u << 27);
	CHECK_EQ(gib_vcpu_take_ai(v1, NULL), -ENOENT);
	gib_vcpu_exit_sie(v1);
	CHECK(WAIT_FOR(st_timer_idle(tg) && READ_ONCE(b[7]) == 0x10, 5000));
	CHECK_EQ(atomic_read(&tg->v[0].woken), 0);

	/* A vcpu in SIE that enables the ISC gets it from the machine. */
	gib_vcpu_enter_sie(v1);
	CHECK_EQ(gib_soft_raise_ai(&tg->gi, 3, &res), 0);
	CHECK(res.vcpu == 1 && !res.linked);
	CHECK_EQ(b[4], 0);
	gib_vcpu_exit_sie(v1);

	/* Host injection: no alert, the chosen vcpu is woken. */
	CHECK_EQ(gib_inject_ai(&tg->gi, 2), 0);
	CHECK_EQ(b[4], 0x20);
	CHECK_EQ(gib_gisa_in_alert_list(gib_guest_gisa(&tg->gi)), 0);
	CHECK_EQ(b[7], 0x10);
	CHECK_EQ(atomic_read(&tg->v[0].woken), 1);
	CHECK_EQ(gib_vcpu_take_ai(v0, NULL), 2);
	gib_vcpu_end_wait(v0);
	gib_vcpu_end_wait(v2);

	/* No idle vcpu: idle-first goes round robin; last sleeper. */
	CHECK_EQ(gib_find_vcpu_for_floating_irq(&tg->gi), 0);
	CHECK_EQ(gib_find_vcpu_for_floating_irq(&tg->gi), 1);
	gib_vcpu_set_stopped(v2, true);
	CHECK_EQ(gib_find_vcpu_for_floating_irq(&tg->gi), 0);
	CHECK_EQ(gib_guest_set_float_policy(&tg->gi, GIB_FLOAT_LAST_SLEEPER), 0);
	CHECK_EQ(gib_vcpu_prepare_wait(v1), 0);
	gib_vcpu_end_wait(v1);
	CHECK_EQ(gib_find_vcpu_for_floating_irq(&tg->gi), 1);
	CHECK_EQ(gib_gisc_unregister(&tg->gi, 3), 0);
out:
	st_guest_free(tg);
	st_host_free(host);
}

/* Destroying the only guest's GISA while it is linked must not stall. */
struct st_destroy {
	struct gib_guest *gi;
	int rc;
	struct completion done;
};

static int st_destroy_fn(void *arg)
{
	struct st_destroy *d = arg;

	d->rc = gib_gisa_destroy(d->gi);
	complete(&d->done);
	return 0;
}

static void case_destroy_linked(void)
{
	struct gib_host *host = st_host(0);
	struct st_guest *tg = host ? st_guest(host, 1) : NULL;
	struct st_destroy *d;
	struct task_struct *k;

	if (!tg)
		goto out;
	/* Kept alive by the kthread if it stalls, so it is never freed. */
	d = kzalloc(sizeof(*d), GFP_KERNEL);
	if (!CHECK(d))
		goto out;
	CHECK_EQ(gib_gisc_register(&tg->gi, 1), GIB_GAL_ISC);
	st_hold_list(host);
	if (!st_link(host, tg, 1)) {
		kfree(d);
		goto out;
	}
	/* The device goes first (destroy refuses while registered). */
	CHECK_EQ(gib_gisc_unregister(&tg->gi, 1), 0);
	d->gi = &tg->gi;
	init_completion(&d->done);
	atomic_set(&st_unlinked, 0);
	atomic_set(&st_unlinked_irqs_on, 0);
	k = kthread_run(st_destroy_fn, d, "gib_st_destroy");
	if (!CHECK(!IS_ERR(k))) {
		kfree(d);
		goto out;
	}
	if (!CHECK(wait_for_completion_timeout(&d->done, 5 * HZ))) {
		pr_err("FAIL %s: gib_gisa_destroy() stalled; leaking the guest\n",
		       st_case);
		return;
	}
	CHECK_EQ(d->rc, 0);
	kfree(d);
	/* Destroy processed the list itself, in a kthread: with irqs off. */
	CHECK(atomic_read(&st_unlinked) >= 1);
	CHECK_EQ(atomic_read(&st_unlinked_irqs_on), 0);
	CHECK(!gib_guest_gisa(&tg->gi));
	CHECK_EQ(st_origin(host), GIB_NULL_GISA_ADDR);
	CHECK_EQ(host->nr_gisas, 0);
out:
	st_guest_free(tg);
	st_host_free(host);
}

/* ---- Stress: machine pushers, vcpus and processors on kthreads -------- */

#define ST_GUESTS 3
#define ST_PUSHERS 4

struct st_stress {
	struct gib_host *host;
	struct st_guest *tg[ST_GUESTS];
	atomic_t lost, merged, machine_delivered, raised;
	atomic_t processed;
	bool flood;
};

struct st_pusher {
	struct st_stress *s;
	struct st_guest *tg;
	unsigned int isc;
	struct task_struct *task;
	struct completion done;
	struct completion flooded;
};

static bool st_vcpu_runnable(struct gib_vcpu *v)
{
	bool r;

	rcu_read_lock();
	r = gib_vcpu_runnable(v);
	rcu_read_unlock();
	return r;
}

/* A vcpu: run (take what is deliverable), then enabled wait. */
static int st_vcpu_fn(void *arg)
{
	struct st_vcpu *tv = arg;
	struct gib_vcpu *v = &tv->vcpu;

	while (!kthread_should_stop()) {
		int isc, rc;

		/* GISA readers: destroy frees it after a grace period. */
		rcu_read_lock();
		gib_vcpu_enter_sie(v);
		while ((isc = gib_vcpu_take_ai(v, NULL)) >= 0)
			atomic_inc(&tv->tg->taken[isc]);
		gib_vcpu_exit_sie(v);
		rc = gib_vcpu_prepare_wait(v);
		rcu_read_unlock();
		if (rc == 0) {
			/* As KVM's vcpu halt: one waiter, raw-lock wake-ups. */
			rcuwait_wait_event(&tv->wait, st_vcpu_runnable(v) ||
					   kthread_should_stop(), TASK_INTERRUPTIBLE);
			gib_vcpu_end_wait(v);
		}
		cond_resched();
	}
	return 0;
}

/*
 * A pusher owns one (guest, ISC): it raises an AI, then waits until a vcpu
 * took it. No AI may be lost, so each wait must end.
 */
static int st_pusher_fn(void *arg)
{
	struct st_pusher *p = arg;
	struct st_stress *s = p->s;
	atomic_t *taken = &p->tg->taken[p->isc];
	unsigned int r;

	for (r = 0; r < rounds && !READ_ONCE(s->flood); r++) {
		struct gib_soft_ai res;
		int before = atomic_read(taken);

		if (gib_soft_raise_ai(&p->tg->gi, p->isc, &res))
			break;
		atomic_inc(&s->raised);
		if (res.merged)
			atomic_inc(&s->merged);
		if (res.vcpu >= 0) {
			atomic_inc(&s->machine_delivered);
			atomic_inc(taken);
		}
		if (!WAIT_FOR(atomic_read(taken) != before, 5000)) {
			atomic_inc(&s->lost);
			break;
		}
	}
	complete(&p->done);
	while (!READ_ONCE(s->flood) && !kthread_should_stop())
		schedule_timeout_interruptible(1);
	/* Flood: raise without waiting until the GISA is gone. */
	while (!kthread_should_stop()) {
		if (gib_soft_raise_ai(&p->tg->gi, p->isc, NULL) == -ENODEV)
			break;
		udelay(5);
		cond_resched();
	}
	complete(&p->flooded);
	while (!kthread_should_stop())
		schedule_timeout_interruptible(HZ / 10);
	return 0;
}

/* A processor on a CPU of its own, concurrent with the GAL handler. */
static int st_processor_fn(void *arg)
{
	struct st_stress *s = arg;

	while (!kthread_should_stop()) {
		if (gib_process_alert_list(s->host) > 0)
			atomic_inc(&s->processed);
		usleep_range(30, 80);
	}
	return 0;
}

static void case_stress(void)
{
	struct st_stress *s = kzalloc(sizeof(*s), GFP_KERNEL);
	struct st_pusher *p = kcalloc(ST_PUSHERS, sizeof(*p), GFP_KERNEL);
	struct task_struct *proc = NULL;
	struct gib_kernel_stats st;
	unsigned int i, j, sum = 0;
	long base = gib_kernel_alloc31_outstanding();
	unsigned long t0 = jiffies;

	if (!CHECK(s && p))
		goto free;
	s->host = st_host(0);
	if (!s->host)
		goto free;
	atomic_set(&st_unlinked, 0);
	for (i = 0; i < ST_GUESTS; i++) {
		/* Guest 0 has two vcpus that compete for its AIs. */
		s->tg[i] = st_guest(s->host, i ? 1 : 2);
		if (!s->tg[i])
			goto out;
		for (j = 0; j < s->tg[i]->nr_vcpus; j++) {
			struct st_vcpu *tv = &s->tg[i]->v[j];

			gib_vcpu_set_cr6(&tv->vcpu, 0xffull << 24);
			gib_vcpu_set_io_enabled(&tv->vcpu, true);
			tv->task = kthread_run(st_vcpu_fn, tv, "gib_st_vcpu%u.%u", i, j);
			if (!CHECK(!IS_ERR(tv->task))) {
				tv->task = NULL;
				goto out;
			}
		}
	}
	proc = kthread_run(st_processor_fn, s, "gib_st_proc");
	if (!CHECK(!IS_ERR(proc))) {
		proc = NULL;
		goto out;
	}
	for (i = 0; i < ST_PUSHERS; i++) {
		p[i].s = s;
		p[i].tg = s->tg[i % ST_GUESTS];
		p[i].isc = 1 + i;
		init_completion(&p[i].done);
		init_completion(&p[i].flooded);
		CHECK_EQ(gib_gisc_register(&p[i].tg->gi, p[i].isc), GIB_GAL_ISC);
	}
	for (i = 0; i < ST_PUSHERS; i++) {
		p[i].task = kthread_run(st_pusher_fn, &p[i], "gib_st_push%u", i);
		if (!CHECK(!IS_ERR(p[i].task)))
			p[i].task = NULL;
	}
	/* Round trips: every AI taken, none lost. */
	for (i = 0; i < ST_PUSHERS; i++)
		if (p[i].task && !CHECK(WAIT_FOR(completion_done(&p[i].done),
						 60000)))
			WRITE_ONCE(s->flood, true);
	CHECK_EQ(atomic_read(&s->lost), 0);
	CHECK_EQ(atomic_read(&s->merged), 0);
	CHECK_EQ(atomic_read(&s->raised), rounds * ST_PUSHERS);
	for (i = 0; i < ST_GUESTS; i++)
		for (j = 0; j < GIB_NR_ISCS; j++)
			sum += atomic_read(&s->tg[i]->taken[j]);
	/* Each AI set a clear bit: one delivery each, machine or host. */
	CHECK_EQ(sum, atomic_read(&s->raised));
	pr_info("stress: %d AIs, %d delivered by the machine, %d processings by the extra CPU, %u ms\n",
		atomic_read(&s->raised), atomic_read(&s->machine_delivered),
		atomic_read(&s->processed), jiffies_to_msecs(jiffies - t0));

	/* Flood, then destroy every GISA under the pushers' feet. */
	WRITE_ONCE(s->flood, true);
	msleep(50);
	for (i = 0; i < ST_GUESTS; i++) {
		st_unregister_all(&s->tg[i]->gi);
		CHECK_EQ(gib_gisa_destroy(&s->tg[i]->gi), 0);
	}
	for (i = 0; i < ST_PUSHERS; i++)
		if (p[i].task)
			CHECK(WAIT_FOR(completion_done(&p[i].flooded), 5000));
out:
	for (i = 0; i < ST_PUSHERS; i++)
		if (p && p[i].task)
			kthread_stop(p[i].task);
	if (proc)
		kthread_stop(proc);
	for (i = 0; i < ST_GUESTS; i++) {
		if (!s->tg[i])
			continue;
		for (j = 0; j < s->tg[i]->nr_vcpus; j++)
			if (s->tg[i]->v[j].task)
				kthread_stop(s->tg[i]->v[j].task);
	}
	/* Quiescent: every link was unlinked, the list is empty. */
	if (s->host) {
		irq_work_sync(&s->host->pf.gal_work);
		gib_kernel_host_stats(s->host, &st);
		CHECK_EQ(atomic_read(&st_unlinked), st.linked);
		CHECK(st.gal_taken <= st.gal_raised);
		CHECK(st.gal_raised > 0);
		CHECK_EQ(st_origin(s->host), GIB_NULL_GISA_ADDR);
		CHECK_EQ(s->host->nr_gisas, 0);
		pr_info("stress: %ld links, %ld GALs raised, %ld taken\n",
			st.linked, st.gal_raised, st.gal_taken);
	}
	for (i = 0; i < ST_GUESTS; i++)
		st_guest_free(s->tg[i]);
	st_host_free(s->host);
	CHECK_EQ(gib_kernel_alloc31_outstanding(), base);
free:
	kfree(p);
	kfree(s);
}

/*
 * A GISA in the caller's memory, followed by the caller's own data (KVM's
 * sie_page2): the GAL's alert-list walk finds the guest through the host's
 * gisa_owner; destroy leaves the memory to the caller; gib_vcpu_remove_all()
 * leaves no walk that reaches a vcpu (issue 12).
 */
struct st_owner_page {
	struct gib_gisa gisa;
	struct st_guest *tg;
	u64 canary;
};

#define ST_CANARY 0x5a5a5a5a5a5a5a5aull

static atomic_t st_owner_lookups;

static struct gib_guest *st_gisa_owner(struct gib_host *host, struct gib_gisa *gisa)
{
	struct st_owner_page *p = container_of(gisa, struct st_owner_page, gisa);

	atomic_inc(&st_owner_lookups);
	return &p->tg->gi;
}

static void case_caller_gisa(void)
{
	struct gib_host *host = st_host(GIB_SOFT_GISAF);
	struct st_guest *tg = NULL;
	struct st_owner_page *p = NULL;
	struct gib_soft_ai res;
	long outstanding;
	unsigned int i;

	if (!host)
		return;
	host->gisa_owner = st_gisa_owner;	/* before any guest */
	tg = kzalloc(sizeof(*tg), GFP_KERNEL);
	p = gib_pf_alloc31(sizeof(*p));
	if (!CHECK(tg && p) || !CHECK_EQ(gib_guest_init(&tg->gi, host, &st_ops, tg), 0)) {
		kfree(tg);
		tg = NULL;
		goto out;
	}
	p->tg = tg;
	p->canary = ST_CANARY;
	CHECK_EQ(gib_gisa_init(&tg->gi), -EOPNOTSUPP);
	outstanding = gib_kernel_alloc31_outstanding();
	CHECK_EQ(gib_gisa_init_at(&tg->gi, &p->gisa), 0);
	CHECK(gib_guest_gisa(&tg->gi) == &p->gisa);
	CHECK_EQ(gib_gisa_init_at(&tg->gi, &p->gisa), -EALREADY);
	for (i = 0; i < 2; i++) {
		tg->v[i].tg = tg;
		rcuwait_init(&tg->v[i].wait);
		CHECK_EQ(gib_vcpu_add(&tg->gi, &tg->v[i].vcpu, i * 7 + 1, &tg->v[i]), i);
	}
	tg->nr_vcpus = 2;
	CHECK_EQ(tg->v[1].vcpu.gd, gib_gisa_maddr(&p->gisa) | GIB_GISA_FORMAT1);
	CHECK_EQ(gib_gisc_register(&tg->gi, 3), GIB_GAL_ISC);
	/* The link raises a GAL; its walk must find the guest via gisa_owner. */
	atomic_set(&st_owner_lookups, 0);
	CHECK_EQ(gib_soft_raise_ai(&tg->gi, 3, &res), 0);
	CHECK(res.linked && res.gal);
	CHECK(WAIT_FOR(!gib_gisa_in_alert_list(&p->gisa) &&
		       st_origin(host) == GIB_NULL_GISA_ADDR, 5000));
	CHECK_EQ(atomic_read(&st_owner_lookups), 1);
	CHECK(p->canary == ST_CANARY && p->tg == tg);
	/* Nobody takes the AI: drop it, so the kick timer re-arms and stops. */
	CHECK_EQ(gib_gisa_clear(&tg->gi), 0);
	CHECK(WAIT_FOR(st_timer_idle(tg), 5000));
	/* The vcpus go first, as in KVM; the GISA stays. */
	CHECK_EQ(gib_vcpu_remove_all(&tg->gi), 0);
	CHECK_EQ(READ_ONCE(tg->gi.online_vcpus), 0);
	CHECK(st_timer_idle(tg));
	CHECK(gib_guest_gisa(&tg->gi) == &p->gisa);
	CHECK_EQ(gib_gisc_unregister(&tg->gi, 3), 0);
	CHECK_EQ(gib_gisa_disable(&tg->gi), 0);
	CHECK(!gib_guest_gisa(&tg->gi));
	/* libgib freed nothing of the caller's. */
	CHECK_EQ(gib_kernel_alloc31_outstanding(), outstanding);
	CHECK(p->canary == ST_CANARY);
	CHECK_EQ(gib_gisa_enable(&tg->gi), 0);
	CHECK(gib_guest_gisa(&tg->gi) == &p->gisa);
out:
	st_guest_free(tg);
	gib_pf_free31(p);
	st_host_free(host);
}

/* ---- Runner ------------------------------------------------------------ */

static const struct {
	const char *name;
	void (*fn)(void);
} st_cases[] = {
	{ "gisa_layout", case_gisa_layout },
	{ "gisa_word_ops", case_gisa_word_ops },
	{ "gisc_refcount", case_gisc_refcount },
	{ "guest_errnos", case_guest_errnos },
	{ "enable_disable", case_enable_disable },
	{ "forward_event", case_forward_event },
	{ "gib_init_unwind", case_gib_init_unwind },
	{ "alert_list", case_alert_list },
	{ "alert_list_v2", case_alert_list_v2 },
	{ "kick_timer", case_kick_timer },
	{ "destroy_linked", case_destroy_linked },
	{ "caller_gisa", case_caller_gisa },
	{ "stress", case_stress },
};

static int __init gib_selftest_init(void)
{
	unsigned int i;

	pr_info("running %zu cases on the software machine (%s; real machine: %s)\n",
		ARRAY_SIZE(st_cases), IS_ENABLED(CONFIG_S390) ? "s390" : "not s390",
		gib_kernel_real_machine() ? "s390 AIV present" : "none");
	for (i = 0; i < ARRAY_SIZE(st_cases); i++) {
		st_case = st_cases[i].name;
		st_case_failed = false;
		st_cases[i].fn();
		if (st_case_failed)
			st_failed++;
		else
			st_passed++;
		pr_info("case %s: %s\n", st_case, st_case_failed ? "FAIL" : "ok");
	}
	pr_info("%d passed, %d failed\n", st_passed, st_failed);
	return 0;
}

static void __exit gib_selftest_exit(void)
{
}

module_init(gib_selftest_init);
module_exit(gib_selftest_exit);

MODULE_DESCRIPTION("libgib self-test: the core's behaviours in a booted kernel");
MODULE_AUTHOR("libgib project");
MODULE_LICENSE("Dual MIT/GPL");
