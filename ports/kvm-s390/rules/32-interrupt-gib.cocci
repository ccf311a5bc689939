// SPDX-License-Identifier: GPL-2.0-only OR MIT
// target: interrupt.c
// KVM's GIB and GISA life cycle, alert-list processing, kick timer, kick walk
// and GISC registration go; kvm-gib.c defines the entry points KVM's other
// files call, over libgib. KVM's GAL adapter interrupt stays KVM's (it also
// forwards zPCI events and counts IRQIO_GAL) and calls gib_gal_interrupt().

@ gib_pointer_gone @
@@
- static struct kvm_s390_gib *gib;

@ kick_walk_gone @
@@
- __airqs_kick_single_vcpu(...) { ... }

@ kick_timer_gone @
@@
- gisa_vcpu_kicker(...) { ... }

@ alert_list_gone @
@@
- process_gib_alert_list(...) { ... }

@ gisa_clear_gone @
@@
- kvm_s390_gisa_clear(...) { ... }

@ gisa_init_gone @
@@
- kvm_s390_gisa_init(...) { ... }

@ gisa_enable_gone @
@@
- kvm_s390_gisa_enable(...) { ... }

@ gisa_destroy_gone @
@@
- kvm_s390_gisa_destroy(...) { ... }

@ gisa_disable_gone @
@@
- kvm_s390_gisa_disable(...) { ... }

@ gisc_register_gone @
@@
- kvm_s390_gisc_register(...) { ... }

@ gisc_unregister_gone @
@@
- kvm_s390_gisc_unregister(...) { ... }

@ gib_destroy_gone @
@@
- kvm_s390_gib_destroy(...) { ... }

@ gib_init_gone @
@@
- kvm_s390_gib_init(...) { ... }

@ gal_handler_calls_libgib @
@@
gib_alert_irq_handler(...)
{
	<...
-	process_gib_alert_list();
+	gib_gal_interrupt(&kvm_gib_host);
	...>
}

@ gal_irq_for_glue @
@@
- static
  struct airq_struct gib_alert_irq = ...;
