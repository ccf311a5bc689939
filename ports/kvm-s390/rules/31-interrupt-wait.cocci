// SPDX-License-Identifier: GPL-2.0-only OR MIT
// target: interrupt.c
// The wait path: libgib decides "deliverable AI, or re-arm the IAM" and
// marks the vcpu idle for its kick walk; KVM's __unset_cpu_idle() ends it,
// and so does the return for an already expired clock comparator.

@ wait_is_libgibs @
identifier gi, vcpu;
@@
kvm_s390_handle_wait(struct kvm_vcpu *vcpu)
{
	...
-	if (gi->origin &&
-	    (gisa_get_ipm_or_restore_iam(gi) &
-	     vcpu->arch.sie_block->gcr[6] >> 24))
+	if (kvm_gib_prepare_wait(vcpu))
		return 0;
	...
}

@ wait_expired_ends_libgibs @
identifier vcpu, sltime;
@@
kvm_s390_handle_wait(struct kvm_vcpu *vcpu)
{
	...
	sltime = __calculate_sltime(vcpu);
-	if (!sltime)
-		return 0;
+	if (!sltime) {
+		kvm_gib_vcpu_end_wait(vcpu);
+		return 0;
+	}
	...
}

@ wait_gi_unused @
identifier gi, vcpu;
@@
kvm_s390_handle_wait(struct kvm_vcpu *vcpu)
{
-	struct kvm_s390_gisa_interrupt *gi = &vcpu->kvm->arch.gisa_int;
	...
}

@ end_wait_is_libgibs @
identifier vcpu;
@@
__unset_cpu_idle(struct kvm_vcpu *vcpu)
{
	...
	clear_bit(vcpu->vcpu_idx, vcpu->kvm->arch.idle_mask);
+	kvm_gib_vcpu_end_wait(vcpu);
}
