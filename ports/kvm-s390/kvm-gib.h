/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * The port's half of KVM's s390 GISA code: what KVM's files call, on top of
 * libgib. The Coccinelle rules (rules/) remove KVM's own definitions and
 * include this header from kvm-s390.h; kvm-gib.c has the rest.
 *
 * KVM keeps no GISA state of its own any more: its struct
 * kvm_s390_gisa_interrupt holds only libgib's struct gib_guest (the origin,
 * the alert mask and counts, the kick timer and period, the idle and kicked
 * bitmaps), and each vcpu a struct gib_vcpu.
 */
#ifndef KVM_GIB_H
#define KVM_GIB_H

#include <linux/kvm_host.h>
#include <asm/airq.h>
#include <gib_kernel.h>

/* The host's GIB, libgib's (kvm-gib.c). */
extern struct gib_host kvm_gib_host;

/* KVM's GISA type and libgib's describe the same 32 bytes (asserted in kvm-gib.c). */
static inline struct gib_gisa *kvm_gib_gisa(struct kvm_s390_gisa *gisa)
{
	return (struct gib_gisa *)gisa;
}

/* The VM's GISA or NULL: a once-read of libgib's origin, never a copy. */
static inline struct kvm_s390_gisa *kvm_gib_origin(struct kvm_s390_gisa_interrupt *gi)
{
	return (struct kvm_s390_gisa *)gib_guest_gisa(&gi->gib);
}

/* KVM's GISA word operations, by their KVM names, done by libgib. */
static inline void gisa_set_ipm_gisc(struct kvm_s390_gisa *gisa, u32 gisc)
{
	gib_gisa_set_ipm_gisc(kvm_gib_gisa(gisa), gisc);
}

static inline u8 gisa_get_ipm(struct kvm_s390_gisa *gisa)
{
	return (u8)gib_gisa_get_ipm(kvm_gib_gisa(gisa));
}

static inline int gisa_tac_ipm_gisc(struct kvm_s390_gisa *gisa, u32 gisc)
{
	return gib_gisa_tac_ipm_gisc(kvm_gib_gisa(gisa), gisc) == 1;
}

/* The SIE GISA designation word: libgib's (format bit where the host has it). */
static inline u32 kvm_s390_get_gisa_desc(struct kvm *kvm)
{
	return gib_gisa_designation(&kvm->arch.gisa_int.gib);
}

/* KVM's GAL adapter interrupt (interrupt.c), registered by kvm_s390_gib_init(). */
extern struct airq_struct gib_alert_irq;

/*
 * __inject_io()'s result for an AI libgib made pending and whose vcpu it
 * chose and woke: __inject_vm() then skips KVM's __floating_irq_kick().
 */
#define KVM_GIB_AI_KICKED 1
bool kvm_gib_inject_ai(struct kvm *kvm, u32 isc);
void kvm_gib_vcpu_stopped_changed(struct kvm_vcpu *vcpu);

bool kvm_gib_prepare_wait(struct kvm_vcpu *vcpu);
void kvm_gib_vcpu_postcreate(struct kvm_vcpu *vcpu);
void kvm_gib_vcpus_remove(struct kvm *kvm);
void kvm_gib_vcpu_end_wait(struct kvm_vcpu *vcpu);
void kvm_gib_vcpu_runnable(struct kvm_vcpu *vcpu);
void kvm_gib_vcpu_enter_sie(struct kvm_vcpu *vcpu);
void kvm_gib_vcpu_exit_sie(struct kvm_vcpu *vcpu);
bool kvm_gib_forward(struct kvm *kvm, u32 gisc);

#endif /* KVM_GIB_H */
