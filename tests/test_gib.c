/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * The GIB life cycle (src/gib.c): gib_init() with every error it documents,
 * each of which must leave the host byte for byte as it was and the machine
 * without a GIB or a GAL handler (fault injection makes "set GIB" and the
 * handler registration fail, the arena makes the allocation fail); the GIB
 * in the machine's raw bytes (origin NULL, the NISC in byte 8); and
 * gib_destroy(), which refuses while a GISA lives.
 */
#include "gib_test.h"

static const unsigned int bad_niscs[] = { 8, 9, 64, 255, 256, ~0u };

/* The machine knows no GIB and no GAL handler; no arena slot is in use. */
static void assert_machine_clean(struct t_env *e, size_t used)
{
	assert_int_equal(gib_us_machine_gib(&e->m), 0);
	assert_false(gib_us_machine_gal_registered(&e->m, NULL));
	assert_int_equal(gib_us_arena_used(), used);
}

static void test_init_null(void **state)
{
	(void)state;
	assert_int_equal(gib_init(NULL, GIB_GAL_ISC), -EINVAL);
	assert_int_equal(gib_init(NULL, 8), -EINVAL);
}

static void test_init_bad_nisc(void **state)
{
	struct gib_us_machine_config cfg = t_cfg(true, true);
	struct t_env e;
	struct gib_host copy;
	unsigned int i;

	(void)state;
	t_env_attach(&e, &cfg);
	copy = e.host;
	for (i = 0; i < sizeof(bad_niscs) / sizeof(bad_niscs[0]); i++) {
		assert_int_equal(gib_init(&e.host, bad_niscs[i]), -ERANGE);
		assert_memory_equal(&e.host, &copy, sizeof(copy));
		assert_machine_clean(&e, 0);
	}
	t_env_down(&e);
}

static void test_init_no_aiv(void **state)
{
	struct gib_us_machine_config cfg = t_cfg(false, true);
	struct gib_host detached, copy;
	struct t_env e;

	(void)state;
	t_env_attach(&e, &cfg);
	copy = e.host;
	assert_int_equal(gib_init(&e.host, GIB_GAL_ISC), -ENODEV);
	assert_memory_equal(&e.host, &copy, sizeof(copy));
	assert_machine_clean(&e, 0);
	t_env_down(&e);

	/* A host no machine was attached to is the caller's mistake, not "no AIV". */
	memset(&detached, 0, sizeof(detached));
	copy = detached;
	assert_int_equal(gib_init(&detached, GIB_GAL_ISC), -EINVAL);
	assert_memory_equal(&detached, &copy, sizeof(copy));
	assert_int_equal(gib_us_arena_used(), 0);
}

static void test_init_no_memory(void **state)
{
	struct gib_us_machine_config cfg = t_cfg(true, false);
	struct gib_host copy;
	struct t_env e;

	(void)state;
	t_env_attach(&e, &cfg);
	copy = e.host;
	gib_us_arena_fail_next_allocs(1);
	assert_int_equal(gib_init(&e.host, GIB_GAL_ISC), -ENOMEM);
	assert_memory_equal(&e.host, &copy, sizeof(copy));
	assert_machine_clean(&e, 0);
	/* The failure is used up: the next attempt works. */
	assert_int_equal(gib_init(&e.host, GIB_GAL_ISC), 0);
	t_env_down(&e);
}

static void test_init_gal_register_fails(void **state)
{
	struct gib_us_machine_config cfg = t_cfg(true, false);
	struct gib_host copy;
	struct t_env e;

	(void)state;
	t_env_attach(&e, &cfg);
	copy = e.host;
	assert_int_equal(gib_us_machine_fail_next(&e.m, GIB_US_FAULT_GAL_REGISTER, 1), 0);
	assert_int_equal(gib_init(&e.host, 2), -EIO);
	assert_memory_equal(&e.host, &copy, sizeof(copy));
	/* The GIB it had allocated is back in the arena. */
	assert_machine_clean(&e, 0);
	assert_int_equal(gib_init(&e.host, 2), 0);
	t_env_down(&e);
}

static void test_init_set_gib_fails(void **state)
{
	struct gib_us_machine_config cfg = t_cfg(true, false);
	struct gib_host copy;
	struct t_env e;

	(void)state;
	t_env_attach(&e, &cfg);
	copy = e.host;
	assert_int_equal(gib_us_machine_fail_next(&e.m, GIB_US_FAULT_SET_GIB, 1), 0);
	assert_int_equal(gib_init(&e.host, 6), -EIO);
	assert_memory_equal(&e.host, &copy, sizeof(copy));
	/* The handler registered before "set GIB" was unregistered again. */
	assert_machine_clean(&e, 0);
	assert_int_equal(gib_init(&e.host, 6), 0);
	t_env_down(&e);
}

static void test_init_already(void **state)
{
	struct gib_host copy;
	struct t_env e;
	uint8_t nisc = 0xff;

	(void)state;
	t_env_up(&e, false, 4);
	copy = e.host;
	assert_int_equal(gib_init(&e.host, 4), -EALREADY);
	assert_int_equal(gib_init(&e.host, 1), -EALREADY);
	assert_memory_equal(&e.host, &copy, sizeof(copy));
	/* The first GIB is still the machine's, with its handler. */
	assert_int_equal(gib_us_machine_gib(&e.m), e.host.gib_maddr);
	assert_true(gib_us_machine_gal_registered(&e.m, &nisc));
	assert_int_equal(nisc, 4);
	assert_int_equal(gib_us_arena_used(), 1);
	t_env_down(&e);
}

/* ---- What a successful gib_init() builds ------------------------------- */

static void check_gib(unsigned int nisc, bool has_gisaf)
{
	struct t_env e;
	const uint8_t *b;
	uint64_t maddr;
	uint8_t registered = 0xff;
	unsigned int i;

	t_env_up(&e, has_gisaf, nisc);
	assert_non_null(e.host.gib);
	b = t_bytes(e.host.gib);
	maddr = gib_pf_virt_to_maddr(e.host.gib);
	assert_int_equal(e.host.gib_maddr, maddr);
	assert_true(maddr >= 0x1000 && maddr < 0x80000000u);
	/* Origin NULL (GAL interruptions enabled), reserved bytes zero. */
	for (i = 0; i < 8; i++)
		assert_int_equal(b[i], 0);
	/* Byte 8: five reserved bits, then the NISC. */
	assert_int_equal(b[8], nisc);
	assert_int_equal(b[8] & ~GIB_NISC_MASK, 0);
	for (i = 9; i < sizeof(struct gib_block); i++)
		assert_int_equal(b[i], 0);
	assert_int_equal(gib_alert_list_origin(&e.host), GIB_NULL_GISA_ADDR);
	assert_int_equal(e.host.nisc, nisc);
	assert_int_equal(e.host.gisa_format, has_gisaf ? GIB_GISA_FORMAT1 : GIB_GISA_FORMAT0);
	assert_int_equal(e.host.nr_gisas, 0);
	/* The machine: "set GIB" got this GIB, the handler listens on the NISC. */
	assert_int_equal(gib_us_machine_gib(&e.m), maddr);
	assert_true(gib_us_machine_gal_registered(&e.m, &registered));
	assert_int_equal(registered, nisc);
	assert_int_equal(gib_us_arena_used(), 1);

	assert_int_equal(gib_destroy(&e.host), 0);
	assert_null(e.host.gib);
	assert_machine_clean(&e, 0);
	t_env_down(&e);
}

static void test_init_each_nisc(void **state)
{
	unsigned int nisc;

	(void)state;
	for (nisc = 0; nisc <= GIB_MAX_ISC; nisc++) {
		check_gib(nisc, false);
		check_gib(nisc, true);
	}
}

static void test_reinit_after_destroy(void **state)
{
	struct t_env e;

	(void)state;
	t_env_up(&e, false, GIB_GAL_ISC);
	assert_int_equal(gib_destroy(&e.host), 0);
	assert_int_equal(gib_destroy(&e.host), -ENODEV);
	assert_int_equal(gib_init(&e.host, 1), 0);
	assert_int_equal(t_bytes(e.host.gib)[8], 1);
	assert_int_equal(gib_us_machine_gib(&e.m), e.host.gib_maddr);
	t_env_down(&e);
}

/* ---- gib_destroy() ------------------------------------------------------ */

static void test_destroy_errors(void **state)
{
	struct gib_host zero;

	(void)state;
	assert_int_equal(gib_destroy(NULL), -EINVAL);
	memset(&zero, 0, sizeof(zero));
	assert_int_equal(gib_destroy(&zero), -ENODEV);
}

static void test_destroy_busy_with_live_gisa(void **state)
{
	struct t_env *e = t_env_new(true, 3);
	struct t_guest *g = calloc(1, sizeof(*g));
	uint8_t gib_copy[sizeof(struct gib_block)];
	struct gib_host copy;

	(void)state;
	assert_non_null(g);
	t_guest_up(e, g, 1);
	assert_int_equal(e->host.nr_gisas, 1);
	copy = e->host;
	memcpy(gib_copy, e->host.gib, sizeof(gib_copy));

	assert_int_equal(gib_destroy(&e->host), -EBUSY);
	/* Nothing changed: the host, the GIB, the machine's view. */
	assert_memory_equal(&e->host, &copy, sizeof(copy));
	assert_memory_equal(e->host.gib, gib_copy, sizeof(gib_copy));
	assert_int_equal(gib_us_machine_gib(&e->m), e->host.gib_maddr);
	assert_true(gib_us_machine_gal_registered(&e->m, NULL));

	/* Switched off, the GISA no longer counts. */
	assert_int_equal(gib_gisa_disable(&g->gi), 0);
	assert_int_equal(e->host.nr_gisas, 0);
	assert_int_equal(gib_gisa_enable(&g->gi), 0);
	assert_int_equal(gib_destroy(&e->host), -EBUSY);
	assert_int_equal(gib_gisa_destroy(&g->gi), 0);
	/* A guest without a GISA could still create one on this GIB. */
	assert_int_equal(e->host.nr_gisas, 0);
	assert_int_equal(gib_destroy(&e->host), -EBUSY);
	t_guest_down(g);
	assert_int_equal(gib_destroy(&e->host), 0);
	assert_null(e->host.gib);
	assert_machine_clean(e, 0);
	free(g);
	t_env_free(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_null),
		cmocka_unit_test(test_init_bad_nisc),
		cmocka_unit_test(test_init_no_aiv),
		cmocka_unit_test(test_init_no_memory),
		cmocka_unit_test(test_init_gal_register_fails),
		cmocka_unit_test(test_init_set_gib_fails),
		cmocka_unit_test(test_init_already),
		cmocka_unit_test(test_init_each_nisc),
		cmocka_unit_test(test_reinit_after_destroy),
		cmocka_unit_test(test_destroy_errors),
		cmocka_unit_test(test_destroy_busy_with_live_gisa),
	};

	return cmocka_run_group_tests(tests, t_group_setup, t_group_teardown);
}
