// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * The 31-bit arena and the reader protection behind gib_pf_free31(): every
 * error code, slot reuse and zeroing, address translation, the lazy default
 * arena, the failure hook, and that a slot is not reused while a reader that
 * may have found it is still inside its section.
 */
#include <libgib/platform.h>
#include <libgib-us/arena.h>
#include <libgib-us/rcu.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <string.h>
#include <cmocka.h>

#if defined(__SANITIZE_ADDRESS__)
#define TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TEST_ASAN 1
#endif
#endif
#ifdef TEST_ASAN
#include <sanitizer/asan_interface.h>
#endif

static int teardown_arena(void **state)
{
	/* Tests leave nothing allocated; -ENOENT if no arena was left set up. */
	int rc = gib_us_arena_fini();

	(void)state;
	return rc == 0 || rc == -ENOENT ? 0 : -1;
}

static void test_init_errors(void **state)
{
	(void)state;
	assert_int_equal(gib_us_arena_init(0, 0x10000), -EINVAL);
	assert_int_equal(gib_us_arena_init(100, 0x10000), -EINVAL);
	assert_int_equal(gib_us_arena_init(4096, 0x10010), -EINVAL);
	assert_int_equal(gib_us_arena_init(4096, 0x800), -ERANGE);
	assert_int_equal(gib_us_arena_init(4096, 0), -ERANGE);
	assert_int_equal(gib_us_arena_init(0x2000, 0x7ffff000), -ERANGE);
	/* Exactly up to 2 GiB is fine. */
	assert_int_equal(gib_us_arena_init(0x1000, 0x7ffff000), 0);
	assert_int_equal(gib_us_arena_init(4096, 0x10000), -EBUSY);
	assert_int_equal(gib_us_arena_fini(), 0);
	assert_int_equal(gib_us_arena_fini(), -ENOENT);
}

static void test_alloc_sizes_and_translation(void **state)
{
	uint64_t maddr;
	char *p, *q;
	int x;

	(void)state;
	assert_int_equal(gib_us_arena_init(16 * GIB_US_ARENA_SLOT, 0x40000), 0);
	assert_null(gib_pf_alloc31(0));
	assert_null(gib_pf_alloc31(GIB_US_ARENA_SLOT + 1));
	p = gib_pf_alloc31(1);
	q = gib_pf_alloc31(GIB_US_ARENA_SLOT);
	assert_non_null(p);
	assert_non_null(q);
	assert_int_equal(gib_us_arena_used(), 2);

	maddr = gib_pf_virt_to_maddr(p);
	assert_int_equal(maddr, 0x40000);
	assert_int_equal(gib_pf_virt_to_maddr(q), 0x40000 + GIB_US_ARENA_SLOT);
	assert_ptr_equal(gib_pf_maddr_to_virt((uint32_t)maddr), p);
	assert_ptr_equal(gib_pf_maddr_to_virt(0x40000 + GIB_US_ARENA_SLOT + 8), q + 8);
	assert_int_equal(gib_pf_virt_to_maddr(p + 17), 0x40000 + 17);
	/* Not arena memory: the machine cannot address it. */
	assert_true(gib_pf_virt_to_maddr(&x) == GIB_PF_NO_MADDR);
	assert_true(gib_pf_virt_to_maddr(NULL) == GIB_PF_NO_MADDR);

	for (x = 0; x < (int)GIB_US_ARENA_SLOT; x++)
		assert_int_equal(p[x], 0);
	gib_pf_free31(p);
	gib_pf_free31(q);
	gib_pf_free31(NULL);
	assert_int_equal(gib_us_arena_used(), 0);
	assert_int_equal(gib_us_arena_fini(), 0);
	/* After fini nothing translates. */
	assert_true(gib_pf_virt_to_maddr(p) == GIB_PF_NO_MADDR);
}

static void test_full_reuse_zeroed(void **state)
{
	char *s[4];
	char *again;
	int i;

	(void)state;
	assert_int_equal(gib_us_arena_init(4 * GIB_US_ARENA_SLOT, 0x1000), 0);
	for (i = 0; i < 4; i++) {
		s[i] = gib_pf_alloc31(32);
		assert_non_null(s[i]);
		assert_int_equal((uintptr_t)s[i] % GIB_US_ARENA_SLOT, 0);
		assert_true(gib_pf_virt_to_maddr(s[i]) >= GIB_US_ARENA_MIN_MADDR);
		memset(s[i], 0xa5, GIB_US_ARENA_SLOT);
	}
	assert_null(gib_pf_alloc31(32));	/* full */
	assert_int_equal(gib_us_arena_fini(), -EBUSY);
	gib_pf_free31(s[2]);
	again = gib_pf_alloc31(GIB_US_ARENA_SLOT);
	assert_ptr_equal(again, s[2]);
	for (i = 0; i < (int)GIB_US_ARENA_SLOT; i++)
		assert_int_equal(again[i], 0);
	for (i = 0; i < 4; i++)
		gib_pf_free31(s[i]);
	assert_int_equal(gib_us_arena_fini(), 0);
}

static void test_fail_next_allocs(void **state)
{
	void *p;

	(void)state;
	assert_int_equal(gib_us_arena_init(4 * GIB_US_ARENA_SLOT, 0x2000), 0);
	gib_us_arena_fail_next_allocs(2);
	/* Invalid sizes do not use up the failures. */
	assert_null(gib_pf_alloc31(0));
	assert_null(gib_pf_alloc31(8));
	assert_null(gib_pf_alloc31(8));
	p = gib_pf_alloc31(8);
	assert_non_null(p);
	gib_pf_free31(p);
	gib_us_arena_fail_next_allocs(5);
	gib_us_arena_fail_next_allocs(0);
	p = gib_pf_alloc31(8);
	assert_non_null(p);
	gib_pf_free31(p);
	assert_int_equal(gib_us_arena_used(), 0);
}

static void test_lazy_default(void **state)
{
	void *p;

	(void)state;
	assert_int_equal(gib_us_arena_fini(), -ENOENT);
	p = gib_pf_alloc31(32);
	assert_non_null(p);
	assert_int_equal(gib_pf_virt_to_maddr(p), GIB_US_ARENA_DEFAULT_MADDR);
	assert_int_equal(gib_us_arena_init(4096, 0x10000), -EBUSY);
	gib_pf_free31(p);
	assert_int_equal(gib_us_arena_fini(), 0);
}

/* A reader holds its section while another thread frees the only slot. */
struct grace {
	void *slot;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool freer_started;
	int freed;	/* atomic: gib_pf_free31() returned */
};

static void *freer(void *arg)
{
	struct grace *g = arg;

	pthread_mutex_lock(&g->lock);
	g->freer_started = true;
	pthread_cond_broadcast(&g->cond);
	pthread_mutex_unlock(&g->lock);
	gib_pf_free31(g->slot);
	__atomic_store_n(&g->freed, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

static void test_free_waits_for_readers(void **state)
{
	struct grace g = {
		.lock = PTHREAD_MUTEX_INITIALIZER,
		.cond = PTHREAD_COND_INITIALIZER,
	};
	pthread_t t;
	int i;

	(void)state;
	assert_int_equal(gib_us_arena_init(GIB_US_ARENA_SLOT, 0x3000), 0);
	g.slot = gib_pf_alloc31(64);
	assert_non_null(g.slot);
	memset(g.slot, 0x5a, 64);

	gib_us_thread_online();
	gib_us_read_lock();
	assert_int_equal(pthread_create(&t, NULL, freer, &g), 0);
	pthread_mutex_lock(&g.lock);
	while (!g.freer_started)
		pthread_cond_wait(&g.cond, &g.lock);
	pthread_mutex_unlock(&g.lock);
	/*
	 * Whether or not the freer has reached its grace period yet, the slot
	 * must neither be handed out again nor be overwritten while we read.
	 */
	for (i = 0; i < 1000; i++) {
		assert_null(gib_pf_alloc31(64));
		assert_int_equal(((unsigned char *)g.slot)[i % 64], 0x5a);
		assert_int_equal(__atomic_load_n(&g.freed, __ATOMIC_SEQ_CST), 0);
		sched_yield();
	}
	gib_us_read_unlock();
	assert_int_equal(pthread_join(t, NULL), 0);
	gib_us_thread_offline();
	assert_int_equal(g.freed, 1);
	assert_ptr_equal(gib_pf_alloc31(64), g.slot);
	gib_pf_free31(g.slot);
	assert_int_equal(gib_us_arena_fini(), 0);
}

/* Under ASan a freed slot is poisoned until it is handed out again. */
static void test_freed_slot_poisoned(void **state)
{
#ifdef TEST_ASAN
	char *p;

	(void)state;
	assert_int_equal(gib_us_arena_init(2 * GIB_US_ARENA_SLOT, 0x4000), 0);
	p = gib_pf_alloc31(64);
	assert_non_null(p);
	assert_false(__asan_address_is_poisoned(p + 8));
	gib_pf_free31(p);
	assert_true(__asan_address_is_poisoned(p));
	assert_true(__asan_address_is_poisoned(p + GIB_US_ARENA_SLOT - 1));
	assert_ptr_equal(gib_pf_alloc31(64), p);
	assert_false(__asan_address_is_poisoned(p + 8));
	gib_pf_free31(p);
	assert_int_equal(gib_us_arena_fini(), 0);
#else
	(void)state;
	skip();
#endif
}

static void test_nested_read_sections(void **state)
{
	(void)state;
	gib_us_thread_online();
	gib_us_read_lock();
	gib_us_read_lock();
	gib_us_read_unlock();
	gib_us_read_unlock();
	/* No reader left: a grace period ends at once. */
	gib_us_synchronize();
	gib_us_thread_offline();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_init_errors, teardown_arena),
		cmocka_unit_test_teardown(test_alloc_sizes_and_translation, teardown_arena),
		cmocka_unit_test_teardown(test_full_reuse_zeroed, teardown_arena),
		cmocka_unit_test_teardown(test_fail_next_allocs, teardown_arena),
		cmocka_unit_test_teardown(test_lazy_default, teardown_arena),
		cmocka_unit_test_teardown(test_free_waits_for_readers, teardown_arena),
		cmocka_unit_test_teardown(test_freed_slot_poisoned, teardown_arena),
		cmocka_unit_test(test_nested_read_sections),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
