// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * The core's lock on a pthread mutex. POSIX makes lock an acquire and unlock
 * a release, which is all the contract asks. A failing mutex call means a
 * corrupted lock or a contract violation (unlocking a lock not held); the
 * contract's void signatures leave no way to report it, so abort.
 */
#include <libgib/platform.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void check(int rc, const char *what)
{
	if (rc) {
		fprintf(stderr, "libgib-us: %s: %s\n", what, strerror(rc));
		abort();
	}
}

void gib_pf_lock_init(struct gib_pf_lock *l)
{
	check(pthread_mutex_init(&l->mutex, NULL), "pthread_mutex_init");
}

void gib_pf_lock_destroy(struct gib_pf_lock *l)
{
	check(pthread_mutex_destroy(&l->mutex), "pthread_mutex_destroy");
}

void gib_pf_lock(struct gib_pf_lock *l)
{
	check(pthread_mutex_lock(&l->mutex), "pthread_mutex_lock");
	l->owner = pthread_self();
	/* Relaxed: only the owner's own assertion needs both, in its order. */
	__atomic_store_n(&l->held, true, __ATOMIC_RELAXED);
}

void gib_pf_unlock(struct gib_pf_lock *l)
{
	__atomic_store_n(&l->held, false, __ATOMIC_RELAXED);
	check(pthread_mutex_unlock(&l->mutex), "pthread_mutex_unlock");
}

void gib_pf_lock_assert_held(struct gib_pf_lock *l)
{
	/*
	 * Another thread may lock or unlock meanwhile, but only the caller
	 * can make "held by me" true or false: if it holds @l, @held and
	 * @owner are its own stores; if it does not, @owner is not itself.
	 */
	if (!__atomic_load_n(&l->held, __ATOMIC_RELAXED) ||
	    !pthread_equal(l->owner, pthread_self())) {
		fprintf(stderr, "libgib-us: a *_locked helper ran without its lock\n");
		abort();
	}
}
