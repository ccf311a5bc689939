// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Reader sections and grace periods: liburcu's default flavour, or (tsan
 * mode) a rwlock, because ThreadSanitizer cannot follow liburcu's
 * membarrier-based grace periods.
 */
#include <libgib-us/rcu.h>

#ifdef GIB_US_SYNC_TSAN
#include <pthread.h>

/*
 * Readers hold it shared, a grace period takes it exclusive once. glibc's
 * default rwlock prefers readers, so nested read locks cannot deadlock behind
 * a waiting writer.
 */
static pthread_rwlock_t gib_us_grace = PTHREAD_RWLOCK_INITIALIZER;

void gib_us_thread_online(void)
{
}

void gib_us_thread_offline(void)
{
}

void gib_us_read_lock(void)
{
	pthread_rwlock_rdlock(&gib_us_grace);
}

void gib_us_read_unlock(void)
{
	pthread_rwlock_unlock(&gib_us_grace);
}

void gib_us_synchronize(void)
{
	/* Every reader that held it before us has left once we get it. */
	pthread_rwlock_wrlock(&gib_us_grace);
	pthread_rwlock_unlock(&gib_us_grace);
}

#else
#include <urcu.h>

void gib_us_thread_online(void)
{
	rcu_register_thread();
}

void gib_us_thread_offline(void)
{
	rcu_unregister_thread();
}

void gib_us_read_lock(void)
{
	rcu_read_lock();
}

void gib_us_read_unlock(void)
{
	rcu_read_unlock();
}

void gib_us_synchronize(void)
{
	synchronize_rcu();
}
#endif

void gib_pf_synchronize(void)
{
	gib_us_synchronize();
}
