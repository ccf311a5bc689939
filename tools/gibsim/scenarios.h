/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * Named scenarios: a set of option defaults, and optionally a touch on the
 * built model that no option expresses (one vcpu that wakes by itself).
 */
#ifndef GIBSIM_SCENARIOS_H
#define GIBSIM_SCENARIOS_H

#include "options.h"

struct sim;

/**
 * struct sim_scenario - one named scenario
 * @name: what --scenario takes
 * @desc: one line for --list-scenarios
 * @apply: sets its option defaults (over sim_scenario_defaults())
 * @customize: adjusts the built model before the run; may be NULL
 */
struct sim_scenario {
	const char *name;
	const char *desc;
	void (*apply)(struct sim_opts *o);
	void (*customize)(struct sim *s);
};

/**
 * sim_scenario_find() - look a scenario up by name
 * @name: the name
 *
 * Return: the scenario, or NULL.
 */
const struct sim_scenario *sim_scenario_find(const char *name);

/**
 * sim_scenario_defaults() - the defaults every scenario starts from
 * @o: receives them
 */
void sim_scenario_defaults(struct sim_opts *o);

/**
 * sim_scenario_list() - print every scenario, name first, one per line
 */
void sim_scenario_list(void);

#endif /* GIBSIM_SCENARIOS_H */
