/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/**
 * DOC: reader protection of the user-space backend
 *
 * gib_pf_free31() hands memory back only once every reader that may have
 * found it is gone. A reader is a section between gib_us_read_lock() and
 * gib_us_read_unlock(); the machine model runs every adapter interruption
 * inside one, and so must any other code that finds a GISA through a guest's
 * origin concurrently with gib_gisa_destroy().
 *
 * - ``urcu`` mode: liburcu's default flavour. A reader section is an RCU
 *   read-side critical section, a grace period is synchronize_rcu().
 * - ``tsan`` mode: a process-wide pthread rwlock that ThreadSanitizer
 *   understands. Readers hold it for reading; a grace period takes it for
 *   writing and drops it at once.
 *
 * Rules, in both modes:
 *
 * - Every thread that calls gib_us_read_lock() must be online: call
 *   gib_us_thread_online() once when it starts and gib_us_thread_offline()
 *   before it ends (urcu: rcu_register_thread() / rcu_unregister_thread();
 *   tsan mode: nothing, but call them anyway so both builds stay correct).
 * - Reader sections may nest, but must not wait for a grace period:
 *   gib_pf_free31() and gib_us_synchronize() inside one deadlock (so does
 *   gib_gisa_destroy()).
 * - Any thread, online or not, may wait for a grace period.
 */
#ifndef LIBGIB_US_RCU_H
#define LIBGIB_US_RCU_H

#ifdef __cplusplus
extern "C" {
#endif

/**
 * gib_us_thread_online() - register the calling thread as a reader
 *
 * Call once per thread before its first gib_us_read_lock().
 */
void gib_us_thread_online(void);

/**
 * gib_us_thread_offline() - undo gib_us_thread_online()
 *
 * Call outside any reader section, before the thread ends.
 */
void gib_us_thread_offline(void);

/**
 * gib_us_read_lock() - enter a reader section
 *
 * The calling thread must be online (gib_us_thread_online()).
 */
void gib_us_read_lock(void);

/**
 * gib_us_read_unlock() - leave a reader section
 */
void gib_us_read_unlock(void);

/**
 * gib_us_synchronize() - wait until every reader section that began before
 *                        the call has ended
 *
 * Must not be called inside a reader section.
 */
void gib_us_synchronize(void);

#ifdef __cplusplus
}
#endif

#endif /* LIBGIB_US_RCU_H */
