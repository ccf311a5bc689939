/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * The --trace writer: Chrome trace-event JSON, which Chromium's trace viewer
 * and Perfetto open. Process 0 is the host; process g + 1 is guest g, whose
 * thread 0 is its GISA and thread i + 1 its vcpu of index i. Instant events
 * mark what happens; "SIE" and "wait" are begin/end spans on vcpu tracks.
 */
#ifndef GIBSIM_TRACE_H
#define GIBSIM_TRACE_H

#include <stdbool.h>
#include <stdint.h>

struct sim_trace;

/** SIM_TRACE_GISA - thread of a guest's GISA track */
#define SIM_TRACE_GISA 0u

/**
 * sim_trace_open() - create the trace file
 * @path: where
 *
 * Return: the writer, or NULL with errno set.
 */
struct sim_trace *sim_trace_open(const char *path);

/**
 * sim_trace_close() - finish the JSON and close the file
 * @t: the writer, or NULL
 *
 * Return: 0, or -1 if writing failed.
 */
int sim_trace_close(struct sim_trace *t);

/**
 * sim_trace_name() - name a track ("M" metadata events)
 * @t: the writer, or NULL
 * @pid: process
 * @tid: thread
 * @pname: the process's name
 * @tname: the thread's name
 */
void sim_trace_name(struct sim_trace *t, unsigned int pid, unsigned int tid, const char *pname,
		    const char *tname);

struct sim;

/**
 * sim_trace_ev() - one event, stamped now
 * @t: the writer, or NULL (then nothing happens)
 * @now: the engine's clock, read under the writer's lock so that the file,
 *       and so every track, is in time order even with many threads
 * @s: its argument
 * @ph: 'i' instant, 'B' begin, 'E' end
 * @pid: process
 * @tid: thread
 * @name: the event's name
 * @args: JSON members for "args" without braces (e.g. "\"isc\":3"), or NULL
 *
 * Safe from any thread.
 */
void sim_trace_ev(struct sim_trace *t, uint64_t (*now)(struct sim *s), struct sim *s, char ph,
		  unsigned int pid, unsigned int tid, const char *name, const char *args);

#endif /* GIBSIM_TRACE_H */
