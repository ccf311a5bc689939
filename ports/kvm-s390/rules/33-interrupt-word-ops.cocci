// SPDX-License-Identifier: GPL-2.0-only OR MIT
// target: interrupt.c
// KVM's GISA word operations go: kvm-gib.h defines the ones KVM still calls
// (set IPM bit, get IPM, test-and-clear IPM bit) over libgib's; the rest
// were used only by the code rule 32 removed.

@ set_iam_gone @
@@
- gisa_set_iam(...) { ... }

@ clear_ipm_gone @
@@
- gisa_clear_ipm(...) { ... }

@ get_ipm_or_restore_iam_gone @
@@
- gisa_get_ipm_or_restore_iam(...) { ... }

@ in_alert_list_gone @
@@
- gisa_in_alert_list(...) { ... }

@ set_ipm_gisc_gone @
@@
- gisa_set_ipm_gisc(...) { ... }

@ get_ipm_gone @
@@
- gisa_get_ipm(...) { ... }

@ clear_ipm_gisc_gone @
@@
- gisa_clear_ipm_gisc(...) { ... }

@ tac_ipm_gisc_gone @
@@
- gisa_tac_ipm_gisc(...) { ... }
