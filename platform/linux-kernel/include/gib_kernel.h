/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/**
 * DOC: libgib.ko: what the kernel backend adds to the core's API
 *
 * A kernel user includes this header (it pulls in all of ``<libgib/...>``),
 * sets a host up with gib_kernel_host_setup() and then calls gib_init().
 *
 * Two machines can stand behind a host:
 *
 * - the **real** one (s390 with the adapter-interruption virtualization
 *   facility): CHSC "set GIB" and the GAL adapter interrupt on the NISC, as
 *   KVM uses them. Only one host at a time can own the machine's GIB, and
 *   none while kvm.ko owns it.
 * - the **software** one (every other case: x86, and s390 without AIV such as
 *   QEMU's TCG): the spec's section 4 model in kernel C; adapter
 *   interruptions are raised with gib_soft_raise_ai() and the GAL
 *   interruption comes as a hard-interrupt irq_work. Its GIB and GISAs are
 *   real memory at 31-bit machine addresses, so everything above the machine
 *   runs unchanged.
 */
#ifndef LIBGIB_GIB_KERNEL_H
#define LIBGIB_GIB_KERNEL_H

#include <libgib/libgib.h>

/* Software machine behaviour (gib_kernel_host_setup()'s @soft_flags). */
/** GIB_SOFT_NO_AIV - the machine reports no AIV facility: gib_init() -ENODEV */
#define GIB_SOFT_NO_AIV		0x01u
/** GIB_SOFT_GISAF - the machine has the GISA-format-1 facility */
#define GIB_SOFT_GISAF		0x02u
/** GIB_SOFT_FAIL_GAL - registering the GAL handler fails with -EIO */
#define GIB_SOFT_FAIL_GAL	0x04u
/** GIB_SOFT_FAIL_SET_GIB - CHSC "set GIB" with a GIB fails with -EIO */
#define GIB_SOFT_FAIL_SET_GIB	0x08u
/** GIB_SOFT_FLAGS - every software machine flag */
#define GIB_SOFT_FLAGS		0x0fu

/**
 * gib_kernel_real_machine() - whether this machine has a GIB of its own
 *
 * Return: true on s390 with the AIV facility.
 */
bool gib_kernel_real_machine(void);

/**
 * gib_kernel_host_setup() - choose the machine of a host, before gib_init()
 * @host: the host, all zero
 * @machine: %GIB_PF_MACHINE_REAL, %GIB_PF_MACHINE_SOFT, or
 *           %GIB_PF_MACHINE_AUTO (real where gib_kernel_real_machine(),
 *           else software)
 * @soft_flags: GIB_SOFT_* for the software machine, 0 for the real one
 *              (and for %GIB_PF_MACHINE_AUTO)
 *
 * Return: 0; -EINVAL if @host is NULL, @machine unknown or a flag unknown
 * (or given to the real or automatic machine); -EOPNOTSUPP for the real
 * machine on an architecture other than s390. On s390 without AIV the real
 * machine is accepted and gib_init() then fails with -ENODEV, as KVM's "no
 * GIB". Read @host->pf.machine for the choice %GIB_PF_MACHINE_AUTO made.
 */
int gib_kernel_host_setup(struct gib_host *host, enum gib_pf_machine machine,
			  unsigned int soft_flags);

/**
 * struct gib_soft_ai - what the software machine did with one interruption
 * @merged: the IPM bit was set already (the interruption merged with a
 *          pending one on the same ISC)
 * @vcpu: index of the vcpu in SIE it was delivered to, or -1
 * @linked: the GISA was alerted: its IAM cleared and it was linked into the
 *          alert list
 * @gal: linking it found the origin NULL and raised a GAL interruption
 */
struct gib_soft_ai {
	bool merged;
	int vcpu;
	bool linked;
	bool gal;
};

/**
 * gib_soft_raise_ai() - the software machine makes an adapter interruption
 *                       pending for a guest (spec section 4)
 * @gi: the guest
 * @isc: its guest ISC, 0..7
 * @res: if not NULL, receives what happened
 *
 * Sets IPM bit @isc; delivers it to a vcpu in SIE that enables @isc (test-
 * and-clear of the bit); otherwise, if the IAM enables @isc and the GISA is
 * not in the alert list, claims the GISA with one compare-and-swap of its
 * first doubleword (IAM := 0, next_alert := the origin read before), links it
 * at the head of the alert list and raises a GAL interruption if the old
 * origin was NULL. May be called from any context, concurrently with
 * itself and with the host; the GISA is found under rcu_read_lock().
 *
 * Return: 0; -EINVAL if @gi is NULL; -ERANGE if @isc > 7; -ENODEV if the
 * guest has no GISA; -EOPNOTSUPP if the host has the real machine.
 */
int gib_soft_raise_ai(struct gib_guest *gi, unsigned int isc,
		      struct gib_soft_ai *res);

/**
 * struct gib_kernel_stats - counters of a host's machine
 * @gal_raised: GAL interruptions the software machine raised
 * @gal_taken: GAL interruptions handled (both machines)
 * @linked: GISAs the software machine linked into the alert list
 */
struct gib_kernel_stats {
	long gal_raised;
	long gal_taken;
	long linked;
};

/**
 * gib_kernel_host_stats() - read a host's machine counters
 * @host: the host
 * @st: receives them
 */
void gib_kernel_host_stats(const struct gib_host *host,
			   struct gib_kernel_stats *st);

/**
 * gib_kernel_host_port_gal() - the port owns the GAL adapter interrupt
 * @host: the host, after gib_kernel_host_setup(), before gib_init()
 *
 * KVM's GAL handler does more than process the alert list (it forwards
 * zPCI adapter events and counts IRQIO_GAL), so on the real machine the port
 * registers the adapter interrupt on the NISC itself (register_adapter_
 * interrupt() with a NULL summary indicator, which it then sets to 0xff) and
 * calls gib_gal_interrupt() from its handler; gib_init() then registers
 * none and still sets the NISC and "set GIB". The software machine ignores
 * this: it calls gib_gal_interrupt() from its own hard-irq work.
 *
 * Return: 0; -EINVAL if @host is NULL; -EALREADY if it has a GIB already.
 */
int gib_kernel_host_port_gal(struct gib_host *host);

/**
 * gib_kernel_gal_registered() - whether a GAL handler is registered
 * @host: the host
 *
 * Return: true between a successful gib_pf_gal_register() and
 * gib_pf_gal_unregister(); lets a test check gib_init()'s unwinding.
 */
bool gib_kernel_gal_registered(const struct gib_host *host);

/**
 * gib_kernel_alloc31_outstanding() - blocks of gib_pf_alloc31() not freed
 *
 * Return: allocations minus gib_pf_free31() calls (the memory itself is
 * reused only after an RCU grace period).
 */
long gib_kernel_alloc31_outstanding(void);

#endif /* LIBGIB_GIB_KERNEL_H */
