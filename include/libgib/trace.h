/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/**
 * DOC: trace hooks
 *
 * Optional callbacks through which the core reports what its host-side
 * algorithms do (cuts, unlinks, kick-timer runs, vcpu kicks). A simulator
 * counts and draws them; a kernel port leaves them NULL. Each is called
 * with no core lock held, from whatever context runs the algorithm, and
 * must not call back into the core on the same host.
 */
#ifndef LIBGIB_TRACE_H
#define LIBGIB_TRACE_H

#include <libgib/platform.h>

#ifdef __cplusplus
extern "C" {
#endif

struct gib_host;
struct gib_guest;
struct gib_vcpu;

/**
 * struct gib_trace_ops - what the core reports, each member optional
 * @cut: one exchange of the alert-list origin: @pass counts from 1, @cut is
 *       the old origin (CPU order), @final whether NULL was stored
 * @cut_done: the walk of that cut ended: @nr GISAs unlinked, @term the value
 *            that ended it
 * @unlink: a GISA of @gi was unlinked and its kick scheduled
 * @kick_timer: @gi's kick timer ran: @result > 0, the pending alert ISCs (a
 *              vcpu kicked, runs again); 0, IAM re-armed (stops); -EBUSY, the
 *              GISA still reads as linked (runs again, re-arms nothing)
 * @kick_vcpu: @vcpu of @gi was chosen by the kick walk; @woken false when it
 *             was kicked already and not yet running
 * @cut_cas: the v2 cut (%GIB_CUT_V2) read @seen as the origin and is about
 *           to compare-and-swap it to NULL; called before every attempt, so
 *           attempts beyond the first of a cut are retries. A test may make
 *           the machine link a GISA here to force a retry
 */
struct gib_trace_ops {
	void (*cut)(void *priv, struct gib_host *host, unsigned int pass, uint32_t cut,
		    bool final);
	void (*cut_done)(void *priv, struct gib_host *host, unsigned int pass, unsigned int nr,
			 uint32_t term);
	void (*unlink)(void *priv, struct gib_guest *gi);
	void (*kick_timer)(void *priv, struct gib_guest *gi, int result);
	void (*kick_vcpu)(void *priv, struct gib_guest *gi, struct gib_vcpu *vcpu, bool woken);
	void (*cut_cas)(void *priv, struct gib_host *host, uint32_t seen);
};

#ifdef __cplusplus
}
#endif

#endif /* LIBGIB_TRACE_H */
