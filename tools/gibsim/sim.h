/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * The model both engines drive: a host with its machine, guests with vcpus
 * and devices, and the guest-side accounting of every device event.
 *
 * Devices behave as real adapters do: an event bumps the device's indicator
 * and sets the guest's summary indicator of its ISC, then raises the AI. The
 * guest's handler, run when an AI on an ISC is delivered to a vcpu, clears
 * the summary and takes every indicator of that ISC's devices. Several AIs
 * on one ISC collapse into one IPM bit; the indicators still count every
 * event, so an event is delivered exactly when a handler takes it, and lost
 * when it is still in an indicator after the drain.
 */
#ifndef GIBSIM_SIM_H
#define GIBSIM_SIM_H

#include <libgib/libgib.h>
#include <libgib-us/clock.h>
#include <libgib-us/machine.h>
#include <libgib-us/rcu.h>

#include <pthread.h>
#include <stdio.h>

#include "options.h"
#include "prng.h"
#include "stats.h"

struct sim;
struct sim_guest;

/** SIM_RING - raise times a device keeps for latency; more outstanding throttle it */
#define SIM_RING 4096u

/** enum sim_kind - how an interruption reached the vcpu whose handler ran */
enum sim_kind {
	SIM_IN_SIE = 0,		/* the machine presented it to a vcpu in SIE */
	SIM_BY_HOST = 1,	/* the host took it from the IPM at SIE entry */
};

/**
 * struct sim_device - one adapter of a guest
 * @g: its guest
 * @idx: index in the whole simulation
 * @isc: the guest ISC it raises
 * @host_injected: the host emulates it (gib_inject_ai) instead of the machine
 * @indicator: events raised and not yet taken by a handler (atomic); real
 *             adapters keep a bit, a count also tells how many events it held
 * @raised: events raised (owner thread; read by others only after the run)
 * @consumed: events taken, under @lock (read atomically by the owner)
 * @ring: raise times, indexed by event number mod %SIM_RING
 * @lock: serialises handlers taking this device's indicator
 * @next_ns: next arrival (deterministic engine)
 * @throttled: events not raised because @ring was full
 */
struct sim_device {
	struct sim_guest *g;
	unsigned int idx;
	unsigned int isc;
	bool host_injected;
	uint64_t indicator;
	uint64_t raised;
	uint64_t consumed;
	uint64_t *ring;
	pthread_mutex_t lock;
	uint64_t next_ns;
	uint64_t throttled;
};

/** enum sim_vstate - what a vcpu does (deterministic engine) */
enum sim_vstate {
	SIM_V_OUT = 0,		/* outside SIE, not waiting */
	SIM_V_SIE = 1,		/* running in SIE */
	SIM_V_WAIT = 2,		/* in enabled wait, asleep */
	SIM_V_STOPPED = 3,	/* stopped, or dead after a validity intercept */
};

/**
 * struct sim_vcpu - one vcpu: the core's part and the engine's
 * @v: the core's vcpu
 * @g: its guest
 * @idx: its index in the guest
 * @cr6_mask: the ISCs it enables in CR6
 * @idle_ns: mean own-work wake while waiting (0: only kicks wake it)
 * @stopped: it never runs
 * @dead: a validity intercept ended it (atomic)
 * @prng: its random numbers (concurrent engine)
 * @state: enum sim_vstate (deterministic engine)
 * @epoch: bumps on every state change, so stale events are ignored
 * @wake_pending: a wake-up is on its way (deterministic)
 * @woken: a wake-up was posted (concurrent, under @mx)
 * @mx: protects @woken and the sleep
 * @cv: the vcpu sleeps on it
 * @run_lock: held while in SIE (concurrent); the host takes it to keep the
 *            vcpu out of SIE during GISA life-cycle changes
 * @thread: its thread (concurrent)
 * @paused_in_sie: it was in SIE when the host paused its guest (deterministic)
 */
struct sim_vcpu {
	struct gib_vcpu v;
	struct sim_guest *g;
	unsigned int idx;
	uint8_t cr6_mask;
	uint64_t idle_ns;
	bool stopped;
	int dead;
	struct sim_prng prng;
	enum sim_vstate state;
	uint64_t epoch;
	bool wake_pending;
	int woken;
	pthread_mutex_t mx;
	pthread_cond_t cv;
	pthread_mutex_t run_lock;
	pthread_t thread;
	bool paused_in_sie;
};

/**
 * struct sim_guest - one guest
 * @gi: the core's guest
 * @s: the simulation
 * @idx: its index
 * @vcpus: its vcpus
 * @nr_vcpus: how many
 * @devs: its devices
 * @nr_devs: how many
 * @summary: adapter summary indicator per ISC (atomic)
 * @machine_iscs: ISCs of its machine devices (registered GISCs)
 * @off: its GISA is disabled (a disable window runs)
 * @pause_req: the host wants its vcpus out of SIE (concurrent, atomic)
 * @life: devices hold it for reading while raising, the host for writing
 *        across a GISA life-cycle change (concurrent engine)
 */
struct sim_guest {
	struct gib_guest gi;
	struct sim *s;
	unsigned int idx;
	struct sim_vcpu *vcpus;
	unsigned int nr_vcpus;
	struct sim_device **devs;
	unsigned int nr_devs;
	uint8_t summary[8];
	uint8_t machine_iscs;
	int off;
	int pause_req;
	pthread_rwlock_t life;
};

/**
 * struct sim_engine_ops - what the model asks of the engine that drives it
 * @now: the engine's time in ns
 * @wake: a wake_vcpu callback for @sv (from a kick or an injection)
 * @drained: called when the last outstanding event was consumed while
 *           draining; may be NULL
 * @unlinked: the host unlinked one GISA of a cut (--walk-ns); may be NULL
 */
struct sim_engine_ops {
	uint64_t (*now)(struct sim *s);
	void (*wake)(struct sim *s, struct sim_vcpu *sv);
	void (*drained)(struct sim *s);
	void (*unlinked)(struct sim *s);
};

/**
 * struct sim - one simulation
 * @o: the options
 * @ops: the engine
 * @engine: the engine's state
 * @machine: the machine model
 * @host: the host
 * @clock: the clock of the kick timers
 * @guests: the guests
 * @devs: every device
 * @nr_devs: how many
 * @st: the counters
 * @trace: the trace writer, NULL without --trace
 * @draining: no new AIs and no own-work wake-ups any more (atomic)
 * @outstanding: events raised and not yet consumed (atomic)
 * @last_progress: time of the last consumption (atomic)
 * @gal_count: GAL interruptions handled, for --cycle-every (host only)
 * @vcpus: every vcpu, guest by guest
 * @nr_vcpus: how many
 * @customize: the scenario's touch on the built model, or NULL
 * @lost: events still in indicators when the run ended (sim_finish())
 */
struct sim {
	const struct sim_opts *o;
	const struct sim_engine_ops *ops;
	void *engine;
	struct gib_us_machine machine;
	struct gib_host host;
	struct gib_us_clock *clock;
	struct sim_guest *guests;
	struct sim_device *devs;
	unsigned int nr_devs;
	struct sim_stats st;
	struct sim_trace *trace;
	int draining;
	uint64_t outstanding;
	uint64_t last_progress;
	uint64_t gal_count;
	struct sim_vcpu **vcpus;
	unsigned int nr_vcpus;
	void (*customize)(struct sim *s);
	uint64_t lost;
};

/**
 * sim_build() - set up host, guests, GISAs, vcpus and devices
 * @s: zeroed, with @s->o and @s->ops set
 * @clock: the kick timers' clock (made the default before the guests exist)
 *
 * Return: 0, or a negative errno with a message printed.
 */
int sim_build(struct sim *s, struct gib_us_clock *clock);

/**
 * sim_teardown() - unregister, destroy and free everything sim_build() made
 * @s: the simulation
 */
void sim_teardown(struct sim *s);

/**
 * sim_raise() - a device event: indicator, summary, then the AI
 * @s: the simulation
 * @d: the device
 * @res: receives the machine's outcome (machine devices), may be NULL
 *
 * Runs the handler itself when the machine delivered in SIE. The caller is
 * online and, in the concurrent engine, holds the guest's @life for reading.
 *
 * Return: 1 if raised, 0 if throttled, negative errno from the machine.
 */
int sim_raise(struct sim *s, struct sim_device *d, struct gib_us_ai_result *res);

/**
 * sim_handle() - the guest's handler for an AI on @isc delivered to @sv
 * @s: the simulation
 * @sv: the vcpu it was delivered to
 * @isc: the ISC
 * @kind: how it was delivered
 *
 * Return: the events it consumed.
 */
uint64_t sim_handle(struct sim *s, struct sim_vcpu *sv, unsigned int isc, enum sim_kind kind);

/**
 * sim_take_all() - deliver every deliverable pending AI to @sv
 * @s: the simulation
 * @sv: the vcpu, in SIE
 * @kind: %SIM_BY_HOST at SIE entry, %SIM_IN_SIE when the machine finds them
 *        (I/O enabled again, or a host injection noticed in SIE)
 *
 * Return: the number of interruptions delivered.
 */
unsigned int sim_take_all(struct sim *s, struct sim_vcpu *sv, enum sim_kind kind);

/**
 * sim_sie_valid() - the machine's check of the SIE GISA designation
 * @sv: the vcpu about to enter SIE
 *
 * The designation must be 0 with AIV off, or name the guest's live GISA
 * with AIV on. A bad one is a validity intercept: the vcpu is dead.
 *
 * Return: true if it may enter SIE.
 */
bool sim_sie_valid(struct sim_vcpu *sv);

/**
 * sim_cycle_target() - the guest whose GISA heads the alert list
 * @s: the simulation
 *
 * Host context (only the host destroys GISAs, so the answer stays valid).
 *
 * Return: the guest, or NULL if the list is empty.
 */
struct sim_guest *sim_cycle_target(struct sim *s);

/**
 * sim_cycle_begin() - destroy or disable @g's GISA (--cycle)
 * @s: the simulation
 * @g: the guest; its vcpus are out of SIE and its devices quiet
 *
 * Unregisters its GISCs first, as devices do when they are detached.
 */
void sim_cycle_begin(struct sim *s, struct sim_guest *g);

/**
 * sim_cycle_end() - enable @g's GISA again
 * @s: the simulation
 * @g: the guest; its vcpus are out of SIE and its devices quiet
 *
 * Creates and designates the GISA, registers the GISCs, sets the kick
 * period and re-signals every ISC whose indicators are still set: the
 * pending AIs of the old GISA went with it, the devices' indicators did not.
 *
 * Return: true if a re-signal raised a GAL interruption.
 */
bool sim_cycle_end(struct sim *s, struct sim_guest *g);

/**
 * sim_gal_due_cycle() - count one handled GAL, say whether to cycle first
 * @s: the simulation
 *
 * Return: true on every --cycle-every'th GAL when --cycle is not none.
 */
bool sim_gal_due_cycle(struct sim *s);

/**
 * sim_gal_handle() - the host's GAL handler: process the alert list
 * @s: the simulation
 */
void sim_gal_handle(struct sim *s);

/**
 * sim_finish() - count what is still in indicators, before the teardown
 * @s: the simulation, quiet
 *
 * Sets @s->lost and checks it against the counters: raised = delivered in
 * SIE + delivered after alert + lost.
 *
 * Return: 0, or -1 (with a message) if the accounting does not balance.
 */
int sim_finish(struct sim *s);

#endif /* GIBSIM_SIM_H */
