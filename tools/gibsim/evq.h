/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * The deterministic engine's event queue: a binary min-heap ordered by time,
 * then by insertion order, so that simultaneous events always run in the
 * order they were scheduled.
 */
#ifndef GIBSIM_EVQ_H
#define GIBSIM_EVQ_H

#include <stdbool.h>
#include <stdint.h>

/**
 * struct sim_ev - one scheduled event
 * @t: when, ns
 * @seq: insertion order
 * @type: what (the engine's enum)
 * @a: its subject (a device, a vcpu, a guest)
 * @epoch: the subject's epoch when it was scheduled
 */
struct sim_ev {
	uint64_t t;
	uint64_t seq;
	uint32_t type;
	uint32_t a;
	uint64_t epoch;
};

/**
 * struct sim_evq - the queue
 * @ev: the heap
 * @n: events in it
 * @cap: room
 * @seq: the next insertion number
 */
struct sim_evq {
	struct sim_ev *ev;
	uint64_t n;
	uint64_t cap;
	uint64_t seq;
};

/**
 * sim_evq_push() - schedule an event
 * @q: the queue
 * @t: when
 * @type: what
 * @a: its subject
 * @epoch: the subject's epoch
 *
 * Aborts when memory runs out.
 */
void sim_evq_push(struct sim_evq *q, uint64_t t, uint32_t type, uint32_t a, uint64_t epoch);

/**
 * sim_evq_peek() - the time of the first event
 * @q: the queue
 * @t: receives it
 *
 * Return: false if the queue is empty.
 */
bool sim_evq_peek(const struct sim_evq *q, uint64_t *t);

/**
 * sim_evq_pop() - take the first event
 * @q: the queue, not empty
 *
 * Return: the event.
 */
struct sim_ev sim_evq_pop(struct sim_evq *q);

/**
 * sim_evq_free() - release the queue's memory
 * @q: the queue
 */
void sim_evq_free(struct sim_evq *q);

#endif /* GIBSIM_EVQ_H */
