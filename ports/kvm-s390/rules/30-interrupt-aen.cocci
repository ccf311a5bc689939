// SPDX-License-Identifier: GPL-2.0-only OR MIT
// target: interrupt.c
// A forwarded zPCI adapter event: libgib checks SIMM/NIMM, sets the IPM bit
// and schedules its kick timer (gib_gisa_forward_adapter_event()).

@ aen_forward_is_libgibs @
identifier gaite, kvm, gi;
@@
aen_host_forward(...)
{
	...
	gi = &kvm->arch.gisa_int;
-	if (...) {
-		gisa_set_ipm_gisc(gi->origin, gaite->gisc);
-		...
-		kvm->stat.aen_forward++;
-	}
+	if (kvm_gib_forward(kvm, gaite->gisc))
+		kvm->stat.aen_forward++;
}
