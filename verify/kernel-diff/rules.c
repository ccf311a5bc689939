// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * The named expected differences between Linux and libgib. docs/fidelity.md
 * lists each under its name (what, Linux, libgib, why, which versions). A
 * matched difference ends its sequence (the two sides no longer share a
 * state) and is counted; any other difference fails the run.
 *
 * Adding one: a match function that recognises exactly that difference
 * (the operation, which fields differ, and how), and a line in rules[].
 */
#include <errno.h>
#include <string.h>
#include "kdiff.h"

/* The only guest whose fields differ, or -1 (none, or several). */
static int sole_guest(const struct kd_diff *d)
{
	int g, found = -1;

	for (g = 0; g < KS_NG; g++) {
		if (!d->guest[g])
			continue;
		if (found >= 0)
			return -1;
		found = g;
	}
	return found;
}

static bool any_refs(const struct ks_guest_snap *s)
{
	int k;

	for (k = 0; k < 8; k++)
		if (s->refs[k])
			return true;
	return false;
}

static bool linked(const struct ks_guest_snap *s)
{
	uint32_t next = (uint32_t)s->gisa[0] << 24 | (uint32_t)s->gisa[1] << 16 |
			(uint32_t)s->gisa[2] << 8 | s->gisa[3];

	return s->has_gisa && next != s->gisa_addr;
}

/*
 * fidelity: gisc-regs-survive-reinit. Linux keeps ref_count[] across GISA
 * destroy/disable and the next init/enable (the mask is cleared); libgib
 * starts a new GISA with no registrations.
 */
static bool regs_survive_reinit(const struct kd_step *st, const struct ks_snap *L,
				const struct ks_snap *G, const struct kd_diff *d)
{
	int g = sole_guest(d);

	return (st->op == OP_GISA_INIT || st->op == OP_GISA_ENABLE) && !st->had_gisa &&
	       !d->global && g == st->g && d->guest[g] == D_REFS && any_refs(&L->g[g]) &&
	       !any_refs(&G->g[g]) && L->g[g].mask == 0 && G->g[g].mask == 0;
}

/*
 * fidelity: gisc-mask-survives-destroy (6.1 only). 6.1's destroy reports a
 * non-zero alert mask but keeps it; libgib (and 6.12) clear it.
 */
static bool mask_survives_destroy(const struct kd_step *st, const struct ks_snap *L,
				  const struct ks_snap *G, const struct kd_diff *d)
{
	int g = sole_guest(d);

	return (st->op == OP_GISA_DESTROY || st->op == OP_GISA_DISABLE) && st->had_gisa &&
	       !d->global && g == st->g && d->guest[g] == D_MASK && L->g[g].mask != 0 &&
	       G->g[g].mask == 0;
}

/*
 * fidelity: kick-rearms-while-linked. A kick timer run that finds nothing
 * pending: Linux restores the IAM and stops even while the GISA is back in
 * the alert list; libgib re-arms nothing while the GISA reads as linked and
 * polls again one period later. Every guest that differs shows exactly that.
 */
static bool kick_rearms_while_linked(const struct kd_step *st, const struct ks_snap *L,
				     const struct ks_snap *G, const struct kd_diff *d)
{
	int g, seen = 0;

	if ((st->op != OP_RUN_TIMERS && st->op != OP_RUN_NEXT) || (d->global & ~D_RC))
		return false;
	for (g = 0; g < KS_NG; g++) {
		const struct ks_guest_snap *l = &L->g[g], *m = &G->g[g];

		if (!d->guest[g])
			continue;
		if ((d->guest[g] & ~(D_TIMER | D_GISA_IAM)) || !(d->guest[g] & D_TIMER))
			return false;
		if (l->timer_queued || !m->timer_queued || !linked(l) || !linked(m) ||
		    l->gisa[7] != l->mask || (l->gisa[4] & l->mask))
			return false;
		seen++;
	}
	return seen > 0;
}

/*
 * fidelity: destroy-busy-while-registered. libgib's
 * destroy and disable refuse with -EBUSY while GISCs are registered; Linux
 * destroys the GISA and keeps the counts.
 */
static bool destroy_busy_while_registered(const struct kd_step *st, const struct ks_snap *L,
					  const struct ks_snap *G, const struct kd_diff *d)
{
	(void)G;
	(void)d;
	return (st->op == OP_GISA_DESTROY || st->op == OP_GISA_DISABLE) &&
	       st->rc_libgib == -EBUSY && any_refs(&L->g[st->g]);
}

/*
 * fidelity: rr-cursor-all-stopped. Finding a vcpu for a floating interrupt
 * when none is idle and every vcpu is stopped: Linux advances the
 * round-robin cursor once more on the try that gives up (online + 1 steps),
 * libgib advances it once per vcpu tried (online steps).
 */
static bool rr_cursor_all_stopped(const struct kd_step *st, const struct ks_snap *L,
				  const struct ks_snap *G, const struct kd_diff *d)
{
	const struct ks_guest_snap *l = &L->g[st->g], *m = &G->g[st->g];

	return st->op == OP_INJECT && st->aux == -ENODEV && !d->global &&
	       sole_guest(d) == st->g && d->guest[st->g] == D_NEXT_RR && m->nv &&
	       l->next_rr == (m->next_rr + 1) % m->nv;
}

/*
 * fidelity: restore-adds-only. The IAM restore (wait path, kick timer, the
 * restore operation): Linux CASes IAM := alert mask; libgib CASes
 * IAM := IAM | alert mask, so bits a caller set beyond the mask (a direct
 * set_iam) stay. On the mask's bits both agree.
 */
static bool restore_adds_only(const struct kd_step *st, const struct ks_snap *L,
			      const struct ks_snap *G, const struct kd_diff *d)
{
	int g = sole_guest(d);
	const struct ks_guest_snap *l, *m;

	if (st->op != OP_WAIT && st->op != OP_RESTORE && st->op != OP_RUN_TIMERS &&
	    st->op != OP_RUN_NEXT)
		return false;
	if (d->global || g < 0 || d->guest[g] != D_GISA_IAM)
		return false;
	l = &L->g[g];
	m = &G->g[g];
	return l->mask == m->mask && l->gisa[7] == l->mask && (m->gisa[7] & m->mask) == m->mask &&
	       (m->gisa[7] & ~m->mask) != 0;
}

static const struct kd_rule rules[] = {
	{ "gisc-regs-survive-reinit", NULL, regs_survive_reinit },
	{ "gisc-mask-survives-destroy", "6.1", mask_survives_destroy },
	{ "kick-rearms-while-linked", NULL, kick_rearms_while_linked },
	{ "rr-cursor-all-stopped", NULL, rr_cursor_all_stopped },
	{ "destroy-busy-while-registered", NULL, destroy_busy_while_registered },
	{ "restore-adds-only", NULL, restore_adds_only },
};

const struct kd_rule *kd_last_rule;

#define NR_RULES (sizeof(rules) / sizeof(rules[0]))
_Static_assert(NR_RULES <= sizeof(kd_stats.rule_hits) / sizeof(kd_stats.rule_hits[0]),
	       "rule_hits has room for every rule");

const struct kd_rule *kd_rule_match(const struct kd_step *st, const struct ks_snap *L,
				    const struct ks_snap *G, const struct kd_diff *d)
{
	unsigned int r;

	for (r = 0; r < NR_RULES; r++) {
		if (rules[r].series && strcmp(rules[r].series, K->series))
			continue;
		if (rules[r].match(st, L, G, d)) {
			kd_stats.rule_hits[r]++;
			kd_last_rule = &rules[r];
			return &rules[r];
		}
	}
	return NULL;
}

void kd_report(FILE *f)
{
	unsigned int o, r;

	fprintf(f, "kdiff: per operation class: ops compared; Linux's results (value x count;"
		" unlinked GISAs for a process); ops that woke a vcpu\n");
	for (o = 0; o < KD_NR_OPS; o++) {
		const struct kd_outcomes *out = &kd_stats.out[o];
		unsigned int k;

		fprintf(f, "  %-15s %8lu ", kd_op_names[o] + 3, kd_stats.ops[o]);
		for (k = 0; k < KD_OUTCOMES && out->count[k]; k++)
			fprintf(f, " %dx%lu", out->value[k], out->count[k]);
		if (out->other)
			fprintf(f, " otherx%lu", out->other);
		if (out->woke)
			fprintf(f, "; woke %lu", out->woke);
		fprintf(f, "\n");
	}
	if (kd_is_61)
		fprintf(f, "  (6.1: %lu destroy/disable of a linked GISA not run: 6.1 spins there)\n",
			kd_stats.skipped_61_destroy);
	fprintf(f, "kdiff: expected differences (docs/fidelity.md):\n");
	for (r = 0; r < NR_RULES; r++)
		if (!rules[r].series || !strcmp(rules[r].series, K->series))
			fprintf(f, "  %-30s %lu sequences\n", rules[r].name, kd_stats.rule_hits[r]);
	fprintf(f, "kdiff: Linux %s (Debian linux-source-%s): %lu sequences, %lu ops compared, "
		"0 unlisted divergences\n", K->version, K->series, kd_stats.seqs, kd_stats.total);
}
