/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * What a kernel port needs of the life cycle (issue 12): a GISA in memory
 * the caller owns, followed by the caller's own data (KVM's sie_page2), found
 * by the alert-list walk through the host's gisa_owner callback; and
 * gib_vcpu_remove_all(), after which the caller may free its vcpus while the
 * GISA lives on.
 */
#include "gib_test.h"

#define T_OWNER_DATA 0x5a5a5a5a5a5a5a5aull

/* The caller's page: the GISA, then data that is none of libgib's business. */
struct t_owner_page {
	struct gib_gisa gisa;
	uint64_t owner_data[4];
};

struct t_owner {
	struct t_env *e;
	struct t_guest *g;
	struct t_owner_page *page;
	unsigned int lookups;
	unsigned int bad_lookups;
};

static struct t_owner *t_owner_of_host;

/* The host's gisa_owner: the caller finds its guest from its own page. */
static struct gib_guest *t_gisa_owner(struct gib_host *host, struct gib_gisa *gisa)
{
	struct t_owner *o = t_owner_of_host;

	o->lookups++;
	if (host != &o->e->host || gisa != &o->page->gisa)
		o->bad_lookups++;
	return &o->g->gi;
}

static struct t_owner *owner_new(unsigned int nr_vcpus)
{
	struct t_owner *o = calloc(1, sizeof(*o));
	unsigned int i;

	assert_non_null(o);
	o->e = t_env_new(true, GIB_GAL_ISC);
	o->e->host.gisa_owner = t_gisa_owner;
	o->g = calloc(1, sizeof(*o->g));
	assert_non_null(o->g);
	/* Machine-addressable memory, as KVM's GFP_DMA sie_page2. */
	o->page = gib_pf_alloc31(sizeof(*o->page));
	assert_non_null(o->page);
	for (i = 0; i < 4; i++)
		o->page->owner_data[i] = T_OWNER_DATA;
	o->g->env = o->e;
	assert_int_equal(gib_guest_init(&o->g->gi, &o->e->host, &t_guest_ops, o->g), 0);
	for (i = 0; i < nr_vcpus; i++) {
		assert_int_equal(gib_vcpu_add(&o->g->gi, &o->g->v[i], 7 * i + 5, NULL), (int)i);
		t_vcpu_set(o->g, i, T_ALL_ISCS, true);
	}
	o->g->nr_vcpus = nr_vcpus;
	t_owner_of_host = o;
	return o;
}

static void owner_data_intact(const struct t_owner *o)
{
	unsigned int i;

	for (i = 0; i < 4; i++)
		assert_true(o->page->owner_data[i] == T_OWNER_DATA);
}

static void owner_free(struct t_owner *o)
{
	assert_int_equal(gib_guest_destroy(&o->g->gi), 0);
	owner_data_intact(o);
	assert_int_equal(o->bad_lookups, 0);
	/* libgib never freed the caller's page: the caller does. */
	gib_pf_free31(o->page);
	t_env_free(o->e);
	free(o->g);
	free(o);
	t_owner_of_host = NULL;
}

/* Without gisa_owner the host's GISAs are libgib's: init_at refuses. */
static void test_init_at_needs_owner_host(void **state)
{
	struct t_env *e = t_env_new(true, GIB_GAL_ISC);
	struct t_guest *g = calloc(1, sizeof(*g));
	struct gib_gisa *mem = gib_pf_alloc31(sizeof(*mem));

	(void)state;
	assert_non_null(g);
	assert_non_null(mem);
	g->env = e;
	assert_int_equal(gib_guest_init(&g->gi, &e->host, &t_guest_ops, g), 0);
	assert_int_equal(gib_gisa_init_at(&g->gi, mem), -EOPNOTSUPP);
	assert_null(gib_guest_gisa(&g->gi));
	assert_null(g->gi.caller_gisa);
	assert_int_equal(e->host.nr_gisas, 0);
	assert_int_equal(gib_gisa_init_at(NULL, mem), -EINVAL);
	assert_int_equal(gib_gisa_init_at(&g->gi, NULL), -EINVAL);
	assert_int_equal(gib_guest_destroy(&g->gi), 0);
	gib_pf_free31(mem);
	free(g);
	t_env_free(e);
}

/* On an owner host: bad memory and a second init are refused, unchanged. */
static void test_init_at_errors(void **state)
{
	struct t_owner *o = owner_new(1);
	size_t used = gib_us_arena_used();

	(void)state;
	/* libgib allocating is not how this host works. */
	assert_int_equal(gib_gisa_init(&o->g->gi), -EOPNOTSUPP);
	assert_int_equal(gib_us_arena_used(), used);
	/* Misaligned: -EINVAL; not machine-addressable (the heap): -ERANGE. */
	assert_int_equal(gib_gisa_init_at(&o->g->gi,
					  (struct gib_gisa *)((char *)&o->page->gisa + 4)),
			 -EINVAL);
	{
		struct gib_gisa *heap = calloc(1, sizeof(*heap));

		assert_non_null(heap);
		assert_int_equal(gib_gisa_init_at(&o->g->gi, heap), -ERANGE);
		free(heap);
	}
	assert_null(gib_guest_gisa(&o->g->gi));
	assert_null(o->g->gi.caller_gisa);
	assert_int_equal(o->e->host.nr_gisas, 0);
	assert_int_equal(gib_gisa_init_at(&o->g->gi, &o->page->gisa), 0);
	assert_int_equal(gib_gisa_init_at(&o->g->gi, &o->page->gisa), -EALREADY);
	assert_int_equal(o->e->host.nr_gisas, 1);
	owner_data_intact(o);
	owner_free(o);
}

/*
 * The whole path on the caller's memory: designation, an alert, the walk
 * finding the guest through gisa_owner (nothing follows the GISA but the
 * caller's data), the kick, destroy without a free, re-enable on the same
 * memory.
 */
static void test_caller_gisa_alert_and_destroy(void **state)
{
	struct t_owner *o = owner_new(2);
	struct gib_gisa *gisa = &o->page->gisa;
	size_t used;

	(void)state;
	assert_int_equal(gib_gisa_init_at(&o->g->gi, gisa), 0);
	assert_ptr_equal(gib_guest_gisa(&o->g->gi), gisa);
	assert_ptr_equal(o->g->gi.caller_gisa, gisa);
	assert_int_equal(o->g->v[1].gd, gib_gisa_maddr(gisa) | GIB_GISA_FORMAT1);
	assert_int_equal(o->g->v[0].eca_aiv, 1);
	used = gib_us_arena_used();
	t_register(o->g, t_isc_bit(3));
	/* The vcpus sleep: the machine links the GISA and raises a GAL. */
	assert_int_equal(gib_vcpu_prepare_wait(&o->g->v[0]), 0);
	assert_int_equal(t_raise(o->g, 3), GIB_US_AI_LINKED_GAL);
	assert_int_equal(gib_us_machine_take_gal(&o->e->m), 1);
	t_log_clear(o->e);
	assert_int_equal(gib_process_alert_list(&o->e->host), 1);
	assert_int_equal(o->lookups, 1);
	assert_int_equal(o->bad_lookups, 0);
	assert_int_equal(t_count(o->e, T_EV_UNLINK, &o->g->gi), 1);
	owner_data_intact(o);
	/* The kick the walk scheduled wakes the sleeping vcpu. */
	assert_true(t_run_now(o->e) >= 1);
	assert_int_equal(t_wakes(o->e, &o->g->v[0]), 1);

	/* Destroy keeps the caller's memory. */
	assert_int_equal(gib_gisc_unregister(&o->g->gi, 3), 0);
	assert_int_equal(gib_gisa_disable(&o->g->gi), 0);
	assert_null(gib_guest_gisa(&o->g->gi));
	assert_int_equal(o->g->v[0].gd, 0);
	assert_int_equal(gib_us_arena_used(), used);
	assert_int_equal(o->e->host.nr_gisas, 0);
	owner_data_intact(o);
	/* Enable: the same memory, set up afresh. */
	gisa->ipm = 0xff;
	assert_int_equal(gib_gisa_enable(&o->g->gi), 0);
	assert_ptr_equal(gib_guest_gisa(&o->g->gi), gisa);
	assert_int_equal(gib_gisa_get_ipm(gisa), 0);
	assert_int_equal(o->g->v[1].gd, gib_gisa_maddr(gisa) | GIB_GISA_FORMAT1);
	assert_int_equal(gib_us_arena_used(), used);
	owner_free(o);
}

/* gib_vcpu_remove_all(): no walk reaches a removed vcpu; the GISA lives on. */
static void test_vcpu_remove_all(void **state)
{
	struct t_fx *f = t_fx_new(GIB_GAL_ISC, 3);
	struct t_guest *g = f->g;
	struct gib_vcpu again;

	(void)state;
	t_register(g, t_isc_bit(5));
	assert_int_equal(gib_vcpu_prepare_wait(&g->v[2]), 0);
	assert_int_equal(t_raise(g, 5), GIB_US_AI_LINKED_GAL);
	assert_int_equal(gib_process_alert_list(&f->e->host), 1);
	/* A kick is queued that would walk the vcpus. */
	assert_true(t_timer_queued(f->e, NULL));
	assert_int_equal(gib_vcpu_remove_all(&g->gi), 0);
	assert_int_equal(g->gi.online_vcpus, 0);
	assert_false(t_timer_queued(f->e, NULL));
	assert_false(gib_pf_test_bit(2, g->gi.idle_mask));
	assert_null(g->gi.vcpus[2]);
	/* Poison the freed vcpus: a walk that reached one would misbehave. */
	memset(g->v, 0xa5, sizeof(g->v));
	t_log_clear(f->e);
	assert_int_equal(gib_gisa_kick(&g->gi), 0);
	assert_int_equal(t_run_now(f->e), 1);
	assert_int_equal(t_count(f->e, T_EV_KICK_TIMER, &g->gi), 1);
	assert_int_equal(t_count(f->e, T_EV_WAKE, NULL), 0);
	/* The AI stays pending with nobody to take it: the timer polls on. */
	assert_true(t_timer_queued(f->e, NULL));
	assert_int_equal(gib_find_vcpu_for_floating_irq(&g->gi), -ENODEV);
	/* The IPM still holds the AI; a vcpu added later starts at index 0. */
	assert_true(gib_gisa_get_ipm(t_gisa(g)) & t_isc_bit(5));
	assert_int_equal(gib_vcpu_add(&g->gi, &again, 99, NULL), 0);
	assert_int_equal(gib_vcpu_remove_all(NULL), -EINVAL);
	assert_int_equal(gib_vcpu_remove_all(&g->gi), 0);
	assert_int_equal(gib_gisc_unregister(&g->gi, 5), 0);
	t_fx_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_at_needs_owner_host),
		cmocka_unit_test(test_init_at_errors),
		cmocka_unit_test(test_caller_gisa_alert_and_destroy),
		cmocka_unit_test(test_vcpu_remove_all),
	};

	return cmocka_run_group_tests(tests, t_group_setup, t_group_teardown);
}
