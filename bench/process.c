// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Figure 3: gib_process_alert_list() with n GISAs linked, against liburcu's
 * cds_lfs_pop_all_blocking() plus a plain walk of n nodes, and whether the
 * cost per GISA stays flat (within 2x) from n = 1 to n = 65536.
 *
 * The n GISAs are linked by the machine model (gib_us_machine_raise_ai(),
 * untimed). Processing unlinks each and starts its guest's kick timer at
 * once (cancel + start); the clock is simulated, so the timers only queue
 * and nothing runs during the measurement. Between measurements the bench
 * clears each IPM and runs the due timers, which re-arm the IAMs (untimed).
 *
 * A row per n up to 4096 times the v2 series' cut (GIB_CUT_V2: one CAS loop
 * to NULL, one walk) on a second host set up with that policy, against the
 * two-phase cut of the same run.
 *
 * Two more rows per n say where the time goes: the kick alone (n times
 * gib_gisa_kick() on n idle guests: what the timer queue costs at that
 * depth), and the core's own share (process minus kick).
 *
 * For small n one process call takes less than a microsecond, so each
 * measurement repeats link/process until some 65536 GISAs went through,
 * timing only the process calls, and takes the median call; the cost of
 * reading the clock (some 20 ns) is measured and taken off both sides.
 */
#include <urcu/lfstack.h>
#include "bench.h"
#include "bench_host.h"

#define MAX_N 65536u
/* The v2-cut host's guests: a struct gib_guest is some 2 KiB. */
#define V2_MAX_N 4096u

static const unsigned int ns_default[] = { 1, 16, 256, 4096, 65536 };
static const unsigned int ns_tiny[] = { 1, 16 };

/*
 * The kick part, measured alone, is taken in the same order as process takes
 * the guests (the list is last-in first-out), so both fill the timer queue
 * alike.
 */

struct slot_node {
	struct cds_lfs_node node;
} __attribute__((aligned(256)));

static struct bench_host h, h2;	/* h2: GIB_CUT_V2 */
static struct gib_guest *guests, *guests2;
static struct slot_node *nodes;
static struct cds_lfs_stack stack;
static double clock_cost_ns;

/* What one clock read costs, to take off every timed interval. */
static void calibrate_clock(void)
{
	double v[15];
	unsigned int r, i;

	for (r = 0; r < 15; r++) {
		uint64_t t0 = bench_now_ns(), t1 = t0;

		for (i = 0; i < 1000; i++)
			t1 = bench_now_ns();
		v[r] = (double)(t1 - t0) / 1000;
	}
	clock_cost_ns = bench_median(v, 15);
}

static void link_on(struct bench_host *bh, struct gib_guest *gs, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		gib_us_machine_raise_ai(&bh->m, &gs[i], BENCH_GISC, NULL);
	gib_us_machine_take_gal(&bh->m);
}

static void link_n(unsigned int n)
{
	link_on(&h, guests, n);
}

/* After processing: drop the AIs, let the queued kick timers re-arm the IAMs. */
static void settle_on(struct bench_host *bh, struct gib_guest *gs, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		gib_gisa_clear(&gs[i]);
	gib_us_clock_run_until(bh->clock, gib_us_clock_now(bh->clock));
}

static void settle_n(unsigned int n)
{
	settle_on(&h, guests, n);
}

/* Timed: the whole cut of n linked GISAs, by @bh's policy. */
BENCH_NOINLINE static void process_on(struct bench_host *bh, unsigned int n)
{
	int got = gib_process_alert_list(&bh->host);

	if (got != (int)n)
		bench_die("gib_process_alert_list count", got);
}

/* Timed: the whole two-phase cut of n linked GISAs. */
static void process(unsigned int n)
{
	process_on(&h, n);
}

/* Timed: the baseline, pop them all and walk them. */
BENCH_NOINLINE static void pop_walk(unsigned int n)
{
	struct cds_lfs_head *head = cds_lfs_pop_all_blocking(&stack);
	struct cds_lfs_node *node;
	unsigned long nr = 0;

	for (node = head ? &head->node : NULL; node; node = node->next)
		nr++;
	/* Checking the count also keeps the walk from being optimised away. */
	if (nr != n)
		bench_die("pop-all walk count", (int)nr);
}

static void push_n(unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		cds_lfs_push(&stack, &nodes[i].node);
}

/* Timed: n kicks alone, on guests whose timers are idle. */
BENCH_NOINLINE static void kick_n(unsigned int n)
{
	unsigned int i;

	for (i = n; i-- > 0;)
		gib_gisa_kick(&guests[i]);
}

static void cancel_n(unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		gib_pf_timer_cancel(&guests[i].timer);
}

enum what { W_PROCESS, W_BASE, W_KICK, W_V2, NR_WHAT };

static double batch_ns[MAX_N];

/*
 * One measurement of @w at @n: ns per GISA, from the median of batches of n
 * that make up about MAX_N GISAs. The median, not the sum: on a busy machine
 * one preempted batch would add milliseconds to a sum of nanoseconds.
 */
static double measure(enum what w, unsigned int n)
{
	unsigned int b, batches = MAX_N / n ? MAX_N / n : 1;

	for (b = 0; b < batches; b++) {
		uint64_t t0, t1;

		switch (w) {
		case W_PROCESS:
			link_n(n);
			t0 = bench_now_ns();
			process(n);
			t1 = bench_now_ns();
			settle_n(n);
			break;
		case W_V2:
			if (n > V2_MAX_N)
				return 0;
			link_on(&h2, guests2, n);
			t0 = bench_now_ns();
			process_on(&h2, n);
			t1 = bench_now_ns();
			settle_on(&h2, guests2, n);
			break;
		case W_BASE:
			push_n(n);
			t0 = bench_now_ns();
			pop_walk(n);
			t1 = bench_now_ns();
			break;
		default:
			t0 = bench_now_ns();
			kick_n(n);
			t1 = bench_now_ns();
			cancel_n(n);
			break;
		}
		batch_ns[b] = (double)(t1 - t0) - clock_cost_ns;
	}
	return bench_median(batch_ns, batches) / n;
}

int main(int argc, char **argv)
{
	struct bench_opts o = { .reps = 5, .iters = MAX_N };
	const unsigned int *ns = ns_default;
	unsigned int nr_ns = sizeof(ns_default) / sizeof(ns_default[0]);
	double val[NR_WHAT][8], q[8], kshare[8], mn = 1e300, mx = 0;
	unsigned int nreps[8];
	unsigned int i, r, w, maxn = 0, cg_max_n = 4096;
	char name[128], lib[64], base[64];

	bench_parse(&o, argc, argv);
	if (o.tiny) {
		ns = ns_tiny;
		nr_ns = sizeof(ns_tiny) / sizeof(ns_tiny[0]);
		o.reps = 2;
	}
	/* --iters N: only the sizes up to N. */
	while (nr_ns > 1 && ns[nr_ns - 1] > o.iters)
		nr_ns--;
	for (i = 0; i < nr_ns; i++)
		maxn = ns[i] > maxn ? ns[i] : maxn;
	gib_us_thread_online();
	/* Each host's guests bind their kick timers to its clock (the default). */
	h2.host.cut_policy = GIB_CUT_V2;
	bench_host_up(&h2);
	guests2 = bench_guests_up(&h2, maxn < V2_MAX_N ? maxn : V2_MAX_N);
	bench_host_up(&h);
	guests = bench_guests_up(&h, maxn);
	nodes = aligned_alloc(256, (size_t)maxn * sizeof(*nodes));
	if (!nodes)
		bench_die("aligned_alloc", -1);
	cds_lfs_init(&stack);
	calibrate_clock();

	bench_begin("process", 3);
	if (o.callgrind) {
		/*
		 * One pass per n up to 4096 (the timer queue makes larger n slow
		 * under valgrind): instructions per GISA, and the kick's part.
		 */
		for (i = 0; i < nr_ns && ns[i] <= cg_max_n; i++) {
			unsigned int n = ns[i];

			/* Warm: resolve PLT entries, fault pages in, size the queue. */
			link_n(n);
			process(n);
			settle_n(n);
			push_n(n);
			pop_walk(n);
			kick_n(n);
			cancel_n(n);
			link_n(n);
			snprintf(lib, sizeof(lib), "fig3/process/%u", n);
			BENCH_CG_BEGIN();
			process(n);
			BENCH_CG_END(lib);
			settle_n(n);
			push_n(n);
			snprintf(base, sizeof(base), "fig3/pop_walk/%u", n);
			BENCH_CG_BEGIN();
			pop_walk(n);
			BENCH_CG_END(base);
			snprintf(lib, sizeof(lib), "fig3/kick/%u", n);
			BENCH_CG_BEGIN();
			kick_n(n);
			BENCH_CG_END(lib);
			cancel_n(n);
			link_on(&h2, guests2, n);
			process_on(&h2, n);
			settle_on(&h2, guests2, n);
			link_on(&h2, guests2, n);
			snprintf(lib, sizeof(lib), "fig3/process_v2/%u", n);
			BENCH_CG_BEGIN();
			process_on(&h2, n);
			BENCH_CG_END(lib);
			settle_on(&h2, guests2, n);
		}
		bench_rows_done();
		for (i = 0; i < nr_ns && ns[i] <= cg_max_n; i++) {
			snprintf(name, sizeof(name), "fig3 process n=%u", ns[i]);
			snprintf(lib, sizeof(lib), "fig3/process/%u", ns[i]);
			snprintf(base, sizeof(base), "fig3/pop_walk/%u", ns[i]);
			bench_region(name, lib, base, ns[i], false, NULL, 0);
			snprintf(name, sizeof(name), "fig3 kick part n=%u", ns[i]);
			snprintf(lib, sizeof(lib), "fig3/kick/%u", ns[i]);
			bench_region(name, lib, base, ns[i], false, NULL, 0);
			snprintf(name, sizeof(name), "fig3 process v2 cut n=%u", ns[i]);
			snprintf(lib, sizeof(lib), "fig3/process_v2/%u", ns[i]);
			snprintf(base, sizeof(base), "fig3/process/%u", ns[i]);
			bench_region(name, lib, base, ns[i], false, NULL, 0);
		}
		bench_end();
		return 0;
	}

	for (i = 0; i < nr_ns; i++) {
		unsigned int n = ns[i], reps = o.reps;
		double v[NR_WHAT][BENCH_MAX_REPS], qr[BENCH_MAX_REPS];

		/* A quadratic timer queue makes n = 65536 take seconds per call. */
		if (n >= 65536 && reps > 3)
			reps = 3;
		for (w = 0; w < NR_WHAT; w++)
			measure((enum what)w, n < 4096 ? n : 4096);	/* warm up */
		for (r = 0; r < reps; r++) {
			for (w = 0; w < NR_WHAT; w++) {
				unsigned int x = (w + r) % NR_WHAT;

				v[x][r] = measure((enum what)x, n);
			}
			qr[r] = v[W_PROCESS][r] / v[W_BASE][r];
		}
		for (w = 0; w < NR_WHAT; w++)
			val[w][i] = bench_median(v[w], reps);
		q[i] = bench_median(qr, reps);
		nreps[i] = reps;
		kshare[i] = val[W_KICK][i] / val[W_PROCESS][i];
		mn = val[W_PROCESS][i] < mn ? val[W_PROCESS][i] : mn;
		mx = val[W_PROCESS][i] > mx ? val[W_PROCESS][i] : mx;
	}
	for (i = 0; i < nr_ns; i++) {
		char note[160];

		snprintf(name, sizeof(name), "fig3 process n=%u", ns[i]);
		snprintf(note, sizeof(note),
			 "kick (timer cancel+start) alone %.1f ns/GISA = %.0f%%", val[W_KICK][i],
			 100 * kshare[i]);
		bench_row(name, "ns/GISA", val[W_PROCESS][i], val[W_BASE][i],
			  "cds_lfs_pop_all_blocking + walk", q[i], NULL, 0, nreps[i], note);
	}
	for (i = 0; i < nr_ns && ns[i] <= V2_MAX_N; i++) {
		snprintf(name, sizeof(name), "fig3 process v2 cut n=%u", ns[i]);
		bench_row(name, "ns/GISA", val[W_V2][i], val[W_PROCESS][i], "two-phase process",
			  val[W_V2][i] / val[W_PROCESS][i], NULL, 0, nreps[i],
			  "GIB_CUT_V2: one CAS loop to NULL, one walk");
	}
	for (i = 0; i < nr_ns; i++) {
		snprintf(name, sizeof(name), "fig3 kick part n=%u", ns[i]);
		bench_row(name, "ns/GISA", val[W_KICK][i], val[W_PROCESS][i], "process (whole)",
			  kshare[i], NULL, 0, nreps[i], "gib_gisa_kick() alone, SIM clock");
	}
	bench_row("fig3 linearity max/min ns/GISA", "x", mx, mn, "cheapest n", mx / mn, "<=", 2.0,
		  o.reps, "cost per GISA flat within 2x across n");
	bench_rows_done();
	bench_end();
	return 0;
}
