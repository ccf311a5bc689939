/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * The harness's operations, the comparison of two snapshots, and the named
 * expected differences (rules.c).
 */
#ifndef KDIFF_KDIFF_H
#define KDIFF_KDIFF_H

#include <stdbool.h>
#include <stdio.h>
#include "kside.h"

/* Every operation class; the summary counts each. */
#define KD_OPS(X)							\
	X(OP_PUSH) X(OP_PUSH_CUT) X(OP_GAL) X(OP_PROCESS)		\
	X(OP_RUN_TIMERS) X(OP_RUN_NEXT)					\
	X(OP_REGISTER) X(OP_UNREGISTER)					\
	X(OP_SET_IAM) X(OP_CLEAR_IPM) X(OP_RESTORE) X(OP_SET_IPM)	\
	X(OP_GET_IPM) X(OP_TAC) X(OP_CLEAR_IPM_GISC) X(OP_IN_LIST)	\
	X(OP_GISA_INIT) X(OP_GISA_ENABLE) X(OP_GISA_CLEAR)		\
	X(OP_GISA_DESTROY) X(OP_GISA_DISABLE)				\
	X(OP_VCPU_ADD) X(OP_CR6) X(OP_IO) X(OP_STOPPED)			\
	X(OP_WAIT) X(OP_END_WAIT) X(OP_RUNNABLE) X(OP_ENTER_SIE)	\
	X(OP_EXIT_SIE) X(OP_DELIVER) X(OP_KICK_SINGLE) X(OP_INJECT)

enum kd_op {
#define X(name) name,
	KD_OPS(X)
#undef X
	KD_NR_OPS
};

/* One operation as run: what it was and what each side returned. */
struct kd_step {
	uint64_t seed;
	enum kd_op op;
	int g, i;
	unsigned int arg;
	bool had_gisa, linked;	/* before the op, on libgib's side */
	int rc_linux, rc_libgib;
	int aux;		/* what libgib returned where Linux returns nothing */
};

/* What differs, by field: global bits and per guest. */
enum {
	D_RC = 1u << 0,
	D_GIB = 1u << 1,
	D_GALS = 1u << 2,
	D_EVENTS = 1u << 3,
	D_NOW = 1u << 4,
	D_HAS_GISA = 1u << 5,
	D_GISA_LINK = 1u << 6,	/* bytes 0-3 and the address */
	D_GISA_IPM = 1u << 7,
	D_GISA_IAM = 1u << 8,
	D_GISA_REST = 1u << 9,	/* any other byte */
	D_MASK = 1u << 10,
	D_REFS = 1u << 11,
	D_TIMER = 1u << 12,
	D_NV = 1u << 13,
	D_NEXT_RR = 1u << 14,
	D_IDLE = 1u << 15,
	D_KICKED = 1u << 16,
	D_WAKES = 1u << 17,
	D_GD = 1u << 18,
};

struct kd_diff {
	bool any;
	unsigned int global;
	unsigned int guest[KS_NG];
};

void kd_diff(const struct ks_snap *L, const struct ks_snap *G, const struct kd_step *st,
	     struct kd_diff *d);
void kd_diff_print(FILE *f, const struct kd_diff *d, const struct ks_snap *L,
		   const struct ks_snap *G);

/*
 * A named expected difference (docs/fidelity.md lists each): @match sees the
 * step and both snapshots and says whether the difference is this one.
 */
struct kd_rule {
	const char *name;
	const char *series;	/* "6.1", "6.12" or NULL for both */
	bool (*match)(const struct kd_step *st, const struct ks_snap *L,
		      const struct ks_snap *G, const struct kd_diff *d);
};

/* The rule that matched last (it ended its sequence). */
extern const struct kd_rule *kd_last_rule;

const struct kd_rule *kd_rule_match(const struct kd_step *st, const struct ks_snap *L,
				    const struct ks_snap *G, const struct kd_diff *d);

#define KD_TRACE 40

#define KD_OUTCOMES 8

/*
 * Per operation class, what Linux's side did, in up to KD_OUTCOMES kinds: the
 * return value, or for a process call the GISAs it unlinked; and how many
 * ops woke a vcpu.
 */
struct kd_outcomes {
	int value[KD_OUTCOMES];
	unsigned long count[KD_OUTCOMES];
	unsigned long other, woke;
};

struct kd_stats {
	unsigned long seqs, total, skipped_61_destroy;
	unsigned long ops[KD_NR_OPS];
	struct kd_outcomes out[KD_NR_OPS];
	unsigned long rule_hits[16];
};

/* Count what @st did on Linux's side (@L after it). */
void kd_outcome(const struct kd_step *st, const struct ks_snap *L);

extern struct kd_stats kd_stats;
extern const struct kside *K;
extern bool kd_is_61;

extern const char *const kd_op_names[KD_NR_OPS];

void kd_report(FILE *f);

#endif /* KDIFF_KDIFF_H */
