// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * A host with a GIB and two guests, on the user-space backend's machine
 * model and a simulated clock: register guest ISCs, raise adapter
 * interruptions while every vcpu waits, process the GIB alert, let the kick
 * timer wake a vcpu, and deliver. Prints what happened at each step and
 * exits non-zero if any AI was not delivered.
 */
#include <stdio.h>
#include <libgib/libgib.h>
#include <libgib-us/clock.h>
#include <libgib-us/machine.h>
#include <libgib-us/rcu.h>

#define NR_GUESTS 2
#define NR_VCPUS 2

struct guest {
	struct gib_guest gi;
	struct gib_vcpu vcpu[NR_VCPUS];
	unsigned int woken[NR_VCPUS];
};

static void wake_vcpu(struct gib_guest *gi, struct gib_vcpu *vcpu)
{
	struct guest *g = GIB_CONTAINER_OF(gi, struct guest, gi);

	g->woken[vcpu->idx]++;
}

static const struct gib_guest_ops ops = { .wake_vcpu = wake_vcpu };

static int check(int rc, const char *what)
{
	if (rc < 0)
		fprintf(stderr, "gib_example: %s failed: %d\n", what, rc);
	return rc;
}

/* Run every vcpu that was woken: it enters SIE and takes what it can. */
static unsigned int run_woken(struct guest *g, unsigned int gno)
{
	unsigned int i, taken = 0;
	uint32_t aiw;
	int isc;

	for (i = 0; i < NR_VCPUS; i++) {
		if (!g->woken[i])
			continue;
		g->woken[i] = 0;
		gib_vcpu_end_wait(&g->vcpu[i]);
		gib_vcpu_enter_sie(&g->vcpu[i]);
		while ((isc = gib_vcpu_take_ai(&g->vcpu[i], &aiw)) >= 0) {
			printf("  guest %u vcpu %u: AI on ISC %d, interruption word %#010x\n",
			       gno, i, isc, aiw);
			taken++;
		}
		gib_vcpu_exit_sie(&g->vcpu[i]);
		if (gib_vcpu_prepare_wait(&g->vcpu[i]) != 0)
			printf("  guest %u vcpu %u: work left, stays runnable\n", gno, i);
	}
	return taken;
}

int main(void)
{
	static struct guest guests[NR_GUESTS];
	struct gib_us_machine_config cfg = { .has_aiv = true, .gal_mode = GIB_US_GAL_DIRECT };
	struct gib_us_machine machine;
	struct gib_host host = { 0 };
	struct gib_us_clock *clock;
	unsigned int g, v, raised = 0, delivered = 0;
	struct gib_us_ai_result res;
	int nisc;

	/* gib_us_machine_raise_ai() reads under RCU: this thread must be online. */
	gib_us_thread_online();
	clock = gib_us_clock_create(GIB_US_CLOCK_SIM);
	if (!clock || check(gib_us_machine_init(&machine, &cfg), "machine init"))
		return 1;
	gib_us_set_default_clock(clock);
	if (check(gib_us_host_attach(&host, &machine), "attach") ||
	    check(gib_init(&host, GIB_GAL_ISC), "gib_init"))
		return 1;
	printf("GIB at %#x, GAL interruptions on host ISC %u\n", host.gib_maddr, host.nisc);

	for (g = 0; g < NR_GUESTS; g++) {
		struct guest *gs = &guests[g];

		if (check(gib_guest_init(&gs->gi, &host, &ops, NULL), "guest init") ||
		    check(gib_gisa_init(&gs->gi), "gisa init"))
			return 1;
		for (v = 0; v < NR_VCPUS; v++) {
			gib_vcpu_add(&gs->gi, &gs->vcpu[v], 2 * v + 1, NULL);
			/* vcpu v enables ISC 3 + v only; I/O enabled. */
			gib_vcpu_set_cr6(&gs->vcpu[v], (uint64_t)gib_isc_mask(3 + v) << 24);
			gib_vcpu_set_io_enabled(&gs->vcpu[v], true);
		}
		nisc = check(gib_gisc_register(&gs->gi, 3), "register ISC 3");
		check(gib_gisc_register(&gs->gi, 4), "register ISC 4");
		printf("guest %u: GISA designation %#x, alert mask 0x%02x, NISC %d\n", g,
		       gib_gisa_designation(&gs->gi), gib_gisc_alert_mask(&gs->gi), nisc);
		/* Every vcpu goes to enabled wait: nothing is pending. */
		for (v = 0; v < NR_VCPUS; v++)
			gib_vcpu_prepare_wait(&gs->vcpu[v]);
	}

	/* Devices raise AIs while no vcpu runs: the machine alerts the host. */
	for (g = 0; g < NR_GUESTS; g++) {
		gib_us_machine_raise_ai(&machine, &guests[g].gi, 3 + g, &res);
		printf("AI for guest %u ISC %u: %s\n", g, 3 + g,
		       res.outcome == GIB_US_AI_LINKED_GAL ? "GISA linked, GAL raised (processed)" :
		       res.outcome == GIB_US_AI_LINKED ? "GISA linked, no GAL" : "left pending");
		raised++;
	}
	printf("alert list origin after processing: %#x (NULL: GAL interruptions enabled)\n",
	       gib_alert_list_origin(&host));

	/* The kick timers were started at once: run them. */
	printf("kick timers ran: %u\n", gib_us_clock_run_until(clock, gib_us_clock_now(clock)));
	for (g = 0; g < NR_GUESTS; g++)
		delivered += run_woken(&guests[g], g);
	/* Their next runs find nothing pending and re-arm the IAM. */
	gib_us_clock_run_until(clock, gib_us_clock_now(clock) + GIB_KICK_EXPIRES_NS);
	for (g = 0; g < NR_GUESTS; g++)
		printf("guest %u: IAM 0x%02x (re-armed), IPM 0x%02x\n", g,
		       gib_gisa_get_iam(gib_guest_gisa(&guests[g].gi)),
		       gib_gisa_get_ipm(gib_guest_gisa(&guests[g].gi)));

	for (g = 0; g < NR_GUESTS; g++) {
		gib_gisc_unregister(&guests[g].gi, 3);
		gib_gisc_unregister(&guests[g].gi, 4);
		gib_guest_destroy(&guests[g].gi);
	}
	check(gib_destroy(&host), "gib_destroy");
	gib_us_machine_fini(&machine);
	gib_us_set_default_clock(NULL);
	gib_us_clock_destroy(clock);
	gib_us_thread_offline();
	printf("AIs raised %u, delivered %u, lost %u\n", raised, delivered, raised - delivered);
	return raised == delivered ? 0 : 1;
}
