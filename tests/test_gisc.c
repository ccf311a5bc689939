/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * Guest ISC registration (src/gisc.c): reference counts, the alert mask,
 * the IAM armed on the first registration and updated on the last
 * unregistration (and left to the kick path while the GISA is linked), the
 * NISC returned, every errno, and the state unchanged on each error.
 */
#include "gib_test.h"

#define NISC 6

static int setup(void **state)
{
	*state = t_fx_new(NISC, 1);
	return 0;
}

static int teardown(void **state)
{
	t_fx_free(*state);
	return 0;
}

/* What registration may change: counts, mask, the GISA's bytes. */
struct snap {
	uint8_t mask;
	unsigned int ref[GIB_NR_ISCS];
	uint8_t gisa[GIB_GISA_SIZE];
};

static struct snap take(struct t_guest *g)
{
	struct snap s;

	memset(&s, 0, sizeof(s));
	s.mask = g->gi.alert.mask;
	memcpy(s.ref, g->gi.alert.ref_count, sizeof(s.ref));
	if (t_gisa(g))
		memcpy(s.gisa, t_gisa(g), sizeof(s.gisa));
	return s;
}

static void assert_unchanged(struct t_guest *g, const struct snap *s)
{
	struct snap now = take(g);

	assert_memory_equal(&now, s, sizeof(now));
}

static uint8_t iam(struct t_guest *g)
{
	return t_bytes(t_gisa(g))[7];
}

static void test_errors_change_nothing(void **state)
{
	static const unsigned int bad[] = { 8, 9, 255, ~0u };
	struct t_fx *f = *state;
	struct t_guest *g = f->g;
	struct snap s;
	unsigned int i;

	t_register(g, t_isc_bit(1));
	s = take(g);
	assert_int_equal(gib_gisc_register(NULL, 1), -EINVAL);
	assert_int_equal(gib_gisc_unregister(NULL, 1), -EINVAL);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(gib_gisc_register(&g->gi, bad[i]), -ERANGE);
		assert_int_equal(gib_gisc_unregister(&g->gi, bad[i]), -ERANGE);
		assert_unchanged(g, &s);
	}
	/* Not registered: count 0 stays 0. */
	for (i = 0; i <= GIB_MAX_ISC; i++)
		if (i != 1)
			assert_int_equal(gib_gisc_unregister(&g->gi, i), -EINVAL);
	assert_unchanged(g, &s);
	assert_int_equal(gib_gisc_unregister(&g->gi, 1), 0);
	assert_int_equal(gib_gisc_unregister(&g->gi, 1), -EINVAL);
	assert_int_equal(g->gi.alert.ref_count[1], 0);

	/* No GISA: -ENODEV, before the ISC is even looked at. */
	assert_int_equal(gib_gisa_destroy(&g->gi), 0);
	s = take(g);
	assert_int_equal(gib_gisc_register(&g->gi, 1), -ENODEV);
	assert_int_equal(gib_gisc_register(&g->gi, 8), -ENODEV);
	assert_int_equal(gib_gisc_unregister(&g->gi, 1), -ENODEV);
	assert_int_equal(gib_gisc_unregister(&g->gi, 8), -ENODEV);
	assert_unchanged(g, &s);
}

static void test_refcount_mask_iam(void **state)
{
	struct t_fx *f = *state;
	struct t_guest *g = f->g;
	uint8_t want = 0;
	unsigned int isc;

	assert_int_equal(iam(g), 0);
	for (isc = 0; isc <= GIB_MAX_ISC; isc++) {
		/* First registration: the bit joins the mask and the IAM. */
		assert_int_equal(gib_gisc_register(&g->gi, isc), NISC);
		want |= t_isc_bit(isc);
		assert_int_equal(g->gi.alert.ref_count[isc], 1);
		assert_int_equal(gib_gisc_alert_mask(&g->gi), want);
		assert_int_equal(iam(g), want);
		/* Second: counted only. */
		assert_int_equal(gib_gisc_register(&g->gi, isc), NISC);
		assert_int_equal(g->gi.alert.ref_count[isc], 2);
		assert_int_equal(gib_gisc_alert_mask(&g->gi), want);
		assert_int_equal(iam(g), want);
	}
	assert_int_equal(want, 0xff);
	for (isc = 0; isc <= GIB_MAX_ISC; isc++) {
		assert_int_equal(gib_gisc_unregister(&g->gi, isc), 0);
		assert_int_equal(g->gi.alert.ref_count[isc], 1);
		assert_int_equal(gib_gisc_alert_mask(&g->gi), want);
		assert_int_equal(iam(g), want);
		/* Last: the bit leaves the mask and the IAM. */
		assert_int_equal(gib_gisc_unregister(&g->gi, isc), 0);
		want &= (uint8_t)~t_isc_bit(isc);
		assert_int_equal(g->gi.alert.ref_count[isc], 0);
		assert_int_equal(gib_gisc_alert_mask(&g->gi), want);
		assert_int_equal(iam(g), want);
	}
	/* Only byte 7 ever moved. */
	assert_int_equal(t_be32_at(t_gisa(g), 0), gib_gisa_maddr(t_gisa(g)));
	assert_int_equal(t_bytes(t_gisa(g))[4], 0);
}

/* While the GISA is linked the IAM stays off; the kick path re-arms it. */
static void test_register_while_linked(void **state)
{
	struct t_fx *f = *state;
	struct t_guest *g = f->g;
	uint8_t word[8];

	t_register(g, t_isc_bit(2));
	assert_int_equal(t_raise(g, 2), GIB_US_AI_LINKED_GAL);
	assert_int_equal(iam(g), 0);
	memcpy(word, t_gisa(g), sizeof(word));

	assert_int_equal(gib_gisc_register(&g->gi, 5), NISC);
	assert_int_equal(gib_gisc_alert_mask(&g->gi), t_isc_bit(2) | t_isc_bit(5));
	assert_int_equal(g->gi.alert.ref_count[5], 1);
	/* set_iam's -EBUSY was not an error, and the GISA was left alone. */
	assert_memory_equal(t_gisa(g), word, sizeof(word));
	assert_int_equal(gib_gisc_register(&g->gi, 0), NISC);
	assert_int_equal(gib_gisc_unregister(&g->gi, 0), 0);
	assert_memory_equal(t_gisa(g), word, sizeof(word));

	/* The host unlinks it; the vcpu takes the AI; the kick re-arms. */
	gib_us_machine_take_gal(&f->e->m);
	assert_int_equal(gib_process_alert_list(&f->e->host), 1);
	gib_vcpu_enter_sie(&g->v[0]);
	assert_int_equal(gib_vcpu_take_ai(&g->v[0], NULL), 2);
	gib_vcpu_exit_sie(&g->v[0]);
	t_run_out(f->e);
	assert_int_equal(iam(g), t_isc_bit(2) | t_isc_bit(5));
}

static void test_overflow(void **state)
{
	struct t_fx *f = *state;
	struct t_guest *g = f->g;
	struct snap s;

	t_register(g, t_isc_bit(4));
	/* Stand in for 2^32 - 2 more registrations. */
	g->gi.alert.ref_count[4] = ~0u - 1;
	assert_int_equal(gib_gisc_register(&g->gi, 4), NISC);
	assert_int_equal(g->gi.alert.ref_count[4], ~0u);
	s = take(g);
	assert_int_equal(gib_gisc_register(&g->gi, 4), -EOVERFLOW);
	assert_unchanged(g, &s);
	/* Other ISCs are not affected. */
	assert_int_equal(gib_gisc_register(&g->gi, 3), NISC);
	assert_int_equal(gib_gisc_unregister(&g->gi, 3), 0);
	assert_int_equal(gib_gisc_unregister(&g->gi, 4), 0);
	assert_int_equal(g->gi.alert.ref_count[4], ~0u - 1);
	g->gi.alert.ref_count[4] = 1;
	assert_int_equal(gib_gisc_unregister(&g->gi, 4), 0);
	assert_int_equal(gib_gisc_alert_mask(&g->gi), 0);
	assert_int_equal(iam(g), 0);
}

/* The host's NISC, whichever it is. */
static void test_returns_nisc(void **state)
{
	unsigned int nisc;

	(void)state;
	for (nisc = 0; nisc <= GIB_MAX_ISC; nisc++) {
		struct t_env *e = t_env_new(nisc & 1, nisc);
		struct t_guest *g = calloc(1, sizeof(*g));

		assert_non_null(g);
		t_guest_up(e, g, 0);
		assert_int_equal(gib_gisc_register(&g->gi, 7 - nisc), (int)nisc);
		assert_int_equal(gib_gisc_register(&g->gi, 7 - nisc), (int)nisc);
		t_guest_down(g);
		free(g);
		t_env_free(e);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_errors_change_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refcount_mask_iam, setup, teardown),
		cmocka_unit_test_setup_teardown(test_register_while_linked, setup, teardown),
		cmocka_unit_test_setup_teardown(test_overflow, setup, teardown),
		cmocka_unit_test(test_returns_nisc),
	};

	return cmocka_run_group_tests(tests, t_group_setup, t_group_teardown);
}
