/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/**
 * DOC: guest state and the GISA life cycle
 *
 * struct gib_guest is one guest's interruption state: its GISA (the
 * ``origin``), the GISC alert mask and reference counts, the kick timer, and
 * the vcpu bookkeeping the kick and find-a-vcpu algorithms walk (the idle and
 * kicked bitmaps, indexed by vcpu *index*, never by vcpu id).
 *
 * Life cycle: gib_guest_init(), gib_gisa_init() (the GISA exists; or
 * gib_gisa_init_at() on memory the caller owns, on a host with
 * &gib_host.gisa_owner), gib_vcpu_add() for each vcpu, ...,
 * gib_vcpu_remove_all() before the caller frees its vcpus (KVM's order),
 * gib_gisa_destroy(), gib_guest_destroy().
 * Protected virtualization without AIV support switches the GISA off and on
 * with gib_gisa_disable() and gib_gisa_enable().
 *
 * Concurrency: the life-cycle calls, GISC (un)registration and gib_vcpu_add()
 * take the guest's lock; the kick, wait, delivery and find-a-vcpu paths take
 * none and read the alert mask and the origin with once-loads. A GISA path
 * that can run concurrently with gib_gisa_destroy() must find the GISA
 * through a reader protection of the backend (user space: RCU), because the
 * memory is freed through gib_pf_free31(), and destroy waits for those
 * readers (gib_pf_synchronize()) before it checks the GISA a last time: a
 * machine push or a vcpu's wait path inside such a section may run during
 * destroy (a wait path that read the old alert mask may re-arm the IAM after
 * destroy cleared it; the last check undoes that: found by the SPIN model,
 * verify/). What starts the guest's kick timer from outside
 * (gib_gisa_kick(), gib_gisa_forward_adapter_event()) must not run during
 * destroy: destroy's last timer cancel must be the last word.
 */
#ifndef LIBGIB_GUEST_H
#define LIBGIB_GUEST_H

#include <libgib/platform.h>
#include <libgib/gisa.h>
#include <libgib/gib.h>

#ifdef __cplusplus
extern "C" {
#endif

/** GIB_MAX_VCPUS - vcpus per guest (KVM's s390 maximum) */
#define GIB_MAX_VCPUS 248
/** GIB_KICK_EXPIRES_NS - default kick-timer period */
#define GIB_KICK_EXPIRES_NS 50000ull

/** GIB_BITS_PER_LONG - bits of an unsigned long */
#define GIB_BITS_PER_LONG (8 * sizeof(unsigned long))
/** GIB_VCPU_MASK_LONGS - unsigned longs of a bitmap over vcpu indexes */
#define GIB_VCPU_MASK_LONGS ((GIB_MAX_VCPUS + GIB_BITS_PER_LONG - 1) / GIB_BITS_PER_LONG)

/**
 * GIB_CONTAINER_OF() - the structure that contains a member
 * @ptr: pointer to the member
 * @type: the containing type
 * @member: the member's name
 */
#define GIB_CONTAINER_OF(ptr, type, member) \
	((type *)(void *)((char *)(ptr) - offsetof(type, member)))

struct gib_guest;

/**
 * enum gib_float_policy - how to choose a vcpu for a host-made interrupt
 * @GIB_FLOAT_IDLE_FIRST: first idle vcpu, else round robin over the vcpus
 *                        that are not stopped (Linux until 2025)
 * @GIB_FLOAT_LAST_SLEEPER: the vcpu that last went to enabled wait, else
 *                          the next one not stopped (Linux since 2025)
 */
enum gib_float_policy {
	GIB_FLOAT_IDLE_FIRST = 0,
	GIB_FLOAT_LAST_SLEEPER = 1,
};

/**
 * struct gib_vcpu - what the core knows of one vcpu
 * @idx: the vcpu index: dense, 0 .. online - 1, set by gib_vcpu_add()
 * @id: the guest's id for it (CPU address); may be sparse
 * @cr6: guest control register 6 (once-accessed; gib_vcpu_set_cr6())
 * @io_enabled: PSW I/O interruption mask (once; gib_vcpu_set_io_enabled())
 * @stopped: the vcpu is stopped (once; gib_vcpu_set_stopped())
 * @in_sie: the vcpu runs in SIE (once; gib_vcpu_enter_sie() and _exit_sie())
 * @gd: SIE GISA designation word (once; 0 when the guest has no GISA)
 * @eca_aiv: the AIV execution control, set exactly when @gd is non-zero
 * @gi: the guest
 * @priv: the caller's
 */
struct gib_vcpu {
	unsigned int idx;
	unsigned int id;
	uint64_t cr6;
	int io_enabled;
	int stopped;
	int in_sie;
	uint32_t gd;
	int eca_aiv;
	struct gib_guest *gi;
	void *priv;
};

/**
 * struct gib_guest_ops - what the core asks of the guest's owner
 * @wake_vcpu: wake @vcpu: a sleeping vcpu re-checks for work
 *             (gib_vcpu_runnable()); one in SIE takes what is deliverable.
 *             Called without core locks, from the kick timer, from
 *             gib_inject_ai() and gib_gisa_forward_adapter_event().
 */
struct gib_guest_ops {
	void (*wake_vcpu)(struct gib_guest *gi, struct gib_vcpu *vcpu);
};

/**
 * struct gib_gisa_page - the memory of a GISA: the GISA, then its owner
 * @gisa: the GISA (first, so it has the allocation's alignment)
 * @gi: the guest it belongs to, for the alert-list walk
 */
struct gib_gisa_page {
	struct gib_gisa gisa;
	struct gib_guest *gi;
};

/**
 * struct gib_guest - one guest's interruption state
 * @host: the host (with a GIB)
 * @origin: the GISA, NULL when the guest has none (once-accessed)
 * @lock: serialises the life cycle, GISC registration and gib_vcpu_add()
 * @alert: @alert.mask, the ISCs with registered GISCs (written under @lock,
 *         read once); @alert.ref_count, their registrations (under @lock)
 * @timer: the kick timer
 * @expires: kick-timer period in ns
 * @online_vcpus: vcpus added (once; published after the vcpu)
 * @vcpus: by index
 * @idle_mask: vcpus in enabled wait, by index
 * @kicked_mask: vcpus kicked and not yet re-checking, by index
 * @next_rr_cpu: round-robin cursor of %GIB_FLOAT_IDLE_FIRST (once; racy by
 *               design, a lost update only changes which vcpu is tried)
 * @last_sleep_cpu: index of the vcpu that last went to enabled wait (once)
 * @float_policy: the find-a-vcpu policy
 * @ops: the owner's callbacks
 * @priv: the owner's
 * @caller_gisa: the caller's GISA memory given to gib_gisa_init_at(), kept
 *               for gib_gisa_enable(); NULL when libgib allocates (once)
 */
struct gib_guest {
	struct gib_host *host;
	struct gib_gisa *origin;
	struct gib_pf_lock lock;
	struct {
		uint8_t mask;
		unsigned int ref_count[GIB_NR_ISCS];
	} alert;
	struct gib_pf_timer timer;
	uint64_t expires;
	unsigned int online_vcpus;
	struct gib_vcpu *vcpus[GIB_MAX_VCPUS];
	unsigned long idle_mask[GIB_VCPU_MASK_LONGS];
	unsigned long kicked_mask[GIB_VCPU_MASK_LONGS];
	unsigned int next_rr_cpu;
	unsigned int last_sleep_cpu;
	enum gib_float_policy float_policy;
	const struct gib_guest_ops *ops;
	void *priv;
	struct gib_gisa *caller_gisa;
};

/**
 * gib_guest_init() - set up a guest's interruption state, without a GISA
 * @gi: the guest's memory (fully overwritten)
 * @host: its host, with a GIB
 * @ops: the owner's callbacks; @ops->wake_vcpu is required
 * @priv: stored in @gi->priv
 *
 * Binds the kick timer to the backend's clock of this moment (user space:
 * gib_us_default_clock(), so call gib_us_set_default_clock() first; a later
 * change of the default does not move this guest's timer). Clean tear-down,
 * in this order: stop the threads that call into the guest (vcpus, devices,
 * injecting host code), unregister every GISC, gib_guest_destroy() (it
 * destroys the GISA and unbinds the timer); after the last guest
 * gib_destroy(), gib_us_machine_fini(), gib_us_set_default_clock(NULL) and
 * gib_us_clock_destroy() (-EBUSY while a timer is bound to the clock or it is
 * the default).
 *
 * Return: 0; -EINVAL if a pointer or @ops->wake_vcpu is NULL (@gi untouched);
 * -ENODEV if @host has no GIB.
 */
int gib_guest_init(struct gib_guest *gi, struct gib_host *host,
		   const struct gib_guest_ops *ops, void *priv);

/**
 * gib_guest_destroy() - tear a guest's state down, destroying its GISA
 * @gi: the guest
 *
 * Destroys the GISA first (gib_gisa_destroy()); if that refuses, returns its
 * error and leaves the guest as it was, so that the caller can unregister the
 * remaining GISCs and call again.
 *
 * Return: 0; -EINVAL if @gi is NULL; -EBUSY if GISCs are still registered
 * (nothing changed).
 */
int gib_guest_destroy(struct gib_guest *gi);

/**
 * gib_guest_set_float_policy() - choose the find-a-vcpu policy
 * @gi: the guest
 * @policy: the policy
 *
 * Return: 0; -EINVAL if @gi is NULL or @policy unknown.
 */
int gib_guest_set_float_policy(struct gib_guest *gi, enum gib_float_policy policy);

/**
 * gib_guest_set_expires() - set the kick-timer period
 * @gi: the guest
 * @ns: nanoseconds, 1 .. 10^9
 *
 * Return: 0; -EINVAL if @gi is NULL; -ERANGE if @ns is out of range.
 */
int gib_guest_set_expires(struct gib_guest *gi, uint64_t ns);

/**
 * gib_gisa_init() - give a guest its GISA
 * @gi: the guest
 *
 * Allocates the GISA from 31-bit machine memory, zeroes it with next_alert =
 * its own address, sets alert mask 0 and the default kick period, and
 * designates it to every vcpu already added.
 *
 * On a host whose caller owns the GISA memory (&gib_host.gisa_owner set) it
 * allocates nothing and re-uses the memory last given to gib_gisa_init_at().
 *
 * Return: 0; -EINVAL if @gi is NULL; -EALREADY if it has a GISA; -ENOMEM;
 * -ERANGE if the backend's memory is not machine-addressable; -EOPNOTSUPP
 * on a host of caller-owned GISAs before any gib_gisa_init_at().
 */
int gib_gisa_init(struct gib_guest *gi);

/**
 * gib_gisa_init_at() - give a guest a GISA in memory the caller owns
 * @gi: the guest, on a host with &gib_host.gisa_owner set
 * @gisa: the memory: 8-byte aligned, below 2 GiB in machine addresses,
 *        stable and unused by anything else until gib_guest_destroy()
 *
 * As gib_gisa_init(), but on @gisa: allocates nothing (usable where the
 * caller may not allocate), never frees @gisa (destroy still waits for every
 * reader before it returns, so the caller may free the memory afterwards),
 * and the alert-list walk finds the guest through &gib_host.gisa_owner, so
 * nothing needs to follow the GISA (KVM keeps its GISA in its sie_page2,
 * followed by its own data). gib_gisa_enable() after gib_gisa_disable()
 * re-uses @gisa.
 *
 * Return: 0; -EINVAL if a pointer is NULL or @gisa misaligned; -ERANGE if
 * the machine cannot address @gisa; -EALREADY if @gi has a GISA;
 * -EOPNOTSUPP if the host's GISAs are libgib's (no &gib_host.gisa_owner).
 * On error nothing changed.
 */
int gib_gisa_init_at(struct gib_guest *gi, struct gib_gisa *gisa);

/**
 * gib_gisa_clear() - drop all pending adapter interruptions (clear IPM)
 * @gi: the guest
 *
 * Return: 0; -EINVAL if @gi is NULL; -ENODEV if it has no GISA.
 */
int gib_gisa_clear(struct gib_guest *gi);

/**
 * gib_gisa_destroy() - take a guest's GISA out of use and free it
 * @gi: the guest
 *
 * Refuses while GISCs are still registered: their devices (AP queues with
 * AQIC enabled, zPCI function information blocks) still designate the GISA,
 * and the machine writes it whenever they raise an AI; a grace period does
 * not fence hardware, so its memory must not be freed. Unregister every GISC
 * first (each device's designation removed), then destroy.
 *
 * Stops the kick timer; sets IAM 0, and while that reports -EBUSY (the
 * GISA is linked) processes the alert list itself, never waiting for another
 * CPU to do it; stops the kick timer again; forgets the GISA, waits for every
 * reader that found it (gib_pf_synchronize()), checks it once more the same
 * way, and frees it. May sleep. vcpus keep their designation (see
 * gib_gisa_disable()).
 *
 * Return: 0; -EINVAL if @gi is NULL; -ENODEV if it has no GISA; -EBUSY if
 * GISCs are still registered (nothing changed).
 */
int gib_gisa_destroy(struct gib_guest *gi);

/**
 * gib_gisa_enable() - create the GISA and designate it to every vcpu
 * @gi: the guest
 *
 * The same step as gib_gisa_init(), named for the other caller: init gives
 * a new guest its GISA (before or after gib_vcpu_add(): vcpus added later
 * get the designation then); enable gives it back after gib_gisa_disable()
 * (protected virtualization without AIV), designating it to the vcpus that
 * disable left without one. A fresh GISA either way: alert mask 0, no GISC
 * registered, default kick period.
 *
 * Return: as gib_gisa_init().
 */
int gib_gisa_enable(struct gib_guest *gi);

/**
 * gib_gisa_disable() - clear every vcpu's designation and AIV, then destroy
 * @gi: the guest
 *
 * Afterwards every GISA path sees "no GISA": registration returns -ENODEV and
 * the designation word is 0. Refuses, as gib_gisa_destroy() does, while GISCs
 * are registered (-EBUSY, designations kept).
 *
 * The GISA's machine address changes across disable and enable: the next
 * gib_gisa_enable() allocates a new GISA. A designation a device holds
 * (vfio-ap's AQIC, zPCI's FIB, from gib_gisa_device_designation()) names the
 * old one; so a caller unregisters every GISC and removes each device's
 * designation before gib_gisa_disable(), and after gib_gisa_enable() gives
 * each device the new designation and registers its GISC again.
 *
 * Return: as gib_gisa_destroy().
 */
int gib_gisa_disable(struct gib_guest *gi);

/**
 * gib_gisa_designation() - the SIE GISA designation word
 * @gi: the guest
 *
 * Return: the GISA's machine address OR'ed with its format (1 whenever the
 * host has the GISA-format-1 facility), or 0 when @gi is NULL or has no GISA.
 */
uint32_t gib_gisa_designation(const struct gib_guest *gi);

/**
 * gib_gisa_device_designation() - a zPCI device's GISA designation
 * @gi: the guest
 *
 * Return: the GISA's machine address without the format bit, or 0 when @gi
 * is NULL or has no GISA.
 */
uint32_t gib_gisa_device_designation(const struct gib_guest *gi);

/**
 * gib_gisa_kick() - schedule the guest's kick timer to run at once
 * @gi: the guest
 *
 * Cancels the timer if queued and starts it with no delay.
 *
 * Return: 0; -EINVAL if @gi is NULL.
 */
int gib_gisa_kick(struct gib_guest *gi);

/**
 * gib_gisa_forward_adapter_event() - a forwarded zPCI adapter event
 * @gi: the guest
 * @gisc: the guest ISC of the event, 0..7
 *
 * The caller has set the guest's adapter summary bit. Unless both SIMM and
 * NIMM suppress @gisc, sets its IPM bit and schedules the kick timer.
 *
 * Return: 1 if made pending, 0 if suppressed; -EINVAL if @gi is NULL;
 * -ENODEV if no GISA; -ERANGE if @gisc > 7; -EOPNOTSUPP for a format-0 GISA.
 */
int gib_gisa_forward_adapter_event(struct gib_guest *gi, unsigned int gisc);

/**
 * gib_guest_gisa() - once-read of the guest's GISA
 * @gi: the guest
 *
 * Return: the GISA, or NULL if none.
 */
static inline struct gib_gisa *gib_guest_gisa(const struct gib_guest *gi)
{
	return GIB_PF_READ_ONCE(gi->origin);
}

#ifdef __cplusplus
}
#endif

#endif /* LIBGIB_GUEST_H */
