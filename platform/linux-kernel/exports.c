// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * The symbols libgib.ko exports (GPL only). They are listed here, not next
 * to their definitions, so that the core's files stay free of any platform:
 * the core (src/) is the same C for the kernel and for user space.
 * tools/kernel-test checks that every global function of the core objects
 * appears in this list.
 */
#include <linux/export.h>

#include <gib_kernel.h>

/* The core: GIB life cycle and the alert list (src/gib.c, alert_list.c). */
EXPORT_SYMBOL_GPL(gib_init);
EXPORT_SYMBOL_GPL(gib_destroy);
EXPORT_SYMBOL_GPL(gib_process_alert_list);
EXPORT_SYMBOL_GPL(gib_gal_interrupt);

/* Guests and GISAs (src/gisa_life.c). */
EXPORT_SYMBOL_GPL(gib_guest_init);
EXPORT_SYMBOL_GPL(gib_guest_destroy);
EXPORT_SYMBOL_GPL(gib_guest_set_float_policy);
EXPORT_SYMBOL_GPL(gib_guest_set_expires);
EXPORT_SYMBOL_GPL(gib_gisa_init);
EXPORT_SYMBOL_GPL(gib_gisa_clear);
EXPORT_SYMBOL_GPL(gib_gisa_destroy);
EXPORT_SYMBOL_GPL(gib_gisa_enable);
EXPORT_SYMBOL_GPL(gib_gisa_disable);
EXPORT_SYMBOL_GPL(gib_gisa_designation);
EXPORT_SYMBOL_GPL(gib_gisa_device_designation);
EXPORT_SYMBOL_GPL(gib_gisa_kick);
EXPORT_SYMBOL_GPL(gib_gisa_forward_adapter_event);

/* GISC registration (src/gisc.c). */
EXPORT_SYMBOL_GPL(gib_gisc_register);
EXPORT_SYMBOL_GPL(gib_gisc_unregister);

/* The kick timer and the vcpu side (src/kick.c, vcpu.c, find_vcpu.c). */
EXPORT_SYMBOL_GPL(gib_gisa_kick_timer_fn);
EXPORT_SYMBOL_GPL(gib_kick_one_vcpu);
EXPORT_SYMBOL_GPL(gib_vcpu_add);
EXPORT_SYMBOL_GPL(gib_vcpu_set_cr6);
EXPORT_SYMBOL_GPL(gib_vcpu_set_io_enabled);
EXPORT_SYMBOL_GPL(gib_vcpu_set_stopped);
EXPORT_SYMBOL_GPL(gib_vcpu_runnable);
EXPORT_SYMBOL_GPL(gib_vcpu_prepare_wait);
EXPORT_SYMBOL_GPL(gib_vcpu_end_wait);
EXPORT_SYMBOL_GPL(gib_vcpu_enter_sie);
EXPORT_SYMBOL_GPL(gib_vcpu_exit_sie);
EXPORT_SYMBOL_GPL(gib_vcpu_take_ai);
EXPORT_SYMBOL_GPL(gib_find_vcpu_for_floating_irq);
EXPORT_SYMBOL_GPL(gib_inject_ai);

/* The platform contract's functions, for callers that build on them. */
EXPORT_SYMBOL_GPL(gib_pf_lock_init);
EXPORT_SYMBOL_GPL(gib_pf_lock_destroy);
EXPORT_SYMBOL_GPL(gib_pf_lock);
EXPORT_SYMBOL_GPL(gib_pf_unlock);
EXPORT_SYMBOL_GPL(gib_pf_timer_init);
EXPORT_SYMBOL_GPL(gib_pf_timer_start);
EXPORT_SYMBOL_GPL(gib_pf_timer_cancel);
EXPORT_SYMBOL_GPL(gib_pf_timer_destroy);
EXPORT_SYMBOL_GPL(gib_pf_alloc31);
EXPORT_SYMBOL_GPL(gib_pf_free31);
EXPORT_SYMBOL_GPL(gib_pf_has_aiv);
EXPORT_SYMBOL_GPL(gib_pf_has_gisaf);
EXPORT_SYMBOL_GPL(gib_pf_gal_register);
EXPORT_SYMBOL_GPL(gib_pf_gal_unregister);
EXPORT_SYMBOL_GPL(gib_pf_set_gib);
#ifndef CONFIG_S390
/* The arena behind the inline gib_pf_virt_to_maddr(). */
EXPORT_SYMBOL_GPL(gib_pf_arena);
#endif

/* The kernel backend's own API (<gib_kernel.h>). */
EXPORT_SYMBOL_GPL(gib_kernel_real_machine);
EXPORT_SYMBOL_GPL(gib_kernel_host_setup);
EXPORT_SYMBOL_GPL(gib_soft_raise_ai);
EXPORT_SYMBOL_GPL(gib_kernel_host_stats);
EXPORT_SYMBOL_GPL(gib_kernel_gal_registered);
EXPORT_SYMBOL_GPL(gib_kernel_alloc31_outstanding);
