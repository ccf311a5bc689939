// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Figure 1: the hot GISA word operations, uncontended, against a bare
 * __atomic_compare_exchange_n loop on one 64-bit word.
 *
 * Every operation measured here ends in one locked compare-and-swap, as the
 * baseline does; what the ratio shows is what the library adds around it
 * (byte-order conversion, the machine-address check of set_iam, the alert
 * mask's once-read). Each loop makes every call take its CAS path:
 * get_ipm_or_restore_iam and set_iam alternate between two alert masks, so
 * that the "armed already" shortcut never hides the CAS. Loops are unrolled
 * by two (the baseline too), so that choosing the argument costs nothing:
 * instructions per op are the operation's and the loop's, nothing else.
 */
#include <libgib/libgib.h>
#include "bench.h"

/* The baseline word, alone on its line as a GISA is in its 256-byte slot. */
static uint64_t base_word __attribute__((aligned(256)));
/* The alert mask get_ipm_or_restore_iam() reads; flipped by its loop. */
static uint8_t alert_mask;

/* One load, then CAS until it lands: what every op below reduces to. */
BENCH_NOINLINE static void loop_base(void *ctx, uint64_t n)
{
	uint64_t i;

	(void)ctx;
	for (i = 0; i < n; i += 2) {
		uint64_t old = __atomic_load_n(&base_word, __ATOMIC_RELAXED);

		while (!__atomic_compare_exchange_n(&base_word, &old, old ^ 0x80, false,
						    __ATOMIC_SEQ_CST, __ATOMIC_RELAXED))
			;
		old = __atomic_load_n(&base_word, __ATOMIC_RELAXED);
		while (!__atomic_compare_exchange_n(&base_word, &old, old ^ 0x40, false,
						    __ATOMIC_SEQ_CST, __ATOMIC_RELAXED))
			;
	}
}

BENCH_NOINLINE static void loop_set_ipm(void *ctx, uint64_t n)
{
	struct gib_gisa *gisa = ctx;
	uint64_t i;

	/* Two ISCs known at compile time, as at a call site that names its ISC. */
	for (i = 0; i < n; i += 2) {
		gib_gisa_set_ipm_gisc(gisa, 3);
		gib_gisa_set_ipm_gisc(gisa, 6);
	}
}

/* IPM clear, the mask alternates: every call re-arms the IAM by CAS. */
BENCH_NOINLINE static void loop_restore(void *ctx, uint64_t n)
{
	struct gib_gisa *gisa = ctx;
	uint64_t i;

	gib_gisa_clear_ipm(gisa);
	for (i = 0; i < n; i += 2) {
		alert_mask = 0x80;
		gib_gisa_get_ipm_or_restore_iam(gisa, &alert_mask);
		alert_mask = 0x40;
		gib_gisa_get_ipm_or_restore_iam(gisa, &alert_mask);
	}
}

BENCH_NOINLINE static void loop_set_iam(void *ctx, uint64_t n)
{
	struct gib_gisa *gisa = ctx;
	uint64_t i;

	for (i = 0; i < n; i += 2) {
		gib_gisa_set_iam(gisa, 0x80);
		gib_gisa_set_iam(gisa, 0x40);
	}
}

BENCH_NOINLINE static void loop_clear_ipm(void *ctx, uint64_t n)
{
	struct gib_gisa *gisa = ctx;
	uint64_t i;

	for (i = 0; i < n; i += 2) {
		gib_gisa_clear_ipm(gisa);
		gib_gisa_clear_ipm(gisa);
	}
}

struct op {
	const char *name;
	bench_loop_fn loop;
};

static const struct op ops[] = {
	{ "set_ipm_gisc", loop_set_ipm },
	{ "get_ipm_or_restore_iam", loop_restore },
	{ "set_iam", loop_set_iam },
	{ "clear_ipm", loop_clear_ipm },
};

#define NR_OPS (sizeof(ops) / sizeof(ops[0]))

int main(int argc, char **argv)
{
	struct bench_opts o = { .reps = 15, .iters = 1000000 };
	struct gib_gisa *gisa;
	unsigned int i, r;
	char name[128], lib[128];

	bench_parse(&o, argc, argv);
	if (o.tiny) {
		o.reps = 3;
		o.iters = 1000;
	}
	o.iters += o.iters & 1;	/* the loops are unrolled by two */
	/* A real GISA: arena memory, so set_iam's own-address check is the real one. */
	gisa = gib_pf_alloc31(sizeof(*gisa));
	if (!gisa || gib_gisa_reset(gisa)) {
		fprintf(stderr, "gisa_ops: no GISA\n");
		return 1;
	}

	bench_begin("gisa_ops", 1);
	if (o.callgrind) {
		/* Instruction counts are deterministic: one pass of each. */
		BENCH_CG_BEGIN();
		loop_base(NULL, o.iters);
		BENCH_CG_END("fig1/base");
		for (i = 0; i < NR_OPS; i++) {
			snprintf(lib, sizeof(lib), "fig1/%s", ops[i].name);
			BENCH_CG_BEGIN();
			ops[i].loop(gisa, o.iters);
			BENCH_CG_END(lib);
		}
		bench_rows_done();
		for (i = 0; i < NR_OPS; i++) {
			snprintf(name, sizeof(name), "fig1 %s", ops[i].name);
			snprintf(lib, sizeof(lib), "fig1/%s", ops[i].name);
			bench_region(name, lib, "fig1/base", o.iters, false, "<=", 1.10);
		}
		bench_end();
		return 0;
	}

	/* Warm up caches, branch predictors and the CPU clock. */
	loop_base(NULL, o.iters);
	for (i = 0; i < NR_OPS; i++)
		ops[i].loop(gisa, o.iters);

	for (i = 0; i < NR_OPS; i++) {
		double v[BENCH_MAX_REPS], b[BENCH_MAX_REPS], q[BENCH_MAX_REPS];

		for (r = 0; r < o.reps; r++) {
			/* Alternate the order so neither side always runs second. */
			if (r & 1) {
				v[r] = bench_time(ops[i].loop, gisa, o.iters);
				b[r] = bench_time(loop_base, NULL, o.iters);
			} else {
				b[r] = bench_time(loop_base, NULL, o.iters);
				v[r] = bench_time(ops[i].loop, gisa, o.iters);
			}
			q[r] = v[r] / b[r];
		}
		snprintf(name, sizeof(name), "fig1 %s", ops[i].name);
		bench_row(name, "ns/op", bench_median(v, o.reps), bench_median(b, o.reps),
			  "CAS loop on one u64", bench_median(q, o.reps), "<=", 1.10, o.reps, NULL);
	}
	bench_rows_done();
	bench_end();
	return 0;
}
