/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * What every bench program shares: a monotonic clock, medians, option
 * parsing, callgrind regions and the JSON it prints.
 *
 * Each program measures a libgib operation and its baseline in the same
 * run, alternating them rep by rep, and reports the medians and the median
 * of the per-rep ratios: a rep's two measurements are seconds apart, so
 * their ratio cancels most of the load that a noisy 2-core machine adds.
 *
 * Output (stdout) is one JSON object:
 *   {"bench": NAME, "figure": N, "rows": [ROW...], "callgrind": [REGION...]}
 * ROW: name, unit, value, baseline, baseline_name, ratio, goal (text),
 * goal_op ("<=", ">=" or null), goal_target, met (true, false or null when
 * the row has no goal), reps, note.
 * REGION (--callgrind only): name, lib, base, iters, speedup, goal_op,
 * goal_target: bench/report.py reads the instruction counts of the dumps
 * named lib and base and turns them into an "instr/op" row whose ratio is
 * lib/base, or base/lib when speedup is true.
 */
#ifndef LIBGIB_BENCH_H
#define LIBGIB_BENCH_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#else
/* Without valgrind's header the regions are empty; --callgrind counts nothing. */
#define CALLGRIND_ZERO_STATS ((void)0)
#define CALLGRIND_DUMP_STATS_AT(name) ((void)(name))
#endif

#define BENCH_NOINLINE __attribute__((noinline))
#define BENCH_MAX_REPS 64

/* Options every program takes; each program reads its own on top. */
struct bench_opts {
	unsigned int reps;	/* --reps: measurements per row (median) */
	uint64_t iters;		/* --iters: operations per measurement */
	bool callgrind;		/* --callgrind: one pass per row, dumped per region */
	bool tiny;		/* --tiny: smoke-test sizes */
};

static inline uint64_t bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int bench_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Median of the @n values that are numbers (NaN: not measured); NaN if none. */
static inline double bench_median(const double *v, unsigned int n)
{
	unsigned int i, j = 0;
	double *s, m;

	s = malloc((n ? n : 1) * sizeof(*v));
	if (!s)
		abort();
	for (i = 0; i < n; i++)
		if (v[i] == v[i])
			s[j++] = v[i];
	n = j;
	if (!n) {
		free(s);
		return 0.0 / 0.0;
	}
	qsort(s, n, sizeof(*s), bench_cmp_double);
	m = n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
	free(s);
	return m;
}

/** BENCH_BATCH_NS - aim of one timed batch: well inside a scheduler tick */
#define BENCH_BATCH_NS 20000u
/** BENCH_MAX_BATCHES - batches per measurement at most */
#define BENCH_MAX_BATCHES 4096u

/* A loop under measurement: @n operations on @ctx. */
typedef void (*bench_loop_fn)(void *ctx, uint64_t n);

/*
 * ns per operation of @fn over about @total operations: the median of
 * batches of some 20 us each. On a loaded 2-core machine the wall clock of
 * a long loop includes whatever else ran on the core; a short batch is
 * rarely preempted, and the median drops the ones that were. The batch size
 * is a power of two (even, for loops unrolled by two).
 */
static inline double bench_time(bench_loop_fn fn, void *ctx, uint64_t total)
{
	uint64_t batch = 16, t0, t1, nb, b;
	double *v, m;

	for (;;) {
		t0 = bench_now_ns();
		fn(ctx, batch);
		t1 = bench_now_ns();
		if (t1 - t0 >= BENCH_BATCH_NS || batch >= total)
			break;
		batch *= 2;
	}
	nb = total / batch;
	if (nb < 3)
		nb = 3;
	if (nb > BENCH_MAX_BATCHES)
		nb = BENCH_MAX_BATCHES;
	v = malloc(nb * sizeof(*v));
	if (!v)
		abort();
	for (b = 0; b < nb; b++) {
		t0 = bench_now_ns();
		fn(ctx, batch);
		t1 = bench_now_ns();
		v[b] = (double)(t1 - t0) / (double)batch;
	}
	m = bench_median(v, (unsigned int)nb);
	free(v);
	return m;
}

/*
 * Parse the options every program takes (--reps N, --iters N, --callgrind,
 * --tiny); anything else is an error. Defaults come in @o.
 */
static inline void bench_parse(struct bench_opts *o, int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--reps") && i + 1 < argc)
			o->reps = (unsigned int)strtoul(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--iters") && i + 1 < argc)
			o->iters = strtoull(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--callgrind"))
			o->callgrind = true;
		else if (!strcmp(argv[i], "--tiny"))
			o->tiny = true;
		else {
			fprintf(stderr, "usage: %s [--reps N] [--iters N] [--callgrind] [--tiny]\n",
				argv[0]);
			exit(2);
		}
	}
	if (o->reps < 1)
		o->reps = 1;
	if (o->reps > BENCH_MAX_REPS)
		o->reps = BENCH_MAX_REPS;
	if (o->iters < 1)
		o->iters = 1;
}

/* ---- JSON output: rows are printed as they are measured --------------- */

static bool bench_first_row = true;
static bool bench_first_region = true;

static inline void bench_begin(const char *name, int figure)
{
	printf("{\"bench\": \"%s\", \"figure\": %d, \"rows\": [", name, figure);
	bench_first_row = true;
}

/* A number, or null for "not measured" (NaN). */
static inline void bench_num(const char *key, double v)
{
	if (v != v)
		printf("\"%s\": null", key);
	else
		printf("\"%s\": %.6g", key, v);
}

/*
 * One result row. @goal_op is "<=", ">=" or NULL (no goal: met is null).
 * The goal is judged on @ratio.
 */
static inline void bench_row(const char *name, const char *unit, double value, double baseline,
			     const char *baseline_name, double ratio, const char *goal_op,
			     double goal_target, unsigned int reps, const char *note)
{
	printf("%s\n  {\"name\": \"%s\", \"unit\": \"%s\", ", bench_first_row ? "" : ",", name,
	       unit);
	bench_num("value", value);
	printf(", ");
	bench_num("baseline", baseline);
	printf(", \"baseline_name\": \"%s\", ", baseline_name ? baseline_name : "");
	bench_num("ratio", ratio);
	if (goal_op) {
		bool met = !strcmp(goal_op, "<=") ? ratio <= goal_target : ratio >= goal_target;

		printf(", \"goal\": \"%s %g\", \"goal_op\": \"%s\", \"goal_target\": %g, "
		       "\"met\": %s", goal_op, goal_target, goal_op, goal_target,
		       ratio == ratio && met ? "true" : "false");
	} else {
		printf(", \"goal\": null, \"goal_op\": null, \"goal_target\": null, \"met\": null");
	}
	printf(", \"reps\": %u, \"note\": \"%s\"}", reps, note ? note : "");
	bench_first_row = false;
	fflush(stdout);
}

/* Close the rows; open the callgrind regions. */
static inline void bench_rows_done(void)
{
	printf("\n], \"callgrind\": [");
	bench_first_region = true;
}

/*
 * A callgrind row: instructions of dump @lib over dump @base (or @base over
 * @lib if @speedup), each @iters operations. Printed only in --callgrind mode.
 */
static inline void bench_region(const char *name, const char *lib, const char *base,
				uint64_t iters, bool speedup, const char *goal_op,
				double goal_target)
{
	printf("%s\n  {\"name\": \"%s\", \"lib\": \"%s\", \"base\": \"%s\", \"iters\": %llu, "
	       "\"speedup\": %s, ", bench_first_region ? "" : ",", name, lib, base,
	       (unsigned long long)iters, speedup ? "true" : "false");
	if (goal_op)
		printf("\"goal_op\": \"%s\", \"goal_target\": %g}", goal_op, goal_target);
	else
		printf("\"goal_op\": null, \"goal_target\": null}");
	bench_first_region = false;
	fflush(stdout);
}

static inline void bench_end(void)
{
	printf("\n]}\n");
}

/*
 * Callgrind regions: the counts since the last zero are dumped under @name
 * (callgrind.out.PID.N, "desc: Trigger: Client Request: NAME"). Outside
 * valgrind both are a few no-op instructions.
 */
#define BENCH_CG_BEGIN() CALLGRIND_ZERO_STATS
#define BENCH_CG_END(name) CALLGRIND_DUMP_STATS_AT(name)

#endif /* LIBGIB_BENCH_H */
