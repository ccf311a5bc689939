// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * GIB life cycle: create the block, route its GAL interruptions, tell the
 * machine; and the reverse. Each step is unwound when a later one fails.
 */
#include <libgib/gib.h>

int gib_init(struct gib_host *host, unsigned int nisc)
{
	struct gib_block *gib;
	uint64_t maddr;
	int rc;

	if (!host || (unsigned int)host->cut_policy >= GIB_NR_CUT_POLICIES)
		return -EINVAL;
	if (nisc > GIB_MAX_ISC)
		return -ERANGE;
	if (host->gib)
		return -EALREADY;
	/* A forgotten attach must not pass for "no AIV" (run without a GIB). */
	rc = gib_pf_host_ready(host);
	if (rc)
		return rc;
	/* Without AIV there is no GIB: guests run without GISA alerts. */
	if (!gib_pf_has_aiv(host))
		return -ENODEV;

	gib = gib_pf_alloc31(sizeof(*gib));
	if (!gib)
		return -ENOMEM;
	maddr = gib_pf_virt_to_maddr(gib);
	if (maddr == GIB_PF_NO_MADDR || maddr > 0x7fffffffull) {
		rc = -ERANGE;
		goto out_free;
	}
	rc = gib_pf_gal_register(host, (uint8_t)nisc);
	if (rc)
		goto out_free;
	gib->nisc_byte = (uint8_t)(nisc & GIB_NISC_MASK);
	/* The origin is NULL (zeroed): the first alert raises a GAL. */
	rc = gib_pf_set_gib(host, (uint32_t)maddr);
	if (rc)
		goto out_unregister;

	gib_pf_lock_init(&host->lock);
	host->gib_maddr = (uint32_t)maddr;
	host->nisc = (uint8_t)nisc;
	host->gisa_format = gib_pf_has_gisaf(host) ? GIB_GISA_FORMAT1 : GIB_GISA_FORMAT0;
	host->nr_gisas = 0;
	host->nr_guests = 0;
	/* Published last; a GAL cannot come before "set GIB" took the origin. */
	GIB_PF_WRITE_ONCE(host->gib, gib);
	return 0;

out_unregister:
	gib_pf_gal_unregister(host);
out_free:
	gib_pf_free31(gib);
	return rc;
}

int gib_destroy(struct gib_host *host)
{
	struct gib_block *gib;

	if (!host)
		return -EINVAL;
	gib = host->gib;
	if (!gib)
		return -ENODEV;
	gib_pf_lock(&host->lock);
	/* A guest without a GISA may still create one on this GIB. */
	if (host->nr_guests || host->nr_gisas) {
		gib_pf_unlock(&host->lock);
		return -EBUSY;
	}
	gib_pf_unlock(&host->lock);

	gib_pf_set_gib(host, 0);
	gib_pf_gal_unregister(host);
	GIB_PF_WRITE_ONCE(host->gib, NULL);
	host->gib_maddr = 0;
	gib_pf_lock_destroy(&host->lock);
	gib_pf_free31(gib);
	return 0;
}
