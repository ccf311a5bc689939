/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * The fixture the core's cmocka tests share: a host on the user-space
 * machine model (GAL interruptions deferred, so a test decides when the host
 * handles them), a simulated clock for the kick timers, guests with vcpus,
 * and a log of what the core reported through its trace hooks and through
 * wake_vcpu. Single-threaded users only: the log is not atomic.
 *
 * Everything here is static inline, so each test file takes what it needs.
 *
 * Nothing that runs inside a library callback (trace hooks, wake_vcpu, the
 * t_hooks) may assert: a failed assert jumps out of the library in the
 * middle of a cut or a timer run and leaves GISAs half processed, and the
 * teardown then hangs instead of reporting. Callbacks record; the test
 * asserts after the library returned (t_env_down() checks the log itself).
 */
#ifndef LIBGIB_TESTS_GIB_TEST_H
#define LIBGIB_TESTS_GIB_TEST_H

#include <libgib/libgib.h>
#include <libgib-us/arena.h>
#include <libgib-us/clock.h>
#include <libgib-us/machine.h>
#include <libgib-us/rcu.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#define T_MAX_VCPUS 8
#define T_MAX_EVENTS 512
#define T_ALL_ISCS 0xffu

/* What the core reported, in order. */
enum t_ev_kind {
	T_EV_CUT,		/* trace->cut: @pass, @value = cut, @flag = final */
	T_EV_CUT_DONE,		/* trace->cut_done: @pass, @nr, @value = term */
	T_EV_UNLINK,		/* trace->unlink: @gi */
	T_EV_KICK_TIMER,	/* trace->kick_timer: @gi, @pending */
	T_EV_KICK_VCPU,		/* trace->kick_vcpu: @gi, @vcpu, @flag = woken */
	T_EV_WAKE,		/* ops->wake_vcpu: @gi, @vcpu */
	T_EV_CUT_CAS,		/* trace->cut_cas (v2 cut): @value = the origin it read */
};

struct t_ev {
	enum t_ev_kind kind;
	unsigned int pass;
	unsigned int nr;
	uint32_t value;
	bool flag;
	int pending;
	struct gib_guest *gi;
	struct gib_vcpu *vcpu;
};

struct t_env;

/* Optional test hooks, run after the event was logged. */
struct t_hooks {
	void (*cut)(struct t_env *e, unsigned int pass, uint32_t cut, bool final);
	void (*cut_done)(struct t_env *e, unsigned int pass, unsigned int nr, uint32_t term);
	/* Between the kick and the unlink store of a GISA of @gi. */
	void (*unlink)(struct t_env *e, struct gib_guest *gi);
	/* The v2 cut read @seen and is about to CAS it to NULL. */
	void (*cut_cas)(struct t_env *e, uint32_t seen);
};

struct t_env {
	struct gib_us_machine m;
	struct gib_host host;
	struct gib_us_clock *clock;
	struct t_ev ev[T_MAX_EVENTS];
	unsigned int nr_ev;
	unsigned int lost_ev;	/* events beyond T_MAX_EVENTS */
	unsigned int bad_host;	/* hooks called with another host */
	struct t_hooks hooks;
	void *priv;
};

struct t_guest {
	struct gib_guest gi;
	struct t_env *env;
	struct gib_vcpu v[T_MAX_VCPUS];
	unsigned int nr_vcpus;
};

/* A slot for the next event; past the end, a scratch slot that is counted. */
static inline struct t_ev *t_log(struct t_env *e, enum t_ev_kind kind)
{
	static struct t_ev scratch;
	struct t_ev *ev = &scratch;

	if (e->nr_ev < T_MAX_EVENTS)
		ev = &e->ev[e->nr_ev++];
	else
		e->lost_ev++;
	memset(ev, 0, sizeof(*ev));
	ev->kind = kind;
	return ev;
}

static inline void t_trace_cut(void *priv, struct gib_host *host, unsigned int pass,
			       uint32_t cut, bool final)
{
	struct t_env *e = priv;
	struct t_ev *ev = t_log(e, T_EV_CUT);

	e->bad_host += host != &e->host;
	ev->pass = pass;
	ev->value = cut;
	ev->flag = final;
	if (e->hooks.cut)
		e->hooks.cut(e, pass, cut, final);
}

static inline void t_trace_cut_done(void *priv, struct gib_host *host, unsigned int pass,
				    unsigned int nr, uint32_t term)
{
	struct t_env *e = priv;
	struct t_ev *ev = t_log(e, T_EV_CUT_DONE);

	e->bad_host += host != &e->host;
	ev->pass = pass;
	ev->nr = nr;
	ev->value = term;
	if (e->hooks.cut_done)
		e->hooks.cut_done(e, pass, nr, term);
}

static inline void t_trace_unlink(void *priv, struct gib_guest *gi)
{
	struct t_env *e = priv;

	t_log(e, T_EV_UNLINK)->gi = gi;
	if (e->hooks.unlink)
		e->hooks.unlink(e, gi);
}

static inline void t_trace_kick_timer(void *priv, struct gib_guest *gi, int pending)
{
	struct t_ev *ev = t_log(priv, T_EV_KICK_TIMER);

	ev->gi = gi;
	ev->pending = pending;
}

static inline void t_trace_kick_vcpu(void *priv, struct gib_guest *gi, struct gib_vcpu *vcpu,
				     bool woken)
{
	struct t_ev *ev = t_log(priv, T_EV_KICK_VCPU);

	ev->gi = gi;
	ev->vcpu = vcpu;
	ev->flag = woken;
}

static inline void t_trace_cut_cas(void *priv, struct gib_host *host, uint32_t seen)
{
	struct t_env *e = priv;

	e->bad_host += host != &e->host;
	t_log(e, T_EV_CUT_CAS)->value = seen;
	if (e->hooks.cut_cas)
		e->hooks.cut_cas(e, seen);
}

static const struct gib_trace_ops t_trace_ops = {
	.cut = t_trace_cut,
	.cut_done = t_trace_cut_done,
	.unlink = t_trace_unlink,
	.kick_timer = t_trace_kick_timer,
	.kick_vcpu = t_trace_kick_vcpu,
	.cut_cas = t_trace_cut_cas,
};

static inline void t_wake_vcpu(struct gib_guest *gi, struct gib_vcpu *vcpu)
{
	struct t_guest *g = GIB_CONTAINER_OF(gi, struct t_guest, gi);
	struct t_ev *ev = t_log(g->env, T_EV_WAKE);

	ev->gi = gi;
	ev->vcpu = vcpu;
}

static const struct gib_guest_ops t_guest_ops = { .wake_vcpu = t_wake_vcpu };

/* Events of @kind about @gi (NULL: any guest). */
static inline unsigned int t_count(const struct t_env *e, enum t_ev_kind kind,
				   const struct gib_guest *gi)
{
	unsigned int i, n = 0;

	for (i = 0; i < e->nr_ev; i++)
		if (e->ev[i].kind == kind && (!gi || e->ev[i].gi == gi))
			n++;
	return n;
}

/* Wake-ups of @vcpu. */
static inline unsigned int t_wakes(const struct t_env *e, const struct gib_vcpu *vcpu)
{
	unsigned int i, n = 0;

	for (i = 0; i < e->nr_ev; i++)
		if (e->ev[i].kind == T_EV_WAKE && e->ev[i].vcpu == vcpu)
			n++;
	return n;
}

static inline void t_log_clear(struct t_env *e)
{
	assert_int_equal(e->lost_ev, 0);
	assert_int_equal(e->bad_host, 0);
	e->nr_ev = 0;
}

/* The machine's configuration of a test host. */
static inline struct gib_us_machine_config t_cfg(bool has_aiv, bool has_gisaf)
{
	struct gib_us_machine_config cfg = {
		.has_aiv = has_aiv,
		.has_gisaf = has_gisaf,
		.gal_mode = GIB_US_GAL_DEFERRED,
	};

	return cfg;
}

/*
 * The cut policy of test hosts: LIBGIB_TEST_CUT=v2 runs a program's tests
 * under %GIB_CUT_V2 (tests/meson.build registers some programs twice);
 * unset or "two-phase", the default.
 */
static inline enum gib_cut_policy t_cut_policy(void)
{
	const char *v = getenv("LIBGIB_TEST_CUT");

	if (v && !strcmp(v, "v2"))
		return GIB_CUT_V2;
	assert_true(!v || !strcmp(v, "two-phase"));
	return GIB_CUT_TWO_PHASE;
}

/* A machine, a simulated default clock and a host attached, without a GIB. */
static inline void t_env_attach(struct t_env *e, const struct gib_us_machine_config *cfg)
{
	memset(e, 0, sizeof(*e));
	e->clock = gib_us_clock_create(GIB_US_CLOCK_SIM);
	assert_non_null(e->clock);
	gib_us_set_default_clock(e->clock);
	assert_int_equal(gib_us_machine_init(&e->m, cfg), 0);
	assert_int_equal(gib_us_host_attach(&e->host, &e->m), 0);
	e->host.trace = &t_trace_ops;
	e->host.trace_priv = e;
	e->host.cut_policy = t_cut_policy();
}

/* ... and the GIB, with GAL interruptions on @nisc, cutting by @cut. */
static inline void t_env_up_cut(struct t_env *e, bool has_gisaf, unsigned int nisc,
				enum gib_cut_policy cut)
{
	struct gib_us_machine_config cfg = t_cfg(true, has_gisaf);

	t_env_attach(e, &cfg);
	e->host.cut_policy = cut;
	assert_int_equal(gib_init(&e->host, nisc), 0);
}

/* ... cutting by the policy of LIBGIB_TEST_CUT. */
static inline void t_env_up(struct t_env *e, bool has_gisaf, unsigned int nisc)
{
	t_env_up_cut(e, has_gisaf, nisc, t_cut_policy());
}

/* Tear down what t_env_attach() and t_env_up() built; nothing may leak. */
static inline void t_env_down(struct t_env *e)
{
	assert_int_equal(e->lost_ev, 0);
	assert_int_equal(e->bad_host, 0);
	if (e->host.gib)
		assert_int_equal(gib_destroy(&e->host), 0);
	assert_int_equal(gib_us_machine_fini(&e->m), 0);
	gib_us_set_default_clock(NULL);
	assert_int_equal(gib_us_clock_destroy(e->clock), 0);
	assert_int_equal(gib_us_arena_used(), 0);
}

static inline struct t_env *t_env_new_cut(bool has_gisaf, unsigned int nisc,
					  enum gib_cut_policy cut)
{
	struct t_env *e = calloc(1, sizeof(*e));

	assert_non_null(e);
	t_env_up_cut(e, has_gisaf, nisc, cut);
	return e;
}

static inline struct t_env *t_env_new(bool has_gisaf, unsigned int nisc)
{
	return t_env_new_cut(has_gisaf, nisc, t_cut_policy());
}

static inline void t_env_free(struct t_env *e)
{
	t_env_down(e);
	free(e);
}

/* vcpu @idx of @g: CR6 ISC mask @cr6_iscs, PSW I/O @io. */
static inline void t_vcpu_set(struct t_guest *g, unsigned int idx, uint8_t cr6_iscs, bool io)
{
	gib_vcpu_set_cr6(&g->v[idx], (uint64_t)cr6_iscs << 24);
	gib_vcpu_set_io_enabled(&g->v[idx], io);
}

/*
 * A guest with a GISA and @nr_vcpus vcpus (sparse ids 10 * i + 3), each
 * taking every ISC with I/O enabled.
 */
static inline void t_guest_up(struct t_env *e, struct t_guest *g, unsigned int nr_vcpus)
{
	unsigned int i;

	assert_true(nr_vcpus <= T_MAX_VCPUS);
	memset(g, 0, sizeof(*g));
	g->env = e;
	assert_int_equal(gib_guest_init(&g->gi, &e->host, &t_guest_ops, g), 0);
	assert_int_equal(gib_gisa_init(&g->gi), 0);
	for (i = 0; i < nr_vcpus; i++) {
		assert_int_equal(gib_vcpu_add(&g->gi, &g->v[i], 10 * i + 3, NULL), (int)i);
		t_vcpu_set(g, i, T_ALL_ISCS, true);
	}
	g->nr_vcpus = nr_vcpus;
}

/*
 * Drop every GISC registration left (as a device's teardown would): destroy
 * refuses while any remains.
 */
static inline void t_unregister_all(struct gib_guest *gi)
{
	unsigned int isc;

	for (isc = 0; isc <= GIB_MAX_ISC; isc++)
		while (gi->alert.ref_count[isc])
			assert_int_equal(gib_gisc_unregister(gi, isc), 0);
}

static inline void t_guest_down(struct t_guest *g)
{
	if (gib_guest_gisa(&g->gi))
		t_unregister_all(&g->gi);
	assert_int_equal(gib_guest_destroy(&g->gi), 0);
}

static inline struct gib_gisa *t_gisa(struct t_guest *g)
{
	return gib_guest_gisa(&g->gi);
}

/* Register every ISC of @iscs once; each returns the host's NISC. */
static inline void t_register(struct t_guest *g, uint8_t iscs)
{
	unsigned int isc;

	for (isc = 0; isc <= GIB_MAX_ISC; isc++)
		if (iscs & (0x80u >> isc))
			assert_int_equal(gib_gisc_register(&g->gi, isc), g->env->host.nisc);
}

/* The mask of ISC @isc, computed here, not by the library. */
static inline uint8_t t_isc_bit(unsigned int isc)
{
	return (uint8_t)(0x80u >> isc);
}

/* The fixture of most unit tests: a host and @n guests with a GISA each. */
struct t_fx {
	struct t_env *e;
	struct t_guest *g;	/* n of them */
	unsigned int n;
};

/* A host (GAL on @nisc) and one guest with @nr_vcpus vcpus. */
static inline struct t_fx *t_fx_new(unsigned int nisc, unsigned int nr_vcpus)
{
	struct t_fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->e = t_env_new(false, nisc);
	f->g = calloc(1, sizeof(*f->g));
	assert_non_null(f->g);
	f->n = 1;
	t_guest_up(f->e, f->g, nr_vcpus);
	return f;
}

/*
 * The alert-list tests' fixture: a host cutting by @cut (GAL on the default
 * ISC) and @n guests of one vcpu each, each with @isc registered.
 */
static inline struct t_fx *t_list_fx_new(enum gib_cut_policy cut, unsigned int n,
					 unsigned int isc)
{
	struct t_fx *f = calloc(1, sizeof(*f));
	unsigned int i;

	assert_non_null(f);
	f->e = t_env_new_cut(false, GIB_GAL_ISC, cut);
	f->g = calloc(n, sizeof(*f->g));
	assert_non_null(f->g);
	f->n = n;
	for (i = 0; i < n; i++) {
		t_guest_up(f->e, &f->g[i], 1);
		t_register(&f->g[i], t_isc_bit(isc));
	}
	return f;
}

/* Tear down what t_fx_new() or t_list_fx_new() built. */
static inline void t_fx_free(struct t_fx *f)
{
	unsigned int i;

	/* A failed test may leave hooks on its stack frame: not for the teardown. */
	memset(&f->e->hooks, 0, sizeof(f->e->hooks));
	for (i = 0; i < f->n; i++)
		t_guest_down(&f->g[i]);
	t_env_free(f->e);
	free(f->g);
	free(f);
}

/* Whether vcpu @idx of @g is kicked and not yet running. */
static inline bool t_kicked(struct t_guest *g, unsigned int idx)
{
	return gib_pf_test_bit(idx, g->gi.kicked_mask);
}

/* The machine raises an AI on @isc for @g; returns its outcome. */
static inline enum gib_us_ai_outcome t_raise(struct t_guest *g, unsigned int isc)
{
	struct gib_us_ai_result r;

	assert_int_equal(gib_us_machine_raise_ai(&g->env->m, &g->gi, isc, &r), 0);
	return r.outcome;
}

/* Run the kick timers that are due now; returns how many ran. */
static inline unsigned int t_run_now(struct t_env *e)
{
	return gib_us_clock_run_until(e->clock, gib_us_clock_now(e->clock));
}

/* Whether a timer of the clock is queued, and when it expires. */
static inline bool t_timer_queued(struct t_env *e, uint64_t *when)
{
	uint64_t t;
	int rc = gib_us_clock_next_expiry(e->clock, &t);

	assert_true(rc == 0 || rc == -ENOENT);
	if (when)
		*when = t;
	return rc == 0;
}

/* Run the clock until no timer is queued; returns the callbacks run. */
static inline unsigned int t_run_out(struct t_env *e)
{
	unsigned int n = 0, guard = 0;
	uint64_t t;

	while (t_timer_queued(e, &t)) {
		n += gib_us_clock_run_until(e->clock, t);
		assert_true(++guard < 10000);
	}
	return n;
}

/* The raw bytes of a shared structure, as the machine reads them. */
static inline const uint8_t *t_bytes(const void *p)
{
	return (const uint8_t *)p;
}

/* The big-endian 32-bit value at @off of @p, assembled byte by byte. */
static inline uint32_t t_be32_at(const void *p, size_t off)
{
	const uint8_t *b = t_bytes(p) + off;

	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

/* The machine address of @g's GISA. */
static inline uint32_t t_maddr_of(struct t_guest *g)
{
	return gib_gisa_maddr(t_gisa(g));
}

/* The origin as the machine reads it: bytes 0..3 of the GIB. */
static inline uint32_t t_raw_origin(struct t_env *e)
{
	return t_be32_at(e->host.gib, 0);
}

/* @g's GISA is out of the alert list: its link holds its own address. */
static inline void t_assert_unlinked(struct t_guest *g)
{
	assert_int_equal(gib_gisa_in_alert_list(t_gisa(g)), 0);
	assert_int_equal(t_be32_at(t_gisa(g), 0), t_maddr_of(g));
}


static inline int t_group_setup(void **state)
{
	(void)state;
	/* The machine model runs AIs inside reader sections. */
	gib_us_thread_online();
	return 0;
}

static inline int t_group_teardown(void **state)
{
	(void)state;
	gib_us_thread_offline();
	return 0;
}

#endif /* LIBGIB_TESTS_GIB_TEST_H */
