// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Guest ISC registration: per-ISC reference counts drive the alert mask,
 * and the alert mask drives the IAM.
 */
#include <libgib/gisc.h>

int gib_gisc_register(struct gib_guest *gi, unsigned int gisc)
{
	int rc;

	if (!gi)
		return -EINVAL;
	gib_pf_lock(&gi->lock);
	if (!gi->origin) {
		rc = -ENODEV;
	} else if (gisc > GIB_MAX_ISC) {
		rc = -ERANGE;
	} else if (gi->alert.ref_count[gisc] == (unsigned int)-1) {
		rc = -EOVERFLOW;
	} else {
		if (gi->alert.ref_count[gisc]++ == 0) {
			/*
			 * Store the mask before set_iam's fully ordered CAS:
			 * a kick or wait path that sees the new IAM re-reads
			 * this mask (gib_gisa_get_ipm_or_restore_iam()).
			 */
			GIB_PF_WRITE_ONCE(gi->alert.mask, gi->alert.mask | gib_isc_mask(gisc));
			/* -EBUSY: linked; the kick path re-arms from the mask. */
			gib_gisa_set_iam(gi->origin, gi->alert.mask);
		}
		rc = gi->host->nisc;
	}
	gib_pf_unlock(&gi->lock);
	return rc;
}

int gib_gisc_unregister(struct gib_guest *gi, unsigned int gisc)
{
	int rc = 0;

	if (!gi)
		return -EINVAL;
	gib_pf_lock(&gi->lock);
	if (!gi->origin) {
		rc = -ENODEV;
	} else if (gisc > GIB_MAX_ISC) {
		rc = -ERANGE;
	} else if (gi->alert.ref_count[gisc] == 0) {
		rc = -EINVAL;
	} else if (--gi->alert.ref_count[gisc] == 0) {
		/* Same ordering as in gib_gisc_register(). */
		GIB_PF_WRITE_ONCE(gi->alert.mask,
				  gi->alert.mask & (uint8_t)~gib_isc_mask(gisc));
		gib_gisa_set_iam(gi->origin, gi->alert.mask);
	}
	gib_pf_unlock(&gi->lock);
	return rc;
}
