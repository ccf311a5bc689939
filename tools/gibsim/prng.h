/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * gibsim's own pseudo-random numbers: xoshiro256** seeded through
 * splitmix64. Not rand(): the deterministic engine must give the same
 * sequence for the same seed on every libc, and the concurrent engine wants
 * one independent generator per thread.
 */
#ifndef GIBSIM_PRNG_H
#define GIBSIM_PRNG_H

#include <stdint.h>

/**
 * struct sim_prng - one xoshiro256** generator
 * @s: its state; never all zero
 */
struct sim_prng {
	uint64_t s[4];
};

/**
 * sim_prng_seed() - seed a generator
 * @r: the generator
 * @seed: any value
 * @stream: a second value that separates generators with one seed
 */
void sim_prng_seed(struct sim_prng *r, uint64_t seed, uint64_t stream);

/**
 * sim_prng_next() - the next 64 random bits
 * @r: the generator
 *
 * Return: the bits.
 */
uint64_t sim_prng_next(struct sim_prng *r);

/**
 * sim_prng_below() - a uniform integer below a bound
 * @r: the generator
 * @n: the bound, at least 1
 *
 * Return: 0 .. @n - 1.
 */
uint64_t sim_prng_below(struct sim_prng *r, uint64_t n);

/**
 * sim_prng_exp() - an exponentially distributed duration
 * @r: the generator
 * @mean: its mean in ns; 0 gives 0
 *
 * The gaps of a Poisson process of rate 1 / @mean.
 *
 * Return: nanoseconds, at least 1 when @mean is not 0.
 */
uint64_t sim_prng_exp(struct sim_prng *r, uint64_t mean);

/**
 * sim_prng_percent() - a biased coin
 * @r: the generator
 * @pct: chance of true, in percent (0..100)
 *
 * Return: true with probability @pct / 100.
 */
int sim_prng_percent(struct sim_prng *r, unsigned int pct);

#endif /* GIBSIM_PRNG_H */
