// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * A binary min-heap keyed by (time, insertion order).
 */
#include "evq.h"

#include <stdio.h>
#include <stdlib.h>

static bool before(const struct sim_ev *a, const struct sim_ev *b)
{
	return a->t < b->t || (a->t == b->t && a->seq < b->seq);
}

void sim_evq_push(struct sim_evq *q, uint64_t t, uint32_t type, uint32_t a, uint64_t epoch)
{
	struct sim_ev e = { .t = t, .seq = q->seq++, .type = type, .a = a, .epoch = epoch };
	uint64_t i;

	if (q->n == q->cap) {
		uint64_t cap = q->cap ? q->cap * 2 : 1024;
		struct sim_ev *ev = realloc(q->ev, cap * sizeof(*ev));

		if (!ev) {
			fprintf(stderr, "gibsim: out of memory for events\n");
			abort();
		}
		q->ev = ev;
		q->cap = cap;
	}
	i = q->n++;
	while (i) {
		uint64_t p = (i - 1) / 2;

		if (!before(&e, &q->ev[p]))
			break;
		q->ev[i] = q->ev[p];
		i = p;
	}
	q->ev[i] = e;
}

bool sim_evq_peek(const struct sim_evq *q, uint64_t *t)
{
	if (!q->n)
		return false;
	*t = q->ev[0].t;
	return true;
}

struct sim_ev sim_evq_pop(struct sim_evq *q)
{
	struct sim_ev top = q->ev[0], last = q->ev[--q->n];
	uint64_t i = 0;

	for (;;) {
		uint64_t c = 2 * i + 1;

		if (c >= q->n)
			break;
		if (c + 1 < q->n && before(&q->ev[c + 1], &q->ev[c]))
			c++;
		if (!before(&q->ev[c], &last))
			break;
		q->ev[i] = q->ev[c];
		i = c;
	}
	if (q->n)
		q->ev[i] = last;
	return top;
}

void sim_evq_free(struct sim_evq *q)
{
	free(q->ev);
	q->ev = NULL;
	q->n = q->cap = 0;
}
