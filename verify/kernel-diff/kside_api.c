// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * The kernel side's interface (kside.h), appended to the generated C after
 * Linux's functions: each entry calls them the way KVM does, over the
 * stand-ins' state. Besides the calls, only two things are the harness's own
 * here: the machine (spec section 4, on the big-endian image) and the SIE
 * entry's clear of the kicked bit (a line of vcpu_pre_run(), too entangled
 * to pull out whole).
 */
#include <stdio.h>
#include <sys/mman.h>
#include "kside.h"

unsigned long kstandin_warns, kstandin_spins;
u64 kstandin_now;
jmp_buf kstandin_halt;
u32 kstandin_delivered_word;
__typeof__(kstandin_sclp) kstandin_sclp;

static struct kvm ks_kvm[KS_NG];
static struct kvm_vcpu ks_vcpu[KS_NG][KS_NV];
static int ks_in_sie[KS_NG][KS_NV];
static unsigned int ks_gals;
static struct ks_event ks_ev[KS_LOG];
static unsigned int ks_nev;
static struct { int pass, g; unsigned int isc, seen; } ks_cut_push = { .pass = -1 };

void kstandin_stuck(const char *where)
{
	fprintf(stderr, "kside %s: the kernel code spins or deadlocks in %s\n",
		KSIDE_SERIES, where);
	abort();
}

static void ks_log(int kind, u32 a, u32 b)
{
	if (ks_nev < KS_LOG)
		ks_ev[ks_nev] = (struct ks_event){ kind, a, b };
	ks_nev++;
}

static int ks_push(int g, unsigned int isc);

/* After every exchange: log cuts of the origin; push between cut and walk. */
void kstandin_after_xchg(void *p, u64 old, u64 new)
{
	if (p != &gib->alert_list_origin)
		return;
	ks_log(0, (u32)old, (u32)new);
	if (ks_cut_push.pass >= 0 && ++ks_cut_push.seen == (unsigned int)ks_cut_push.pass) {
		ks_cut_push.pass = -1;
		ks_push(ks_cut_push.g, ks_cut_push.isc);
	}
}

/* Only the cut's walk starts kick timers: the GISA was just unlinked. */
void kstandin_timer_started(struct hrtimer *t)
{
	int g;

	for (g = 0; g < KS_NG; g++)
		if (t == &ks_kvm[g].arch.gisa_int.timer)
			ks_log(1, (u32)g, 0);
}

static void ks_push_after_cut(int pass, int g, unsigned int isc)
{
	ks_cut_push.pass = pass;
	ks_cut_push.g = g;
	ks_cut_push.isc = isc;
	ks_cut_push.seen = 0;
}

static int ks_init(uintptr_t base, size_t bytes, uint32_t gib_addr, uint8_t nisc, int gisaf)
{
	static uintptr_t mapped;
	int g, k;

	if (mapped != base) {
		void *p = mmap((void *)base, bytes, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);

		if (p != (void *)base) {
			if (p != MAP_FAILED)
				munmap(p, bytes);
			return -ENOMEM;
		}
		mapped = base;
	}
	memset((void *)base, 0, bytes);
	memset(ks_kvm, 0, sizeof(ks_kvm));
	memset(ks_vcpu, 0, sizeof(ks_vcpu));
	memset(ks_in_sie, 0, sizeof(ks_in_sie));
	kstandin_now = 0;
	ks_gals = 0;
	ks_nev = 0;
	kstandin_sclp.has_gisaf = gisaf;
	gib = phys_to_virt(gib_addr);
	memset(gib, 0, sizeof(*gib));
	gib->nisc = nisc;
	for (g = 0; g < KS_NG; g++)
		for (k = 0; k < 8; k++) {
			struct list_head *h = &ks_kvm[g].arch.float_int.lists[k];

			h->next = h->prev = h;
		}
	return 0;
}

static void ks_clear_log(void)
{
	ks_nev = 0;
}

static void ks_snap(struct ks_snap *s)
{
	int g, i, k;

	memset(s, 0, sizeof(*s));
	memcpy(s->gib, gib, 32);
	for (g = 0; g < KS_NG; g++) {
		struct kvm *kvm = &ks_kvm[g];
		struct kvm_s390_gisa_interrupt *gi = &kvm->arch.gisa_int;
		struct ks_guest_snap *gs = &s->g[g];

		gs->has_gisa = gi->origin != NULL;
		if (gi->origin) {
			memcpy(gs->gisa, gi->origin, 32);
			gs->gisa_addr = (u32)virt_to_phys(gi->origin);
		}
		gs->mask = gi->alert.mask;
		for (k = 0; k < 8; k++)
			gs->refs[k] = gi->alert.ref_count[k];
		gs->timer_queued = gi->timer.queued;
		gs->timer_expires = gi->timer.queued ? gi->timer.expires : 0;
		gs->nv = (unsigned int)atomic_read(&kvm->online_vcpus);
		gs->next_rr = (unsigned int)kvm->arch.float_int.next_rr_cpu;
		for (i = 0; i < (int)gs->nv; i++) {
			struct kvm_vcpu *v = &ks_vcpu[g][i];

			gs->v[i].idle = test_bit(i, kvm->arch.idle_mask);
			gs->v[i].kicked = test_bit(i, gi->kicked_mask);
			gs->v[i].wakes = v->wakes;
			gs->v[i].gd = v->arch.sie_block->gd;
			gs->v[i].aiv = !!(v->arch.sie_block->eca & ECA_AIV);
		}
	}
	s->gals = ks_gals;
	s->nev = ks_nev < KS_LOG ? ks_nev : KS_LOG;
	memcpy(s->ev, ks_ev, sizeof(ks_ev));
	s->now = kstandin_now;
}

/* As kvm_arch_vcpu_create() and kvm_s390_vcpu_setup() do for the GISA. */
static int ks_vcpu_add(int g, int id)
{
	struct kvm *kvm = &ks_kvm[g];
	int idx = atomic_read(&kvm->online_vcpus);
	struct kvm_vcpu *v = &ks_vcpu[g][idx];

	memset(v, 0, sizeof(*v));
	v->kvm = kvm;
	v->vcpu_id = id;
	v->vcpu_idx = idx;
	v->arch.sie_block = &v->sb;
	v->sb.gd = kvm_s390_get_gisa_desc(kvm);
	if (v->sb.gd)
		v->sb.eca |= ECA_AIV;
	kvm->vcpus[idx] = v;
	atomic_set(&kvm->online_vcpus, idx + 1);
	return idx;
}

static void ks_set_cr6(int g, int i, uint64_t cr6)
{
	ks_vcpu[g][i].sb.gcr[6] = cr6;
}

static void ks_set_io(int g, int i, int on)
{
	if (on)
		ks_vcpu[g][i].sb.gpsw.mask |= PSW_MASK_IO;
	else
		ks_vcpu[g][i].sb.gpsw.mask &= ~PSW_MASK_IO;
}

static void ks_set_stopped(int g, int i, int on)
{
	if (on)
		kvm_s390_set_cpuflags(&ks_vcpu[g][i], CPUSTAT_STOPPED);
	else
		kvm_s390_clear_cpuflags(&ks_vcpu[g][i], CPUSTAT_STOPPED);
}

static struct kvm_s390_gisa *ks_gisa(int g)
{
	return ks_kvm[g].arch.gisa_int.origin;
}

static int ks_set_iam(int g, uint8_t iam)
{
	return gisa_set_iam(ks_gisa(g), iam);
}

static int ks_clear_ipm(int g)
{
	gisa_clear_ipm(ks_gisa(g));
	return 0;
}

static int ks_get_ipm_or_restore_iam(int g)
{
	return gisa_get_ipm_or_restore_iam(&ks_kvm[g].arch.gisa_int);
}

static int ks_set_ipm_gisc(int g, unsigned int isc)
{
	gisa_set_ipm_gisc(ks_gisa(g), isc);
	return 0;
}

static int ks_get_ipm(int g)
{
	return gisa_get_ipm(ks_gisa(g));
}

static int ks_tac_ipm_gisc(int g, unsigned int isc)
{
	return gisa_tac_ipm_gisc(ks_gisa(g), isc);
}

static int ks_clear_ipm_gisc(int g, unsigned int isc)
{
#ifdef KSIDE_HAS_6_1
	gisa_clear_ipm_gisc(ks_gisa(g), isc);
	return 0;
#else
	(void)g;
	(void)isc;
	return -ENOSYS;
#endif
}

static int ks_in_alert_list(int g)
{
#ifdef KSIDE_HAS_6_1
	return gisa_in_alert_list(ks_gisa(g));
#else
	(void)g;
	return -ENOSYS;
#endif
}

/*
 * The machine (spec section 4), on the image: set the IPM bit; a vcpu in
 * SIE with the ISC enabled takes it; else, if the IAM has the ISC and the
 * GISA is not linked, clear the IAM and link the GISA at the head, raising
 * a GAL if the origin was NULL. One interlocked step, as the hardware does.
 */
static int ks_push(int g, unsigned int isc)
{
	struct kvm *kvm = &ks_kvm[g];
	struct kvm_s390_gisa *gisa = kvm->arch.gisa_int.origin;
	u8 m = (u8)(0x80 >> isc);
	u64 w;
	u32 old;
	int i;

	if (!gisa)
		return -ENODEV;
	set_bit_inv(IPM_BIT_OFFSET + isc, (unsigned long *)gisa);
	for (i = 0; i < atomic_read(&kvm->online_vcpus); i++) {
		struct kvm_vcpu *v = &ks_vcpu[g][i];

		if (ks_in_sie[g][i] && !psw_ioint_disabled(v) &&
		    ((v->sb.gcr[6] >> 24) & m)) {
			test_and_clear_bit_inv(IPM_BIT_OFFSET + isc, (unsigned long *)gisa);
			return KS_DELIVERED_IN_SIE;
		}
	}
	w = READ_ONCE(gisa->u64.word[0]);
	if (!(w & m) || (u32)(w >> 32) != (u32)virt_to_phys(gisa))
		return KS_PENDING;
	old = READ_ONCE(gib->alert_list_origin);
	WRITE_ONCE(gisa->u64.word[0], ((u64)old << 32) | (w & 0xffffff00UL));
	WRITE_ONCE(gib->alert_list_origin, (u32)virt_to_phys(gisa));
	if (old != 0)
		return KS_LINKED;
	ks_gals++;
	return KS_LINKED_GAL;
}

static int ks_take_gal(void)
{
	int n = (int)ks_gals;

	ks_gals = 0;
	return n;
}

/* Logs each cut (what the exchange returned and stored) and unlink, as libgib's trace does. */
static void ks_process(void)
{
	process_gib_alert_list();
}

/* Run expired kick timers in expiry order, the clock at each expiry. */
static unsigned int ks_run_until(uint64_t t)
{
	unsigned int runs = 0;

	for (;;) {
		struct hrtimer *next = NULL;
		int g;

		for (g = 0; g < KS_NG; g++) {
			struct hrtimer *h = &ks_kvm[g].arch.gisa_int.timer;

			if (h->queued && h->expires <= t && (!next || h->expires < next->expires))
				next = h;
		}
		if (!next)
			break;
		if (next->expires > kstandin_now)
			kstandin_now = next->expires;
		next->queued = false;
		runs++;
		if (next->function(next) == HRTIMER_RESTART)
			next->queued = true;
	}
	if (t > kstandin_now)
		kstandin_now = t;
	return runs;
}

static int ks_next_expiry(uint64_t *t)
{
	int g, found = 0;

	for (g = 0; g < KS_NG; g++) {
		struct hrtimer *h = &ks_kvm[g].arch.gisa_int.timer;

		if (h->queued && (!found || h->expires < *t)) {
			*t = h->expires;
			found = 1;
		}
	}
	return found ? 0 : -ENOENT;
}

/* KVM allocates sie_page2 once per VM; here it sits where libgib's GISA is. */
static void ks_place(int g, uint32_t addr)
{
	struct kvm *kvm = &ks_kvm[g];

	kvm->arch.sie_page2 = container_of(phys_to_virt(addr), struct sie_page2, gisa);
	kvm->arch.sie_page2->kvm = kvm;
}

static int ks_gisa_init(int g, uint32_t addr)
{
	ks_place(g, addr);
	kvm_s390_gisa_init(&ks_kvm[g]);
	return 0;
}

static int ks_gisa_enable(int g, uint32_t addr)
{
	if (!ks_kvm[g].arch.gisa_int.origin)
		ks_place(g, addr);
	kvm_s390_gisa_enable(&ks_kvm[g]);
	return 0;
}

static int ks_gisa_clear(int g)
{
	kvm_s390_gisa_clear(&ks_kvm[g]);
	return 0;
}

static int ks_gisa_destroy(int g)
{
	unsigned long w = kstandin_warns;

	kvm_s390_gisa_destroy(&ks_kvm[g]);
	return kstandin_warns != w;
}

static int ks_gisa_disable(int g)
{
	unsigned long w = kstandin_warns;

	kvm_s390_gisa_disable(&ks_kvm[g]);
	return kstandin_warns != w;
}

static int ks_gisc_register(int g, unsigned int isc)
{
	return kvm_s390_gisc_register(&ks_kvm[g], isc);
}

static int ks_gisc_unregister(int g, unsigned int isc)
{
	return kvm_s390_gisc_unregister(&ks_kvm[g], isc);
}

static int ks_runnable(int g, int i)
{
	return kvm_arch_vcpu_runnable(&ks_vcpu[g][i]);
}

/* The wait path up to kvm_vcpu_halt(): 1 work found, 0 asleep, or an error. */
static int ks_wait(int g, int i)
{
	int rc;

	if (setjmp(kstandin_halt))
		return 0;
	rc = kvm_s390_handle_wait(&ks_vcpu[g][i]);
	return rc ? rc : 1;
}

/* The wait path after kvm_vcpu_halt() returns. */
static void ks_end_wait(int g, int i)
{
	ks_vcpu[g][i].valid_wakeup = false;
	__unset_cpu_idle(&ks_vcpu[g][i]);
}

/* vcpu_pre_run(): "clear_bit(vcpu->vcpu_idx, ...gisa_int.kicked_mask)". */
static void ks_enter_sie(int g, int i)
{
	clear_bit(ks_vcpu[g][i].vcpu_idx, ks_kvm[g].arch.gisa_int.kicked_mask);
	ks_in_sie[g][i] = 1;
}

static void ks_exit_sie(int g, int i)
{
	ks_in_sie[g][i] = 0;
}

/* One round of kvm_s390_deliver_pending_interrupts()'s loop, I/O types only. */
static int ks_deliver(int g, int i, uint32_t *word)
{
	struct kvm_vcpu *v = &ks_vcpu[g][i];
	unsigned long irqs = deliverable_irqs(v), type;

	if (!(irqs & IRQ_PEND_IO_MASK))
		return -ENOENT;
	type = find_last_bit(&irqs, IRQ_PEND_COUNT);
	kstandin_delivered_word = 0;
	if (__deliver_io(v, type))
		return -EIO;
	*word = kstandin_delivered_word;
	return irq_type_to_isc(type);
}

static void ks_kick_single(int g, uint8_t mask)
{
	__airqs_kick_single_vcpu(&ks_kvm[g], mask);
}

/* __inject_vm() of an adapter interruption with a GISA: IPM bit, then the kick. */
static void ks_floating_kick(int g)
{
	__floating_irq_kick(&ks_kvm[g], KVM_S390_INT_IO(1, 0, 0, 0));
}

const struct kside kside = {
	.series = KSIDE_SERIES,
	.version = KSIDE_VERSION,
	.init = ks_init,
	.snap = ks_snap,
	.clear_log = ks_clear_log,
	.vcpu_add = ks_vcpu_add,
	.set_cr6 = ks_set_cr6,
	.set_io = ks_set_io,
	.set_stopped = ks_set_stopped,
	.set_iam = ks_set_iam,
	.clear_ipm = ks_clear_ipm,
	.get_ipm_or_restore_iam = ks_get_ipm_or_restore_iam,
	.set_ipm_gisc = ks_set_ipm_gisc,
	.get_ipm = ks_get_ipm,
	.tac_ipm_gisc = ks_tac_ipm_gisc,
	.clear_ipm_gisc = ks_clear_ipm_gisc,
	.in_alert_list = ks_in_alert_list,
	.push = ks_push,
	.push_after_cut = ks_push_after_cut,
	.take_gal = ks_take_gal,
	.process = ks_process,
	.run_until = ks_run_until,
	.next_expiry = ks_next_expiry,
	.gisa_init = ks_gisa_init,
	.gisa_enable = ks_gisa_enable,
	.gisa_clear = ks_gisa_clear,
	.gisa_destroy = ks_gisa_destroy,
	.gisa_disable = ks_gisa_disable,
	.gisc_register = ks_gisc_register,
	.gisc_unregister = ks_gisc_unregister,
	.runnable = ks_runnable,
	.wait = ks_wait,
	.end_wait = ks_end_wait,
	.enter_sie = ks_enter_sie,
	.exit_sie = ks_exit_sie,
	.deliver = ks_deliver,
	.kick_single = ks_kick_single,
	.floating_kick = ks_floating_kick,
};
