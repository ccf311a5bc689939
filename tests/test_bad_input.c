// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Bad input, table-driven: every public function of include/libgib/ and
 * of the user-space backend (libgib-us/) called with every class of bad
 * argument it can be given (NULL pointers, ISC 8, 255 and UINT_MAX, NISC 8,
 * no GISA, no GIB, unregister at count 0, double init, a misaligned GISA, a
 * GISA outside the arena, out-of-range periods, unknown policies and modes,
 * busy objects, allocation and machine failures). Each row asserts the
 * documented negative errno and that every structure is byte for byte as it
 * was: the whole fixture (hosts, guests, vcpus, machines), the GISA and GIB
 * slots in the arena, the arena map and its slot count, and the simulated
 * clock's time and queue.
 *
 * Not called, because their documented contract says nothing about bad
 * input (no error return; the caller guarantees the arguments):
 * gib_gal_interrupt(), gib_alert_list_origin() (a host with a GIB),
 * gib_gisa_maddr() and gib_gisa_load_word() (a valid GISA), gib_isc_mask(),
 * gib_ai_word() and gib_cr6_isc_mask() ("not checked"), gib_guest_gisa(),
 * gib_gisc_alert_mask(), gib_gisa_kick_timer_fn() (the guest's own timer),
 * gib_vcpu_set_cr6(), gib_vcpu_set_io_enabled(), gib_vcpu_set_stopped(),
 * gib_vcpu_isc_mask(), gib_vcpu_runnable(), gib_vcpu_end_wait(),
 * gib_vcpu_enter_sie(), gib_vcpu_exit_sie() (a vcpu, no error return);
 * gib_inject_ai()'s "no vcpu could be chosen" -ENODEV (documented to leave
 * the AI pending, so state changes by contract); the platform contract's
 * gib_pf_*() (the core's callees; gib_pf_alloc31() documents no size error);
 * gib_us_arena_used(), gib_us_arena_fail_next_allocs(),
 * gib_us_set_default_clock(), gib_us_default_clock(), gib_us_clock_now(),
 * gib_us_clock_cancel_waiters() and <libgib-us/rcu.h> (no error return);
 * gib_us_clock_destroy() from the clock's own callback thread (needs a
 * callback that destroys its clock). Not reachable in user space: a GISA at
 * a machine address below 0x1000 or at 2 GiB and above (the arena refuses to
 * be placed there), gib_gisa_init()'s -ERANGE for the same reason.
 */
#include <libgib/libgib.h>
#include <libgib-us/arena.h>
#include <libgib-us/clock.h>
#include <libgib-us/machine.h>
#include <libgib-us/rcu.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#define ARENA_BYTES (16u << 20)
#define ARENA_MADDR 0x00200000u
#define NR_FULL GIB_MAX_VCPUS
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Everything a call may touch, in one static object that is snapshotted. */
static struct fixture {
	struct gib_us_machine m;	/* the host's: AIV, format 0, deferred GALs */
	struct gib_us_machine m_nogib;	/* attached to host_nogib, no GIB made */
	struct gib_us_machine m_noaiv;	/* a machine without AIV */
	struct gib_us_machine m_spare;	/* initialised, no host */
	struct gib_us_machine m_tmp;	/* for gib_us_machine_init() */
	struct gib_host host;		/* with a GIB */
	struct gib_host host_nogib;
	struct gib_host host_noaiv;
	struct gib_host host_unattached;
	struct gib_host host_spare;
	struct gib_guest ga;		/* GISA, vcpus va[], ISC 3 registered */
	struct gib_guest gb;		/* no GISA, vcpu vb */
	struct gib_guest gc;		/* GISA, no vcpu */
	struct gib_guest gl;		/* GISA in the alert list */
	struct gib_guest gs;		/* no GISA, every vcpu stopped */
	struct gib_guest gfull;		/* GIB_MAX_VCPUS vcpus */
	struct gib_guest g2;		/* its kick timer bound to clock2 */
	struct gib_guest gzero;		/* never set up: all zero */
	struct gib_vcpu va[2];		/* va[1] has I/O disabled */
	struct gib_vcpu vb;
	struct gib_vcpu vs[2];
	struct gib_vcpu vfull[NR_FULL];
	struct gib_vcpu vextra;		/* for a vcpu past the maximum */
	struct gib_gisa outside;	/* a GISA outside the arena */
	struct gib_us_clock *clock;	/* simulated, the default */
	struct gib_us_clock *clock2;	/* simulated, with a bound timer */
	struct gib_us_clock *real;	/* a real clock */
	struct gib_us_ai_result res;
	struct gib_us_machine_stats st;
	uint32_t word;
	uint64_t t;
	uint8_t nisc;
	uint8_t mask;
} F;

static void wake_vcpu(struct gib_guest *gi, struct gib_vcpu *vcpu)
{
	(void)gi;
	(void)vcpu;
	fail_msg("no bad input may wake a vcpu");
}

static const struct gib_guest_ops ops = { .wake_vcpu = wake_vcpu };
static const struct gib_guest_ops ops_nowake = { .wake_vcpu = NULL };

static struct gib_gisa *gisa(struct gib_guest *gi)
{
	return gib_guest_gisa(gi);
}

/* A pointer into the GISA's slot that is not 8-byte aligned. */
static struct gib_gisa *misaligned(void)
{
	return (struct gib_gisa *)(void *)((char *)gisa(&F.ga) + 4);
}

static struct gib_us_clock *clock_create_bad(void)
{
	errno = 0;
	return gib_us_clock_create((enum gib_us_clock_kind)7);
}

/* ---- Rows that need something set up first ----------------------------- */

static void fail_alloc(void)
{
	gib_us_arena_fail_next_allocs(1);
}

static void fail_alloc_end(void)
{
	gib_us_arena_fail_next_allocs(0);
}

static void fail_gal_register(void)
{
	assert_int_equal(gib_us_machine_fail_next(&F.m_nogib, GIB_US_FAULT_GAL_REGISTER, 1), 0);
}

static void fail_set_gib(void)
{
	assert_int_equal(gib_us_machine_fail_next(&F.m_nogib, GIB_US_FAULT_SET_GIB, 1), 0);
}

static void count_at_max(void)
{
	F.ga.alert.ref_count[2] = UINT_MAX;
}

static void count_at_max_end(void)
{
	F.ga.alert.ref_count[2] = 0;
}

/* ---- The table ---------------------------------------------------------- */

#define NOP NULL

/*
 * X(call, documented result, prep, undo): prep runs before the snapshot,
 * undo after the comparison.
 */
#define ROWS(X)									\
	/* gib.h */								\
	X(gib_init(NULL, 5), -EINVAL, NOP, NOP)					\
	X(gib_init(&F.host_nogib, 8), -ERANGE, NOP, NOP)			\
	X(gib_init(&F.host_nogib, 255), -ERANGE, NOP, NOP)			\
	X(gib_init(&F.host_nogib, UINT_MAX), -ERANGE, NOP, NOP)			\
	X(gib_init(&F.host, 5), -EALREADY, NOP, NOP)				\
	X(gib_init(&F.host, 8), -ERANGE, NOP, NOP)				\
	X(gib_init(&F.host_noaiv, 5), -ENODEV, NOP, NOP)			\
	X(gib_init(&F.host_unattached, 5), -EINVAL, NOP, NOP)			\
	X(gib_init(&F.host_nogib, 5), -ENOMEM, fail_alloc, fail_alloc_end)	\
	X(gib_init(&F.host_nogib, 5), -EIO, fail_gal_register, NOP)		\
	X(gib_init(&F.host_nogib, 5), -EIO, fail_set_gib, NOP)			\
	X(gib_destroy(NULL), -EINVAL, NOP, NOP)					\
	X(gib_destroy(&F.host_nogib), -ENODEV, NOP, NOP)			\
	X(gib_destroy(&F.host), -EBUSY, NOP, NOP)				\
	X(gib_process_alert_list(NULL), -EINVAL, NOP, NOP)			\
	X(gib_process_alert_list(&F.host_nogib), -ENODEV, NOP, NOP)		\
	/* isc.h */								\
	X(gib_isc_lowest(0), -ENOENT, NOP, NOP)					\
	/* gisa.h */								\
	X(gib_gisa_check_addr(NULL), -EINVAL, NOP, NOP)				\
	X(gib_gisa_check_addr(misaligned()), -EINVAL, NOP, NOP)			\
	X(gib_gisa_check_addr(&F.outside), -ERANGE, NOP, NOP)			\
	X(gib_gisa_reset(NULL), -EINVAL, NOP, NOP)				\
	X(gib_gisa_reset(misaligned()), -EINVAL, NOP, NOP)			\
	X(gib_gisa_reset(&F.outside), -ERANGE, NOP, NOP)			\
	X(gib_gisa_in_alert_list(NULL), -EINVAL, NOP, NOP)			\
	X(gib_gisa_get_ipm(NULL), -EINVAL, NOP, NOP)				\
	X(gib_gisa_get_iam(NULL), -EINVAL, NOP, NOP)				\
	X(gib_gisa_set_iam(NULL, 0xff), -EINVAL, NOP, NOP)			\
	X(gib_gisa_set_iam(gisa(&F.gl), 0xff), -EBUSY, NOP, NOP)		\
	X(gib_gisa_set_iam(gisa(&F.gl), 0), -EBUSY, NOP, NOP)			\
	X(gib_gisa_clear_ipm(NULL), -EINVAL, NOP, NOP)				\
	X(gib_gisa_get_ipm_or_restore_iam(NULL, &F.mask), -EINVAL, NOP, NOP)	\
	X(gib_gisa_get_ipm_or_restore_iam(gisa(&F.ga), NULL), -EINVAL, NOP, NOP) \
	X(gib_gisa_set_ipm_gisc(NULL, 0), -EINVAL, NOP, NOP)			\
	X(gib_gisa_set_ipm_gisc(gisa(&F.ga), 8), -ERANGE, NOP, NOP)		\
	X(gib_gisa_set_ipm_gisc(gisa(&F.ga), 255), -ERANGE, NOP, NOP)		\
	X(gib_gisa_set_ipm_gisc(gisa(&F.ga), UINT_MAX), -ERANGE, NOP, NOP)	\
	X(gib_gisa_clear_ipm_gisc(NULL, 0), -EINVAL, NOP, NOP)			\
	X(gib_gisa_clear_ipm_gisc(gisa(&F.ga), 8), -ERANGE, NOP, NOP)		\
	X(gib_gisa_clear_ipm_gisc(gisa(&F.ga), UINT_MAX), -ERANGE, NOP, NOP)	\
	X(gib_gisa_test_ipm_gisc(NULL, 0), -EINVAL, NOP, NOP)			\
	X(gib_gisa_test_ipm_gisc(gisa(&F.ga), 8), -ERANGE, NOP, NOP)		\
	X(gib_gisa_test_ipm_gisc(gisa(&F.ga), UINT_MAX), -ERANGE, NOP, NOP)	\
	X(gib_gisa_tac_ipm_gisc(NULL, 0), -EINVAL, NOP, NOP)			\
	X(gib_gisa_tac_ipm_gisc(gisa(&F.ga), 8), -ERANGE, NOP, NOP)		\
	X(gib_gisa_tac_ipm_gisc(gisa(&F.ga), 255), -ERANGE, NOP, NOP)		\
	/* guest.h */								\
	X(gib_guest_init(NULL, &F.host, &ops, NULL), -EINVAL, NOP, NOP)		\
	X(gib_guest_init(&F.gzero, NULL, &ops, NULL), -EINVAL, NOP, NOP)	\
	X(gib_guest_init(&F.gzero, &F.host, NULL, NULL), -EINVAL, NOP, NOP)	\
	X(gib_guest_init(&F.gzero, &F.host, &ops_nowake, NULL), -EINVAL, NOP, NOP) \
	X(gib_guest_init(&F.gzero, &F.host_nogib, &ops, NULL), -ENODEV, NOP, NOP) \
	X(gib_guest_destroy(NULL), -EINVAL, NOP, NOP)				\
	X(gib_guest_set_float_policy(NULL, GIB_FLOAT_IDLE_FIRST), -EINVAL, NOP, NOP) \
	X(gib_guest_set_float_policy(&F.ga, (enum gib_float_policy)2), -EINVAL, NOP, NOP) \
	X(gib_guest_set_float_policy(&F.ga, (enum gib_float_policy)-1), -EINVAL, NOP, NOP) \
	X(gib_guest_set_float_policy(&F.ga, (enum gib_float_policy)255), -EINVAL, NOP, NOP) \
	X(gib_guest_set_expires(NULL, 1), -EINVAL, NOP, NOP)			\
	X(gib_guest_set_expires(&F.ga, 0), -ERANGE, NOP, NOP)			\
	X(gib_guest_set_expires(&F.ga, 1000000001ull), -ERANGE, NOP, NOP)	\
	X(gib_guest_set_expires(&F.ga, UINT64_MAX), -ERANGE, NOP, NOP)		\
	X(gib_gisa_init(NULL), -EINVAL, NOP, NOP)				\
	X(gib_gisa_init(&F.ga), -EALREADY, NOP, NOP)				\
	X(gib_gisa_init(&F.gl), -EALREADY, NOP, NOP)				\
	X(gib_gisa_init(&F.gb), -ENOMEM, fail_alloc, fail_alloc_end)		\
	X(gib_gisa_enable(NULL), -EINVAL, NOP, NOP)				\
	X(gib_gisa_enable(&F.ga), -EALREADY, NOP, NOP)				\
	X(gib_gisa_enable(&F.gb), -ENOMEM, fail_alloc, fail_alloc_end)		\
	X(gib_gisa_clear(NULL), -EINVAL, NOP, NOP)				\
	X(gib_gisa_clear(&F.gb), -ENODEV, NOP, NOP)				\
	X(gib_gisa_destroy(NULL), -EINVAL, NOP, NOP)				\
	X(gib_gisa_destroy(&F.gb), -ENODEV, NOP, NOP)				\
	X(gib_gisa_disable(NULL), -EINVAL, NOP, NOP)				\
	X(gib_gisa_disable(&F.gb), -ENODEV, NOP, NOP)				\
	X(gib_gisa_destroy(&F.ga), -EBUSY, NOP, NOP)				\
	X(gib_gisa_disable(&F.ga), -EBUSY, NOP, NOP)				\
	X(gib_guest_destroy(&F.ga), -EBUSY, NOP, NOP)				\
	X(gib_gisa_designation(NULL), 0, NOP, NOP)				\
	X(gib_gisa_designation(&F.gb), 0, NOP, NOP)				\
	X(gib_gisa_device_designation(NULL), 0, NOP, NOP)			\
	X(gib_gisa_device_designation(&F.gb), 0, NOP, NOP)			\
	X(gib_gisa_kick(NULL), -EINVAL, NOP, NOP)				\
	X(gib_gisa_forward_adapter_event(NULL, 0), -EINVAL, NOP, NOP)		\
	X(gib_gisa_forward_adapter_event(&F.gb, 0), -ENODEV, NOP, NOP)		\
	X(gib_gisa_forward_adapter_event(&F.ga, 8), -ERANGE, NOP, NOP)		\
	X(gib_gisa_forward_adapter_event(&F.ga, UINT_MAX), -ERANGE, NOP, NOP)	\
	X(gib_gisa_forward_adapter_event(&F.ga, 3), -EOPNOTSUPP, NOP, NOP)	\
	/* gisc.h */								\
	X(gib_gisc_register(NULL, 0), -EINVAL, NOP, NOP)			\
	X(gib_gisc_register(&F.gb, 0), -ENODEV, NOP, NOP)			\
	X(gib_gisc_register(&F.gb, 8), -ENODEV, NOP, NOP)			\
	X(gib_gisc_register(&F.ga, 8), -ERANGE, NOP, NOP)			\
	X(gib_gisc_register(&F.ga, 255), -ERANGE, NOP, NOP)			\
	X(gib_gisc_register(&F.ga, UINT_MAX), -ERANGE, NOP, NOP)		\
	X(gib_gisc_register(&F.ga, 2), -EOVERFLOW, count_at_max, count_at_max_end) \
	X(gib_gisc_unregister(NULL, 0), -EINVAL, NOP, NOP)			\
	X(gib_gisc_unregister(&F.gb, 0), -ENODEV, NOP, NOP)			\
	X(gib_gisc_unregister(&F.ga, 8), -ERANGE, NOP, NOP)			\
	X(gib_gisc_unregister(&F.ga, UINT_MAX), -ERANGE, NOP, NOP)		\
	X(gib_gisc_unregister(&F.ga, 0), -EINVAL, NOP, NOP)			\
	X(gib_gisc_unregister(&F.gc, 3), -EINVAL, NOP, NOP)			\
	/* vcpu.h */								\
	X(gib_vcpu_add(NULL, &F.vextra, 0, NULL), -EINVAL, NOP, NOP)		\
	X(gib_vcpu_add(&F.ga, NULL, 0, NULL), -EINVAL, NOP, NOP)		\
	X(gib_vcpu_add(&F.gfull, &F.vextra, 0, NULL), -ERANGE, NOP, NOP)	\
	X(gib_vcpu_prepare_wait(NULL), -EINVAL, NOP, NOP)			\
	X(gib_vcpu_prepare_wait(&F.va[1]), -EOPNOTSUPP, NOP, NOP)		\
	X(gib_vcpu_take_ai(NULL, &F.word), -EINVAL, NOP, NOP)			\
	X(gib_vcpu_take_ai(&F.vb, &F.word), -ENODEV, NOP, NOP)			\
	X(gib_vcpu_take_ai(&F.va[0], &F.word), -ENOENT, NOP, NOP)		\
	X(gib_kick_one_vcpu(NULL, 0xff), -EINVAL, NOP, NOP)			\
	X(gib_kick_one_vcpu(&F.ga, 0xff), -ENOENT, NOP, NOP)			\
	X(gib_kick_one_vcpu(&F.ga, 0), -ENOENT, NOP, NOP)			\
	X(gib_find_vcpu_for_floating_irq(NULL), -EINVAL, NOP, NOP)		\
	X(gib_find_vcpu_for_floating_irq(&F.gc), -ENODEV, NOP, NOP)		\
	X(gib_find_vcpu_for_floating_irq(&F.gs), -ENODEV, NOP, NOP)		\
	X(gib_inject_ai(NULL, 0), -EINVAL, NOP, NOP)				\
	X(gib_inject_ai(&F.gb, 0), -ENODEV, NOP, NOP)				\
	X(gib_inject_ai(&F.ga, 8), -ERANGE, NOP, NOP)				\
	X(gib_inject_ai(&F.ga, UINT_MAX), -ERANGE, NOP, NOP)			\
	/* libgib-us/arena.h */							\
	X(gib_us_arena_init(0, ARENA_MADDR), -EINVAL, NOP, NOP)			\
	X(gib_us_arena_init(100, ARENA_MADDR), -EINVAL, NOP, NOP)		\
	X(gib_us_arena_init(GIB_US_ARENA_SLOT, ARENA_MADDR + 1), -EINVAL, NOP, NOP) \
	X(gib_us_arena_init(GIB_US_ARENA_SLOT, 0), -ERANGE, NOP, NOP)		\
	X(gib_us_arena_init(GIB_US_ARENA_SLOT, 0x100), -ERANGE, NOP, NOP)	\
	X(gib_us_arena_init(0x80000000u, GIB_US_ARENA_MIN_MADDR), -ERANGE, NOP, NOP) \
	X(gib_us_arena_init(ARENA_BYTES, ARENA_MADDR), -EBUSY, NOP, NOP)	\
	X(gib_us_arena_fini(), -EBUSY, NOP, NOP)				\
	/* libgib-us/clock.h */							\
	X(clock_create_bad() == NULL && errno == EINVAL ? -EINVAL : 0, -EINVAL, NOP, NOP) \
	X(gib_us_clock_destroy(NULL), -EINVAL, NOP, NOP)			\
	X(gib_us_clock_destroy(F.clock), -EBUSY, NOP, NOP)			\
	X(gib_us_clock_destroy(F.clock2), -EBUSY, NOP, NOP)			\
	X(gib_us_clock_next_expiry(NULL, &F.t), -EINVAL, NOP, NOP)		\
	X(gib_us_clock_next_expiry(F.clock, NULL), -EINVAL, NOP, NOP)		\
	X(gib_us_clock_next_expiry(F.clock, &F.t), -ENOENT, NOP, NOP)		\
	X(gib_us_clock_run_until(NULL, 1000), 0, NOP, NOP)			\
	X(gib_us_clock_run_until(F.real, 1000), 0, NOP, NOP)			\
	/* libgib-us/machine.h */						\
	X(gib_us_machine_init(NULL, &F.m.cfg), -EINVAL, NOP, NOP)		\
	X(gib_us_machine_init(&F.m_tmp, NULL), -EINVAL, NOP, NOP)		\
	X(gib_us_machine_init(&F.m_tmp, &(struct gib_us_machine_config){		\
		.has_aiv = true, .gal_mode = (enum gib_us_gal_mode)2 }), -EINVAL, NOP, NOP) \
	X(gib_us_machine_fini(NULL), -EINVAL, NOP, NOP)				\
	X(gib_us_machine_fini(&F.m), -EBUSY, NOP, NOP)				\
	X(gib_us_host_attach(NULL, &F.m_spare), -EINVAL, NOP, NOP)		\
	X(gib_us_host_attach(&F.host_spare, NULL), -EINVAL, NOP, NOP)		\
	X(gib_us_host_attach(&F.host_spare, &F.m), -EBUSY, NOP, NOP)		\
	X(gib_us_host_attach(&F.host, &F.m_spare), -EBUSY, NOP, NOP)		\
	X(gib_us_machine_fail_next(NULL, GIB_US_FAULT_SET_GIB, 1), -EINVAL, NOP, NOP) \
	X(gib_us_machine_fail_next(&F.m, GIB_US_NR_FAULTS, 1), -EINVAL, NOP, NOP) \
	X(gib_us_machine_fail_next(&F.m, (enum gib_us_fault)-1, 1), -EINVAL, NOP, NOP) \
	X(gib_us_machine_raise_ai(NULL, &F.ga, 0, &F.res), -EINVAL, NOP, NOP)	\
	X(gib_us_machine_raise_ai(&F.m, NULL, 0, &F.res), -EINVAL, NOP, NOP)	\
	X(gib_us_machine_raise_ai(&F.m, &F.gzero, 0, &F.res), -EINVAL, NOP, NOP) \
	X(gib_us_machine_raise_ai(&F.m_nogib, &F.ga, 0, &F.res), -EINVAL, NOP, NOP) \
	X(gib_us_machine_raise_ai(&F.m, &F.gb, 0, &F.res), -ENODEV, NOP, NOP)	\
	X(gib_us_machine_raise_ai(&F.m, &F.gb, 8, &F.res), -ENODEV, NOP, NOP)	\
	X(gib_us_machine_raise_ai(&F.m, &F.ga, 8, &F.res), -ERANGE, NOP, NOP)	\
	X(gib_us_machine_raise_ai(&F.m, &F.ga, 255, &F.res), -ERANGE, NOP, NOP) \
	X(gib_us_machine_raise_ai(&F.m, &F.ga, UINT_MAX, NULL), -ERANGE, NOP, NOP) \
	X(gib_us_machine_take_gal(NULL), -EINVAL, NOP, NOP)			\
	X(gib_us_machine_gib(NULL), 0, NOP, NOP)				\
	X(gib_us_machine_gal_registered(NULL, &F.nisc), false, NOP, NOP)	\
	X(gib_us_machine_stats(NULL, &F.st), -EINVAL, NOP, NOP)			\
	X(gib_us_machine_stats(&F.m, NULL), -EINVAL, NOP, NOP)

struct row {
	const char *call;
	long long want;
	void (*prep)(void);
	void (*undo)(void);
};

#define X_ROW(call, want, prep, undo) { #call, want, prep, undo },
static const struct row rows[] = { ROWS(X_ROW) };
#undef X_ROW

static long long call_row(unsigned int i)
{
	unsigned int k = 0;

	/* The calls in table order, their results widened to long long. */
#define X_CASE(call, want, prep, undo)						\
	do {									\
		if (k++ == i)							\
			return (long long)(call);				\
	} while (0);
	ROWS(X_CASE)
#undef X_CASE
	fail_msg("no row %u", i);
	return 0;
}

/* ---- Snapshots ----------------------------------------------------------- */

struct snap {
	struct fixture f;
	uint8_t gisa_a[GIB_US_ARENA_SLOT];
	uint8_t gisa_c[GIB_US_ARENA_SLOT];
	uint8_t gisa_l[GIB_US_ARENA_SLOT];
	uint8_t gib[GIB_US_ARENA_SLOT];
	struct gib_us_arena_map map;
	size_t used;
	uint64_t now, next;
	int next_rc;
	struct gib_us_machine_stats stats;
};

static void take(struct snap *s)
{
	memcpy(&s->f, &F, sizeof(F));
	memcpy(s->gisa_a, gisa(&F.ga), GIB_US_ARENA_SLOT);
	memcpy(s->gisa_c, gisa(&F.gc), GIB_US_ARENA_SLOT);
	memcpy(s->gisa_l, gisa(&F.gl), GIB_US_ARENA_SLOT);
	memcpy(s->gib, F.host.gib, GIB_US_ARENA_SLOT);
	memcpy(&s->map, &gib_us_arena_map, sizeof(s->map));
	s->used = gib_us_arena_used();
	s->now = gib_us_clock_now(F.clock);
	s->next = 0;
	s->next_rc = gib_us_clock_next_expiry(F.clock, &s->next);
	assert_int_equal(gib_us_machine_stats(&F.m, &s->stats), 0);
}

/*
 * A machine failure injected for a row is used up by it: the one change a
 * failing gib_init() makes, outside the host. The machine also keeps the
 * NISC of its last GAL registration, unregistered again by the unwind; it
 * reports it only while registered.
 */
static void fault_consumed(struct snap *before)
{
	memcpy(before->f.m_nogib.faults, F.m_nogib.faults, sizeof(F.m_nogib.faults));
	before->f.m_nogib.nisc = F.m_nogib.nisc;
}

static void first_difference(const char *call, const void *a, const void *b, size_t n,
			     const char *what)
{
	const uint8_t *x = a, *y = b;
	size_t i;

	for (i = 0; i < n && x[i] == y[i]; i++)
		;
	if (i < n)
		fail_msg("%s changed %s at byte %zu: %#x -> %#x", call, what, i, x[i], y[i]);
}

static void test_bad_input(void **state)
{
	static struct snap before, after;
	unsigned int i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(rows); i++) {
		const struct row *r = &rows[i];
		long long rc;

		if (r->prep)
			r->prep();
		take(&before);
		rc = call_row(i);
		take(&after);
		if (r->prep == fail_gal_register || r->prep == fail_set_gib)
			fault_consumed(&before);
		if (rc != r->want)
			fail_msg("%s returned %lld, documented %lld", r->call, rc, r->want);
		first_difference(r->call, &before.f, &after.f, sizeof(before.f), "the fixture");
		first_difference(r->call, before.gisa_a, after.gisa_a, GIB_US_ARENA_SLOT, "GISA a");
		first_difference(r->call, before.gisa_c, after.gisa_c, GIB_US_ARENA_SLOT, "GISA c");
		first_difference(r->call, before.gisa_l, after.gisa_l, GIB_US_ARENA_SLOT, "GISA l");
		first_difference(r->call, before.gib, after.gib, GIB_US_ARENA_SLOT, "the GIB");
		first_difference(r->call, &before.map, &after.map, sizeof(before.map), "the arena");
		first_difference(r->call, &before.stats, &after.stats, sizeof(before.stats),
				 "the machine counters");
		assert_int_equal(after.used, before.used);
		assert_int_equal(after.now, before.now);
		assert_int_equal(after.next_rc, before.next_rc);
		assert_int_equal(after.next, before.next);
		if (r->undo)
			r->undo();
	}
	print_message("bad input: %u rows, each its documented errno, nothing changed\n", i);
}

/* ---- The fixture ---------------------------------------------------------- */

static void machine(struct gib_us_machine *m, bool aiv)
{
	struct gib_us_machine_config cfg = { .has_aiv = aiv, .gal_mode = GIB_US_GAL_DEFERRED };

	assert_int_equal(gib_us_machine_init(m, &cfg), 0);
}

static void guest(struct gib_guest *gi, bool with_gisa)
{
	assert_int_equal(gib_guest_init(gi, &F.host, &ops, NULL), 0);
	if (with_gisa)
		assert_int_equal(gib_gisa_init(gi), 0);
}

static void vcpu(struct gib_guest *gi, struct gib_vcpu *v, unsigned int idx, bool io)
{
	assert_int_equal(gib_vcpu_add(gi, v, 10 + 3 * idx, NULL), (int)idx);
	gib_vcpu_set_cr6(v, 0xffull << 24);
	gib_vcpu_set_io_enabled(v, io);
}

static int setup(void **state)
{
	struct gib_us_ai_result r;
	unsigned int i;

	(void)state;
	gib_us_thread_online();
	/* Before anything is allocated: no arena yet. */
	assert_int_equal(gib_us_arena_fini(), -ENOENT);
	assert_int_equal(gib_us_arena_init(ARENA_BYTES, ARENA_MADDR), 0);
	memset(&F, 0, sizeof(F));
	F.clock2 = gib_us_clock_create(GIB_US_CLOCK_SIM);
	F.clock = gib_us_clock_create(GIB_US_CLOCK_SIM);
	F.real = gib_us_clock_create(GIB_US_CLOCK_REAL);
	assert_non_null(F.clock2);
	assert_non_null(F.clock);
	assert_non_null(F.real);

	machine(&F.m, true);
	machine(&F.m_nogib, true);
	machine(&F.m_noaiv, false);
	machine(&F.m_spare, true);
	assert_int_equal(gib_us_host_attach(&F.host, &F.m), 0);
	assert_int_equal(gib_us_host_attach(&F.host_nogib, &F.m_nogib), 0);
	assert_int_equal(gib_us_host_attach(&F.host_noaiv, &F.m_noaiv), 0);
	assert_int_equal(gib_init(&F.host, GIB_GAL_ISC), 0);

	/* g2's kick timer binds to clock2, which then is not the default. */
	gib_us_set_default_clock(F.clock2);
	guest(&F.g2, false);
	gib_us_set_default_clock(F.clock);

	guest(&F.ga, true);
	vcpu(&F.ga, &F.va[0], 0, true);
	vcpu(&F.ga, &F.va[1], 1, false);
	assert_int_equal(gib_gisc_register(&F.ga, 3), GIB_GAL_ISC);
	guest(&F.gb, false);
	vcpu(&F.gb, &F.vb, 0, true);
	guest(&F.gc, true);
	guest(&F.gl, true);
	assert_int_equal(gib_gisc_register(&F.gl, 1), GIB_GAL_ISC);
	assert_int_equal(gib_us_machine_raise_ai(&F.m, &F.gl, 1, &r), 0);
	assert_int_equal(r.outcome, GIB_US_AI_LINKED_GAL);
	guest(&F.gs, false);
	for (i = 0; i < 2; i++) {
		vcpu(&F.gs, &F.vs[i], i, true);
		gib_vcpu_set_stopped(&F.vs[i], true);
	}
	guest(&F.gfull, false);
	for (i = 0; i < NR_FULL; i++)
		vcpu(&F.gfull, &F.vfull[i], i, true);
	F.mask = 0xff;
	return 0;
}

/* Drop every GISC registration left: destroy refuses while any remains. */
static void unregister_all(struct gib_guest *gi)
{
	unsigned int isc;

	for (isc = 0; isc <= GIB_MAX_ISC; isc++)
		while (gi->alert.ref_count[isc])
			assert_int_equal(gib_gisc_unregister(gi, isc), 0);
}

static int teardown(void **state)
{
	struct gib_guest *all[] = { &F.ga, &F.gb, &F.gc, &F.gl, &F.gs, &F.gfull, &F.g2 };
	unsigned int i;

	(void)state;
	gib_us_machine_take_gal(&F.m);
	gib_gal_interrupt(&F.host);
	for (i = 0; i < ARRAY_SIZE(all); i++) {
		if (gib_guest_gisa(all[i]))
			unregister_all(all[i]);
		assert_int_equal(gib_guest_destroy(all[i]), 0);
	}
	assert_int_equal(gib_destroy(&F.host), 0);
	assert_int_equal(gib_us_machine_fini(&F.m), 0);
	assert_int_equal(gib_us_machine_fini(&F.m_nogib), 0);
	assert_int_equal(gib_us_machine_fini(&F.m_noaiv), 0);
	assert_int_equal(gib_us_machine_fini(&F.m_spare), 0);
	gib_us_set_default_clock(NULL);
	assert_int_equal(gib_us_clock_destroy(F.clock), 0);
	assert_int_equal(gib_us_clock_destroy(F.clock2), 0);
	assert_int_equal(gib_us_clock_destroy(F.real), 0);
	assert_int_equal(gib_us_arena_fini(), 0);
	gib_us_thread_offline();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_input),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
