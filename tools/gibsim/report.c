// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * The summary: text a person reads at a glance, or one JSON object whose
 * keys are the trace's event names where the two count the same thing.
 */
#include "report.h"
#include "engines.h"

#include <stdio.h>
#include <time.h>
#include <unistd.h>

static const double quantiles[] = { 0.5, 0.9, 0.99, 0.999 };
static const char *const qnames[] = { "p50", "p90", "p99", "p99.9" };

static const char *engine_name(const struct sim_opts *o)
{
	return o->engine == SIM_DETERMINISTIC ? "deterministic" : "concurrent";
}

/* A duration with a unit that keeps 3-4 significant digits. */
static const char *dur(uint64_t ns, char *buf, size_t len)
{
	if (ns < 1000)
		snprintf(buf, len, "%llu ns", (unsigned long long)ns);
	else if (ns < 1000000)
		snprintf(buf, len, "%.1f us", (double)ns / 1e3);
	else if (ns < 1000000000)
		snprintf(buf, len, "%.2f ms", (double)ns / 1e6);
	else
		snprintf(buf, len, "%.3f s", (double)ns / 1e9);
	return buf;
}

static void text(const struct sim *s, const struct sim_result *r)
{
	const struct sim_opts *o = s->o;
	const struct sim_stats *st = &s->st;
	char b1[32], b2[32], isc[24];
	unsigned int i;
	double per_cut = st->cuts_nonempty ? (double)st->unlinked / (double)st->cuts_nonempty : 0;

	printf("gibsim: scenario %s, %s engine, seed %llu\n", o->scenario, engine_name(o),
	       (unsigned long long)o->seed);
	printf("  %u guests x %u vcpus (%u stopped), %u devices on ISCs %s, %s %s\n", o->guests,
	       o->vcpus, o->stopped, o->guests * o->devices, sim_isc_list_str(o, isc),
	       dur(st->sim_ns, b1, sizeof(b1)),
	       o->engine == SIM_DETERMINISTIC ? "simulated" : "real");
	printf("\n");
	printf("AIs raised              %12llu  (machine %llu, host-injected %llu)\n",
	       (unsigned long long)st->raised, (unsigned long long)st->raised_machine,
	       (unsigned long long)st->raised_injected);
	printf("  delivered in SIE      %12llu  (events taken by handlers the machine ran in SIE)\n",
	       (unsigned long long)st->consumed_sie);
	printf("  delivered after alert %12llu  (events taken after the host delivered from the IPM)\n",
	       (unsigned long long)st->consumed_host);
	printf("  lost                  %12llu\n", (unsigned long long)r->lost);
	printf("interruptions           %12llu  (in SIE %llu, by host %llu; handler found nothing %llu)\n",
	       (unsigned long long)(st->irq_sie + st->irq_host), (unsigned long long)st->irq_sie,
	       (unsigned long long)st->irq_host, (unsigned long long)st->handler_empty);
	printf("machine outcomes        in SIE %llu, taken by other %llu, linked %llu, linked+GAL %llu, "
	       "pending %llu; coalesced %llu\n",
	       (unsigned long long)st->outcome[0], (unsigned long long)st->outcome[1],
	       (unsigned long long)st->outcome[2], (unsigned long long)st->outcome[3],
	       (unsigned long long)st->outcome[4], (unsigned long long)st->coalesced);
	printf("GAL interrupts          %12llu  (host handled them in %llu calls)\n",
	       (unsigned long long)st->gal_raised, (unsigned long long)st->gal_handled);
	printf("alert-list cuts         %12llu  (%llu non-empty; GISAs per cut: mean %.2f, max %llu)\n",
	       (unsigned long long)st->cuts, (unsigned long long)st->cuts_nonempty, per_cut,
	       (unsigned long long)st->max_per_cut);
	printf("kicks                   %12llu  (skipped, already kicked: %llu)\n",
	       (unsigned long long)st->kicks, (unsigned long long)st->kicks_already);
	printf("wake-ups                %12llu  (spurious %llu; own work %llu)\n",
	       (unsigned long long)st->wakeups, (unsigned long long)st->spurious_wakeups,
	       (unsigned long long)st->own_wakeups);
	printf("kick-timer runs         %12llu  (re-armed %llu, IAM restored %llu)\n",
	       (unsigned long long)st->kick_timer_runs, (unsigned long long)st->kick_timer_rearm,
	       (unsigned long long)st->iam_restored);
	printf("vcpu SIE entries        %12llu  (waits %llu, wait refused for work %llu)\n",
	       (unsigned long long)st->sie_entries, (unsigned long long)st->waits,
	       (unsigned long long)st->wait_refused);
	if (o->cycle != SIM_CYCLE_NONE || st->validity_intercepts)
		printf("GISA life cycle         destroyed %llu, disabled %llu, re-signalled ISCs %llu, "
		       "validity intercepts %llu\n",
		       (unsigned long long)st->gisa_destroys, (unsigned long long)st->gisa_disables,
		       (unsigned long long)st->resignals,
		       (unsigned long long)st->validity_intercepts);
	if (st->throttled)
		printf("throttled events        %12llu  (a device had %u outstanding)\n",
		       (unsigned long long)st->throttled, SIM_RING);
	printf("latency raise->consume ");
	for (i = 0; i < 4; i++)
		printf(" %s %s ", qnames[i], dur(sim_hist_quantile(&st->lat, quantiles[i]), b1,
						   sizeof(b1)));
	printf(" max %s\n", dur(st->lat.max, b2, sizeof(b2)));
	printf("\n");
	if (r->stalled)
		printf("result: STALLED: no AI consumed for %s with %llu outstanding\n",
		       dur(o->stall_ns, b1, sizeof(b1)), (unsigned long long)r->lost);
	else if (r->lost)
		printf("result: FAILED, %llu AIs lost\n", (unsigned long long)r->lost);
	else
		printf("result: OK, 0 lost\n");
}

static void json(const struct sim *s, const struct sim_result *r)
{
	const struct sim_opts *o = s->o;
	const struct sim_stats *st = &s->st;
	char isc[24];
	unsigned int i;

#define U(k, v) printf("  \"%s\": %llu,\n", k, (unsigned long long)(v))
	printf("{\n");
	printf("  \"scenario\": \"%s\",\n  \"engine\": \"%s\",\n", o->scenario, engine_name(o));
	U("seed", o->seed);
	U("guests", o->guests);
	U("vcpus", o->vcpus);
	U("devices", o->guests * o->devices);
	printf("  \"iscs\": \"%s\",\n", sim_isc_list_str(o, isc));
	U("time_ns", st->sim_ns);
	U("drain_ns", st->drain_ns);
	U("ai_raise", st->raised);
	U("raised_machine", st->raised_machine);
	U("raised_injected", st->raised_injected);
	U("inject", st->raised_injected);
	U("throttled", st->throttled);
	U("delivered_in_sie", st->consumed_sie);
	U("delivered_after_alert", st->consumed_host);
	U("lost", r->lost);
	U("deliver_sie", st->irq_sie);
	U("deliver_host", st->irq_host);
	U("handler_empty", st->handler_empty);
	U("outcome_delivered_in_sie", st->outcome[0]);
	U("outcome_taken_by_other", st->outcome[1]);
	U("outcome_linked", st->outcome[2]);
	U("outcome_linked_gal", st->outcome[3]);
	U("outcome_pending", st->outcome[4]);
	U("linked", st->outcome[2] + st->outcome[3]);
	U("ipm_set", st->raised_machine - st->coalesced - st->raise_nodev);
	U("coalesced", st->coalesced);
	U("gal_raise", st->gal_raised);
	U("gal_handle", st->gal_handled);
	U("cut", st->cuts);
	U("cuts_nonempty", st->cuts_nonempty);
	U("unlink", st->unlinked);
	U("max_gisas_per_cut", st->max_per_cut);
	U("kick", st->kicks);
	U("kick_skipped", st->kicks_already);
	U("wake_calls", st->wake_calls);
	U("wake", st->wakeups);
	U("spurious_wakeup", st->spurious_wakeups);
	U("own_wakeup", st->own_wakeups);
	U("kick_timer", st->kick_timer_runs);
	U("kick_timer_rearm", st->kick_timer_rearm);
	U("iam_restored", st->iam_restored);
	U("sie_entries", st->sie_entries);
	U("waits", st->waits);
	U("wait_refused", st->wait_refused);
	U("disabled_waits", st->disabled_waits);
	U("gisa_destroy", st->gisa_destroys);
	U("gisa_disable", st->gisa_disables);
	U("resignal", st->resignals);
	U("validity_intercept", st->validity_intercepts);
	printf("  \"latency_ns\": {");
	for (i = 0; i < 4; i++)
		printf("\"%s\": %llu, ", qnames[i],
		       (unsigned long long)sim_hist_quantile(&st->lat, quantiles[i]));
	printf("\"max\": %llu, \"count\": %llu},\n", (unsigned long long)st->lat.max,
	       (unsigned long long)st->lat.n);
	printf("  \"stalled\": %s,\n", r->stalled ? "true" : "false");
	printf("  \"result\": \"%s\"\n}\n", r->stalled ? "stalled" : r->lost ? "lost" : "ok");
#undef U
}

void sim_report(const struct sim *s, const struct sim_result *r, bool as_json)
{
	if (as_json)
		json(s, r);
	else
		text(s, r);
	fflush(stdout);
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void sim_progress(struct sim *s, uint64_t t_ns, bool final)
{
	static uint64_t start, last;
	static int tty = -1;
	uint64_t now = mono_ns();
	char b[32];

	if (tty < 0) {
		tty = isatty(STDERR_FILENO);
		start = now;
	}
	if (!tty)
		return;
	if (final) {
		if (last)
			fprintf(stderr, "\r\033[K");
		return;
	}
	/* Only for runs over a couple of seconds, twice a second. */
	if (now - start < 2000000000ull || now - last < 500000000ull)
		return;
	last = now;
	fprintf(stderr, "\r\033[Kgibsim: %s %s, %llu AIs raised, %llu outstanding%s",
		dur(t_ns, b, sizeof(b)),
		s->o->engine == SIM_DETERMINISTIC ? "simulated" : "real",
		(unsigned long long)__atomic_load_n(&s->st.raised, __ATOMIC_RELAXED),
		(unsigned long long)__atomic_load_n(&s->outstanding, __ATOMIC_RELAXED),
		__atomic_load_n(&s->draining, __ATOMIC_RELAXED) ? ", draining" : "");
}
