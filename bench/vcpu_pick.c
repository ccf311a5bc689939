// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Figure 4: choosing a vcpu, gib_kick_one_vcpu() and
 * gib_find_vcpu_for_floating_irq() (idle-first policy), for 1, 8, 64 and 248
 * vcpus, against a plain linear scan over an array of vcpus that applies the
 * same selection rule.
 *
 * Two idle patterns, one vcpu state for both functions:
 *
 * - sparse: only the last vcpu is idle (and takes the ISC). The idle bitmap
 *   skips the busy ones a word (64 vcpus) at a time; the scan looks at each.
 * - dense: every vcpu is idle and only the last one enables the ISC, so the
 *   kick must look at every idle vcpu's CR6 in both implementations (the
 *   bitmap cannot help); the find picks vcpu 0 at once in both.
 *
 * The baseline's vcpus are contiguous small structs (idle flag, I/O enable,
 * stopped, CR6), read with once-loads as the library reads its own: the
 * fastest form a scan can take. Both kicks end the same way: a fully ordered
 * test-and-set of the kicked bit and a wake-up; the bench then clears the bit
 * with a plain store (untimed work would need a second clock read per call),
 * so every call takes the "woken" path.
 */
#include "bench.h"
#include "bench_host.h"

#define NR_SIZES 4
#define KICK_ISC BENCH_GISC
#define OTHER_ISC 6

static const unsigned int sizes[NR_SIZES] = { 1, 8, 64, 248 };

enum density { SPARSE, DENSE, NR_DENSITIES };

static const char *const density_name[NR_DENSITIES] = { "sparse", "dense" };

/* The baseline's vcpu: what the scan needs, in one array. */
struct scan_vcpu {
	int idle;
	int io_enabled;
	int stopped;
	uint64_t cr6;
};

/*
 * One guest of the library and its baseline twin. Each lives in its own
 * page-aligned allocation with its own wake-up count, so that every setup
 * has the same addresses modulo 4 KiB: a store and a later load 4 KiB apart
 * (4K aliasing) would otherwise slow some setups and not others.
 */
struct setup {
	struct gib_guest gi;
	unsigned long wakeups;
	struct gib_vcpu vcpus[GIB_MAX_VCPUS];
	struct scan_vcpu scan[GIB_MAX_VCPUS];
	unsigned long scan_kicked[GIB_VCPU_MASK_LONGS];
	unsigned int scan_online;
	unsigned int scan_next_rr;
	unsigned int want_kick, want_find;
};

static struct bench_host h;

/* Single-threaded: a plain count is enough. */
static void wake_vcpu(struct gib_guest *gi, struct gib_vcpu *vcpu)
{
	(void)vcpu;
	GIB_CONTAINER_OF(gi, struct setup, gi)->wakeups++;
}

static const struct gib_guest_ops ops = { .wake_vcpu = wake_vcpu };

static void scan_wake(struct setup *s, unsigned int idx)
{
	(void)idx;
	s->wakeups++;
}

/* gib_kick_one_vcpu()'s rule over the array: first idle, I/O on, CR6 match. */
BENCH_NOINLINE static int scan_kick(struct setup *s, uint8_t deliverable)
{
	unsigned int online = GIB_PF_READ_ONCE(s->scan_online), i;

	for (i = 0; i < online; i++) {
		struct scan_vcpu *v = &s->scan[i];
		uint8_t mask;
		bool woken;

		if (!GIB_PF_READ_ONCE(v->idle))
			continue;
		mask = GIB_PF_READ_ONCE(v->io_enabled) ? gib_cr6_isc_mask(GIB_PF_READ_ONCE(v->cr6))
						       : 0;
		if (!(mask & deliverable))
			continue;
		woken = !gib_pf_test_and_set_bit(i, s->scan_kicked);
		if (woken)
			scan_wake(s, i);
		return woken ? (int)i : -EALREADY;
	}
	return -ENOENT;
}

/* The idle-first rule over the array: first idle, else round robin. */
BENCH_NOINLINE static int scan_find(struct setup *s)
{
	unsigned int online = GIB_PF_READ_ONCE(s->scan_online), i, tries;

	if (!online)
		return -ENODEV;
	for (i = 0; i < online; i++)
		if (GIB_PF_READ_ONCE(s->scan[i].idle))
			return (int)i;
	for (tries = 0; tries < online; tries++) {
		i = GIB_PF_READ_ONCE(s->scan_next_rr) % online;
		GIB_PF_WRITE_ONCE(s->scan_next_rr, (i + 1) % online);
		if (!GIB_PF_READ_ONCE(s->scan[i].stopped))
			return (int)i;
	}
	return -ENODEV;
}

static void setup_up(struct setup *s, unsigned int n, enum density d)
{
	unsigned int i;
	int rc;

	rc = gib_guest_init(&s->gi, &h.host, &ops, NULL);
	if (rc)
		bench_die("gib_guest_init", rc);
	rc = gib_gisa_init(&s->gi);
	if (rc)
		bench_die("gib_gisa_init", rc);
	for (i = 0; i < n; i++) {
		bool last = i == n - 1;
		unsigned int isc = d == DENSE && !last ? OTHER_ISC : KICK_ISC;
		uint64_t cr6 = (uint64_t)gib_isc_mask(isc) << 24;
		bool idle = d == DENSE || last;

		rc = gib_vcpu_add(&s->gi, &s->vcpus[i], 2 * i + 1, NULL);
		if (rc < 0)
			bench_die("gib_vcpu_add", rc);
		gib_vcpu_set_cr6(&s->vcpus[i], cr6);
		gib_vcpu_set_io_enabled(&s->vcpus[i], true);
		if (idle && gib_vcpu_prepare_wait(&s->vcpus[i]) != 0)
			bench_die("gib_vcpu_prepare_wait", -1);
		s->scan[i] = (struct scan_vcpu){ .idle = idle, .io_enabled = 1, .cr6 = cr6 };
	}
	s->scan_online = n;
	s->want_kick = n - 1;
	s->want_find = d == DENSE ? 0 : n - 1;
}

/* Forget the kick, as the vcpu's runnable check would (plain: one thread). */
static inline void unkick(unsigned long *mask, unsigned int idx)
{
	GIB_PF_WRITE_ONCE(mask[idx / GIB_BITS_PER_LONG], 0ul);
}

enum fn { F_KICK, F_FIND, NR_FNS };

static const char *const fn_name[NR_FNS] = { "kick_one_vcpu", "find_vcpu_for_floating_irq" };

BENCH_NOINLINE static void loop_lib(struct setup *s, enum fn f, uint64_t n)
{
	uint64_t i;
	int r;

	for (i = 0; i < n; i++) {
		if (f == F_KICK) {
			r = gib_kick_one_vcpu(&s->gi, gib_isc_mask(KICK_ISC));
			unkick(s->gi.kicked_mask, s->want_kick);
			if (r != (int)s->want_kick)
				bench_die("gib_kick_one_vcpu picked", r);
		} else {
			r = gib_find_vcpu_for_floating_irq(&s->gi);
			if (r != (int)s->want_find)
				bench_die("gib_find_vcpu_for_floating_irq picked", r);
		}
	}
}

BENCH_NOINLINE static void loop_scan(struct setup *s, enum fn f, uint64_t n)
{
	uint64_t i;
	int r;

	for (i = 0; i < n; i++) {
		if (f == F_KICK) {
			r = scan_kick(s, gib_isc_mask(KICK_ISC));
			unkick(s->scan_kicked, s->want_kick);
			if (r != (int)s->want_kick)
				bench_die("scan_kick picked", r);
		} else {
			r = scan_find(s);
			if (r != (int)s->want_find)
				bench_die("scan_find picked", r);
		}
	}
}

/* What bench_time() passes to the loops. */
struct job {
	struct setup *s;
	enum fn f;
};

static void job_lib(void *ctx, uint64_t n)
{
	struct job *j = ctx;

	loop_lib(j->s, j->f, n);
}

static void job_scan(void *ctx, uint64_t n)
{
	struct job *j = ctx;

	loop_scan(j->s, j->f, n);
}

/* --callgrind: one pass of each side, dumped, and its region. */
static void count_one(struct setup *s, enum fn f, unsigned int z, enum density d, uint64_t iters)
{
	char name[128], lib[96], base[96];

	snprintf(name, sizeof(name), "fig4 %s %u vcpus %s", fn_name[f], sizes[z], density_name[d]);
	snprintf(lib, sizeof(lib), "fig4/%s/%u/%s/lib", fn_name[f], sizes[z], density_name[d]);
	snprintf(base, sizeof(base), "fig4/%s/%u/%s/scan", fn_name[f], sizes[z], density_name[d]);
	loop_lib(s, f, 10);	/* warm */
	loop_scan(s, f, 10);
	BENCH_CG_BEGIN();
	loop_lib(s, f, iters);
	BENCH_CG_END(lib);
	BENCH_CG_BEGIN();
	loop_scan(s, f, iters);
	BENCH_CG_END(base);
	/* Instructions: the scan's over the library's, as for time. */
	bench_region(name, lib, base, iters, true, NULL, 0);
}

/* One timed row: libgib against the scan, alternating, rep by rep. */
static void measure_one(struct setup *s, enum fn f, unsigned int z, enum density d,
			const struct bench_opts *o)
{
	struct job j = { .s = s, .f = f };
	double v[BENCH_MAX_REPS], b[BENCH_MAX_REPS], q[BENCH_MAX_REPS];
	char name[128];
	unsigned int r;

	loop_lib(s, f, o->iters / 10);	/* warm */
	loop_scan(s, f, o->iters / 10);
	for (r = 0; r < o->reps; r++) {
		if (r & 1) {
			v[r] = bench_time(job_lib, &j, o->iters);
			b[r] = bench_time(job_scan, &j, o->iters);
		} else {
			b[r] = bench_time(job_scan, &j, o->iters);
			v[r] = bench_time(job_lib, &j, o->iters);
		}
		/* Speed-up: how many times faster than the scan. */
		q[r] = b[r] / v[r];
	}
	snprintf(name, sizeof(name), "fig4 %s %u vcpus %s", fn_name[f], sizes[z], density_name[d]);
	/* The goal is for KVM's maximum of vcpus; smaller guests are shown. */
	bench_row(name, "ns/call", bench_median(v, o->reps), bench_median(b, o->reps),
		  "linear scan, same rule", bench_median(q, o->reps),
		  sizes[z] == GIB_MAX_VCPUS ? ">=" : NULL, 4.0, o->reps,
		  "ratio = scan time / libgib time (speed-up)");
}

int main(int argc, char **argv)
{
	struct bench_opts o = { .reps = 9, .iters = 200000 };
	/* Static: reachable at exit, so LeakSanitizer builds stay quiet. */
	static struct setup *setups[NR_SIZES][NR_DENSITIES];
	size_t bytes = (sizeof(struct setup) + 4095) & ~(size_t)4095;
	unsigned int z, d, f;

	bench_parse(&o, argc, argv);
	if (o.tiny) {
		o.reps = 2;
		o.iters = 100;
	}
	bench_host_up(&h);
	for (z = 0; z < NR_SIZES; z++)
		for (d = 0; d < NR_DENSITIES; d++) {
			setups[z][d] = aligned_alloc(4096, bytes);
			if (!setups[z][d])
				bench_die("aligned_alloc", -1);
			memset(setups[z][d], 0, sizeof(struct setup));
			setup_up(setups[z][d], sizes[z], (enum density)d);
		}

	bench_begin("vcpu_pick", 4);
	if (o.callgrind)
		bench_rows_done();
	for (f = 0; f < NR_FNS; f++)
		for (z = 0; z < NR_SIZES; z++)
			for (d = 0; d < NR_DENSITIES; d++) {
				struct setup *s = setups[z][d];

				if (o.callgrind)
					count_one(s, (enum fn)f, z, (enum density)d, o.iters);
				else
					measure_one(s, (enum fn)f, z, (enum density)d, &o);
			}
	if (!o.callgrind)
		bench_rows_done();
	bench_end();
	return 0;
}
