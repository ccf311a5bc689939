/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * What the two halves of the machine model share: the push algorithm
 * (machine_ai.c) raises GAL interruptions through the platform half
 * (machine.c). Not installed.
 */
#ifndef GIB_US_MACHINE_INTERNAL_H
#define GIB_US_MACHINE_INTERNAL_H

#include <libgib-us/machine.h>

/*
 * Statistics counters: relaxed atomic adds, in both sync modes. They order
 * nothing and need not: they count, they do not publish.
 */
#define GIB_US_COUNT(m, field) __atomic_fetch_add(&(m)->stats.field, 1, __ATOMIC_RELAXED)

/* Shared between the library's files, never exported (abi/libgib.map). */
#define GIB_US_INTERNAL __attribute__((visibility("hidden")))

/*
 * Deliver one GAL interruption of @m to its host's handler: at once
 * (GIB_US_GAL_DIRECT) or by counting it (GIB_US_GAL_DEFERRED). Call outside
 * any reader section: the handler may process the alert list.
 */
GIB_US_INTERNAL void gib_us_machine_raise_gal(struct gib_us_machine *m);

#endif /* GIB_US_MACHINE_INTERNAL_H */
