/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * gibsim's options: the workload, the engine, the output. A scenario sets
 * defaults; options given on the command line override them.
 */
#ifndef GIBSIM_OPTIONS_H
#define GIBSIM_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>

/** SIM_MAX_VCPU_THREADS - vcpus in all the concurrent engine runs (a thread each) */
#define SIM_MAX_VCPU_THREADS 1024u

/** enum sim_engine - which engine runs the model */
enum sim_engine {
	SIM_DETERMINISTIC = 0,
	SIM_CONCURRENT = 1,
};

/** enum sim_cr6 - which ISCs each vcpu enables in CR6 */
enum sim_cr6 {
	SIM_CR6_ALL = 0,	/* every ISC of --iscs */
	SIM_CR6_SPLIT = 1,	/* vcpu i: only ISC i mod n (disjoint masks) */
	SIM_CR6_RANDOM = 2,	/* the first ISC and a random subset of the rest */
};

/** enum sim_float - the find-a-vcpu policy of each guest */
enum sim_float {
	SIM_FLOAT_IDLE_FIRST = 0,
	SIM_FLOAT_LAST_SLEEPER = 1,
	SIM_FLOAT_MIXED = 2,	/* even guests idle-first, odd last-sleeper */
};

/** enum sim_gal - how GAL interruptions reach the host */
enum sim_gal {
	SIM_GAL_DIRECT = 0,
	SIM_GAL_DEFERRED = 1,
};

/** enum sim_cycle - GISA life-cycle events during the run */
enum sim_cycle {
	SIM_CYCLE_NONE = 0,
	SIM_CYCLE_DESTROY = 1,	/* destroy the head of the alert list, enable again */
	SIM_CYCLE_DISABLE = 2,	/* disable it, run a window without GISA, enable */
};

/** enum sim_cut - the host's alert-list cut policy (enum gib_cut_policy) */
enum sim_cut {
	SIM_CUT_TWO_PHASE = 0,	/* the landed cut */
	SIM_CUT_V2 = 1,		/* the v2 series' CAS cut */
	SIM_CUT_BOTH = 2,	/* two runs on the same seed, side by side */
};

/**
 * struct sim_opts - everything a run depends on
 *
 * Durations are nanoseconds: simulated in the deterministic engine, real in
 * the concurrent one. Counts are per guest where the name says so.
 */
struct sim_opts {
	enum sim_engine engine;
	const char *scenario;
	uint64_t seed;
	unsigned int guests;
	unsigned int vcpus;		/* per guest */
	unsigned int devices;		/* per guest */
	uint8_t iscs[8];
	unsigned int nr_iscs;
	enum sim_cr6 cr6;
	unsigned int stopped;		/* stopped vcpus per guest (the last ones) */
	unsigned int io_off;		/* % of SIE runs that start I/O-disabled */
	uint64_t io_window_ns;
	bool sparse_ids;
	enum sim_float float_policy;
	unsigned int inject;		/* % of devices the host emulates */
	uint64_t rate_ns;		/* mean gap between a device's arrivals */
	unsigned int burst;		/* events per arrival: uniform 1..burst */
	uint64_t burst_gap_ns;
	uint64_t ais;			/* run length in events, 0: no limit */
	uint64_t duration_ns;		/* run length in time, 0: no limit */
	uint64_t kick_ns;
	uint64_t wake_ns;
	uint64_t run_ns;
	uint64_t idle_ns;		/* mean own-work wake of a waiting vcpu, 0: never */
	enum sim_gal gal;
	uint64_t gal_ns;
	enum sim_cut cut;
	uint64_t walk_ns;		/* host time per GISA unlinked by a GAL (deterministic) */
	enum sim_cycle cycle;
	uint64_t cycle_every;		/* every Nth GAL interruption */
	uint64_t cycle_window_ns;
	bool cycle_keep_gisc;		/* devices keep GISCs across a cycle, register again */
	unsigned int threads;
	uint64_t drain_ns;
	uint64_t stall_ns;
	unsigned int watchdog_s;
	bool json;
	const char *trace_path;
};

/**
 * sim_opts_parse() - the command line into options
 * @o: receives the options
 * @argc: argument count
 * @argv: arguments
 * @list: set when --list-scenarios was given
 *
 * Applies the scenario's defaults first (--scenario, else "mixed"), then
 * every option. Prints one line naming the option and its accepted range on
 * the first error.
 *
 * Return: 0; 1 if --help was printed; -1 on bad input.
 */
int sim_opts_parse(struct sim_opts *o, int argc, char **argv, bool *list);

/**
 * sim_isc_list_str() - the ISCs of @o as "3,6"
 * @o: the options
 * @buf: at least 16 bytes
 *
 * Return: @buf.
 */
char *sim_isc_list_str(const struct sim_opts *o, char *buf);

#endif /* GIBSIM_OPTIONS_H */
