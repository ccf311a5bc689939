/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * libgib kernel backend: the software machine's hooks, for backend.c.
 */
#ifndef LIBGIB_SWMACHINE_H
#define LIBGIB_SWMACHINE_H

#include <libgib/gib.h>

int gib_soft_gal_register(struct gib_host *host, u8 nisc);
void gib_soft_gal_unregister(struct gib_host *host);
int gib_soft_set_gib(struct gib_host *host, u32 gib_maddr);

#endif /* LIBGIB_SWMACHINE_H */
