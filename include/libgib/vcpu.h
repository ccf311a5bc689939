/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/**
 * DOC: vcpus: wait, wake, delivery and the choice of a vcpu
 *
 * The vcpu side of the protocol. A vcpu's life: gib_vcpu_enter_sie() then
 * gib_vcpu_take_ai() until -ENOENT (host delivery), run, gib_vcpu_exit_sie();
 * to wait, gib_vcpu_prepare_wait(): 0 means sleep until woken or
 * gib_vcpu_runnable(), then gib_vcpu_end_wait().
 *
 * The canonical wait loop (user space; ``wait_for_wake()`` is the owner's
 * sleep, which &struct gib_guest_ops.wake_vcpu ends). A wake-up is a hint,
 * not a promise: re-check after every one, sleep again on a spurious one::
 *
 *   gib_us_read_lock();
 *   rc = gib_vcpu_prepare_wait(vcpu);
 *   gib_us_read_unlock();
 *   if (rc == 0) {
 *           for (;;) {
 *                   wait_for_wake(vcpu);
 *                   gib_us_read_lock();
 *                   runnable = gib_vcpu_runnable(vcpu);
 *                   gib_us_read_unlock();
 *                   if (runnable)
 *                           break;
 *           }
 *           gib_vcpu_end_wait(vcpu);
 *   }
 *
 * Then (rc 1, or runnable) enter SIE and take the AIs; rc -EOPNOTSUPP is a
 * disabled wait, which no AI ends.
 *
 * Reader protection. gib_gisa_destroy() and gib_gisa_disable() free the GISA
 * after a grace period of the backend (user space: RCU, <libgib-us/rcu.h>;
 * kernel: rcu_read_lock()). A call that finds the GISA without the guest's
 * lock and may run while another thread destroys it must be inside the
 * caller's reader section: gib_vcpu_runnable(), gib_vcpu_prepare_wait(),
 * gib_vcpu_take_ai(), gib_inject_ai(), gib_inject_ai_report(),
 * gib_gisa_clear() and every <libgib/gisa.h> operation on a GISA from
 * gib_guest_gisa(). Calls that take what they need themselves: the life
 * cycle, GISC (un)registration and gib_vcpu_add() (the guest's lock),
 * gib_process_alert_list() and gib_gal_interrupt() (destroy waits for a
 * cut GISA's unlink), the kick timer (destroy cancels it) and, in user space,
 * gib_us_machine_raise_ai() (its own reader section). gib_gisa_kick() and
 * gib_gisa_forward_adapter_event() must not run during a destroy at all.
 * Calls that touch no GISA (gib_vcpu_set_*(), gib_vcpu_enter_sie(),
 * gib_vcpu_exit_sie(), gib_vcpu_end_wait(), gib_kick_one_vcpu(),
 * gib_find_vcpu_for_floating_irq()) need none. A thread that never runs
 * concurrently with a destroy of the same guest needs none either.
 *
 * No lock is taken on these paths. The idle and kicked bitmaps are indexed
 * by vcpu index. Lost wake-ups are excluded by ordering, stated at each
 * atomic operation in src/vcpu.c and collected in docs/design.md.
 */
#ifndef LIBGIB_VCPU_H
#define LIBGIB_VCPU_H

#include <libgib/platform.h>
#include <libgib/guest.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * gib_vcpu_add() - add a vcpu at the next index
 * @gi: the guest
 * @vcpu: the vcpu's memory (overwritten)
 * @id: the guest's id for it, any value (ids may be sparse)
 * @priv: stored in @vcpu->priv
 *
 * The vcpu starts with CR6 0, I/O disabled, not stopped, not in SIE, and the
 * guest's current GISA designation.
 *
 * Return: the index it got (0..247); -EINVAL if a pointer is NULL; -ERANGE if
 * the guest has %GIB_MAX_VCPUS vcpus already.
 */
int gib_vcpu_add(struct gib_guest *gi, struct gib_vcpu *vcpu, unsigned int id, void *priv);

/**
 * gib_vcpu_remove_all() - forget every vcpu, before the caller frees them
 * @gi: the guest
 *
 * KVM frees its vcpus before it destroys the GISA. This unpublishes them
 * (no walk that starts afterwards sees one), cancels the kick timer, which
 * waits for a run that may still walk them, and waits for every reader
 * section of the backend (gib_pf_synchronize()); then the caller may free
 * the vcpus. The GISA stays (a later timer run walks no vcpu);
 * gib_vcpu_add() starts again at index 0. The caller must not call
 * gib_inject_ai(), gib_kick_one_vcpu() or a vcpu function concurrently.
 * May sleep; takes the guest's lock.
 *
 * Return: 0, or -EINVAL if @gi is NULL.
 */
int gib_vcpu_remove_all(struct gib_guest *gi);

/**
 * gib_vcpu_set_cr6() - the guest loaded control register 6
 * @vcpu: the vcpu (must not be NULL)
 * @cr6: the new value; its ISC mask is ``(cr6 >> 24) & 0xff``
 */
void gib_vcpu_set_cr6(struct gib_vcpu *vcpu, uint64_t cr6);

/**
 * gib_vcpu_set_io_enabled() - the guest changed its PSW's I/O mask
 * @vcpu: the vcpu (must not be NULL)
 * @enabled: whether I/O interruptions are enabled
 */
void gib_vcpu_set_io_enabled(struct gib_vcpu *vcpu, bool enabled);

/**
 * gib_vcpu_set_stopped() - the vcpu was stopped or started
 * @vcpu: the vcpu (must not be NULL)
 * @stopped: whether it is stopped
 */
void gib_vcpu_set_stopped(struct gib_vcpu *vcpu, bool stopped);

/**
 * gib_vcpu_isc_mask() - the ISCs a vcpu takes now
 * @vcpu: the vcpu
 *
 * Return: its CR6 ISC mask if its PSW enables I/O, else 0.
 */
static inline uint8_t gib_vcpu_isc_mask(const struct gib_vcpu *vcpu)
{
	if (!GIB_PF_READ_ONCE(vcpu->io_enabled))
		return 0;
	return gib_cr6_isc_mask(GIB_PF_READ_ONCE(vcpu->cr6));
}

/**
 * gib_vcpu_runnable() - the "is the vcpu runnable" check
 * @vcpu: the vcpu (must not be NULL); in a reader section (see DOC)
 *
 * Clears the vcpu's kicked bit first, on every call: a vcpu that re-checks
 * for work is no longer "kicked, not yet running", whether or not it finds
 * work (clearing it only on SIE entry loses every later kick once another
 * vcpu took the interruption).
 *
 * Return: true if an ISC pending in the IPM is enabled by the vcpu's PSW and
 * CR6.
 */
bool gib_vcpu_runnable(struct gib_vcpu *vcpu);

/**
 * gib_vcpu_prepare_wait() - the check before a vcpu goes to enabled wait
 * @vcpu: the vcpu; in a reader section (see DOC)
 *
 * In order: the runnable check; a disabled wait is refused; then, with a
 * GISA, gib_gisa_get_ipm_or_restore_iam() against the CR6 mask. If nothing
 * is pending the IAM is re-armed, the vcpu is marked idle and becomes the
 * last sleeper, and the caller may sleep until woken or runnable.
 *
 * Return: 0: sleep (then call gib_vcpu_end_wait()); 1: work is pending, do
 * not sleep; -EOPNOTSUPP: disabled wait (I/O disabled); -EINVAL if @vcpu is
 * NULL.
 */
int gib_vcpu_prepare_wait(struct gib_vcpu *vcpu);

/**
 * gib_vcpu_end_wait() - the vcpu left enabled wait
 * @vcpu: the vcpu (must not be NULL)
 */
void gib_vcpu_end_wait(struct gib_vcpu *vcpu);

/**
 * gib_vcpu_enter_sie() - the vcpu is about to run in SIE
 * @vcpu: the vcpu (must not be NULL)
 *
 * Clears its kicked bit and marks it in SIE, with a full barrier after, so
 * that an AI the machine made pending before it was seen in SIE is found by
 * the gib_vcpu_take_ai() calls that must follow.
 */
void gib_vcpu_enter_sie(struct gib_vcpu *vcpu);

/**
 * gib_vcpu_exit_sie() - the vcpu left SIE
 * @vcpu: the vcpu (must not be NULL)
 */
void gib_vcpu_exit_sie(struct gib_vcpu *vcpu);

/**
 * gib_vcpu_take_ai() - host delivery: take the best deliverable AI
 * @vcpu: the vcpu; in a reader section (see DOC)
 * @ai_word: if not NULL, receives the I/O interruption word
 *
 * Test-and-clears the lowest-numbered ISC pending in the IPM and enabled by
 * the vcpu (PSW I/O and CR6). A caller with a classic I/O interruption of
 * equal or higher priority presents that first and puts the AI back with
 * gib_gisa_set_ipm_gisc() (TPI / TEST SUBCHANNEL).
 *
 * Return: the ISC taken; -ENOENT if nothing is deliverable; -ENODEV if the
 * guest has no GISA; -EINVAL if @vcpu is NULL.
 */
int gib_vcpu_take_ai(struct gib_vcpu *vcpu, uint32_t *ai_word);

/**
 * gib_kick_one_vcpu() - wake one idle vcpu that can take a pending ISC
 * @gi: the guest
 * @deliverable: the pending alert ISCs
 *
 * Walks the idle bitmap by index below the online count, skipping vcpus with
 * I/O disabled, and stops at the first whose CR6 mask intersects
 * @deliverable (each candidate is matched against all of @deliverable). That
 * vcpu is woken unless its kicked bit was set already.
 *
 * Return: the index of the vcpu woken; -EALREADY if the matching vcpu was
 * kicked and not yet running; -ENOENT if no idle vcpu matches; -EINVAL if @gi
 * is NULL.
 */
int gib_kick_one_vcpu(struct gib_guest *gi, uint8_t deliverable);

/**
 * gib_find_vcpu_for_floating_irq() - choose a vcpu for a host-made interrupt
 * @gi: the guest
 *
 * By the guest's policy (see enum gib_float_policy).
 *
 * Return: the vcpu index; -ENODEV if no vcpu is online or all are stopped;
 * -EINVAL if @gi is NULL.
 */
int gib_find_vcpu_for_floating_irq(struct gib_guest *gi);

/**
 * gib_inject_ai() - the host makes an adapter interruption pending itself
 * @gi: the guest; in a reader section (see DOC)
 * @gisc: the guest ISC, 0..7
 *
 * Sets the IPM bit (no alert is raised) and wakes the vcpu that
 * gib_find_vcpu_for_floating_irq() chooses; nothing is queued for it.
 *
 * Return: the index of the vcpu woken; -EINVAL if @gi is NULL; -ENODEV if it
 * has no GISA or no vcpu could be chosen (the AI stays pending); -ERANGE if
 * @gisc > 7.
 */
int gib_inject_ai(struct gib_guest *gi, unsigned int gisc);

/**
 * gib_inject_ai_report() - gib_inject_ai(), telling whether the AI coalesced
 * @gi: the guest
 * @gisc: the guest ISC, 0..7
 * @coalesced: if not NULL, receives true if the IPM bit of @gisc was set
 *             already (the AI merged with a pending one: the guest takes one
 *             interruption for both), false if this call set it; untouched
 *             when the call fails before setting the bit
 *
 * For exact accounting of host-made AIs, as the user-space machine model's
 * result reports for the AIs it raises. Reader protection as for
 * gib_inject_ai().
 *
 * Return: as gib_inject_ai(); *@coalesced is written also when no vcpu could
 * be chosen (-ENODEV after the bit was set).
 */
int gib_inject_ai_report(struct gib_guest *gi, unsigned int gisc, bool *coalesced);

#ifdef __cplusplus
}
#endif

#endif /* LIBGIB_VCPU_H */
