// SPDX-License-Identifier: GPL-2.0-only OR MIT
// target: kvm-s390.c
// TEST VARIANT ONLY (ports/kvm-s390/build --variant test): lets KVM load in
// QEMU's TCG, which has no SIE, so that tools/kvm-port-test can drive VMs,
// vcpus and the FLIC from user space. No vcpu can run. Never for hardware.

@ test_skips_sie_check @
@@
kvm_s390_init(...)
{
	...
-	if (!sclp.has_sief2) {
-		pr_info("SIE is not available\n");
-		return -ENODEV;
-	}
+	pr_info("TEST VARIANT: SIE check skipped, libgib's software machine\n");
	...
}

@ test_skips_plo_probe @
@@
kvm_s390_cpu_feat_init(...)
{
	...
-	for (i = 0; i < 256; ++i) {
-		if (plo_test_bit(i))
-			kvm_s390_available_subfunc.plo[i >> 3] |= 0x80 >> (i & 7);
-	}
	...
}
