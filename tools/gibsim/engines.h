/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * The two engines over the model of sim.h.
 */
#ifndef GIBSIM_ENGINES_H
#define GIBSIM_ENGINES_H

#include "sim.h"

/**
 * sim_run_deterministic() - a discrete-event run on a simulated clock
 * @s: the simulation, zeroed apart from @s->o and @s->trace
 *
 * Single-threaded: the same options give the same run, event for event.
 *
 * Return: 0 when the run finished (lost and stalled are in @s->st), or a
 * negative errno if the model could not be built.
 */
int sim_run_deterministic(struct sim *s);

/**
 * sim_run_concurrent() - a run on real threads and a real clock
 * @s: the simulation, zeroed apart from @s->o and @s->trace
 *
 * Device threads raise AIs, a host thread handles deferred GAL
 * interruptions and life-cycle events, the clock's thread runs the kick
 * timers and every vcpu has a thread that runs, waits and wakes.
 *
 * Return: as sim_run_deterministic().
 */
int sim_run_concurrent(struct sim *s);

/**
 * sim_progress() - the progress line on stderr, when it is a terminal
 * @s: the simulation
 * @t_ns: the engine's time
 * @final: the run ended: clear the line
 */
void sim_progress(struct sim *s, uint64_t t_ns, bool final);

#endif /* GIBSIM_ENGINES_H */
