// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * The named scenarios. The defect scenarios are traps: each runs clean on a
 * correct library and loses AIs (or stalls) if the rule of spec section 6
 * it is named after were broken; tools/gibsim/defects/ proves that against
 * deliberately broken copies of the core.
 */
#include "scenarios.h"
#include "sim.h"

#include <stdio.h>
#include <string.h>

void sim_scenario_defaults(struct sim_opts *o)
{
	*o = (struct sim_opts){
		.engine = SIM_DETERMINISTIC,
		.seed = 1,
		.guests = 4,
		.vcpus = 4,
		.devices = 2,
		.iscs = { 3, 6 },
		.nr_iscs = 2,
		.cr6 = SIM_CR6_ALL,
		.io_window_ns = 5000,
		.float_policy = SIM_FLOAT_IDLE_FIRST,
		.rate_ns = 50000,
		.burst = 1,
		.burst_gap_ns = 200,
		.ais = 20000,
		.kick_ns = GIB_KICK_EXPIRES_NS,
		.wake_ns = 5000,
		.run_ns = 20000,
		.idle_ns = 0,
		.gal = SIM_GAL_DEFERRED,
		.gal_ns = 2000,
		.cycle_every = 4,
		.cycle_window_ns = 50000,
		.threads = 2,
		.drain_ns = 0,			/* by engine: see options.c */
		.stall_ns = 0,
	};
}

static void iscs(struct sim_opts *o, const char *list)
{
	o->nr_iscs = 0;
	for (; *list; list++)
		if (*list >= '0' && *list <= '7')
			o->iscs[o->nr_iscs++] = (uint8_t)(*list - '0');
}

static void mixed(struct sim_opts *o)
{
	o->guests = 8;
	o->vcpus = 4;
	o->devices = 4;
	iscs(o, "3,6,7");
	o->cr6 = SIM_CR6_RANDOM;
	o->stopped = 1;
	o->io_off = 20;
	o->sparse_ids = true;
	o->float_policy = SIM_FLOAT_MIXED;
	o->inject = 25;
	o->rate_ns = 40000;
	o->burst = 4;
	o->idle_ns = 200000;
	o->ais = 200000;
}

static void one_vcpu(struct sim_opts *o)
{
	o->guests = 1;
	o->vcpus = 1;
	o->devices = 2;
	iscs(o, "3");
	o->rate_ns = 20000;
	o->ais = 50000;
}

static void alert_storm(struct sim_opts *o)
{
	o->guests = 64;
	o->vcpus = 1;
	o->devices = 1;
	iscs(o, "6");
	o->rate_ns = 500000;
	o->run_ns = 2000;
	o->gal_ns = 10000;
	o->ais = 100000;
}

/*
 * The v2 series' cut against the landed one: an alert storm on many idle
 * one-vcpu guests while the host takes a while per GISA it unlinks, so the
 * machine links GISAs while the host holds the list. Both policies run on
 * the same seed (--cut both); --cut two-phase or v2 runs one.
 */
static void cut_contrast(struct sim_opts *o)
{
	alert_storm(o);
	o->guests = 128;
	o->rate_ns = 400000;
	o->run_ns = 2000;
	o->gal_ns = 5000;
	o->walk_ns = 1000;
	o->ais = 100000;
	o->cut = SIM_CUT_BOTH;
}

static void idle_by_id(struct sim_opts *o)
{
	o->guests = 2;
	o->vcpus = 6;
	o->devices = 3;
	o->sparse_ids = true;
	o->rate_ns = 30000;
	o->ais = 30000;
}

static void kick_narrowing(struct sim_opts *o)
{
	o->guests = 1;
	o->vcpus = 4;
	o->devices = 2;
	iscs(o, "3,6");
	o->cr6 = SIM_CR6_SPLIT;
	o->rate_ns = 30000;
	o->ais = 30000;
}

/*
 * Every device on the last ISC: vcpus enabling only the first ISC have no
 * work, so they sit idle at the low indexes, first in the kick walk.
 */
static void kick_narrowing_model(struct sim *s)
{
	unsigned int i;

	for (i = 0; i < s->nr_devs; i++)
		if (!s->devs[i].host_injected)
			s->devs[i].isc = s->o->iscs[s->o->nr_iscs - 1];
}

static void destroy_linked(struct sim_opts *o)
{
	o->guests = 4;
	o->vcpus = 2;
	o->devices = 2;
	o->cycle = SIM_CYCLE_DESTROY;
	o->cycle_every = 3;
	o->rate_ns = 40000;
	o->idle_ns = 300000;
	o->ais = 30000;
	o->watchdog_s = 60;
}

static void host_inject(struct sim_opts *o)
{
	o->guests = 2;
	o->vcpus = 4;
	o->devices = 4;
	o->inject = 50;
	o->float_policy = SIM_FLOAT_MIXED;
	o->rate_ns = 30000;
	o->ais = 40000;
}

static void float_idle_first(struct sim_opts *o)
{
	o->guests = 2;
	o->vcpus = 6;
	o->devices = 3;
	o->stopped = 2;
	o->inject = 100;
	iscs(o, "3");
	o->float_policy = SIM_FLOAT_IDLE_FIRST;
	o->idle_ns = 100000;
	o->rate_ns = 30000;
	o->ais = 40000;
}

static void float_last_sleeper(struct sim_opts *o)
{
	float_idle_first(o);
	o->float_policy = SIM_FLOAT_LAST_SLEEPER;
}

static void kicked_bit_stuck(struct sim_opts *o)
{
	o->guests = 1;
	o->vcpus = 2;
	o->devices = 1;
	iscs(o, "3");
	o->rate_ns = 100000;
	o->wake_ns = 20000;
	o->run_ns = 5000;
	o->ais = 5000;
}

/* vcpu 1 wakes by itself now and then and takes what vcpu 0 was kicked for. */
static void kicked_bit_stuck_model(struct sim *s)
{
	unsigned int g;

	for (g = 0; g < s->o->guests; g++) {
		struct sim_guest *gu = &s->guests[g];

		gu->vcpus[0].idle_ns = 0;
		if (gu->nr_vcpus > 1)
			gu->vcpus[1].idle_ns = 150000;
	}
}

static void destroy_spin(struct sim_opts *o)
{
	o->guests = 1;
	o->vcpus = 2;
	o->devices = 2;
	o->cycle = SIM_CYCLE_DESTROY;
	o->cycle_every = 2;
	o->rate_ns = 40000;
	o->ais = 10000;
	o->watchdog_s = 30;
}

static void destroy_dangling(struct sim_opts *o)
{
	o->guests = 2;
	o->vcpus = 1;
	o->devices = 1;
	o->cycle = SIM_CYCLE_DESTROY;
	o->cycle_every = 1;
	o->rate_ns = 40000;
	o->gal_ns = 20000;
	o->ais = 10000;
	o->watchdog_s = 30;
}

static void null_designation(struct sim_opts *o)
{
	o->guests = 2;
	o->vcpus = 2;
	o->devices = 2;
	o->cycle = SIM_CYCLE_DISABLE;
	o->cycle_every = 3;
	o->cycle_window_ns = 100000;
	o->rate_ns = 40000;
	o->run_ns = 200000;
	o->idle_ns = 50000;
	o->ais = 20000;
	o->watchdog_s = 60;
}

/*
 * One guest, one vcpu that wakes only when kicked, one device that keeps
 * its GISC registration across each GISA disable/enable and registers again
 * after it. Under Linux's rule (ref_count[] survives, the mask does not) its
 * ISC never alerts again; docs/fidelity.md, gisc-regs-survive-reinit.
 */
static void regs_survive_reinit(struct sim_opts *o)
{
	o->guests = 1;
	o->vcpus = 1;
	o->devices = 1;
	iscs(o, "3");
	o->cycle = SIM_CYCLE_DISABLE;
	o->cycle_every = 2;
	o->cycle_window_ns = 50000;
	o->cycle_keep_gisc = true;
	o->rate_ns = 40000;
	o->ais = 10000;
	o->watchdog_s = 60;
}

static const struct sim_scenario scenarios[] = {
	{ "mixed", "the default: 8 guests x 4 vcpus (one stopped), 3 ISCs, random CR6 masks, "
	  "I/O-disabled windows, sparse ids, bursts, 25% host-injected devices, both policies",
	  mixed, NULL },
	{ "one-vcpu", "one guest with one vcpu and two devices on one ISC", one_vcpu, NULL },
	{ "alert-storm", "64 idle one-vcpu guests: many GISAs per alert-list cut",
	  alert_storm, NULL },
	{ "cut-contrast", "alert storm on 128 idle one-vcpu guests, the host busy 1 us per GISA "
	  "it unlinks: the two-phase and the v2 cut side by side, same seed", cut_contrast, NULL },
	{ "idle-by-id", "sparse vcpu ids (index != id): trap for an idle bitmap indexed by id",
	  idle_by_id, NULL },
	{ "kick-narrowing", "vcpus with disjoint CR6 masks: trap for a kick walk that narrows "
	  "the pending mask by the first idle vcpu's", kick_narrowing, kick_narrowing_model },
	{ "destroy-linked", "4 guests; every 3rd GAL, the GISA at the head of the alert list is "
	  "destroyed while linked, then created again", destroy_linked, NULL },
	{ "host-inject", "half the devices host-injected (no alert), mixed with machine ones",
	  host_inject, NULL },
	{ "float-idle-first", "host-injected AIs only, idle-first vcpu choice, stopped vcpus",
	  float_idle_first, NULL },
	{ "float-last-sleeper", "host-injected AIs only, last-sleeper vcpu choice, stopped vcpus",
	  float_last_sleeper, NULL },
	{ "kicked-bit-stuck", "a kicked vcpu whose AI another vcpu took: trap for a kicked bit "
	  "cleared only at SIE entry", kicked_bit_stuck, kicked_bit_stuck_model },
	{ "destroy-spin", "one guest whose GISA is destroyed while linked: trap for a destroy "
	  "that waits for someone else to process the alert list", destroy_spin, NULL },
	{ "destroy-dangling", "two guests; the GISA at the head of the list is destroyed: trap "
	  "for a destroy that leaves a dangling link", destroy_dangling, NULL },
	{ "null-designation", "GISAs disabled and enabled while vcpus run: trap for a non-zero "
	  "designation of a switched-off GISA", null_designation, NULL },
	{ "regs-survive-reinit", "a device keeps its GISC registration across GISA "
	  "disable/enable and registers again: an ISC that must still alert",
	  regs_survive_reinit, NULL },
};

#define NR_SCENARIOS (sizeof(scenarios) / sizeof(scenarios[0]))

const struct sim_scenario *sim_scenario_find(const char *name)
{
	size_t i;

	for (i = 0; i < NR_SCENARIOS; i++)
		if (!strcmp(scenarios[i].name, name))
			return &scenarios[i];
	return NULL;
}

void sim_scenario_list(void)
{
	size_t i;

	for (i = 0; i < NR_SCENARIOS; i++)
		printf("%-20s %s\n", scenarios[i].name, scenarios[i].desc);
}
