// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * xoshiro256** (Blackman and Vigna, public domain algorithm) seeded by
 * splitmix64, and the few distributions the workload needs. The exponential
 * uses -log1p(-u), so the deterministic engine's output depends on libm:
 * identical so far between gcc and clang, x86_64 and s390x, but not promised.
 */
#include "prng.h"

#include <math.h>

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

void sim_prng_seed(struct sim_prng *r, uint64_t seed, uint64_t stream)
{
	uint64_t x = seed ^ (stream * 0xd1b54a32d192ed03ull);
	int i;

	for (i = 0; i < 4; i++)
		r->s[i] = splitmix64(&x);
	if (!(r->s[0] | r->s[1] | r->s[2] | r->s[3]))
		r->s[0] = 1;	/* the one state xoshiro cannot leave */
}

static inline uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t sim_prng_next(struct sim_prng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

uint64_t sim_prng_below(struct sim_prng *r, uint64_t n)
{
	/* Lemire's multiply-shift; the tiny bias is irrelevant for a workload. */
	return (uint64_t)(((unsigned __int128)sim_prng_next(r) * n) >> 64);
}

uint64_t sim_prng_exp(struct sim_prng *r, uint64_t mean)
{
	double u, v;

	if (!mean)
		return 0;
	/* 53 random bits in [0, 1). */
	u = (double)(sim_prng_next(r) >> 11) * 0x1.0p-53;
	v = -log1p(-u) * (double)mean;
	if (v < 1.0)
		return 1;
	if (v > 1e15)
		return (uint64_t)1e15;
	return (uint64_t)v;
}

int sim_prng_percent(struct sim_prng *r, unsigned int pct)
{
	return sim_prng_below(r, 100) < pct;
}
