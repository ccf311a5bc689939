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
}

void gib_pf_unlock(struct gib_pf_lock *l)
{
	check(pthread_mutex_unlock(&l->mutex), "pthread_mutex_unlock");
}
