// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Guest and GISA life cycles, the SIE designation, the kick scheduling and
 * zPCI adapter-event forwarding.
 */
#include <libgib/guest.h>
#include <libgib/gisc.h>
#include <libgib/kick.h>

int gib_guest_init(struct gib_guest *gi, struct gib_host *host,
		   const struct gib_guest_ops *ops, void *priv)
{
	if (!gi || !host || !ops || !ops->wake_vcpu)
		return -EINVAL;
	if (!GIB_PF_READ_ONCE(host->gib))
		return -ENODEV;
	*gi = (struct gib_guest){
		.host = host,
		.expires = GIB_KICK_EXPIRES_NS,
		.float_policy = GIB_FLOAT_IDLE_FIRST,
		.ops = ops,
		.priv = priv,
	};
	gib_pf_lock_init(&gi->lock);
	gib_pf_timer_init(&gi->timer, gib_gisa_kick_timer_fn);
	gib_pf_lock(&host->lock);
	host->nr_guests++;	/* gib_destroy() refuses while any guest is set up */
	gib_pf_unlock(&host->lock);
	return 0;
}

int gib_guest_destroy(struct gib_guest *gi)
{
	int rc;

	if (!gi)
		return -EINVAL;
	if (gib_guest_gisa(gi)) {
		/* -EBUSY: GISCs still registered; the guest stays as it was. */
		rc = gib_gisa_destroy(gi);
		if (rc < 0 && rc != -ENODEV)
			return rc;
	}
	gib_pf_timer_cancel(&gi->timer);
	gib_pf_timer_destroy(&gi->timer);
	gib_pf_lock_destroy(&gi->lock);
	gib_pf_lock(&gi->host->lock);
	gi->host->nr_guests--;
	gib_pf_unlock(&gi->host->lock);
	return 0;
}

int gib_guest_set_float_policy(struct gib_guest *gi, enum gib_float_policy policy)
{
	if (!gi || (policy != GIB_FLOAT_IDLE_FIRST && policy != GIB_FLOAT_LAST_SLEEPER))
		return -EINVAL;
	GIB_PF_WRITE_ONCE(gi->float_policy, policy);
	return 0;
}

int gib_guest_set_expires(struct gib_guest *gi, uint64_t ns)
{
	if (!gi)
		return -EINVAL;
	if (ns < 1 || ns > 1000000000ull)
		return -ERANGE;
	GIB_PF_WRITE_ONCE(gi->expires, ns);
	return 0;
}

static uint32_t designation_of(const struct gib_guest *gi, const struct gib_gisa *gisa)
{
	if (!gisa)
		return 0;	/* no origin: the word is 0, never a translated NULL */
	return gib_gisa_maddr(gisa) | (uint32_t)gi->host->gisa_format;
}

/* Under gi->lock: give every vcpu the designation of @gisa (or none). */
static void designate_vcpus(struct gib_guest *gi, const struct gib_gisa *gisa)
{
	uint32_t gd = designation_of(gi, gisa);
	unsigned int i;

	for (i = 0; i < gi->online_vcpus; i++) {
		/* Once-stores: SIE entry and the machine read them unlocked. */
		GIB_PF_WRITE_ONCE(gi->vcpus[i]->gd, gd);
		GIB_PF_WRITE_ONCE(gi->vcpus[i]->eca_aiv, gd != 0);
	}
}

/* Count a GISA on its host; gib_destroy() refuses while any is counted. */
static void host_count_gisa(struct gib_host *host, int delta)
{
	gib_pf_lock(&host->lock);
	host->nr_gisas += delta;
	gib_pf_unlock(&host->lock);
}

/*
 * Under gi->lock: set up and publish @gisa as the guest's GISA; @page is its
 * libgib page, NULL for the caller's memory. A page was allocated before the
 * lock was taken (allocation may sleep), and the host count was raised
 * before too: the two locks never nest.
 */
static int gisa_publish_locked(struct gib_guest *gi, struct gib_gisa *gisa,
			       struct gib_gisa_page *page)
{
	unsigned int isc;
	int rc;

	gib_pf_lock_assert_held(&gi->lock);
	if (gi->origin)
		return -EALREADY;	/* lost a race with another init */
	/* Plain stores: the GISA is not published to anyone yet. */
	rc = gib_gisa_reset(gisa);
	if (rc)
		return rc;
	if (page)
		page->gi = gi;
	else
		GIB_PF_WRITE_ONCE(gi->caller_gisa, gisa);
	gi->alert.mask = 0;
	for (isc = 0; isc < GIB_NR_ISCS; isc++)
		gi->alert.ref_count[isc] = 0;
	gi->expires = GIB_KICK_EXPIRES_NS;
	/*
	 * Full barrier, then publish: whoever finds the GISA through the
	 * origin (the machine, the kick and wait paths) sees it set up.
	 */
	gib_pf_smp_mb();
	GIB_PF_WRITE_ONCE(gi->origin, gisa);
	designate_vcpus(gi, gisa);
	return 0;
}

/*
 * Give @gi a GISA: the caller's memory @mem, or (NULL) a page of libgib's.
 * Allocates before taking gi->lock; with the caller's memory it neither
 * allocates nor sleeps but for the locks.
 */
static int gisa_create(struct gib_guest *gi, struct gib_gisa *mem)
{
	struct gib_gisa_page *page = NULL;
	int rc;

	if (GIB_PF_READ_ONCE(gi->origin))
		return -EALREADY;
	if (!mem) {
		page = gib_pf_alloc31(sizeof(*page));
		if (!page)
			return -ENOMEM;
	}
	host_count_gisa(gi->host, 1);
	gib_pf_lock(&gi->lock);
	rc = gisa_publish_locked(gi, page ? &page->gisa : mem, page);
	gib_pf_unlock(&gi->lock);
	if (rc) {
		host_count_gisa(gi->host, -1);
		if (page)
			gib_pf_free31(page);
	}
	return rc;
}

int gib_gisa_init(struct gib_guest *gi)
{
	struct gib_gisa *mem;

	if (!gi)
		return -EINVAL;
	/* On a host of caller-owned GISAs, the memory the caller gave last. */
	mem = GIB_PF_READ_ONCE(gi->caller_gisa);
	if (gi->host->gisa_owner && !mem)
		return -EOPNOTSUPP;
	return gisa_create(gi, mem);
}

int gib_gisa_init_at(struct gib_guest *gi, struct gib_gisa *gisa)
{
	int rc;

	if (!gi || !gisa)
		return -EINVAL;
	if (!gi->host->gisa_owner)
		return -EOPNOTSUPP;
	rc = gib_gisa_check_addr(gisa);
	if (rc)
		return rc;
	if (GIB_PF_READ_ONCE(gi->origin))
		return -EALREADY;
	/* Kept as gi->caller_gisa for gib_gisa_enable() (KVM's PV path). */
	return gisa_create(gi, gisa);
}

int gib_gisa_enable(struct gib_guest *gi)
{
	/* Creating the GISA designates it to every vcpu: the same step. */
	return gib_gisa_init(gi);
}

int gib_gisa_clear(struct gib_guest *gi)
{
	struct gib_gisa *gisa;

	if (!gi)
		return -EINVAL;
	gisa = gib_guest_gisa(gi);
	if (!gisa)
		return -ENODEV;
	gib_gisa_clear_ipm(gisa);
	return 0;
}

/*
 * Under gi->lock: set IAM 0 on @gisa while it is out of the alert list,
 * then stop the kick timer. set_iam(0) succeeds only while the GISA is out
 * of the list; then the machine can no longer link it (IAM 0). While it is
 * linked, process the list ourselves: with one guest nobody else would. A
 * pass can miss it only while another CPU holds it in its own cut (it
 * unlinks it a few steps later) or, in a software machine, between the
 * machine's claim and link; both end without our help.
 */
static void gisa_quiesce(struct gib_guest *gi, struct gib_gisa *gisa)
{
	while (gib_gisa_set_iam(gisa, 0) == -EBUSY) {
		/*
		 * Cut only when a GISA heads the list: cutting an empty list
		 * flips the origin NONE/NULL under a push that sits between
		 * claim and link, whose link CAS could then fail for ever
		 * (a livelock the SPIN model found).
		 */
		if (gib_alert_list_origin(gi->host) & GIB_GISA_ADDR_MASK)
			gib_process_alert_list(gi->host);
		else
			/*
			 * In flight elsewhere: in another CPU's cut, which
			 * runs with interrupts off (gib_pf_irq_save()), or in
			 * a software machine's claim window (preemption off):
			 * both end without this CPU (SPIN run
			 * live-destroy-returns-cutter-irq-off).
			 */
			gib_pf_cpu_relax();
	}
	gib_pf_timer_cancel(&gi->timer);
}

/*
 * Under gi->lock: whether GISCs are still registered. Their devices (AP
 * queues with AQIC enabled, zPCI FIBs) still designate the GISA, and the
 * machine writes it without any reader protection a grace period would
 * fence: such a GISA must not be freed.
 */
static bool gisa_has_registrations_locked(const struct gib_guest *gi)
{
	unsigned int isc;

	for (isc = 0; isc < GIB_NR_ISCS; isc++)
		if (gi->alert.ref_count[isc])
			return true;
	return false;
}

/*
 * Under gi->lock, with no GISC registered (so the alert mask is 0 already):
 * take the guest's GISA out of use. Returns in *@page the memory to free
 * once the lock is dropped (NULL for the caller's memory).
 */
static void gisa_destroy_locked(struct gib_guest *gi, struct gib_gisa_page **page)
{
	struct gib_gisa *gisa = gi->origin;

	gib_pf_lock_assert_held(&gi->lock);
	/*
	 * Stop the kick timer first: a run that read the old alert mask must
	 * not re-arm the IAM after set_iam(0). Later runs, started by our own
	 * processing, read mask 0.
	 */
	gib_pf_timer_cancel(&gi->timer);
	gisa_quiesce(gi, gisa);
	/*
	 * Unpublish, wait for every reader that found the GISA before, then
	 * quiesce once more: a wait path that read the old mask may have
	 * re-armed the IAM after our set_iam(0) wrote the 0 that was there,
	 * and a push may have linked the GISA since (found by the SPIN model,
	 * verify/, run waitpath-destroy). No reader can find it now.
	 */
	GIB_PF_WRITE_ONCE(gi->origin, NULL);
	gib_pf_synchronize();
	gisa_quiesce(gi, gisa);
	/* The caller's memory stays the caller's: nothing to free. */
	*page = gisa == gi->caller_gisa ? NULL :
		GIB_CONTAINER_OF(gisa, struct gib_gisa_page, gisa);
}

/* After gi->lock is dropped: free the page, uncount it on the host. */
static void gisa_release(struct gib_guest *gi, struct gib_gisa_page *page)
{
	/* Freed once no reader that found it through the origin remains. */
	if (page)
		gib_pf_free31(page);
	host_count_gisa(gi->host, -1);
}

int gib_gisa_destroy(struct gib_guest *gi)
{
	struct gib_gisa_page *page;
	int rc;

	if (!gi)
		return -EINVAL;
	gib_pf_lock(&gi->lock);
	if (!gi->origin)
		rc = -ENODEV;
	else if (gisa_has_registrations_locked(gi))
		rc = -EBUSY;	/* nothing changed */
	else
		rc = 0;
	if (!rc)
		gisa_destroy_locked(gi, &page);
	gib_pf_unlock(&gi->lock);
	if (!rc)
		gisa_release(gi, page);
	return rc;
}

int gib_gisa_disable(struct gib_guest *gi)
{
	struct gib_gisa_page *page;
	int rc;

	if (!gi)
		return -EINVAL;
	gib_pf_lock(&gi->lock);
	if (!gi->origin)
		rc = -ENODEV;
	else if (gisa_has_registrations_locked(gi))
		rc = -EBUSY;	/* nothing changed, designations kept */
	else
		rc = 0;
	if (!rc) {
		designate_vcpus(gi, NULL);
		gisa_destroy_locked(gi, &page);
	}
	gib_pf_unlock(&gi->lock);
	if (!rc)
		gisa_release(gi, page);
	return rc;
}

uint32_t gib_gisa_designation(const struct gib_guest *gi)
{
	if (!gi)
		return 0;
	return designation_of(gi, gib_guest_gisa(gi));
}

uint32_t gib_gisa_device_designation(const struct gib_guest *gi)
{
	struct gib_gisa *gisa;

	if (!gi)
		return 0;
	gisa = gib_guest_gisa(gi);
	return gisa ? gib_gisa_maddr(gisa) : 0;
}

int gib_gisa_kick(struct gib_guest *gi)
{
	if (!gi)
		return -EINVAL;
	/* Expire at once, whether or not it was queued (hrtimer cancel+start). */
	gib_pf_timer_cancel(&gi->timer);
	gib_pf_timer_start(&gi->timer, 0);
	return 0;
}

int gib_gisa_forward_adapter_event(struct gib_guest *gi, unsigned int gisc)
{
	struct gib_gisa *gisa;
	uint8_t m;

	if (!gi)
		return -EINVAL;
	gisa = gib_guest_gisa(gi);
	if (!gisa)
		return -ENODEV;
	if (gisc > GIB_MAX_ISC)
		return -ERANGE;
	if (gi->host->gisa_format != GIB_GISA_FORMAT1)
		return -EOPNOTSUPP;
	m = gib_isc_mask(gisc);
	/* The host only reads SIMM and NIMM; the machine owns them. */
	if ((gib_pf_load8(&gisa->simm) & m) && (gib_pf_load8(&gisa->nimm) & m))
		return 0;
	gib_gisa_set_ipm_gisc(gisa, gisc);
	gib_gisa_kick(gi);
	return 1;
}
