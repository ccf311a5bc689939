// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * The machine model as the host's platform: facilities, the GAL
 * interruption handler, CHSC "set GIB", fault injection and counters. The
 * push algorithm itself is in machine_ai.c.
 */
#include "machine_internal.h"

int gib_us_machine_init(struct gib_us_machine *m, const struct gib_us_machine_config *cfg)
{
	int rc;

	if (!m || !cfg)
		return -EINVAL;
	if (cfg->gal_mode != GIB_US_GAL_DIRECT && cfg->gal_mode != GIB_US_GAL_DEFERRED)
		return -EINVAL;
	*m = (struct gib_us_machine){ .cfg = *cfg };
	rc = pthread_mutex_init(&m->gal_lock, NULL);
	if (rc)
		return -rc;
	rc = pthread_cond_init(&m->gal_idle, NULL);
	if (rc) {
		pthread_mutex_destroy(&m->gal_lock);
		return -rc;
	}
	return 0;
}

int gib_us_machine_fini(struct gib_us_machine *m)
{
	bool busy;

	if (!m)
		return -EINVAL;
	pthread_mutex_lock(&m->gal_lock);
	busy = m->gal_registered || __atomic_load_n(&m->gib_maddr, __ATOMIC_ACQUIRE);
	pthread_mutex_unlock(&m->gal_lock);
	if (busy)
		return -EBUSY;
	/* The host may be gone already: leave its pf alone. */
	m->host = NULL;
	pthread_cond_destroy(&m->gal_idle);
	pthread_mutex_destroy(&m->gal_lock);
	return 0;
}

int gib_us_host_attach(struct gib_host *host, struct gib_us_machine *m)
{
	if (!host || !m)
		return -EINVAL;
	if (m->host || host->gib)
		return -EBUSY;
	m->host = host;
	host->pf.machine = m;
	return 0;
}

int gib_us_machine_fail_next(struct gib_us_machine *m, enum gib_us_fault fault, unsigned int n)
{
	if (!m || (unsigned int)fault >= GIB_US_NR_FAULTS)
		return -EINVAL;
	__atomic_store_n(&m->faults[fault], n, __ATOMIC_RELAXED);
	return 0;
}

int gib_us_machine_set_claim_hook(struct gib_us_machine *m, gib_us_claim_hook fn, void *priv)
{
	if (!m)
		return -EINVAL;
	m->claim_hook_priv = priv;
	/* Release: a pusher that sees the hook sees its argument. */
	__atomic_store_n(&m->claim_hook, fn, __ATOMIC_RELEASE);
	return 0;
}

int gib_us_machine_set_gal_notify(struct gib_us_machine *m, gib_us_gal_notify fn, void *priv)
{
	if (!m)
		return -EINVAL;
	/* Under the lock the callback runs under: never half set. */
	pthread_mutex_lock(&m->gal_lock);
	m->gal_notify = fn;
	m->gal_notify_priv = priv;
	pthread_mutex_unlock(&m->gal_lock);
	return 0;
}

/* Consume one injected failure of @fault; true if the operation must fail. */
static bool fault_hit(struct gib_us_machine *m, enum gib_us_fault fault)
{
	unsigned int n = __atomic_load_n(&m->faults[fault], __ATOMIC_RELAXED);

	while (n) {
		/* Relaxed CAS: a test hook, ordered by whatever made the test call us. */
		if (__atomic_compare_exchange_n(&m->faults[fault], &n, n - 1, false,
						__ATOMIC_RELAXED, __ATOMIC_RELAXED))
			return true;
	}
	return false;
}

int gib_pf_host_ready(struct gib_host *host)
{
	return host->pf.machine ? 0 : -EINVAL;
}

bool gib_pf_has_aiv(struct gib_host *host)
{
	return host->pf.machine && host->pf.machine->cfg.has_aiv;
}

bool gib_pf_has_gisaf(struct gib_host *host)
{
	return host->pf.machine && host->pf.machine->cfg.has_gisaf;
}

int gib_pf_gal_register(struct gib_host *host, uint8_t nisc)
{
	struct gib_us_machine *m = host->pf.machine;
	int rc = 0;

	if (!m || fault_hit(m, GIB_US_FAULT_GAL_REGISTER))
		return -EIO;
	pthread_mutex_lock(&m->gal_lock);
	if (m->gal_registered) {
		rc = -EBUSY;
	} else {
		m->gal_registered = true;
		m->nisc = nisc;
	}
	pthread_mutex_unlock(&m->gal_lock);
	return rc;
}

void gib_pf_gal_unregister(struct gib_host *host)
{
	struct gib_us_machine *m = host->pf.machine;

	if (!m)
		return;
	pthread_mutex_lock(&m->gal_lock);
	m->gal_registered = false;
	/* GALs counted for a deferred handler die with it. */
	__atomic_store_n(&m->gal_pending, 0, __ATOMIC_SEQ_CST);
	/* Handlers that pushers entered before are waited out. */
	while (m->gal_active)
		pthread_cond_wait(&m->gal_idle, &m->gal_lock);
	pthread_mutex_unlock(&m->gal_lock);
}

int gib_pf_set_gib(struct gib_host *host, uint32_t gib_maddr)
{
	struct gib_us_machine *m = host->pf.machine;

	if (!m || fault_hit(m, GIB_US_FAULT_SET_GIB))
		return -EIO;
	/*
	 * Release: the GIB (zeroed origin, NISC) is set up before a pusher that
	 * acquires the address can alert through it. Dissociation needs no
	 * more: a pusher that still uses the old GIB is inside a reader
	 * section, which gib_pf_free31() of the GIB waits for.
	 */
	__atomic_store_n(&m->gib_maddr, gib_maddr, __ATOMIC_RELEASE);
	return 0;
}

void gib_us_machine_raise_gal(struct gib_us_machine *m)
{
	struct gib_host *host;

	GIB_US_COUNT(m, gals_raised);
	pthread_mutex_lock(&m->gal_lock);
	if (!m->gal_registered) {
		pthread_mutex_unlock(&m->gal_lock);
		GIB_US_COUNT(m, gals_dropped);
		return;
	}
	if (m->cfg.gal_mode == GIB_US_GAL_DEFERRED) {
		/*
		 * Seq_cst, not that it matters: the host learns what to do from
		 * the origin's xchg, which is ordered after our link CAS.
		 */
		__atomic_fetch_add(&m->gal_pending, 1, __ATOMIC_SEQ_CST);
		/* Under the lock: gib_pf_gal_unregister() waits for it. */
		if (m->gal_notify)
			m->gal_notify(m, m->gal_notify_priv);
		pthread_mutex_unlock(&m->gal_lock);
		return;
	}
	/* Entered under the lock, so gib_pf_gal_unregister() waits for us. */
	m->gal_active++;
	host = m->host;
	pthread_mutex_unlock(&m->gal_lock);

	gib_gal_interrupt(host);

	pthread_mutex_lock(&m->gal_lock);
	if (--m->gal_active == 0)
		pthread_cond_broadcast(&m->gal_idle);
	pthread_mutex_unlock(&m->gal_lock);
}

int gib_us_machine_take_gal(struct gib_us_machine *m)
{
	unsigned int n;

	if (!m)
		return -EINVAL;
	n = __atomic_exchange_n(&m->gal_pending, 0, __ATOMIC_SEQ_CST);
	return n > (unsigned int)INT32_MAX ? INT32_MAX : (int)n;
}

uint32_t gib_us_machine_gib(const struct gib_us_machine *m)
{
	return m ? __atomic_load_n(&m->gib_maddr, __ATOMIC_ACQUIRE) : 0;
}

bool gib_us_machine_gal_registered(struct gib_us_machine *m, uint8_t *nisc)
{
	bool reg;

	if (!m)
		return false;
	pthread_mutex_lock(&m->gal_lock);
	reg = m->gal_registered;
	if (reg && nisc)
		*nisc = m->nisc;
	pthread_mutex_unlock(&m->gal_lock);
	return reg;
}

int gib_us_machine_stats(const struct gib_us_machine *m, struct gib_us_machine_stats *out)
{
	if (!m || !out)
		return -EINVAL;
#define GIB_US_SNAP(f) (out->f = __atomic_load_n(&m->stats.f, __ATOMIC_RELAXED))
	GIB_US_SNAP(ais_raised);
	GIB_US_SNAP(coalesced);
	GIB_US_SNAP(delivered_in_sie);
	GIB_US_SNAP(taken_by_other);
	GIB_US_SNAP(linked);
	GIB_US_SNAP(gals_raised);
	GIB_US_SNAP(gals_dropped);
	GIB_US_SNAP(pending);
#undef GIB_US_SNAP
	return 0;
}
