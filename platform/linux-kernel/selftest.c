// SPDX-License-Identifier: GPL-2.0-only OR MIT
#include <linux/module.h>
#include <gib_kernel.h>
static int __init t_init(void) { return 0; }
module_init(t_init);
MODULE_LICENSE("Dual MIT/GPL");
