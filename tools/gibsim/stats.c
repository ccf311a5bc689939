// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * A log-linear histogram: values below SIM_HIST_SUB exactly, above that 64
 * buckets per power of two, so a quantile is off by at most 1/64 (1.6 %).
 * Fixed memory whatever the run length, and lock-free to fill.
 */
#include "stats.h"

static unsigned int bucket_of(uint64_t v)
{
	unsigned int msb, shift;

	if (v < SIM_HIST_SUB)
		return (unsigned int)v;
	msb = 63u - (unsigned int)__builtin_clzll(v);	/* >= 6 */
	shift = msb - 6;
	/* Row msb - 5 (row 0 is the exact range), column: the 6 bits below the msb. */
	return (msb - 5) * SIM_HIST_SUB + (unsigned int)((v >> shift) & (SIM_HIST_SUB - 1));
}

static uint64_t bucket_top(unsigned int b)
{
	unsigned int row = b / SIM_HIST_SUB, col = b % SIM_HIST_SUB, shift;

	if (!row)
		return col;
	shift = row - 1;
	/* Values (64 + col) << shift .. ((65 + col) << shift) - 1. */
	return (((uint64_t)(SIM_HIST_SUB + col + 1)) << shift) - 1;
}

void sim_hist_add(struct sim_hist *h, uint64_t ns)
{
	unsigned int b = bucket_of(ns);

	if (b >= SIM_HIST_BUCKETS)
		b = SIM_HIST_BUCKETS - 1;
	__atomic_fetch_add(&h->b[b], 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&h->n, 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&h->sum, ns, __ATOMIC_RELAXED);
	{
		uint64_t old = __atomic_load_n(&h->max, __ATOMIC_RELAXED);

		while (ns > old && !__atomic_compare_exchange_n(&h->max, &old, ns, false,
								__ATOMIC_RELAXED,
								__ATOMIC_RELAXED))
			;
	}
}

uint64_t sim_hist_quantile(const struct sim_hist *h, double q)
{
	uint64_t rank, seen = 0, top;
	unsigned int b;

	if (!h->n)
		return 0;
	/* The smallest value with at least ceil(q * n) values at or below it. */
	rank = (uint64_t)(q * (double)h->n);
	if ((double)rank < q * (double)h->n)
		rank++;
	if (!rank)
		rank = 1;
	for (b = 0; b < SIM_HIST_BUCKETS; b++) {
		seen += h->b[b];
		if (seen >= rank) {
			top = bucket_top(b);
			return top < h->max ? top : h->max;
		}
	}
	return h->max;
}
