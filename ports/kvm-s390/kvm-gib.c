// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * The port's glue: KVM's s390 GIB/GISA entry points (the names KVM's files
 * call, whose KVM definitions the rules remove) over libgib.ko, and the few
 * hooks the rules add to KVM's vcpu paths. docs/kernel-port.md explains each.
 */
#define pr_fmt(fmt) "kvm-s390: " fmt

#include <linux/kvm_host.h>
#include <linux/build_bug.h>
#include <asm/airq.h>
#include "kvm-s390.h"
#include "pci.h"

struct gib_host kvm_gib_host;

static_assert(sizeof(struct kvm_s390_gisa) == sizeof(struct gib_gisa));
static_assert(offsetof(struct kvm_s390_gisa, ipm) == offsetof(struct gib_gisa, ipm));
static_assert(offsetof(struct kvm_s390_gisa, iam) == offsetof(struct gib_gisa, iam));
static_assert(offsetof(struct kvm_s390_gisa, g1.simm) == offsetof(struct gib_gisa, simm));
static_assert(offsetof(struct kvm_s390_gisa, g1.nimm) == offsetof(struct gib_gisa, nimm));

/* The machine behind the host: the real one; the test variant's is libgib's. */
#ifdef KVM_GIB_TEST_VARIANT
static enum gib_pf_machine kvm_gib_machine = GIB_PF_MACHINE_SOFT;
static void kvm_gib_test_track(struct kvm *kvm, bool alive);
static void kvm_gib_test_injected(int rc);
#else
static enum gib_pf_machine kvm_gib_machine = GIB_PF_MACHINE_REAL;
static inline void kvm_gib_test_track(struct kvm *kvm, bool alive) { }
static inline void kvm_gib_test_injected(int rc) { }
#endif

/* The guest of a GISA: KVM keeps its struct kvm right after it in sie_page2. */
static struct gib_guest *kvm_gib_gisa_owner(struct gib_host *host, struct gib_gisa *gisa)
{
	struct sie_page2 *page = container_of((struct kvm_s390_gisa *)gisa,
					      struct sie_page2, gisa);

	return &page->kvm->arch.gisa_int.gib;
}

static void kvm_gib_wake_vcpu(struct gib_guest *gi, struct gib_vcpu *gv)
{
	kvm_s390_vcpu_wakeup(gv->priv);
}

static const struct gib_guest_ops kvm_gib_ops = {
	.wake_vcpu = kvm_gib_wake_vcpu,
};

/* A guest is set up exactly when libgib's guest has its host. */
static struct gib_guest *kvm_gib_guest(struct kvm *kvm)
{
	struct gib_guest *gi = &kvm->arch.gisa_int.gib;

	return READ_ONCE(gi->host) ? gi : NULL;
}

/*
 * The GIB. KVM's adapter interrupt stays KVM's (its handler also forwards
 * zPCI events and counts IRQIO_GAL) and calls gib_gal_interrupt().
 */
int kvm_s390_gib_init(u8 nisc)
{
	struct airq_struct *gal = &gib_alert_irq;
	int rc;

	memset(&kvm_gib_host, 0, sizeof(kvm_gib_host));
	rc = gib_kernel_host_setup(&kvm_gib_host, kvm_gib_machine, 0);
	if (rc)
		return rc;
	kvm_gib_host.gisa_owner = kvm_gib_gisa_owner;
	rc = gib_kernel_host_port_gal(&kvm_gib_host);
	if (rc)
		return rc;
	if (kvm_gib_machine == GIB_PF_MACHINE_SOFT)
		return gib_init(&kvm_gib_host, nisc);	/* its GAL is libgib's irq_work */
	if (!gib_kernel_real_machine()) {
		KVM_EVENT(3, "%s", "gib not initialized, no AIV facility");
		return 0;
	}
	gal->isc = nisc;
	if (register_adapter_interrupt(gal)) {
		pr_err("Registering the GIB alert interruption handler failed\n");
		return -EIO;
	}
	rc = gib_init(&kvm_gib_host, nisc);
	if (rc) {
		pr_err("Associating the GIB with the AIV facility failed\n");
		unregister_adapter_interrupt(gal);
		return -EIO;
	}
	if (kvm_s390_pci_interp_allowed() && kvm_s390_pci_aen_init(nisc)) {
		pr_err("Initializing AEN for PCI failed\n");
		gib_destroy(&kvm_gib_host);
		unregister_adapter_interrupt(gal);
		return -EIO;
	}
	KVM_EVENT(3, "gib 0x%pK (nisc=%d) initialized", kvm_gib_host.gib, nisc);
	return 0;
}

void kvm_s390_gib_destroy(void)
{
	struct airq_struct *gal = &gib_alert_irq;

	if (!kvm_gib_host.gib)
		return;
	if (kvm_s390_pci_interp_allowed() && aift) {
		mutex_lock(&aift->aift_lock);
		kvm_s390_pci_aen_exit();
		mutex_unlock(&aift->aift_lock);
	}
	/* Dissociates the GIB, then frees it; every guest is gone by now. */
	WARN_ON_ONCE(gib_destroy(&kvm_gib_host));
	if (kvm_gib_machine == GIB_PF_MACHINE_REAL)
		unregister_adapter_interrupt(gal);
}

/* ---- The VM's GISA (KVM's sie_page2 memory, libgib's state) ------------ */

void kvm_s390_gisa_init(struct kvm *kvm)
{
	struct gib_guest *gi = &kvm->arch.gisa_int.gib;
	int rc;

	/* -ENODEV without a GIB (no AIV): the VM runs without a GISA, as in KVM. */
	if (gib_guest_init(gi, &kvm_gib_host, &kvm_gib_ops, kvm))
		return;
	rc = gib_gisa_init_at(gi, kvm_gib_gisa(&kvm->arch.sie_page2->gisa));
	if (rc) {
		gib_guest_destroy(gi);
		memset(gi, 0, sizeof(*gi));
		VM_EVENT(kvm, 3, "gisa not initialized: %d", rc);
		return;
	}
	VM_EVENT(kvm, 3, "gisa 0x%pK initialized", gib_guest_gisa(gi));
	kvm_gib_test_track(kvm, true);
}

void kvm_s390_gisa_clear(struct kvm *kvm)
{
	struct gib_guest *gi = kvm_gib_guest(kvm);

	if (gi && !gib_gisa_clear(gi))
		VM_EVENT(kvm, 3, "gisa 0x%pK cleared", gib_guest_gisa(gi));
}

/*
 * KVM's SIE blocks take libgib's designation word (@on) or none, under each
 * vcpu's mutex: the SIE block is what the machine reads, libgib decides it.
 */
static void kvm_gib_designate_all(struct kvm *kvm, bool on)
{
	struct kvm_vcpu *vcpu;
	unsigned long i;

	kvm_for_each_vcpu(i, vcpu, kvm) {
		mutex_lock(&vcpu->mutex);
		vcpu->arch.sie_block->gd =
			on ? gib_gisa_designation(&kvm->arch.gisa_int.gib) : 0;
		if (vcpu->arch.sie_block->gd)
			vcpu->arch.sie_block->eca |= ECA_AIV;
		else
			vcpu->arch.sie_block->eca &= ~ECA_AIV;
		mutex_unlock(&vcpu->mutex);
	}
}

void kvm_s390_gisa_enable(struct kvm *kvm)
{
	struct gib_guest *gi = kvm_gib_guest(kvm);

	/* On a caller-owned GISA: the sie_page2 GISA again, set up afresh. */
	if (gi && !gib_gisa_enable(gi))
		kvm_gib_designate_all(kvm, true);
}

void kvm_s390_gisa_disable(struct kvm *kvm)
{
	struct gib_guest *gi = kvm_gib_guest(kvm);

	if (!gi || !gib_guest_gisa(gi))
		return;
	/* Drop the SIE designations first: no vcpu enters SIE with the GISA. */
	kvm_gib_designate_all(kvm, false);
	/* Non-zero: GISCs were still registered (libgib reports or refuses). */
	if (gib_gisa_disable(gi))
		KVM_EVENT(3, "vm 0x%pK has GISCs registered at disable", kvm);
}

void kvm_s390_gisa_destroy(struct kvm *kvm)
{
	struct gib_guest *gi = kvm_gib_guest(kvm);

	kvm_gib_test_track(kvm, false);
	if (!gi)
		return;
	/* The vcpus are gone (kvm_gib_vcpus_remove()); destroy waits for readers. */
	if (gib_guest_gisa(gi) && gi->alert.mask)
		KVM_EVENT(3, "vm 0x%pK has unexpected iam 0x%02x", kvm, gi->alert.mask);
	/*
	 * Every GISC user (vfio-ap, zPCI) holds a VM reference, so none is
	 * registered at VM destroy; were one, the GISA must not be freed.
	 */
	if (WARN_ON_ONCE(gib_guest_destroy(gi)))
		return;
	memset(gi, 0, sizeof(*gi));
}

int kvm_s390_gisc_register(struct kvm *kvm, u32 gisc)
{
	struct gib_guest *gi = kvm_gib_guest(kvm);

	/* Sleeps (libgib's guest lock is a mutex): every KVM caller may. */
	return gi ? gib_gisc_register(gi, gisc) : -ENODEV;
}

int kvm_s390_gisc_unregister(struct kvm *kvm, u32 gisc)
{
	struct gib_guest *gi = kvm_gib_guest(kvm);

	return gi ? gib_gisc_unregister(gi, gisc) : -ENODEV;
}

/* A forwarded zPCI adapter event; true if it was made pending. */
bool kvm_gib_forward(struct kvm *kvm, u32 gisc)
{
	struct gib_guest *gi = kvm_gib_guest(kvm);

	return gi && gib_gisa_forward_adapter_event(gi, gisc) > 0;
}

/*
 * An adapter interruption KVM makes pending itself (__inject_io()): libgib
 * sets the IPM bit and chooses and wakes the vcpu (idle first, else round
 * robin over the started ones), in place of KVM's __floating_irq_kick().
 * False without a GISA: KVM queues it as a classic floating interruption and
 * kicks itself. True also when no vcpu could be chosen (none online, or all
 * stopped): the AI stays pending in the GISA, as KVM's kick left it.
 */
bool kvm_gib_inject_ai(struct kvm *kvm, u32 isc)
{
	struct gib_guest *gi = kvm_gib_guest(kvm);
	struct kvm_vcpu *vcpu;
	int idx;

	if (!gi)
		return false;
	rcu_read_lock();	/* libgib's reader section for gib_inject_ai() */
	if (!gib_guest_gisa(gi)) {
		rcu_read_unlock();
		return false;
	}
	idx = gib_inject_ai(gi, isc);
	if (idx >= 0) {
		/* A protected vcpu also gets KVM's I/O flag, as KVM's kick set it. */
		vcpu = gi->vcpus[idx]->priv;
		if (kvm_s390_pv_cpu_get_handle(vcpu)) {
			kvm_s390_set_cpuflags(vcpu, CPUSTAT_IO_INT);
			kvm_s390_vcpu_wakeup(vcpu);
		}
	}
	rcu_read_unlock();
	kvm_gib_test_injected(idx);
	return true;
}

/* ---- vcpus ------------------------------------------------------------- */

void kvm_gib_vcpu_postcreate(struct kvm_vcpu *vcpu)
{
	struct gib_guest *gi = kvm_gib_guest(vcpu->kvm);

	/* libgib's index is its own; it wakes the vcpu through ->priv. */
	if (!gi || WARN_ON_ONCE(gib_vcpu_add(gi, &vcpu->arch.gib, vcpu->vcpu_id, vcpu) < 0))
		return;
	/*
	 * libgib's vcpu starts "not stopped", KVM's stopped (its vcpu setup).
	 * Under KVM's start_stop_lock: a start or stop that ran before this
	 * found no libgib vcpu and changed only KVM's flag, read here; one
	 * after it updates both (kvm_gib_vcpu_stopped_changed()).
	 */
	spin_lock(&vcpu->kvm->arch.start_stop_lock);
	kvm_gib_vcpu_stopped_changed(vcpu);
	spin_unlock(&vcpu->kvm->arch.start_stop_lock);
}

/*
 * KVM changed CPUSTAT_STOPPED (kvm_s390_vcpu_start() / _stop(), under its
 * start_stop_lock): libgib's copy follows, for its choice of a vcpu.
 */
void kvm_gib_vcpu_stopped_changed(struct kvm_vcpu *vcpu)
{
	lockdep_assert_held(&vcpu->kvm->arch.start_stop_lock);
	if (vcpu->arch.gib.gi)
		gib_vcpu_set_stopped(&vcpu->arch.gib, is_vcpu_stopped(vcpu));
}

/* Before KVM frees its vcpus: no kick walk can reach one afterwards. */
void kvm_gib_vcpus_remove(struct kvm *kvm)
{
	struct gib_guest *gi = kvm_gib_guest(kvm);

	if (gi)
		gib_vcpu_remove_all(gi);
}

/*
 * The wait path, after KVM's own runnable and disabled-wait checks: the
 * vcpu is out of SIE, so its CR6 and PSW cannot change until it runs again;
 * libgib's copies are taken here, the only point where its kick walk (which
 * looks at idle vcpus only) can use them. True if an AI is deliverable.
 */
bool kvm_gib_prepare_wait(struct kvm_vcpu *vcpu)
{
	struct gib_vcpu *gv = &vcpu->arch.gib;

	if (!kvm_gib_guest(vcpu->kvm) || !gv->gi)
		return false;
	gib_vcpu_set_cr6(gv, vcpu->arch.sie_block->gcr[6]);
	gib_vcpu_set_io_enabled(gv, vcpu->arch.sie_block->gpsw.mask & PSW_MASK_IO);
	return gib_vcpu_prepare_wait(gv) == 1;
}

void kvm_gib_vcpu_end_wait(struct kvm_vcpu *vcpu)
{
	if (vcpu->arch.gib.gi)
		gib_vcpu_end_wait(&vcpu->arch.gib);
}

void kvm_gib_vcpu_runnable(struct kvm_vcpu *vcpu)
{
	/* Clears "kicked"; KVM's own check then reads the IPM. */
	if (vcpu->arch.gib.gi)
		gib_vcpu_runnable(&vcpu->arch.gib);
}

void kvm_gib_vcpu_enter_sie(struct kvm_vcpu *vcpu)
{
	if (vcpu->arch.gib.gi)
		gib_vcpu_enter_sie(&vcpu->arch.gib);
}

void kvm_gib_vcpu_exit_sie(struct kvm_vcpu *vcpu)
{
	if (vcpu->arch.gib.gi)
		gib_vcpu_exit_sie(&vcpu->arch.gib);
}

#ifdef KVM_GIB_TEST_VARIANT
/*
 * TEST VARIANT ONLY: /sys/module/kvm/parameters/gib_test drives the newest
 * VM's GISA from user space, where QEMU's TCG offers no device that would:
 * "reg N" / "unreg N" (GISC registration, as vfio-ap and zPCI do), "raise N"
 * (libgib's software machine makes an AI pending for guest ISC N: result
 * bit 0 linked, bit 1 GAL raised, bit 2 merged), "disable" / "enable" (as
 * KVM's protected-virtualization switch), "aicount" (AIs KVM injected that
 * went to libgib's gib_inject_ai()), "aiwoken" (the vcpu index libgib woke
 * for the last one, or its negative errno). Reading gives the last result.
 */
static DEFINE_MUTEX(kvm_gib_test_lock);
static struct kvm *kvm_gib_test_vm;
static int kvm_gib_test_rc;
static atomic_t kvm_gib_test_ai_count = ATOMIC_INIT(0);
static atomic_t kvm_gib_test_ai_woken = ATOMIC_INIT(0);

/* An AI KVM injected went to libgib, which woke vcpu index @rc (or none: < 0). */
static void kvm_gib_test_injected(int rc)
{
	atomic_set(&kvm_gib_test_ai_woken, rc);
	atomic_inc(&kvm_gib_test_ai_count);
}

static void kvm_gib_test_track(struct kvm *kvm, bool alive)
{
	mutex_lock(&kvm_gib_test_lock);
	if (alive)
		kvm_gib_test_vm = kvm;
	else if (kvm_gib_test_vm == kvm)
		kvm_gib_test_vm = NULL;
	mutex_unlock(&kvm_gib_test_lock);
}

static int kvm_gib_test_run(struct kvm *kvm, const char *cmd, unsigned int n)
{
	struct gib_guest *gi = kvm_gib_guest(kvm);
	struct gib_soft_ai res = { };
	int rc;

	if (!strcmp(cmd, "reg"))
		return kvm_s390_gisc_register(kvm, n);
	if (!strcmp(cmd, "unreg"))
		return kvm_s390_gisc_unregister(kvm, n);
	if (!strcmp(cmd, "raise")) {
		rc = gi ? gib_soft_raise_ai(gi, n, &res) : -ENODEV;
		return rc ? rc : res.linked | res.gal << 1 | res.merged << 2;
	}
	if (!strcmp(cmd, "aicount"))
		return atomic_read(&kvm_gib_test_ai_count);
	if (!strcmp(cmd, "aiwoken"))
		return atomic_read(&kvm_gib_test_ai_woken);
	if (!strcmp(cmd, "disable")) {
		kvm_s390_gisa_disable(kvm);
		return gi && !gib_guest_gisa(gi) ? 0 : -EIO;
	}
	if (!strcmp(cmd, "enable")) {
		kvm_s390_gisa_enable(kvm);
		return gi && gib_guest_gisa(gi) ? 0 : -EIO;
	}
	return -EINVAL;
}

static int kvm_gib_test_set(const char *val, const struct kernel_param *kp)
{
	char cmd[16];
	unsigned int n = 0;

	if (sscanf(val, "%15s %u", cmd, &n) < 1)
		return -EINVAL;
	mutex_lock(&kvm_gib_test_lock);
	kvm_gib_test_rc = kvm_gib_test_vm ? kvm_gib_test_run(kvm_gib_test_vm, cmd, n) : -ENODEV;
	mutex_unlock(&kvm_gib_test_lock);
	return 0;
}

static int kvm_gib_test_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%d\n", READ_ONCE(kvm_gib_test_rc));
}

static const struct kernel_param_ops kvm_gib_test_ops = {
	.set = kvm_gib_test_set,
	.get = kvm_gib_test_get,
};
module_param_cb(gib_test, &kvm_gib_test_ops, NULL, 0600);
#endif /* KVM_GIB_TEST_VARIANT */
