/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/**
 * DOC: the GISA kick timer
 *
 * After the host unlinks a guest's GISA it starts the guest's kick timer at
 * once. Each run computes ``IPM & alert_mask``: if non-zero it kicks one
 * suitable idle vcpu and runs again after the guest's period; if zero it
 * re-arms IAM := alert mask (by CAS, only while the IPM stays clear of it)
 * and stops. The IAM is therefore off from the alert until every alerted
 * ISC was taken, so one GISA raises at most one alert per such episode.
 */
#ifndef LIBGIB_KICK_H
#define LIBGIB_KICK_H

#include <libgib/platform.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * gib_gisa_kick_timer_fn() - the kick timer's callback
 * @t: the guest's @timer
 *
 * Installed by gib_guest_init(); public so a backend or test can run it.
 *
 * Return: the period to run again after, or %GIB_PF_TIMER_STOP.
 */
uint64_t gib_gisa_kick_timer_fn(struct gib_pf_timer *t);

#ifdef __cplusplus
}
#endif

#endif /* LIBGIB_KICK_H */
