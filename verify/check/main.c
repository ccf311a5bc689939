// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * gib-check: explore every scenario of verify/check/ under every schedule up
 * to its preemption bound; one line per scenario with schedules, scheduling
 * points, distinct end states and the verdict.
 *
 *   gib-check [--long] [--bound N] [--old-claim] [--expect-fail] [SCENARIO...]
 *
 * --long uses each scenario's larger bound (the closing-note run);
 * --old-claim makes the machine claim by the kernel software machine's old
 * rule; --expect-fail inverts the verdict (a prefix or mutant run must
 * fail). Exit 0 if every verdict is as expected, 1 if not, 2 on bad usage.
 */
#include "check.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

bool ck_old_claim;

static void usage(void)
{
	fprintf(stderr, "usage: gib-check [--long] [--bound N] [--old-claim] [--expect-fail] "
			"[SCENARIO...]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	bool longmode = false, expect_fail = false, any = false;
	const struct gib_ck_scenario *sc;
	int bound = -1, i, bad = 0;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--long")) {
			longmode = true;
		} else if (!strcmp(argv[i], "--old-claim")) {
			ck_old_claim = true;
		} else if (!strcmp(argv[i], "--expect-fail")) {
			expect_fail = true;
		} else if (!strcmp(argv[i], "--bound") && i + 1 < argc) {
			char *end;

			bound = (int)strtol(argv[++i], &end, 10);
			if (*end || bound < 0 || bound > 8)
				usage();
		} else {
			usage();
		}
	}
	for (sc = ck_scenarios; sc->name; sc++) {
		struct gib_ck_stats st;
		unsigned int b;
		bool want = i == argc;
		struct timespec t0, t1;
		int j;

		for (j = i; j < argc; j++)
			want |= !strcmp(argv[j], sc->name);
		if (!want)
			continue;
		any = true;
		b = bound >= 0 ? (unsigned int)bound : longmode ? sc->long_bound : sc->bound;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		gib_ck_explore(sc, b, 0, &st);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		printf("%-16s bound %u: %10llu schedules %12llu steps %6lu end states "
		       "%6.1f s  %s%s\n",
		       sc->name, b, st.schedules, st.steps, st.end_states,
		       (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
		       st.failed ? "FAILED: " : "ok", st.failed ? st.msg : "");
		fflush(stdout);
		if (st.failed != expect_fail)
			bad++;
	}
	for (; i < argc; i++) {
		for (sc = ck_scenarios; sc->name && strcmp(sc->name, argv[i]); sc++)
			;
		if (!sc->name) {
			fprintf(stderr, "gib-check: no scenario %s\n", argv[i]);
			return 2;
		}
	}
	if (!any)
		usage();
	return bad ? 1 : 0;
}
