// SPDX-License-Identifier: GPL-2.0-only OR MIT
// target: interrupt.c
// KVM's copy of the GISA origin is gone: every read is libgib's once-read
// of its guest's origin (kvm_gib_origin()), in pending_irqs(),
// __deliver_io(), get_top_gisa_isc(), kvm_s390_get_io_int(),
// __floating_irq_kick() and get_all_floating_irqs() (__inject_io() asks
// libgib itself since rule 34).

@ origin_via_libgib @
struct kvm_s390_gisa_interrupt *gi;
@@
- gi->origin
+ kvm_gib_origin(gi)

@ vm_origin_via_libgib @
expression K;
@@
- K->arch.gisa_int.origin
+ kvm_gib_origin(&K->arch.gisa_int)
