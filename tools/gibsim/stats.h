/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * Counters and the latency histogram. Every counter is bumped with a relaxed
 * atomic add: threads of the concurrent engine share them, and they are read
 * only after every thread has been joined.
 */
#ifndef GIBSIM_STATS_H
#define GIBSIM_STATS_H

#include <stdbool.h>
#include <stdint.h>

/** SIM_HIST_SUB - sub-buckets per power of two (resolution 1/64) */
#define SIM_HIST_SUB 64u
/** SIM_HIST_BUCKETS - buckets of the latency histogram */
#define SIM_HIST_BUCKETS (64u * SIM_HIST_SUB)

/**
 * struct sim_hist - a log-linear histogram of nanosecond values
 * @b: counts per bucket
 * @n: values added
 * @max: the largest value
 * @sum: the sum of all values (for the mean)
 */
struct sim_hist {
	uint64_t b[SIM_HIST_BUCKETS];
	uint64_t n;
	uint64_t max;
	uint64_t sum;
};

/**
 * struct sim_stats - what a run counts
 *
 * Events are device events (one AI raised each). Interruptions are AIs
 * presented to a vcpu; one interruption can carry many events.
 */
struct sim_stats {
	uint64_t raised, raised_machine, raised_injected, throttled;
	uint64_t consumed_sie, consumed_host;
	uint64_t irq_sie, irq_host, handler_empty;
	uint64_t outcome[5];		/* enum gib_us_ai_outcome */
	uint64_t coalesced;
	uint64_t raise_nodev;		/* the guest had no GISA at the time */
	uint64_t gal_raised, gal_interrupts, gal_handled;
	uint64_t cuts, cuts_nonempty, unlinked, max_per_cut;
	uint64_t cut_cas;		/* CAS attempts of the v2 cut (retries: cut_cas - cuts) */
	uint64_t kick_timer_runs, kick_timer_rearm, iam_restored;
	uint64_t kicks, kicks_already;
	uint64_t wake_calls, wakeups, spurious_wakeups, own_wakeups;
	uint64_t sie_entries, waits, wait_refused, disabled_waits;
	uint64_t injected_woken, injected_no_vcpu;
	uint64_t gisa_destroys, gisa_disables, resignals, validity_intercepts;
	uint64_t sim_ns;		/* length of the run until the drain ended */
	uint64_t drain_ns;
	int stalled;			/* 1: no progress; 2: watchdog (never returns) */
	struct sim_hist lat;
};

/**
 * sim_inc() - add to a counter
 * @c: the counter
 * @v: the amount
 */
static inline void sim_inc(uint64_t *c, uint64_t v)
{
	__atomic_fetch_add(c, v, __ATOMIC_RELAXED);
}

/**
 * sim_max() - raise a maximum
 * @c: the maximum
 * @v: a value
 */
static inline void sim_max(uint64_t *c, uint64_t v)
{
	uint64_t old = __atomic_load_n(c, __ATOMIC_RELAXED);

	while (v > old &&
	       !__atomic_compare_exchange_n(c, &old, v, false, __ATOMIC_RELAXED, __ATOMIC_RELAXED))
		;
}

/**
 * sim_hist_add() - count one value
 * @h: the histogram
 * @ns: the value
 */
void sim_hist_add(struct sim_hist *h, uint64_t ns);

/**
 * sim_hist_quantile() - the value below which a fraction of values lie
 * @h: the histogram
 * @q: the fraction, 0..1
 *
 * Return: the upper edge of the bucket that holds it (at most @h->max), 0
 * for an empty histogram.
 */
uint64_t sim_hist_quantile(const struct sim_hist *h, double q);

#endif /* GIBSIM_STATS_H */
