// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * gibsim: a host with guests, vcpus and adapter-interruption devices, run
 * through libgib's core and the user-space machine model, with every device
 * event accounted for. See docs/simulator.md.
 *
 * Exit status: 0 when every AI was delivered; 1 when AIs were lost; 2 for
 * bad input (nothing run); 3 when the run stalled (no progress, or the
 * watchdog fired because some call never returned); 4 when the model could
 * not be built.
 */
#include "engines.h"
#include "report.h"
#include "scenarios.h"
#include "trace.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum {
	EXIT_LOST = 1,
	EXIT_BAD_INPUT = 2,
	EXIT_STALLED = 3,
	EXIT_SETUP = 4,
};

static void on_watchdog(int sig)
{
	static const char msg[] =
		"gibsim: STALLED: the run did not finish within --watchdog seconds "
		"(a call into the library never returned)\n";
	ssize_t rc;

	(void)sig;
	/* Async-signal-safe: write and _exit only. */
	rc = write(STDERR_FILENO, msg, sizeof(msg) - 1);
	(void)rc;
	_exit(EXIT_STALLED);
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* One run of @o on @s (zeroed apart from a trace); fills @r. */
static int run(struct sim *s, const struct sim_opts *o, struct sim_result *r)
{
	uint64_t t0;
	int rc;

	s->o = o;
	s->customize = sim_scenario_find(o->scenario)->customize;
	if (o->watchdog_s) {
		signal(SIGALRM, on_watchdog);
		alarm(o->watchdog_s);
	}
	t0 = mono_ns();
	if (o->engine == SIM_DETERMINISTIC)
		rc = sim_run_deterministic(s);
	else
		rc = sim_run_concurrent(s);
	alarm(0);
	r->real_ns = mono_ns() - t0;
	r->lost = s->lost;
	r->stalled = s->st.stalled;
	return rc;
}

/* --cut both: the same options and seed under each policy, side by side. */
static int run_both(const struct sim_opts *o)
{
	static struct sim s[2];	/* large (the histogram): not on the stack */
	struct sim_opts each[2] = { *o, *o };
	struct sim_result r[2] = { { 0 }, { 0 } };
	unsigned int i;

	each[0].cut = SIM_CUT_TWO_PHASE;
	each[1].cut = SIM_CUT_V2;
	for (i = 0; i < 2; i++)
		if (run(&s[i], &each[i], &r[i]))
			return EXIT_SETUP;
	sim_report_contrast(s, r, o->json);
	if (r[0].stalled || r[1].stalled)
		return EXIT_STALLED;
	return r[0].lost || r[1].lost ? EXIT_LOST : 0;
}

int main(int argc, char **argv)
{
	static struct sim s;	/* large (the histogram): not on the stack */
	struct sim_opts o;
	struct sim_result r = { 0 };
	bool list;
	int rc;

	rc = sim_opts_parse(&o, argc, argv, &list);
	if (rc < 0)
		return EXIT_BAD_INPUT;
	if (rc > 0)
		return 0;
	if (list) {
		sim_scenario_list();
		return 0;
	}
	if (o.cut == SIM_CUT_BOTH)
		return run_both(&o);	/* no --trace: options.c refuses it */
	if (o.trace_path) {
		s.trace = sim_trace_open(o.trace_path);
		if (!s.trace) {
			fprintf(stderr, "gibsim: --trace: cannot write '%s': %s\n", o.trace_path,
				strerror(errno));
			return EXIT_BAD_INPUT;
		}
	}
	rc = run(&s, &o, &r);
	if (sim_trace_close(s.trace)) {
		fprintf(stderr, "gibsim: --trace: writing '%s' failed\n", o.trace_path);
		rc = rc ? rc : -EIO;
	}
	if (rc)
		return EXIT_SETUP;
	sim_report(&s, &r, o.json);
	if (r.stalled)
		return EXIT_STALLED;
	return r.lost ? EXIT_LOST : 0;
}
