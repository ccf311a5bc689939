/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * The summary of a run, for people (text) or machines (--json).
 */
#ifndef GIBSIM_REPORT_H
#define GIBSIM_REPORT_H

#include "sim.h"

/**
 * struct sim_result - what a run came to
 * @lost: events still unconsumed after the drain
 * @stalled: 0, or 1 when no event was consumed for --stall-ns
 * @real_ns: wall-clock length of the run
 */
struct sim_result {
	uint64_t lost;
	int stalled;
	uint64_t real_ns;
};

/**
 * sim_report() - print the summary on stdout
 * @s: the finished simulation
 * @r: its result
 * @json: as JSON instead of text
 */
void sim_report(const struct sim *s, const struct sim_result *r, bool json);

/**
 * sim_report_contrast() - two runs of one workload, one per cut policy
 * @s: the two finished simulations: two-phase, then v2 (--cut both)
 * @r: their results
 * @json: as JSON (the common options, a "contrast" object, then "runs":
 *        each run's summary as sim_report() prints it) instead of text
 */
void sim_report_contrast(const struct sim *s, const struct sim_result *r, bool json);

#endif /* GIBSIM_REPORT_H */
