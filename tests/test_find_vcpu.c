/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * Choosing a vcpu for a host-made interrupt (src/find_vcpu.c), both
 * policies: idle first (the lowest idle index, else round robin from
 * next_rr_cpu over the vcpus that are not stopped, -ENODEV once every online
 * vcpu was tried) and last sleeper (the vcpu that last went to enabled wait,
 * else the next one not stopped, wrapping); -ENODEV with no vcpu online.
 *
 * "online + 1 probes" of the last-sleeper walk cannot be told apart from
 * "online probes" by a single thread (the extra probe sees the vcpu the
 * first one saw); what is checked is that the walk reaches the vcpu just
 * before its start, which needs all online probes.
 */
#include "gib_test.h"

#define NR_VCPUS 5

static int setup(void **state)
{
	*state = t_fx_new(GIB_GAL_ISC, NR_VCPUS);
	return 0;
}

static int teardown(void **state)
{
	struct t_fx *f = *state;
	unsigned int i;

	for (i = 0; i < f->g->nr_vcpus; i++)
		gib_vcpu_end_wait(&f->g->v[i]);
	t_fx_free(f);
	return 0;
}

/* Stop exactly the vcpus in @stopped (bit i: vcpu i). */
static void stop_set(struct t_guest *g, unsigned int stopped)
{
	unsigned int i;

	for (i = 0; i < g->nr_vcpus; i++)
		gib_vcpu_set_stopped(&g->v[i], (stopped >> i) & 1);
}

static int find(struct t_guest *g)
{
	return gib_find_vcpu_for_floating_irq(&g->gi);
}

static void test_no_vcpu_online(void **state)
{
	struct t_env *e = t_env_new(false, GIB_GAL_ISC);
	struct t_guest *g = calloc(1, sizeof(*g));

	(void)state;
	assert_non_null(g);
	t_guest_up(e, g, 0);
	assert_int_equal(gib_find_vcpu_for_floating_irq(NULL), -EINVAL);
	assert_int_equal(find(g), -ENODEV);
	assert_int_equal(gib_guest_set_float_policy(&g->gi, GIB_FLOAT_LAST_SLEEPER), 0);
	assert_int_equal(find(g), -ENODEV);
	t_guest_down(g);
	free(g);
	t_env_free(e);
}

/* ---- Idle first -------------------------------------------------------- */

static void test_idle_first_prefers_lowest_idle(void **state)
{
	struct t_fx *f = *state;
	struct t_guest *g = f->g;

	assert_int_equal(g->gi.float_policy, GIB_FLOAT_IDLE_FIRST);
	assert_int_equal(gib_vcpu_prepare_wait(&g->v[3]), 0);
	assert_int_equal(find(g), 3);
	assert_int_equal(gib_vcpu_prepare_wait(&g->v[1]), 0);
	assert_int_equal(find(g), 1);
	/* Choosing an idle vcpu does not move the round-robin cursor. */
	assert_int_equal(g->gi.next_rr_cpu, 0);
	gib_vcpu_end_wait(&g->v[1]);
	assert_int_equal(find(g), 3);
	gib_vcpu_end_wait(&g->v[3]);
	assert_int_equal(find(g), 0);
	assert_int_equal(g->gi.next_rr_cpu, 1);
}

static void test_idle_first_round_robin(void **state)
{
	struct t_fx *f = *state;
	struct t_guest *g = f->g;
	unsigned int i;

	/* Nobody idle: every vcpu in turn, wrapping at the online count. */
	for (i = 0; i < 2 * NR_VCPUS; i++) {
		assert_int_equal(find(g), (int)(i % NR_VCPUS));
		assert_int_equal(g->gi.next_rr_cpu, (i + 1) % NR_VCPUS);
	}

	/* Stopped vcpus are skipped; the cursor moves past them. */
	stop_set(g, 1u << 1 | 1u << 2);
	g->gi.next_rr_cpu = 1;
	assert_int_equal(find(g), 3);
	assert_int_equal(g->gi.next_rr_cpu, 4);
	assert_int_equal(find(g), 4);
	assert_int_equal(find(g), 0);
	assert_int_equal(find(g), 3);

	/* Only the vcpu just before the cursor runs: found on the last try. */
	stop_set(g, 0x1f & ~(1u << 2));
	g->gi.next_rr_cpu = 3;
	assert_int_equal(find(g), 2);
	assert_int_equal(g->gi.next_rr_cpu, 3);

	/* All stopped: given up after one round, -ENODEV. */
	stop_set(g, 0x1f);
	assert_int_equal(find(g), -ENODEV);
	assert_int_equal(g->gi.next_rr_cpu, 3);
	stop_set(g, 0);
	assert_int_equal(find(g), 3);
}

/* ---- Last sleeper ------------------------------------------------------ */

static void test_last_sleeper(void **state)
{
	struct t_fx *f = *state;
	struct t_guest *g = f->g;

	assert_int_equal(gib_guest_set_float_policy(&g->gi, GIB_FLOAT_LAST_SLEEPER), 0);
	/* vcpu 0 is idle, but vcpu 3 went to wait after it (and woke again). */
	assert_int_equal(gib_vcpu_prepare_wait(&g->v[0]), 0);
	assert_int_equal(gib_vcpu_prepare_wait(&g->v[3]), 0);
	gib_vcpu_end_wait(&g->v[3]);
	assert_int_equal(g->gi.last_sleep_cpu, 3);
	assert_int_equal(find(g), 3);
	assert_int_equal(find(g), 3);	/* stateless: the same again */
	assert_int_equal(g->gi.next_rr_cpu, 0);

	/* The same guest under the other policy picks the idle one. */
	assert_int_equal(gib_guest_set_float_policy(&g->gi, GIB_FLOAT_IDLE_FIRST), 0);
	assert_int_equal(find(g), 0);
	assert_int_equal(gib_guest_set_float_policy(&g->gi, GIB_FLOAT_LAST_SLEEPER), 0);

	/* Stopped: walk forward, wrapping at the online count. */
	stop_set(g, 1u << 3);
	assert_int_equal(find(g), 4);
	stop_set(g, 1u << 3 | 1u << 4);
	assert_int_equal(find(g), 0);
	/* Only the vcpu just before the start: reached by the last probe. */
	stop_set(g, 0x1f & ~(1u << 2));
	assert_int_equal(find(g), 2);
	/* All stopped. */
	stop_set(g, 0x1f);
	assert_int_equal(find(g), -ENODEV);
	stop_set(g, 0);

	/* A new sleeper moves the start. */
	assert_int_equal(gib_vcpu_prepare_wait(&g->v[1]), 0);
	assert_int_equal(find(g), 1);
	gib_vcpu_end_wait(&g->v[1]);
	assert_int_equal(find(g), 1);
	gib_vcpu_end_wait(&g->v[0]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_vcpu_online),
		cmocka_unit_test_setup_teardown(test_idle_first_prefers_lowest_idle, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_idle_first_round_robin, setup, teardown),
		cmocka_unit_test_setup_teardown(test_last_sleeper, setup, teardown),
	};

	return cmocka_run_group_tests(tests, t_group_setup, t_group_teardown);
}
