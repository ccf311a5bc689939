/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/**
 * DOC: the C-level checker's explorer
 *
 * A scenario sets up libgib state, spawns a few threads and names the
 * invariants that must hold at every end state. gib_ck_explore() runs it
 * again and again, one schedule per run, until every schedule with at most
 * a given number of preemptions was tried (CHESS's iterative context
 * bounding; a switch at a blocked, finished or yielding thread is free).
 * Threads are coroutines on one OS thread; each contract operation of
 * <gib_backend.h> is a scheduling point, so every run is sequentially
 * consistent. A run fails on an invariant, a use of freed memory, a GISA
 * freed while linked, a deadlock, or more than the step bound (a call that
 * does not terminate: a livelock).
 *
 * Backend daemons: each kick timer (a coroutine that runs its callback when
 * started, and asks to run again after the others when the callback says
 * so) and each host's GAL handler (runs gib_gal_interrupt() when a push
 * raised a GAL). An end state is one where every scenario thread returned
 * and every daemon and sleeping vcpu is blocked.
 */
#ifndef GIB_CHECK_H
#define GIB_CHECK_H

#include <libgib/libgib.h>

/**
 * struct gib_ck_scenario - one scenario
 * @name: its name (argv selects it)
 * @setup: builds the state and spawns the threads; runs outside any
 *         thread, where scheduling points do nothing
 * @check: the end-state invariants; calls gib_ck_fail() on a violation
 * @teardown: frees what @setup built (may be NULL); runs after @check or a
 *            failure, outside any thread
 * @bound: preemption bound of the default (suite) mode
 * @long_bound: preemption bound of the long mode
 */
struct gib_ck_scenario {
	const char *name;
	void (*setup)(void);
	void (*check)(void);
	void (*teardown)(void);
	unsigned int bound;
	unsigned int long_bound;
};

/**
 * struct gib_ck_stats - what an exploration did
 * @schedules: runs (one schedule each)
 * @steps: scheduling points over all runs
 * @max_steps: the longest run
 * @end_states: distinct end states (hash of the checked state)
 * @failed: a run failed
 * @msg: its message
 */
struct gib_ck_stats {
	unsigned long long schedules;
	unsigned long long steps;
	unsigned long max_steps;
	unsigned long end_states;
	bool failed;
	char msg[512];
};

/**
 * gib_ck_explore() - explore every schedule of @sc up to @bound preemptions
 * @sc: the scenario
 * @bound: the preemption bound
 * @max_runs: stop after this many runs (0: no limit)
 * @st: the result
 *
 * Return: 0 if every run passed, 1 if one failed (@st->msg says why).
 */
int gib_ck_explore(const struct gib_ck_scenario *sc, unsigned int bound,
		   unsigned long long max_runs, struct gib_ck_stats *st);

/**
 * gib_ck_spawn() - create a scenario thread (from @setup)
 * @fn: its body
 * @arg: its argument
 */
void gib_ck_spawn(void (*fn)(void *arg), void *arg);

/**
 * gib_ck_spawn_sleeper() - create a thread that may stay blocked at the end
 * @fn: its body (a vcpu that sleeps when it has nothing to do)
 * @arg: its argument
 */
void gib_ck_spawn_sleeper(void (*fn)(void *arg), void *arg);

/**
 * gib_ck_block_until() - block the current thread until @pred(@arg) holds
 * @pred: the condition, evaluated by the explorer between steps
 * @arg: its argument
 */
void gib_ck_block_until(bool (*pred)(void *arg), void *arg);

/**
 * gib_ck_fail() - fail the current run
 * @fmt: printf format of the message
 */
void gib_ck_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/** gib_ck_read_lock() - enter a reader section (what gib_pf_synchronize() waits for) */
void gib_ck_read_lock(void);

/** gib_ck_read_unlock() - leave a reader section */
void gib_ck_read_unlock(void);

/**
 * gib_ck_raise_gal() - the machine raises a GAL interruption on @host
 * @host: the host; its GAL daemon runs gib_gal_interrupt() (a pending one
 *        absorbs this one, as on the machine)
 */
void gib_ck_raise_gal(struct gib_host *host);

/**
 * gib_ck_gal_pending() - whether a GAL interruption of @host is pending
 * @host: the host
 *
 * Return: true if one is.
 */
bool gib_ck_gal_pending(struct gib_host *host);

/**
 * gib_ck_hash() - mix a value into the run's end-state hash (from @check)
 * @v: the value
 */
void gib_ck_hash(uint64_t v);

/**
 * gib_ck_arena_live() - arena slots allocated and not freed
 *
 * Return: their number.
 */
unsigned int gib_ck_arena_live(void);

#endif /* GIB_CHECK_H */
