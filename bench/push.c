// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Figure 2: pushing GISAs onto the alert list, 1 and 2 threads, against
 * liburcu's lock-free stack push (cds_lfs_push) on the same machine.
 *
 * Two libgib paths are measured, and named for what they are:
 *
 * - "raise_ai": gib_us_machine_raise_ai(), the machine model's whole AI: a
 *   reader section, IPM OR (a CAS), the look for a vcpu in SIE, the claim
 *   (a CAS on the GISA word: IAM := 0, link := origin), the link (a CAS on
 *   the origin) and two statistics counters. More than a push.
 * - "claim+link": the push alone: the machines' own gib_machine_claim()
 *   and gib_machine_link() (<libgib/machine_push.h>, which both software
 *   machines use): the stack push plus the GISA-word work the issue asks about.
 *
 * Each thread pushes its own K GISAs (or K stack nodes spaced 256 bytes
 * apart, as GISA slots are) per round onto one shared list; between rounds
 * thread 0 empties the list and re-arms the GISAs, untimed. A round's time is
 * from the first thread's start to the last one's end; throughput is pushes
 * over the sum of round times.
 */
#include <pthread.h>
#include <sched.h>
#include <urcu/arch.h>
#include <urcu/lfstack.h>
#include "bench.h"
#include "bench_host.h"
#include <libgib/machine_push.h>

#define MAX_THREADS 2

enum variant { V_CDS, V_RAISE, V_CLAIM_LINK, NR_VARIANTS };

static const char *const variant_name[NR_VARIANTS] = { "cds_lfs_push", "raise_ai", "claim+link" };

/* A stack node in a slot of a GISA's size and alignment. */
struct slot_node {
	struct cds_lfs_node node;
} __attribute__((aligned(256)));

static struct bench_host h;
static struct cds_lfs_stack stack;
static struct gib_guest *guests[MAX_THREADS];
static struct slot_node *nodes[MAX_THREADS];
static unsigned int k;		/* pushes per thread per round */
static unsigned int rounds;	/* rounds per measurement */
static unsigned int nthreads;
static enum variant variant;
static uint64_t t_start[MAX_THREADS], t_end[MAX_THREADS];

/* ---- A sense-reversing spin barrier: no futex wake-up skew ------------ */

static unsigned int bar_count, bar_gen;

static void spin_barrier(void)
{
	unsigned int gen = __atomic_load_n(&bar_gen, __ATOMIC_ACQUIRE), spins;

	if (__atomic_add_fetch(&bar_count, 1, __ATOMIC_ACQ_REL) == nthreads) {
		__atomic_store_n(&bar_count, 0, __ATOMIC_RELAXED);
		/* Release: the reset thread 0 did is seen by all that pass. */
		__atomic_store_n(&bar_gen, gen + 1, __ATOMIC_RELEASE);
		return;
	}
	for (spins = 0; __atomic_load_n(&bar_gen, __ATOMIC_ACQUIRE) == gen; spins++) {
		caa_cpu_relax();
		/* The other thread may be waiting for this core: let it run. */
		if (spins % 1024 == 1023)
			sched_yield();
	}
}

/* ---- The pushes ------------------------------------------------------ */

BENCH_NOINLINE static void push_claim_link(struct gib_gisa *gisa, struct gib_block *gib)
{
	uint32_t origin;

	/* The machine model's own claim and link (<libgib/machine_push.h>). */
	if (gib_machine_claim(gisa, gib, gib_isc_mask(BENCH_GISC), &origin) == GIB_MACHINE_CLAIMED)
		gib_machine_link(gisa, gib, origin);
}

static void push_all(unsigned int t)
{
	struct gib_block *gib = h.host.gib;
	unsigned int i;

	switch (variant) {
	case V_CDS:
		for (i = 0; i < k; i++)
			cds_lfs_push(&stack, &nodes[t][i].node);
		break;
	case V_RAISE:
		for (i = 0; i < k; i++)
			gib_us_machine_raise_ai(&h.m, &guests[t][i], BENCH_GISC, NULL);
		break;
	case V_CLAIM_LINK:
		for (i = 0; i < k; i++)
			push_claim_link(gib_guest_gisa(&guests[t][i]), gib);
		break;
	default:
		break;
	}
}

/*
 * Between rounds, untimed: thread 0 empties the list; every thread re-arms
 * its own GISAs, so that they stay in its cache as the stack nodes it pushed
 * stay in its cache.
 */
static void reset_round(unsigned int t)
{
	unsigned int i;

	if (variant == V_CDS) {
		if (t == 0)
			__cds_lfs_pop_all(&stack);
		return;
	}
	if (t == 0)
		bench_gib_reset(&h);
	for (i = 0; i < k; i++) {
		bench_gisa_rearm(&guests[t][i]);
		/*
		 * claim+link starts where raise_ai's step 1 left the GISA: its
		 * IPM bit set (the claim refuses a GISA whose bit was taken).
		 */
		if (variant != V_RAISE)
			gib_gisa_set_ipm_gisc(gib_guest_gisa(&guests[t][i]), BENCH_GISC);
	}
}

#define MAX_ROUNDS 1000
/* A 2-thread round counts only if both pushed together for most of it. */
#define MIN_OVERLAP 0.7
/* Rounds tried per round wanted before giving up on overlap. */
#define MAX_TRIES 20

static double round_ns[MAX_ROUNDS];
static unsigned int valid_rounds, tried_rounds;
static bool stop_rounds;

/*
 * Every thread, until thread 0 has @rounds valid rounds. Thread 0 records a
 * round's time from the first start to the last end. On 2 busy cores the
 * scheduler often runs the two threads one after the other; such a round
 * measures the scheduler, not contention, so with 2 threads only rounds in
 * which the threads overlapped for %MIN_OVERLAP of the round count.
 */
static void run_rounds(unsigned int t)
{
	unsigned int i;

	if (t == 0) {
		valid_rounds = tried_rounds = 0;
		stop_rounds = false;
	}
	for (;;) {
		reset_round(t);
		spin_barrier();
		if (stop_rounds)
			break;
		t_start[t] = bench_now_ns();
		push_all(t);
		t_end[t] = bench_now_ns();
		spin_barrier();
		if (t == 0) {
			uint64_t s = t_start[0], e = t_end[0], ls = t_start[0], fe = t_end[0];

			for (i = 1; i < nthreads; i++) {
				s = t_start[i] < s ? t_start[i] : s;
				e = t_end[i] > e ? t_end[i] : e;
				ls = t_start[i] > ls ? t_start[i] : ls;
				fe = t_end[i] < fe ? t_end[i] : fe;
			}
			tried_rounds++;
			if (nthreads == 1 || (double)((int64_t)fe - (int64_t)ls) >=
						     MIN_OVERLAP * (double)(e - s))
				round_ns[valid_rounds++] = (double)(e - s);
			stop_rounds = valid_rounds >= rounds || tried_rounds >= rounds * MAX_TRIES;
		}
	}
}

static void *worker(void *arg)
{
	gib_us_thread_online();
	run_rounds((unsigned int)(uintptr_t)arg);
	gib_us_thread_offline();
	return NULL;
}

/* One measurement: Mpush/s of @v with @n threads, from the median round. */
static double measure(enum variant v, unsigned int n)
{
	pthread_t th[MAX_THREADS];
	unsigned int t;

	variant = v;
	nthreads = n;
	for (t = 1; t < n; t++)
		pthread_create(&th[t], NULL, worker, (void *)(uintptr_t)t);
	run_rounds(0);
	for (t = 1; t < n; t++)
		pthread_join(th[t], NULL);
	for (t = 0; t < n; t++)
		reset_round(t);
	if (!valid_rounds)
		return 0.0 / 0.0;	/* never overlapped: not measured */
	return (double)n * k / (bench_median(round_ns, valid_rounds) / 1e3);
}

/* One row per libgib variant: @n threads, @kk GISAs per thread. */
static void measure_rows(const struct bench_opts *o, unsigned int n, unsigned int kk,
			 unsigned int nrounds, const char *size)
{
	double val[NR_VARIANTS][BENCH_MAX_REPS], q[NR_VARIANTS][BENCH_MAX_REPS];
	unsigned int valid[NR_VARIANTS] = { 0 }, tried[NR_VARIANTS] = { 0 };
	char name[128], note[256];
	unsigned int r, v;

	k = kk;
	rounds = nrounds;
	for (v = 0; v < NR_VARIANTS; v++)
		measure((enum variant)v, n);	/* warm up */
	for (r = 0; r < o->reps; r++) {
		/* Rotate the order so no variant always runs first. */
		for (v = 0; v < NR_VARIANTS; v++) {
			unsigned int x = (v + r) % NR_VARIANTS;

			val[x][r] = measure((enum variant)x, n);
			valid[x] += valid_rounds;
			tried[x] += tried_rounds;
		}
		for (v = V_RAISE; v < NR_VARIANTS; v++)
			q[v][r] = val[v][r] / val[V_CDS][r];
	}
	for (v = V_RAISE; v < NR_VARIANTS; v++) {
		snprintf(name, sizeof(name), "fig2 %s %u thread%s, %s %u/thread", variant_name[v],
			 n, n > 1 ? "s" : "", size, kk);
		double lo = 1e300, hi = 0;

		for (r = 0; r < o->reps; r++) {
			if (q[v][r] != q[v][r])
				continue;
			lo = q[v][r] < lo ? q[v][r] : lo;
			hi = q[v][r] > hi ? q[v][r] : hi;
		}
		snprintf(note, sizeof(note),
			 "%s; rep ratios %.3g..%.3g; rounds kept: %u of %u (baseline %u of %u)",
			 v == V_RAISE ? "whole machine AI: reader section, IPM OR, SIE look, "
					"claim, link, 2 counters"
				      : "claim CAS on the GISA word + link CAS on the origin",
			 lo, hi, valid[v], tried[v], valid[V_CDS], tried[V_CDS]);
		bench_row(name, "Mpush/s", bench_median(val[v], o->reps),
			  bench_median(val[V_CDS], o->reps), "cds_lfs_push",
			  bench_median(q[v], o->reps), ">=", 0.9, o->reps, note);
	}
}

int main(int argc, char **argv)
{
	struct bench_opts o = { .reps = 7, .iters = 8192 };
	unsigned int t, n, v, hot = 256, hot_rounds = 200, cold_rounds = 15;
	char name[128], lib[64], base[64];

	bench_parse(&o, argc, argv);
	if (o.tiny) {
		o.reps = 2;
		o.iters = 128;
		hot = 16;
		hot_rounds = cold_rounds = 3;
	}
	if (o.iters > 1u << 20)
		o.iters = 1u << 20;
	if (o.iters < hot)
		o.iters = hot;
	gib_us_thread_online();
	bench_host_up(&h);
	cds_lfs_init(&stack);
	for (t = 0; t < MAX_THREADS; t++) {
		guests[t] = bench_guests_up(&h, (unsigned int)o.iters);
		nodes[t] = aligned_alloc(256, (size_t)o.iters * sizeof(struct slot_node));
		if (!nodes[t])
			bench_die("aligned_alloc", -1);
	}

	bench_begin("push", 2);
	if (o.callgrind) {
		/* One thread, one round of each, hot: instructions per push. */
		k = hot;
		nthreads = 1;
		for (v = 0; v < NR_VARIANTS; v++) {
			variant = (enum variant)v;
			reset_round(0);
			push_all(0);	/* warm: resolve PLT entries, fault pages in */
			reset_round(0);
			snprintf(lib, sizeof(lib), "fig2/%s", variant_name[v]);
			BENCH_CG_BEGIN();
			push_all(0);
			BENCH_CG_END(lib);
			reset_round(0);
		}
		bench_rows_done();
		for (v = V_RAISE; v < NR_VARIANTS; v++) {
			snprintf(name, sizeof(name), "fig2 %s 1 thread", variant_name[v]);
			snprintf(lib, sizeof(lib), "fig2/%s", variant_name[v]);
			snprintf(base, sizeof(base), "fig2/%s", variant_name[V_CDS]);
			bench_region(name, lib, base, k, false, NULL, 0);
		}
		bench_end();
		return 0;
	}

	for (n = 1; n <= MAX_THREADS; n++) {
		measure_rows(&o, n, hot, hot_rounds, "hot");
		measure_rows(&o, n, (unsigned int)o.iters, cold_rounds, "cold");
	}
	bench_rows_done();
	bench_end();
	return 0;
}
