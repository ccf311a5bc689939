/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/**
 * DOC: clocks of the user-space timers
 *
 * Every struct gib_pf_timer runs against a clock, the one that was the
 * process's default clock when gib_pf_timer_init() bound it.
 *
 * - %GIB_US_CLOCK_REAL: CLOCK_MONOTONIC. One thread per clock runs the
 *   callbacks, one at a time, in expiry order.
 * - %GIB_US_CLOCK_SIM: time stands still until gib_us_clock_run_until()
 *   moves it; that call runs every due callback in the calling thread, in
 *   expiry order, ties in start order, so a run is deterministic.
 *
 * Timer semantics (as hrtimer): gib_pf_timer_start() (re)queues at now +
 * delay, moving a queued timer; a callback's return value re-queues it at
 * now + value unless it is %GIB_PF_TIMER_STOP or the timer was started again
 * while the callback ran (the later start wins); gib_pf_timer_cancel()
 * dequeues and waits until a callback of that timer running on another thread
 * has returned. A callback may start and cancel *other* timers of its clock;
 * cancelling its own timer is a contract violation and aborts. Everything
 * before gib_pf_timer_start() happens before the callback it causes: queue
 * changes and callback dispatch synchronise through the clock's mutex.
 *
 * Concurrency table:
 *
 * ====================  =========  =========  ===========  =============
 * against ->            start      cancel     callback     run_until
 * ====================  =========  =========  ===========  =============
 * start / cancel        ok         ok         ok           ok
 * gib_us_clock_destroy  no         no         no           no
 * run_until (sim)       ok         ok         ok (1)       serialised (2)
 * ====================  =========  =========  ===========  =============
 *
 * (1) a callback must not call gib_us_clock_run_until() on its own clock.
 * (2) concurrent calls run one after the other.
 */
#ifndef LIBGIB_US_CLOCK_H
#define LIBGIB_US_CLOCK_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * enum gib_us_clock_kind - what moves a clock
 * @GIB_US_CLOCK_REAL: CLOCK_MONOTONIC, with a thread that runs the callbacks
 * @GIB_US_CLOCK_SIM: simulated time, moved by gib_us_clock_run_until()
 */
enum gib_us_clock_kind {
	GIB_US_CLOCK_REAL = 0,
	GIB_US_CLOCK_SIM = 1,
};

struct gib_us_clock;

/**
 * gib_us_clock_create() - create a clock
 * @kind: its kind
 *
 * A simulated clock starts at 0. A real clock starts its callback thread.
 *
 * Return: the clock, or NULL with errno EINVAL (unknown @kind), ENOMEM or
 * the error of pthread_create().
 */
struct gib_us_clock *gib_us_clock_create(enum gib_us_clock_kind kind);

/**
 * gib_us_clock_destroy() - destroy a clock
 * @c: the clock
 *
 * Return: 0; -EINVAL if @c is NULL; -EBUSY if timers are still bound to it
 * (gib_pf_timer_destroy() unbinds them), if it is the default clock, or if
 * called from its own callback thread (nothing changed).
 */
int gib_us_clock_destroy(struct gib_us_clock *c);

/**
 * gib_us_clock_now() - the clock's current time
 * @c: the clock
 *
 * Return: nanoseconds: CLOCK_MONOTONIC, or the simulated time.
 */
uint64_t gib_us_clock_now(struct gib_us_clock *c);

/**
 * gib_us_clock_next_expiry() - when the first queued timer expires
 * @c: the clock
 * @t: receives the absolute expiry in ns
 *
 * Return: 0; -ENOENT if no timer is queued; -EINVAL if a pointer is NULL.
 */
int gib_us_clock_next_expiry(struct gib_us_clock *c, uint64_t *t);

/**
 * gib_us_clock_run_until() - move a simulated clock forward to @t
 * @c: a %GIB_US_CLOCK_SIM clock
 * @t: the time to move to; a time before now runs what is due now and leaves
 *     the clock where it is
 *
 * Runs, in the calling thread, every callback that is due at or before @t,
 * including those that callbacks re-queue or start within that window: in
 * expiry order, ties in start order. While a callback runs, now is its expiry.
 * Afterwards now is @t.
 *
 * Return: the number of callbacks that ran; 0 also for a NULL or real clock.
 */
unsigned int gib_us_clock_run_until(struct gib_us_clock *c, uint64_t t);

/**
 * gib_us_clock_cancel_waiters() - cancels now waiting for a running callback
 * @c: the clock
 *
 * For tests that must know a gib_pf_timer_cancel() is blocked before they
 * let the callback finish, without sleeping.
 *
 * Return: the number of threads blocked in gib_pf_timer_cancel() on @c.
 */
unsigned int gib_us_clock_cancel_waiters(struct gib_us_clock *c);

/**
 * gib_us_set_default_clock() - choose the clock gib_pf_timer_init() binds to
 * @c: the clock, or NULL for the lazily created process-wide real clock
 *
 * Timers already bound keep their clock.
 */
void gib_us_set_default_clock(struct gib_us_clock *c);

/**
 * gib_us_default_clock() - the clock gib_pf_timer_init() binds to now
 *
 * Creates the process-wide real clock on first use if no clock was set.
 *
 * Return: the clock (never NULL: aborts if the real clock cannot be created).
 */
struct gib_us_clock *gib_us_default_clock(void);

#ifdef __cplusplus
}
#endif

#endif /* LIBGIB_US_CLOCK_H */
