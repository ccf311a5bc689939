// SPDX-License-Identifier: GPL-2.0-only OR MIT
// target: kvm-s390.c
// The vcpu's life and its SIE entry and exit through libgib: added after
// creation, unpublished before KVM frees the vcpus (no kick walk can reach a
// freed one), libgib's kicked bit cleared on the runnable check and at SIE
// entry; its stopped state as KVM changes it (libgib's choice of a vcpu for
// an adapter interruption KVM injects skips stopped vcpus).

@ postcreate_adds_vcpu @
identifier vcpu;
@@
kvm_arch_vcpu_postcreate(struct kvm_vcpu *vcpu)
{
	...
	mutex_unlock(&vcpu->kvm->lock);
+	kvm_gib_vcpu_postcreate(vcpu);
	...
}

@ vcpus_leave_libgib_first @
identifier kvm;
@@
kvm_arch_destroy_vm(struct kvm *kvm)
{
	...
+	kvm_gib_vcpus_remove(kvm);
	kvm_destroy_vcpus(kvm);
	...
}

@ runnable_clears_libgibs_kicked @
identifier vcpu;
@@
kvm_arch_vcpu_runnable(struct kvm_vcpu *vcpu)
{
-	clear_bit(vcpu->vcpu_idx, vcpu->kvm->arch.gisa_int.kicked_mask);
+	kvm_gib_vcpu_runnable(vcpu);
	...
}

@ sie_entry_is_libgibs @
identifier vcpu;
@@
vcpu_pre_run(struct kvm_vcpu *vcpu)
{
	...
-	clear_bit(vcpu->vcpu_idx, vcpu->kvm->arch.gisa_int.kicked_mask);
+	kvm_gib_vcpu_enter_sie(vcpu);
	...
}

@ sie_exit_is_libgibs @
identifier vcpu, r;
@@
vcpu_post_run(struct kvm_vcpu *vcpu, int r)
{
	...
+	kvm_gib_vcpu_exit_sie(vcpu);
	trace_kvm_s390_sie_exit(vcpu, ...);
	...
}

@ vcpu_start_tells_libgib @
identifier vcpu;
@@
kvm_s390_vcpu_start(struct kvm_vcpu *vcpu)
{
	...
	kvm_s390_clear_cpuflags(vcpu, CPUSTAT_STOPPED);
+	kvm_gib_vcpu_stopped_changed(vcpu);
	...
}

@ vcpu_stop_tells_libgib @
identifier vcpu;
@@
kvm_s390_vcpu_stop(struct kvm_vcpu *vcpu)
{
	...
	kvm_s390_set_cpuflags(vcpu, CPUSTAT_STOPPED);
+	kvm_gib_vcpu_stopped_changed(vcpu);
	...
}
