/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/**
 * DOC: guest ISC registration
 *
 * Devices that raise adapter interruptions for a guest (vfio-ap, zPCI
 * interpretation) register the guest ISCs they use. The first registration of
 * an ISC adds it to the guest's alert mask and arms the IAM; the last
 * unregistration removes it. Counts and mask change only under the guest's
 * lock; the kick and wait paths read the mask without it.
 *
 * A registration stands for a device that designates the GISA (the machine
 * may write it on its behalf): gib_gisa_destroy() and gib_gisa_disable()
 * refuse with -EBUSY while any remains. The GISA's address changes across
 * gib_gisa_disable() and gib_gisa_enable(), so a device's designation from
 * gib_gisa_device_designation() must be removed and its GISC unregistered
 * before disable, and given anew and registered again after enable.
 */
#ifndef LIBGIB_GISC_H
#define LIBGIB_GISC_H

#include <libgib/guest.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * gib_gisc_register() - a device of the guest uses guest ISC @gisc
 * @gi: the guest
 * @gisc: the guest ISC, 0..7
 *
 * On the first registration of @gisc, sets its bit in the alert mask and
 * tries gib_gisa_set_iam() (its -EBUSY is ignored: the kick path re-arms the
 * IAM from the alert mask).
 *
 * Return: the host's NISC (0..7); -EINVAL if @gi is NULL; -ENODEV if the
 * guest has no GISA; -ERANGE if @gisc > 7; -EOVERFLOW if @gisc has
 * ``UINT_MAX`` registrations already (the count is an unsigned int: the
 * registration after 4294967295 fails). On error nothing changed.
 */
int gib_gisc_register(struct gib_guest *gi, unsigned int gisc);

/**
 * gib_gisc_unregister() - undo one gib_gisc_register()
 * @gi: the guest
 * @gisc: the guest ISC, 0..7
 *
 * On the last unregistration of @gisc, clears its bit in the alert mask and
 * tries gib_gisa_set_iam().
 *
 * Return: 0; -EINVAL if @gi is NULL or @gisc is not registered; -ENODEV if
 * the guest has no GISA; -ERANGE if @gisc > 7. On error nothing changed.
 */
int gib_gisc_unregister(struct gib_guest *gi, unsigned int gisc);

/**
 * gib_gisc_alert_mask() - once-read of the guest's alert mask
 * @gi: the guest
 *
 * Return: the ISCs with at least one registration.
 */
static inline uint8_t gib_gisc_alert_mask(const struct gib_guest *gi)
{
	return GIB_PF_READ_ONCE(gi->alert.mask);
}

#ifdef __cplusplus
}
#endif

#endif /* LIBGIB_GISC_H */
