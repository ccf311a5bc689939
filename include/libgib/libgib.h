/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/**
 * DOC: libgib
 *
 * The GIB/GISA adapter-interruption algorithms of s390 KVM as a reusable
 * library. Include this header for all of the public API.
 */
#ifndef LIBGIB_LIBGIB_H
#define LIBGIB_LIBGIB_H

#include <libgib/platform.h>
#include <libgib/isc.h>
#include <libgib/gisa.h>
#include <libgib/trace.h>
#include <libgib/gib.h>
#include <libgib/guest.h>
#include <libgib/gisc.h>
#include <libgib/kick.h>
#include <libgib/vcpu.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifdef __cplusplus
}
#endif

#endif /* LIBGIB_LIBGIB_H */
