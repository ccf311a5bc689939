// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Comparing a snapshot of Linux's side with one of libgib's, field by field,
 * and the summary of a run.
 */
#include <inttypes.h>
#include <string.h>
#include "kdiff.h"

const char *const kd_op_names[KD_NR_OPS] = {
#define X(name) [name] = #name,
	KD_OPS(X)
#undef X
};

static unsigned int diff_guest(const struct ks_guest_snap *l, const struct ks_guest_snap *g)
{
	unsigned int d = 0, i, k;

	if (l->has_gisa != g->has_gisa)
		d |= D_HAS_GISA;
	if (l->has_gisa && g->has_gisa) {
		if (memcmp(l->gisa, g->gisa, 4) || l->gisa_addr != g->gisa_addr)
			d |= D_GISA_LINK;
		if (l->gisa[4] != g->gisa[4])
			d |= D_GISA_IPM;
		if (l->gisa[7] != g->gisa[7])
			d |= D_GISA_IAM;
		if (memcmp(l->gisa + 5, g->gisa + 5, 2) || memcmp(l->gisa + 8, g->gisa + 8, 24))
			d |= D_GISA_REST;
	}
	if (l->mask != g->mask)
		d |= D_MASK;
	for (k = 0; k < 8; k++)
		if (l->refs[k] != g->refs[k])
			d |= D_REFS;
	if (l->timer_queued != g->timer_queued || l->timer_expires != g->timer_expires)
		d |= D_TIMER;
	if (l->nv != g->nv)
		return d | D_NV;
	if (l->next_rr != g->next_rr)
		d |= D_NEXT_RR;
	for (i = 0; i < l->nv; i++) {
		if (l->v[i].idle != g->v[i].idle)
			d |= D_IDLE;
		if (l->v[i].kicked != g->v[i].kicked)
			d |= D_KICKED;
		if (l->v[i].wakes != g->v[i].wakes)
			d |= D_WAKES;
		if (l->v[i].gd != g->v[i].gd || l->v[i].aiv != g->v[i].aiv)
			d |= D_GD;
	}
	return d;
}

void kd_diff(const struct ks_snap *L, const struct ks_snap *G, const struct kd_step *st,
	     struct kd_diff *d)
{
	unsigned int g;

	memset(d, 0, sizeof(*d));
	if (st->rc_linux != st->rc_libgib)
		d->global |= D_RC;
	if (memcmp(L->gib, G->gib, 32))
		d->global |= D_GIB;
	if (L->gals != G->gals)
		d->global |= D_GALS;
	if (L->nev != G->nev || memcmp(L->ev, G->ev, L->nev * sizeof(L->ev[0])))
		d->global |= D_EVENTS;
	if (L->now != G->now)
		d->global |= D_NOW;
	d->any = d->global != 0;
	for (g = 0; g < KS_NG; g++) {
		d->guest[g] = diff_guest(&L->g[g], &G->g[g]);
		d->any |= d->guest[g] != 0;
	}
}

static void hex(FILE *f, const char *who, const uint8_t *b)
{
	unsigned int k;

	fprintf(f, "      %-7s", who);
	for (k = 0; k < 32; k++)
		fprintf(f, "%02x%s", b[k], k % 4 == 3 ? " " : "");
	fprintf(f, "\n");
}

void kd_diff_print(FILE *f, const struct kd_diff *d, const struct ks_snap *L,
		   const struct ks_snap *G)
{
	static const char *const names[] = {
		"rc", "gib", "gals", "events", "now", "has_gisa", "gisa.link", "gisa.ipm",
		"gisa.iam", "gisa.rest", "mask", "refs", "timer", "nv", "next_rr", "idle",
		"kicked", "wakes", "gd",
	};
	unsigned int g, b, k;

	fprintf(f, "  differs:");
	for (b = 0; b < sizeof(names) / sizeof(names[0]); b++)
		if (d->global & (1u << b))
			fprintf(f, " %s", names[b]);
	fprintf(f, "\n");
	if (d->global & D_GIB) {
		hex(f, "linux", L->gib);
		hex(f, "libgib", G->gib);
	}
	if (d->global & D_EVENTS) {
		const struct ks_snap *s[2] = { L, G };

		for (k = 0; k < 2; k++) {
			fprintf(f, "    %s events:", k ? "libgib" : "linux");
			for (b = 0; b < s[k]->nev; b++)
				fprintf(f, " %s(%#x,%#x)", s[k]->ev[b].kind ? "unlink" : "cut",
					s[k]->ev[b].a, s[k]->ev[b].b);
			fprintf(f, "\n");
		}
	}
	for (g = 0; g < KS_NG; g++) {
		const struct ks_guest_snap *l = &L->g[g], *m = &G->g[g];

		if (!d->guest[g])
			continue;
		fprintf(f, "    guest %u:", g);
		for (b = 0; b < sizeof(names) / sizeof(names[0]); b++)
			if (d->guest[g] & (1u << b))
				fprintf(f, " %s", names[b]);
		fprintf(f, "\n");
		if (l->has_gisa)
			hex(f, "linux", l->gisa);
		if (m->has_gisa)
			hex(f, "libgib", m->gisa);
		fprintf(f, "      mask %02x/%02x timer %d@%" PRIu64 "/%d@%" PRIu64
			" next_rr %u/%u refs", l->mask, m->mask, l->timer_queued,
			l->timer_expires, m->timer_queued, m->timer_expires, l->next_rr,
			m->next_rr);
		for (k = 0; k < 8; k++)
			fprintf(f, " %u/%u", l->refs[k], m->refs[k]);
		fprintf(f, "\n");
		for (k = 0; k < l->nv && k < m->nv; k++)
			fprintf(f, "      vcpu %u: idle %d/%d kicked %d/%d wakes %u/%u gd %#x/%#x\n",
				k, l->v[k].idle, m->v[k].idle, l->v[k].kicked, m->v[k].kicked,
				l->v[k].wakes, m->v[k].wakes, l->v[k].gd, m->v[k].gd);
	}
}

void kd_outcome(const struct kd_step *st, const struct ks_snap *L)
{
	static unsigned long wakes_before;
	struct kd_outcomes *o = &kd_stats.out[st->op];
	unsigned long wakes = 0;
	unsigned int g, i, k;
	int value = st->rc_linux;

	for (g = 0; g < KS_NG; g++)
		for (i = 0; i < L->g[g].nv; i++)
			wakes += L->g[g].v[i].wakes;
	/* A new sequence starts its counts at 0. */
	if (wakes > wakes_before && st->op != OP_GISA_INIT)
		o->woke++;
	wakes_before = wakes;
	if (st->op == OP_PROCESS || st->op == OP_GAL || st->op == OP_PUSH_CUT) {
		value = 0;
		for (k = 0; k < L->nev; k++)
			value += L->ev[k].kind == 1;
	}
	for (k = 0; k < KD_OUTCOMES; k++) {
		if (o->count[k] && o->value[k] == value)
			break;
		if (!o->count[k]) {
			o->value[k] = value;
			break;
		}
	}
	if (k < KD_OUTCOMES)
		o->count[k]++;
	else
		o->other++;
}
