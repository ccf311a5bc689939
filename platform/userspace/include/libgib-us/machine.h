/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/**
 * DOC: the machine model
 *
 * A software model of what the machine does for an adapter interruption
 * (spec section 4), lock-free, so that any number of pusher threads can make
 * AIs pending while the host processes the alert list, kicks vcpus and
 * re-arms IAMs. gib_us_machine_raise_ai(), for guest ISC *i*:
 *
 * 1. sets IPM bit *i* (fully ordered);
 * 2. if a vcpu of the guest is in SIE with ISC *i* enabled, test-and-clears
 *    the bit for it (delivered in SIE);
 * 3. otherwise, if IAM bit *i* is set and the GISA is not linked, claims the
 *    GISA with one CAS on its first doubleword (IAM := 0, next_alert := the
 *    origin it read), links it at the head of the alert list with a CAS on
 *    the origin, and raises one GAL interruption if the origin was NULL.
 *
 * The machine is also the host's platform: facilities, the GAL interruption
 * handler and CHSC "set GIB" (gib_us_host_attach() before gib_init()). It
 * alerts only through a GIB that "set GIB" associated with it.
 *
 * Concurrency table:
 *
 * ========================  ========  ==========  ==========  ===========
 * against ->                raise_ai  host cut    set_iam     gisa_destroy
 * ========================  ========  ==========  ==========  ===========
 * gib_us_machine_raise_ai   ok        ok          ok (1)      ok (2)
 * gib_us_machine_take_gal   ok        ok          ok          ok
 * gib_pf_gal_unregister     ok (3)    ok          ok          ok
 * gib_us_machine_fini       no        no          no          no
 * ========================  ========  ==========  ==========  ===========
 *
 * (1) a claimed GISA reads as linked (next_alert is no longer its own
 *     address) from the claim on, so set_iam returns -EBUSY instead of
 *     re-arming a GISA that is half linked.
 * (2) raise_ai runs inside gib_us_read_lock(), so the GISA it found stays
 *     allocated; the calling thread must be online (<libgib-us/rcu.h>).
 * (3) waits for handlers that pushers are running (%GIB_US_GAL_DIRECT).
 */
#ifndef LIBGIB_US_MACHINE_H
#define LIBGIB_US_MACHINE_H

#include <pthread.h>
#include <libgib/libgib.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * enum gib_us_gal_mode - how a GAL interruption reaches the host
 * @GIB_US_GAL_DIRECT: the pusher that raised it calls gib_gal_interrupt() at
 *                     once, outside its reader section
 * @GIB_US_GAL_DEFERRED: it is counted; a host thread collects the count with
 *                       gib_us_machine_take_gal() and calls
 *                       gib_gal_interrupt() itself, woken by the callback of
 *                       gib_us_machine_set_gal_notify() (no polling needed).
 *                       That thread is the handler: stop it before
 *                       gib_destroy(), which cannot wait for it
 *                       (gib_pf_gal_unregister() only drops the count)
 */
enum gib_us_gal_mode {
	GIB_US_GAL_DIRECT = 0,
	GIB_US_GAL_DEFERRED = 1,
};

/**
 * struct gib_us_machine_config - what kind of machine to model
 * @has_aiv: the adapter-interruption virtualization facility (a GIB exists)
 * @has_gisaf: the GISA-format-1 facility
 * @gal_mode: how GAL interruptions are delivered
 */
struct gib_us_machine_config {
	bool has_aiv;
	bool has_gisaf;
	enum gib_us_gal_mode gal_mode;
};

/**
 * enum gib_us_fault - machine operations that fault injection can fail
 * @GIB_US_FAULT_SET_GIB: gib_pf_set_gib() returns -EIO, changing nothing
 * @GIB_US_FAULT_GAL_REGISTER: gib_pf_gal_register() returns -EIO
 * @GIB_US_NR_FAULTS: the number of kinds
 */
enum gib_us_fault {
	GIB_US_FAULT_SET_GIB = 0,
	GIB_US_FAULT_GAL_REGISTER = 1,
	GIB_US_NR_FAULTS = 2,
};

/**
 * struct gib_us_machine_stats - what the machine did
 * @ais_raised: successful gib_us_machine_raise_ai() calls
 * @coalesced: of those, AIs whose IPM bit was set already (they add no
 *             pending interruption: ``ais_raised - coalesced`` IPM bits went
 *             from 0 to 1)
 * @delivered_in_sie: IPM bits the machine test-and-cleared for a vcpu in SIE
 * @taken_by_other: AIs whose bit someone else took before the machine
 *                  delivered or alerted for it
 * @linked: GISAs linked into the alert list (with or without a GAL)
 * @gals_raised: GAL interruptions raised (links onto a NULL origin)
 * @gals_dropped: of those, GALs with no handler registered
 * @pending: AIs left pending without an alert (IAM lacked the bit, the GISA
 *           was linked already, or no GIB was associated)
 */
struct gib_us_machine_stats {
	uint64_t ais_raised;
	uint64_t coalesced;
	uint64_t delivered_in_sie;
	uint64_t taken_by_other;
	uint64_t linked;
	uint64_t gals_raised;
	uint64_t gals_dropped;
	uint64_t pending;
};

struct gib_us_machine;

/**
 * typedef gib_us_claim_hook - a test hook between a claim and its link
 * @m: the machine
 * @gisa: the GISA just claimed (IAM 0, next_alert no longer its own address)
 *        and not yet linked
 * @priv: the hook's argument
 *
 * Runs inside the pusher's reader section, so it may not wait for a grace
 * period; it may raise AIs itself (their claims run the hook again).
 */
typedef void (*gib_us_claim_hook)(struct gib_us_machine *m, struct gib_gisa *gisa, void *priv);

/**
 * typedef gib_us_gal_notify - a deferred GAL interruption was raised
 * @m: the machine
 * @priv: the callback's argument
 *
 * %GIB_US_GAL_DEFERRED only: called once per GAL the machine counts, on the
 * thread that raised the AI, outside its reader section and under the
 * machine's GAL lock. It should only wake the host thread that calls
 * gib_us_machine_take_gal() (write an eventfd, signal a condition variable);
 * it must not call libgib. gib_destroy() (gib_pf_gal_unregister()) waits for
 * a callback that runs: none comes afterwards.
 */
typedef void (*gib_us_gal_notify)(struct gib_us_machine *m, void *priv);

/**
 * struct gib_us_machine - the machine model; fields are private
 * @cfg: its configuration
 * @host: the attached host, NULL before gib_us_host_attach()
 * @gib_maddr: the GIB associated by "set GIB", 0 if none (once-accessed)
 * @nisc: the NISC of the registered GAL handler
 * @gal_registered: whether a GAL handler is registered, under @gal_lock
 * @gal_active: GAL handlers running on pushers, under @gal_lock
 * @gal_lock: serialises handler registration against handler entry
 * @gal_idle: signalled when @gal_active drops to 0
 * @gal_pending: GALs not yet taken (%GIB_US_GAL_DEFERRED), atomic
 * @faults: remaining injected failures per enum gib_us_fault, atomic
 * @stats: counters, atomic
 * @claim_hook: see gib_us_machine_set_claim_hook(), once-accessed
 * @claim_hook_priv: its argument
 * @gal_notify: see gib_us_machine_set_gal_notify(), under @gal_lock
 * @gal_notify_priv: its argument, under @gal_lock
 */
struct gib_us_machine {
	struct gib_us_machine_config cfg;
	struct gib_host *host;
	uint32_t gib_maddr;
	uint8_t nisc;
	bool gal_registered;
	unsigned int gal_active;
	pthread_mutex_t gal_lock;
	pthread_cond_t gal_idle;
	unsigned int gal_pending;
	unsigned int faults[GIB_US_NR_FAULTS];
	struct gib_us_machine_stats stats;
	gib_us_claim_hook claim_hook;
	void *claim_hook_priv;
	gib_us_gal_notify gal_notify;
	void *gal_notify_priv;
};

/**
 * enum gib_us_ai_outcome - what became of one adapter interruption
 * @GIB_US_AI_DELIVERED_IN_SIE: the machine took the IPM bit for a vcpu in SIE
 * @GIB_US_AI_TAKEN_BY_OTHER: someone else test-and-cleared the IPM bit
 *                            before the machine could deliver it to the vcpu
 *                            in SIE it found, or alert for it: the AI was
 *                            delivered, coalesced with the one they took
 * @GIB_US_AI_LINKED: the GISA was linked into a non-empty or NONE list
 * @GIB_US_AI_LINKED_GAL: the GISA was linked onto a NULL origin and one GAL
 *                        interruption was raised
 * @GIB_US_AI_PENDING: the bit is pending without a new alert: the IAM lacked
 *                     it (the GISA alerted already and the host has not
 *                     re-armed it, or the ISC is not registered), the GISA
 *                     was linked already, or no GIB is associated
 */
enum gib_us_ai_outcome {
	GIB_US_AI_DELIVERED_IN_SIE = 0,
	GIB_US_AI_TAKEN_BY_OTHER = 1,
	GIB_US_AI_LINKED = 2,
	GIB_US_AI_LINKED_GAL = 3,
	GIB_US_AI_PENDING = 4,
};

/**
 * struct gib_us_ai_result - the detail of one gib_us_machine_raise_ai()
 * @outcome: what became of the AI
 * @coalesced: the IPM bit was set already when the machine set it
 * @vcpu: the vcpu in SIE found in step 2 (DELIVERED_IN_SIE, TAKEN_BY_OTHER),
 *        else NULL
 * @old_origin: LINKED and LINKED_GAL: the origin the GISA was linked onto
 *              (CPU order), else 0
 */
struct gib_us_ai_result {
	enum gib_us_ai_outcome outcome;
	bool coalesced;
	struct gib_vcpu *vcpu;
	uint32_t old_origin;
};

/**
 * gib_us_machine_init() - set up a machine
 * @m: its memory (overwritten)
 * @cfg: its configuration
 *
 * Return: 0; -EINVAL if a pointer is NULL or @cfg->gal_mode is unknown; the
 * error of pthread_mutex_init() or pthread_cond_init().
 */
int gib_us_machine_init(struct gib_us_machine *m, const struct gib_us_machine_config *cfg);

/**
 * gib_us_machine_fini() - tear a machine down and detach its host
 * @m: the machine
 *
 * Return: 0; -EINVAL if @m is NULL; -EBUSY while a GIB is associated or a
 * GAL handler is registered (gib_destroy() first; nothing changed).
 */
int gib_us_machine_fini(struct gib_us_machine *m);

/**
 * gib_us_host_attach() - make @m the platform of @host
 * @host: the host, before gib_init()
 * @m: the machine
 *
 * Fills @host->pf. One host per machine.
 *
 * Return: 0; -EINVAL if a pointer is NULL; -EBUSY if @m has a host already
 * or @host has a GIB.
 */
int gib_us_host_attach(struct gib_host *host, struct gib_us_machine *m);

/**
 * gib_us_machine_fail_next() - inject failures, for unwind tests
 * @m: the machine
 * @fault: which operation fails
 * @n: how many of its next calls fail (0 ends an earlier request)
 *
 * Return: 0; -EINVAL if @m is NULL or @fault unknown.
 */
int gib_us_machine_fail_next(struct gib_us_machine *m, enum gib_us_fault fault, unsigned int n);

/**
 * gib_us_machine_set_claim_hook() - run a function between claim and link
 * @m: the machine
 * @fn: the hook, or NULL for none
 * @priv: its argument
 *
 * For tests of the window in which a GISA is claimed but not yet linked
 * (a software machine has one; the hardware does not). Set it while no AI
 * is being raised.
 *
 * Return: 0; -EINVAL if @m is NULL.
 */
int gib_us_machine_set_claim_hook(struct gib_us_machine *m, gib_us_claim_hook fn, void *priv);

/**
 * gib_us_machine_raise_ai() - the machine makes an adapter interruption
 *                             pending for a guest
 * @m: the machine of the guest's host
 * @gi: the guest
 * @gisc: the guest ISC, 0..7
 * @res: if not NULL, receives what became of the AI
 *
 * Spec section 4, lock-free; see the DOC section. Runs inside
 * gib_us_read_lock(): the calling thread must be online. With
 * %GIB_US_GAL_DIRECT a GAL it raises is handled in this call, after the
 * reader section.
 *
 * Return: 0; -EINVAL if @m or @gi is NULL or @gi's host is not @m's; -ENODEV
 * if the guest has no GISA; -ERANGE if @gisc > 7.
 */
int gib_us_machine_raise_ai(struct gib_us_machine *m, struct gib_guest *gi, unsigned int gisc,
			    struct gib_us_ai_result *res);

/**
 * gib_us_machine_take_gal() - collect the GAL interruptions raised
 * @m: the machine
 *
 * For %GIB_US_GAL_DEFERRED: the caller, a host thread, then calls
 * gib_gal_interrupt() once (one pass handles every GISA linked so far).
 *
 * Return: the number of GALs raised since the last call (always 0 with
 * %GIB_US_GAL_DIRECT), now cleared; -EINVAL if @m is NULL.
 */
int gib_us_machine_take_gal(struct gib_us_machine *m);

/**
 * gib_us_machine_set_gal_notify() - be told of every deferred GAL
 * @m: the machine
 * @fn: the callback (see gib_us_gal_notify), or NULL to stop
 * @priv: its argument
 *
 * A host thread in %GIB_US_GAL_DEFERRED mode can sleep until @fn wakes it,
 * then call gib_us_machine_take_gal() and gib_gal_interrupt(). For example,
 * with an eventfd ``efd``::
 *
 *   static void notify(struct gib_us_machine *m, void *priv)
 *   {
 *           uint64_t one = 1;
 *
 *           (void)m;
 *           (void)!write(*(int *)priv, &one, sizeof(one));
 *   }
 *
 *   static void host_thread_step(int efd, struct gib_us_machine *m,
 *                                struct gib_host *host)
 *   {
 *           uint64_t n;
 *
 *           if (read(efd, &n, sizeof(n)) == sizeof(n))
 *                   while (gib_us_machine_take_gal(m) > 0)
 *                           gib_gal_interrupt(host);
 *   }
 *
 * Return: 0; -EINVAL if @m is NULL.
 */
int gib_us_machine_set_gal_notify(struct gib_us_machine *m, gib_us_gal_notify fn, void *priv);

/**
 * gib_us_machine_gib() - the GIB associated by "set GIB"
 * @m: the machine
 *
 * Return: its machine address, 0 if none (or @m is NULL).
 */
uint32_t gib_us_machine_gib(const struct gib_us_machine *m);

/**
 * gib_us_machine_gal_registered() - whether a GAL handler is registered
 * @m: the machine
 * @nisc: if not NULL and a handler is registered, receives its NISC
 *
 * Return: true if registered.
 */
bool gib_us_machine_gal_registered(struct gib_us_machine *m, uint8_t *nisc);

/**
 * gib_us_machine_stats() - a snapshot of the machine's counters
 * @m: the machine
 * @out: receives the counters; each is read atomically, but the set is not
 *       one instant's unless the machine is quiet
 *
 * Return: 0; -EINVAL if a pointer is NULL.
 */
int gib_us_machine_stats(const struct gib_us_machine *m, struct gib_us_machine_stats *out);

#ifdef __cplusplus
}
#endif

#endif /* LIBGIB_US_MACHINE_H */
