/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * A host on the user-space machine model for the bench programs: a GIB,
 * guests with a GISA and one registered guest ISC, on a simulated clock so
 * that kick timers only queue (nothing runs behind the measurement's back)
 * and with deferred GAL interruptions (a push that raises one only counts
 * it; the bench decides when the host processes).
 */
#ifndef LIBGIB_BENCH_HOST_H
#define LIBGIB_BENCH_HOST_H

#include <libgib/libgib.h>
#include <libgib-us/clock.h>
#include <libgib-us/machine.h>
#include <libgib-us/rcu.h>
#include <stdio.h>
#include <stdlib.h>

/* The guest ISC every bench guest registers and the machine raises. */
#define BENCH_GISC 3

struct bench_host {
	struct gib_us_machine m;
	struct gib_host host;
	struct gib_us_clock *clock;
};

/* Wake-ups the core asked for; the bench only counts them. */
static unsigned long bench_wakeups;

static inline void bench_wake_vcpu(struct gib_guest *gi, struct gib_vcpu *vcpu)
{
	(void)gi;
	(void)vcpu;
	__atomic_fetch_add(&bench_wakeups, 1, __ATOMIC_RELAXED);
}

static const struct gib_guest_ops bench_guest_ops = { .wake_vcpu = bench_wake_vcpu };

static inline void bench_die(const char *what, int rc)
{
	fprintf(stderr, "bench: %s failed: %d\n", what, rc);
	exit(1);
}

/* Set up @h: simulated default clock, deferred-GAL machine, GIB. */
static inline void bench_host_up(struct bench_host *h)
{
	struct gib_us_machine_config cfg = { .has_aiv = true, .gal_mode = GIB_US_GAL_DEFERRED };
	int rc;

	h->clock = gib_us_clock_create(GIB_US_CLOCK_SIM);
	if (!h->clock)
		bench_die("gib_us_clock_create", -1);
	gib_us_set_default_clock(h->clock);
	rc = gib_us_machine_init(&h->m, &cfg);
	if (rc)
		bench_die("gib_us_machine_init", rc);
	rc = gib_us_host_attach(&h->host, &h->m);
	if (rc)
		bench_die("gib_us_host_attach", rc);
	rc = gib_init(&h->host, GIB_GAL_ISC);
	if (rc)
		bench_die("gib_init", rc);
}

/* One guest on @h with a GISA and %BENCH_GISC registered (IAM armed for it). */
static inline void bench_guest_up(struct bench_host *h, struct gib_guest *gi)
{
	int rc = gib_guest_init(gi, &h->host, &bench_guest_ops, NULL);

	if (rc)
		bench_die("gib_guest_init", rc);
	rc = gib_gisa_init(gi);
	if (rc)
		bench_die("gib_gisa_init", rc);
	rc = gib_gisc_register(gi, BENCH_GISC);
	if (rc < 0)
		bench_die("gib_gisc_register", rc);
}

/* @n guests, set up; a struct gib_guest is some 2 KiB (its vcpu table). */
static inline struct gib_guest *bench_guests_up(struct bench_host *h, unsigned int n)
{
	struct gib_guest *g = calloc(n, sizeof(*g));
	unsigned int i;

	if (!g)
		bench_die("calloc guests", -1);
	for (i = 0; i < n; i++)
		bench_guest_up(h, &g[i]);
	return g;
}

/*
 * Put a pushed GISA back as the host's processing plus the kick timer would
 * leave it, without either: unlinked, IPM clear, IAM re-armed. Only while
 * nothing else touches it (between measured rounds).
 */
static inline void bench_gisa_rearm(struct gib_guest *gi)
{
	struct gib_gisa *gisa = gib_guest_gisa(gi);

	gib_pf_store32(&gisa->next_alert, gib_pf_cpu_to_be32(gib_gisa_maddr(gisa)));
	gib_gisa_clear_ipm(gisa);
	gib_gisa_set_iam(gisa, gib_gisc_alert_mask(gi));
}

/* Empty the alert list without processing it (between measured rounds). */
static inline void bench_gib_reset(struct bench_host *h)
{
	gib_pf_xchg32(&h->host.gib->alert_list_origin, gib_pf_cpu_to_be32(GIB_NULL_GISA_ADDR));
	gib_us_machine_take_gal(&h->m);
}

#endif /* LIBGIB_BENCH_HOST_H */
