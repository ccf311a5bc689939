// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Command-line parsing. Table-driven, so that every error names the option
 * and the accepted range from one place, and --help lists the same table.
 */
#include "options.h"
#include "scenarios.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum opt_kind {
	OPT_U64,	/* integer in [min, max], stored as uint64_t */
	OPT_UINT,	/* integer in [min, max], stored as unsigned int */
	OPT_CHOICE,	/* one of choices[], stored as an enum (int) */
	OPT_FLAG,	/* no argument, stores true */
	OPT_STRING,	/* any argument */
	OPT_ISCS,	/* comma list of distinct ISCs 0..7 */
};

struct opt_def {
	const char *name;
	enum opt_kind kind;
	size_t off;
	uint64_t min, max;
	const char *const *choices;
	const char *help;
};

static const char *const engines[] = { "deterministic", "concurrent", NULL };
static const char *const cr6s[] = { "all", "split", "random", NULL };
static const char *const floats[] = { "idle-first", "last-sleeper", "mixed", NULL };
static const char *const gals[] = { "direct", "deferred", NULL };
static const char *const cuts[] = { "two-phase", "v2", "both", NULL };
static const char *const cycles[] = { "none", "destroy", "disable", NULL };
static const char *const idss[] = { "dense", "sparse", NULL };

#define O(f) offsetof(struct sim_opts, f)
#define NS_MAX 1000000000000ull	/* 1000 s */

/* sparse_ids is a bool; it is parsed as a choice into a scratch int below. */
static const struct opt_def defs[] = {
	{ "engine", OPT_CHOICE, O(engine), 0, 0, engines, "which engine runs the model" },
	{ "scenario", OPT_STRING, O(scenario), 0, 0, NULL, "named scenario (--list-scenarios)" },
	{ "seed", OPT_U64, O(seed), 0, ~0ull, NULL, "seed of the workload's random numbers" },
	{ "guests", OPT_UINT, O(guests), 1, 1024, NULL, "guests (one GISA each)" },
	{ "vcpus", OPT_UINT, O(vcpus), 1, 248, NULL, "vcpus per guest" },
	{ "devices", OPT_UINT, O(devices), 1, 64, NULL, "devices per guest" },
	{ "iscs", OPT_ISCS, 0, 0, 7, NULL, "guest ISCs the devices use, e.g. 3,6" },
	{ "cr6", OPT_CHOICE, O(cr6), 0, 0, cr6s, "which ISCs each vcpu enables" },
	{ "stopped", OPT_UINT, O(stopped), 0, 247, NULL, "stopped vcpus per guest" },
	{ "io-off", OPT_UINT, O(io_off), 0, 100, NULL, "% of SIE runs that start I/O-disabled" },
	{ "io-window-ns", OPT_U64, O(io_window_ns), 1, 1000000000, NULL,
	  "mean length of an I/O-disabled window" },
	{ "ids", OPT_CHOICE, 0, 0, 0, idss, "vcpu ids: dense (id = index) or sparse" },
	{ "float-policy", OPT_CHOICE, O(float_policy), 0, 0, floats,
	  "find-a-vcpu policy for host-injected AIs" },
	{ "inject", OPT_UINT, O(inject), 0, 100, NULL, "% of devices the host emulates (injects)" },
	{ "rate-ns", OPT_U64, O(rate_ns), 0, 1000000000, NULL,
	  "mean gap between a device's arrivals (0: flat out, concurrent only)" },
	{ "burst", OPT_UINT, O(burst), 1, 1000, NULL, "events per arrival, uniform 1..N" },
	{ "burst-gap-ns", OPT_U64, O(burst_gap_ns), 0, 1000000, NULL, "gap inside a burst" },
	{ "ais", OPT_U64, O(ais), 0, 10000000000ull, NULL, "run length in AIs (0: none)" },
	{ "duration-ns", OPT_U64, O(duration_ns), 0, NS_MAX, NULL,
	  "run length in time (0: none)" },
	{ "kick-ns", OPT_U64, O(kick_ns), 1, 1000000000, NULL, "kick-timer period" },
	{ "wake-ns", OPT_U64, O(wake_ns), 0, 1000000000, NULL,
	  "from a wake-up to the vcpu running (deterministic)" },
	{ "run-ns", OPT_U64, O(run_ns), 1, 1000000000, NULL, "mean SIE run of a vcpu" },
	{ "idle-ns", OPT_U64, O(idle_ns), 0, NS_MAX, NULL,
	  "mean wait before a vcpu wakes for its own work (0: never)" },
	{ "gal", OPT_CHOICE, O(gal), 0, 0, gals, "GAL delivery to the host" },
	{ "gal-ns", OPT_U64, O(gal_ns), 0, 1000000000, NULL,
	  "deferred GAL latency (deterministic)" },
	{ "cut", OPT_CHOICE, O(cut), 0, 0, cuts,
	  "alert-list cut policy (both: one run each, same seed, side by side)" },
	{ "walk-ns", OPT_U64, O(walk_ns), 0, 1000000, NULL,
	  "host time per GISA a GAL's processing unlinks, while the rest runs on" },
	{ "cycle", OPT_CHOICE, O(cycle), 0, 0, cycles, "GISA life-cycle events" },
	{ "cycle-every", OPT_U64, O(cycle_every), 1, 1000000000, NULL,
	  "a life-cycle event every Nth GAL interruption" },
	{ "cycle-window-ns", OPT_U64, O(cycle_window_ns), 0, 1000000000, NULL,
	  "how long a disabled GISA stays off" },
	{ "cycle-keep-gisc", OPT_FLAG, O(cycle_keep_gisc), 0, 0, NULL,
	  "devices keep their GISC registrations across a cycle and register again after it" },
	{ "threads", OPT_UINT, O(threads), 1, 64, NULL, "device threads (concurrent)" },
	{ "drain-ns", OPT_U64, O(drain_ns), 0, NS_MAX, NULL,
	  "longest drain after the last AI (0: 100 ms simulated, 10 s real)" },
	{ "stall-ns", OPT_U64, O(stall_ns), 0, NS_MAX, NULL,
	  "no AI consumed this long while AIs come: stalled (0: 50 ms simulated, 10 s real)" },
	{ "watchdog", OPT_UINT, O(watchdog_s), 0, 86400, NULL,
	  "real seconds before a hung run is reported stalled (0: off)" },
	{ "json", OPT_FLAG, O(json), 0, 0, NULL, "print the summary as JSON" },
	{ "trace", OPT_STRING, O(trace_path), 0, 0, NULL,
	  "write a Chrome trace-event JSON file" },
};

#define NR_DEFS (sizeof(defs) / sizeof(defs[0]))

static void choices_str(const char *const *c, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = 0;
	for (; *c; c++)
		n += (size_t)snprintf(buf + n, len - n, "%s%s", n ? "|" : "", *c);
}

static void bad(const struct opt_def *d, const char *arg)
{
	char ch[128];

	switch (d->kind) {
	case OPT_U64:
	case OPT_UINT:
		fprintf(stderr, "gibsim: --%s: expected an integer in %llu..%llu, got '%s'\n",
			d->name, (unsigned long long)d->min, (unsigned long long)d->max, arg);
		break;
	case OPT_CHOICE:
		choices_str(d->choices, ch, sizeof(ch));
		fprintf(stderr, "gibsim: --%s: expected one of %s, got '%s'\n", d->name, ch, arg);
		break;
	case OPT_ISCS:
		fprintf(stderr,
			"gibsim: --%s: expected 1..8 distinct ISCs in 0..7 separated by commas, got '%s'\n",
			d->name, arg);
		break;
	default:
		fprintf(stderr, "gibsim: --%s: bad argument '%s'\n", d->name, arg);
	}
}

/* Digits, optionally "e" and an exponent (1e6): nothing else, no overflow. */
static int parse_u64(const char *s, uint64_t *out)
{
	uint64_t v = 0;
	const char *p = s;

	if (!*p)
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (v > (~0ull - (uint64_t)(*p - '0')) / 10)
			return -1;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (p == s)
		return -1;
	if (*p == 'e' || *p == 'E') {
		uint64_t e = 0;
		const char *q = ++p;

		for (; *p >= '0' && *p <= '9'; p++) {
			e = e * 10 + (uint64_t)(*p - '0');
			if (e > 30)
				return -1;
		}
		if (p == q)
			return -1;
		while (e--) {
			if (v > ~0ull / 10)
				return -1;
			v *= 10;
		}
	}
	if (*p)
		return -1;
	*out = v;
	return 0;
}

static int parse_iscs(struct sim_opts *o, const char *arg)
{
	uint8_t seen = 0;
	unsigned int n = 0;
	const char *p = arg;

	for (;;) {
		if (*p < '0' || *p > '7' || (p[1] && p[1] != ','))
			return -1;
		if (seen & (1u << (*p - '0')) || n == 8)
			return -1;
		seen |= (uint8_t)(1u << (*p - '0'));
		o->iscs[n++] = (uint8_t)(*p - '0');
		if (!p[1])
			break;
		p += 2;
	}
	o->nr_iscs = n;
	return 0;
}

static int apply(struct sim_opts *o, const struct opt_def *d, const char *arg)
{
	char *base = (char *)o;
	uint64_t v;
	int i;

	switch (d->kind) {
	case OPT_U64:
	case OPT_UINT:
		if (parse_u64(arg, &v) || v < d->min || v > d->max)
			return -1;
		if (d->kind == OPT_U64)
			*(uint64_t *)(void *)(base + d->off) = v;
		else
			*(unsigned int *)(void *)(base + d->off) = (unsigned int)v;
		return 0;
	case OPT_CHOICE:
		for (i = 0; d->choices[i]; i++)
			if (!strcmp(d->choices[i], arg))
				break;
		if (!d->choices[i])
			return -1;
		if (d->choices == idss)
			o->sparse_ids = i == 1;
		else
			*(int *)(void *)(base + d->off) = i;
		return 0;
	case OPT_STRING:
		*(const char **)(void *)(base + d->off) = arg;
		return 0;
	case OPT_ISCS:
		return parse_iscs(o, arg);
	case OPT_FLAG:
		*(bool *)(void *)(base + d->off) = true;
		return 0;
	}
	return -1;
}

static void usage(void)
{
	char ch[128];
	size_t i;

	printf("usage: gibsim [--scenario NAME] [options]\n"
	       "       gibsim --list-scenarios\n\n"
	       "Simulates a host with guests, vcpus and adapter-interruption devices\n"
	       "through libgib and the user-space machine model; see docs/simulator.md.\n\n");
	for (i = 0; i < NR_DEFS; i++) {
		const struct opt_def *d = &defs[i];

		switch (d->kind) {
		case OPT_U64:
		case OPT_UINT:
			snprintf(ch, sizeof(ch), "%llu..%llu", (unsigned long long)d->min,
				 (unsigned long long)d->max);
			break;
		case OPT_CHOICE:
			choices_str(d->choices, ch, sizeof(ch));
			break;
		case OPT_ISCS:
			snprintf(ch, sizeof(ch), "LIST");
			break;
		case OPT_STRING:
			snprintf(ch, sizeof(ch), "%s", !strcmp(d->name, "trace") ? "FILE" : "NAME");
			break;
		default:
			ch[0] = 0;
		}
		printf("  --%-16s %-30s %s\n", d->name, ch, d->help);
	}
	printf("  --%-16s %-30s %s\n", "list-scenarios", "", "list the scenarios and exit");
	printf("  --%-16s %-30s %s\n", "help, -h", "", "this text");
	printf("  --%-16s %-30s %s\n", "version", "", "print gibsim's (libgib's) version");
}

static const struct opt_def *find_def(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < NR_DEFS; i++)
		if (strlen(defs[i].name) == len && !strncmp(defs[i].name, name, len))
			return &defs[i];
	return NULL;
}

/* Splits "--name=value" or "--name value"; returns the index of the next arg. */
static int next_opt(int argc, char **argv, int i, const struct opt_def **d,
		    const char **arg, bool *list, int *help)
{
	const char *a = argv[i], *eq;
	size_t len;

	*d = NULL;
	*arg = NULL;
	if (!strcmp(a, "-h")) {
		*help = 1;
		return i + 1;
	}
	if (strncmp(a, "--", 2)) {
		fprintf(stderr, "gibsim: unexpected argument '%s' (options start with --)\n", a);
		return -1;
	}
	a += 2;
	eq = strchr(a, '=');
	len = eq ? (size_t)(eq - a) : strlen(a);
	if (!eq && !strcmp(a, "list-scenarios")) {
		*list = true;
		return i + 1;
	}
	if (!eq && !strcmp(a, "help")) {
		*help = 1;
		return i + 1;
	}
	if (!eq && !strcmp(a, "version")) {
		*help = *help ? *help : 2;
		return i + 1;
	}
	*d = find_def(a, len);
	if (!*d) {
		fprintf(stderr, "gibsim: unknown option '--%.*s' (--help lists them)\n",
			(int)len, a);
		return -1;
	}
	if ((*d)->kind == OPT_FLAG) {
		if (eq) {
			fprintf(stderr, "gibsim: --%s: takes no value\n", (*d)->name);
			return -1;
		}
		return i + 1;
	}
	if (eq) {
		*arg = eq + 1;
		return i + 1;
	}
	if (i + 1 >= argc) {
		fprintf(stderr, "gibsim: --%s: missing value\n", (*d)->name);
		return -1;
	}
	*arg = argv[i + 1];
	return i + 2;
}

/* An option the command line named (not a scenario's value). */
static bool given(const bool *set, const char *name)
{
	return set[find_def(name, strlen(name)) - defs];
}

/* Options that would be silently ignored in the chosen engine or mode. */
static int unused_check(const struct sim_opts *o, const bool *set)
{
	if (given(set, "threads") && o->engine != SIM_CONCURRENT) {
		fprintf(stderr, "gibsim: --threads: applies to the concurrent engine only\n");
		return -1;
	}
	if (given(set, "wake-ns") && o->engine != SIM_DETERMINISTIC) {
		fprintf(stderr, "gibsim: --wake-ns: applies to the deterministic engine only\n");
		return -1;
	}
	if (given(set, "gal-ns") && (o->engine != SIM_DETERMINISTIC || o->gal != SIM_GAL_DEFERRED)) {
		fprintf(stderr, "gibsim: --gal-ns: applies to the deterministic engine with "
			"--gal deferred only\n");
		return -1;
	}
	return 0;
}

/* What no single option's range can say. */
static int cross_check(const struct sim_opts *o)
{
	if (o->stopped >= o->vcpus) {
		fprintf(stderr, "gibsim: --stopped: expected an integer in 0..%u (fewer than --vcpus)\n",
			o->vcpus - 1);
		return -1;
	}
	if (o->engine == SIM_CONCURRENT && o->guests * o->vcpus > SIM_MAX_VCPU_THREADS) {
		/* One thread per vcpu. */
		fprintf(stderr, "gibsim: --vcpus: expected at most %u vcpus in all (--guests x "
			"--vcpus) with the concurrent engine\n", SIM_MAX_VCPU_THREADS);
		return -1;
	}
	if (o->engine == SIM_DETERMINISTIC && !o->rate_ns) {
		fprintf(stderr,
			"gibsim: --rate-ns: expected an integer in 1..1000000000 with the deterministic engine\n");
		return -1;
	}
	if (!o->ais && !o->duration_ns) {
		fprintf(stderr,
			"gibsim: --ais: expected 1..10000000000 when --duration-ns is 0\n");
		return -1;
	}
	if (o->walk_ns && o->engine == SIM_DETERMINISTIC && o->gal != SIM_GAL_DEFERRED) {
		/* Simulated busy time needs a host that handles GALs apart from pushes. */
		fprintf(stderr, "gibsim: --walk-ns: expected 0 unless --gal is deferred with the "
			"deterministic engine\n");
		return -1;
	}
	if (o->cut == SIM_CUT_BOTH && o->trace_path) {
		fprintf(stderr, "gibsim: --trace: expected --cut two-phase or v2 (one run)\n");
		return -1;
	}
	if (o->cycle != SIM_CYCLE_NONE && o->gal != SIM_GAL_DEFERRED) {
		/* Life-cycle events run before the host handles a deferred GAL. */
		fprintf(stderr, "gibsim: --cycle: expected none unless --gal is deferred\n");
		return -1;
	}
	return 0;
}

int sim_opts_parse(struct sim_opts *o, int argc, char **argv, bool *list)
{
	const struct sim_scenario *sc;
	const struct opt_def *d;
	const char *arg, *name = "mixed";
	bool set[NR_DEFS] = { false };
	int i, help = 0;

	*list = false;
	/* Pass 1: the scenario, whose defaults the other options override. */
	for (i = 1; i < argc;) {
		i = next_opt(argc, argv, i, &d, &arg, list, &help);
		if (i < 0)
			return -1;
		if (d && !strcmp(d->name, "scenario"))
			name = arg;
	}
	if (help == 1) {
		usage();
		return 1;
	}
	if (help == 2) {
		printf("gibsim (libgib) %s\n", GIB_VERSION);
		return 1;
	}
	sc = sim_scenario_find(name);
	if (!sc) {
		fprintf(stderr,
			"gibsim: --scenario: expected a name from --list-scenarios, got '%s'\n",
			name);
		return -1;
	}
	sim_scenario_defaults(o);
	sc->apply(o);
	o->scenario = sc->name;
	/* Pass 2: every option over the scenario's values. */
	for (i = 1; i < argc;) {
		i = next_opt(argc, argv, i, &d, &arg, list, &help);
		if (d && strcmp(d->name, "scenario") && apply(o, d, arg)) {
			bad(d, arg);
			return -1;
		}
		if (d)
			set[d - defs] = true;
	}
	if (*list)
		return 0;
	/*
	 * Simulated time has no scheduler: an AI is late only if the protocol
	 * made it late. Real time on a loaded machine (or under a sanitizer)
	 * can keep one waiting for tens of milliseconds.
	 */
	if (!o->drain_ns)
		o->drain_ns = o->engine == SIM_DETERMINISTIC ? 100000000ull : 10000000000ull;
	if (!o->stall_ns)
		o->stall_ns = o->engine == SIM_DETERMINISTIC ? 50000000ull : 10000000000ull;
	return unused_check(o, set) ? -1 : cross_check(o);
}

char *sim_isc_list_str(const struct sim_opts *o, char *buf)
{
	unsigned int i, n = 0;

	buf[0] = 0;
	for (i = 0; i < o->nr_iscs; i++)
		n += (unsigned int)sprintf(buf + n, "%s%u", i ? "," : "", o->iscs[i]);
	return buf;
}
