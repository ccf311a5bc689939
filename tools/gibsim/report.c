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

static const char *cut_name(const struct sim_opts *o);

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

	printf("gibsim: scenario %s, %s engine, seed %llu, %s cut\n", o->scenario,
	       engine_name(o), (unsigned long long)o->seed, cut_name(o));
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
	if (o->cut == SIM_CUT_V2)
		printf("  v2 CAS attempts       %12llu  (retries: a link landed between read and CAS)\n",
		       (unsigned long long)st->cut_cas);
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

static const char *cut_name(const struct sim_opts *o)
{
	return o->cut == SIM_CUT_V2 ? "v2" : "two-phase";
}

/* The keys of one run, each line indented by @in. */
static void json_body(const struct sim *s, const struct sim_result *r, const char *in)
{
	const struct sim_opts *o = s->o;
	const struct sim_stats *st = &s->st;
	char isc[24];
	unsigned int i;

#define U(k, v) printf("%s  \"%s\": %llu,\n", in, k, (unsigned long long)(v))
	printf("%s  \"scenario\": \"%s\",\n%s  \"engine\": \"%s\",\n", in, o->scenario, in,
	       engine_name(o));
	printf("%s  \"cut_policy\": \"%s\",\n", in, cut_name(o));
	U("seed", o->seed);
	U("guests", o->guests);
	U("vcpus", o->vcpus);
	U("devices", o->guests * o->devices);
	printf("%s  \"iscs\": \"%s\",\n", in, sim_isc_list_str(o, isc));
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
	U("cut_cas", st->cut_cas);
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
	printf("%s  \"latency_ns\": {", in);
	for (i = 0; i < 4; i++)
		printf("\"%s\": %llu, ", qnames[i],
		       (unsigned long long)sim_hist_quantile(&st->lat, quantiles[i]));
	printf("\"max\": %llu, \"count\": %llu},\n", (unsigned long long)st->lat.max,
	       (unsigned long long)st->lat.n);
	printf("%s  \"stalled\": %s,\n", in, r->stalled ? "true" : "false");
	printf("%s  \"result\": \"%s\"\n", in, r->stalled ? "stalled" : r->lost ? "lost" : "ok");
#undef U
}

static void json(const struct sim *s, const struct sim_result *r)
{
	printf("{\n");
	json_body(s, r, "");
	printf("}\n");
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

/* GAL interruptions per machine AI, 0 without any. */
static double gal_per_ai(const struct sim_stats *st)
{
	return st->raised_machine ? (double)st->gal_raised / (double)st->raised_machine : 0;
}

static double gisas_per_cut(const struct sim_stats *st)
{
	return st->cuts_nonempty ? (double)st->unlinked / (double)st->cuts_nonempty : 0;
}

static void contrast_text(const struct sim *s, const struct sim_result *r)
{
	const struct sim_stats *a = &s[0].st, *b = &s[1].st;
	char b1[32], b2[32];
	unsigned int i;

#define ROW(name, fmt, va, vb) printf("%-26s " fmt "  " fmt "\n", name, va, vb)
#define ROWU(name, f) ROW(name, "%14llu", (unsigned long long)a->f, (unsigned long long)b->f)
	printf("gibsim: scenario %s, %s engine, seed %llu: both cut policies, same workload\n",
	       s->o->scenario, engine_name(s->o), (unsigned long long)s->o->seed);
	printf("  %u guests x %u vcpus, %u devices, walk %llu ns per unlinked GISA\n\n",
	       s->o->guests, s->o->vcpus, s->o->guests * s->o->devices,
	       (unsigned long long)s->o->walk_ns);
	printf("%-26s %14s  %14s\n", "", "two-phase", "v2");
	ROWU("AIs raised by the machine", raised_machine);
	ROW("  lost", "%14llu", (unsigned long long)r[0].lost, (unsigned long long)r[1].lost);
	ROWU("GAL interrupts", gal_raised);
	ROW("GAL interrupts per AI", "%14.4f", gal_per_ai(a), gal_per_ai(b));
	ROWU("GAL handler calls", gal_handled);
	ROWU("alert-list cuts", cuts);
	ROWU("  non-empty", cuts_nonempty);
	ROWU("  CAS attempts (v2)", cut_cas);
	ROWU("GISAs unlinked", unlinked);
	ROW("GISAs per non-empty cut", "%14.2f", gisas_per_cut(a), gisas_per_cut(b));
	ROWU("  max", max_per_cut);
	ROWU("kicks", kicks);
	ROWU("kick-timer runs", kick_timer_runs);
	for (i = 0; i < 4; i++) {
		char name[32];

		snprintf(name, sizeof(name), "latency %s", qnames[i]);
		ROW(name, "%14s", dur(sim_hist_quantile(&a->lat, quantiles[i]), b1, sizeof(b1)),
		    dur(sim_hist_quantile(&b->lat, quantiles[i]), b2, sizeof(b2)));
	}
	ROW("latency max", "%14s", dur(a->lat.max, b1, sizeof(b1)), dur(b->lat.max, b2, sizeof(b2)));
#undef ROWU
#undef ROW
	printf("\n");
	for (i = 0; i < 2; i++)
		printf("result %-9s %s\n", cut_name(s[i].o),
		       r[i].stalled ? "STALLED" : r[i].lost ? "FAILED, AIs lost" : "OK, 0 lost");
}

static void contrast_json(const struct sim *s, const struct sim_result *r)
{
	unsigned int i;
	bool stalled = r[0].stalled || r[1].stalled, lost = r[0].lost || r[1].lost;

	printf("{\n  \"scenario\": \"%s\",\n  \"engine\": \"%s\",\n  \"seed\": %llu,\n",
	       s->o->scenario, engine_name(s->o), (unsigned long long)s->o->seed);
	printf("  \"cut_policy\": \"both\",\n  \"walk_ns\": %llu,\n",
	       (unsigned long long)s->o->walk_ns);
	printf("  \"contrast\": {\"gal_per_ai\": [%.6f, %.6f], \"gisas_per_cut\": [%.4f, %.4f]},\n",
	       gal_per_ai(&s[0].st), gal_per_ai(&s[1].st), gisas_per_cut(&s[0].st),
	       gisas_per_cut(&s[1].st));
	printf("  \"runs\": [\n");
	for (i = 0; i < 2; i++) {
		printf("    {\n");
		json_body(&s[i], &r[i], "    ");
		printf("    }%s\n", i ? "" : ",");
	}
	printf("  ],\n  \"lost\": %llu,\n", (unsigned long long)(r[0].lost + r[1].lost));
	printf("  \"result\": \"%s\"\n}\n", stalled ? "stalled" : lost ? "lost" : "ok");
}

void sim_report_contrast(const struct sim *s, const struct sim_result *r, bool as_json)
{
	if (as_json)
		contrast_json(s, r);
	else
		contrast_text(s, r);
	fflush(stdout);
}
