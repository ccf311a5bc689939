// SPDX-License-Identifier: GPL-2.0-only OR MIT
// target: override/asm/kvm_host.h
// KVM's GISA state becomes libgib's: the VM keeps a struct gib_guest, each
// vcpu a struct gib_vcpu, and KVM's own copies (origin, alert, timer,
// expires, kicked_mask) are gone.

@ include_libgib @
@@
#include <asm/isc.h>
+#include <libgib/vcpu.h>

@ gisa_interrupt_is_libgibs @
@@
struct kvm_s390_gisa_interrupt {
-	struct kvm_s390_gisa *origin;
-	struct kvm_s390_gisa_iam alert;
-	struct hrtimer timer;
-	u64 expires;
-	...
+	struct gib_guest gib;
};

@ gisa_iam_gone @
@@
- struct kvm_s390_gisa_iam { ... };

@ vcpu_has_gib_vcpu @
@@
struct kvm_vcpu_arch {
	...
	struct kvm_s390_local_interrupt local_int;
+	struct gib_vcpu gib;
	...
};
