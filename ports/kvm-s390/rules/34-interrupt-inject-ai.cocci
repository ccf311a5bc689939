// SPDX-License-Identifier: GPL-2.0-only OR MIT
// target: interrupt.c
// An adapter interruption KVM makes pending in the GISA itself (__inject_io()):
// libgib sets the IPM bit and chooses and wakes the vcpu (gib_inject_ai(),
// through kvm_gib_inject_ai()), so KVM's __floating_irq_kick() does not run
// for it; every other floating interruption keeps KVM's kick.

@ inject_ai_is_libgibs @
identifier kvm, inti, gi, isc;
@@
__inject_io(struct kvm *kvm, struct kvm_s390_interrupt_info *inti)
{
	...
-	if (gi->origin && inti->type & KVM_S390_INT_IO_AI_MASK) {
+	if (inti->type & KVM_S390_INT_IO_AI_MASK && kvm_gib_inject_ai(kvm, isc)) {
		VM_EVENT(...);
-		gisa_set_ipm_gisc(gi->origin, isc);
		kfree(inti);
-		return 0;
+		return KVM_GIB_AI_KICKED;
	}
	...
}

@ inject_io_gi_unused @
identifier kvm, inti, gi;
@@
__inject_io(struct kvm *kvm, struct kvm_s390_interrupt_info *inti)
{
-	struct kvm_s390_gisa_interrupt *gi = &kvm->arch.gisa_int;
	...
}

@ ai_kick_is_libgibs @
identifier kvm, inti, rc, type;
@@
__inject_vm(struct kvm *kvm, struct kvm_s390_interrupt_info *inti)
{
	...
-	if (rc)
-		return rc;
-	__floating_irq_kick(kvm, type);
+	if (rc < 0)
+		return rc;
+	if (rc != KVM_GIB_AI_KICKED)
+		__floating_irq_kick(kvm, type);
	return 0;
}
