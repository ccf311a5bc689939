// SPDX-License-Identifier: GPL-2.0-only OR MIT
// target: kvm-s390.h
// Every KVM file sees the port's glue header; the SIE GISA designation is
// libgib's (kvm-gib.h defines kvm_s390_get_gisa_desc()).

@ include_glue @
@@
#include <asm/sclp.h>
+#include "kvm-gib.h"

@ gisa_desc_is_libgibs @
@@
- kvm_s390_get_gisa_desc(...) { ... }
