/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/**
 * DOC: GIB and the alert list
 *
 * One Guest Information Block per host. Its first word is the origin of the
 * alert list: a GISA's machine address, or one of two markers:
 *
 * - %GIB_NULL_GISA_ADDR (0): empty, GAL interruptions enabled; the next GISA
 *   the machine links raises one.
 * - %GIB_NONE_GISA_ADDR (1): empty, the host is processing; the machine links
 *   GISAs without raising a GAL interruption.
 *
 * The host cuts the whole list with one exchange (the two-phase cut of
 * gib_process_alert_list()) and unlinks each GISA of its cut. A host may
 * instead choose the cut of the series' v2 (%GIB_CUT_V2): a compare-and-swap
 * loop that takes the whole list and stores NULL at once (docs/seed.md).
 *
 * Concurrency table (alert-list origin):
 *
 * ======================  ============  ============  ===============
 * against ->              machine push  host cut      gib_gisa_destroy
 * ======================  ============  ============  ===============
 * machine push (CAS)      ok            ok            ok
 * host cut (xchg)         ok            ok (1)        ok
 * unlink of a cut GISA    ok            owner only    waits for it (2)
 * ======================  ============  ============  ===============
 *
 * (1) several CPUs may process at once: each exchange (or successful CAS of
 *     the v2 cut) hands each GISA to exactly one of them.
 * (2) destroy re-tries set_iam(0) and processes the list itself until the
 *     GISA is out; it never waits for a processing it did not start but
 *     for one whose unlink is a bounded number of steps away.
 */
#ifndef LIBGIB_GIB_H
#define LIBGIB_GIB_H

#include <libgib/platform.h>
#include <libgib/gisa.h>
#include <libgib/trace.h>

struct gib_guest;

#ifdef __cplusplus
extern "C" {
#endif

/** GIB_NULL_GISA_ADDR - alert-list origin: empty, GAL interruptions enabled */
#define GIB_NULL_GISA_ADDR 0u
/** GIB_NONE_GISA_ADDR - alert-list origin: empty, host processing, no GAL */
#define GIB_NONE_GISA_ADDR 1u
/** GIB_NISC_MASK - NISC bits of the GIB's byte 8 */
#define GIB_NISC_MASK 0x07

/**
 * struct gib_block - the Guest Information Block, as the machine sees it
 * @alert_list_origin: big-endian; a GISA address or a marker
 * @res4: reserved
 * @nisc_byte: 5 reserved bits, then the NISC in the 3 low bits
 * @res9: reserved
 */
struct gib_block {
	uint32_t alert_list_origin;
	uint32_t res4;
	uint8_t nisc_byte;
	uint8_t res9[23];
};

GIB_STATIC_ASSERT(sizeof(struct gib_block) == 32, "GIB is 32 bytes");
GIB_STATIC_ASSERT(offsetof(struct gib_block, nisc_byte) == 8, "NISC at byte 8");

/**
 * enum gib_cut_policy - how gib_process_alert_list() cuts the alert list
 * @GIB_CUT_TWO_PHASE: the landed cut (default): exchange with NONE, walk;
 *                     exchange with NULL once a cut ended in NONE. The
 *                     machine raises no GAL interruption while the host works
 * @GIB_CUT_V2: the cut of "KVM: s390: make use of the GIB" v2 (patches 06
 *              and 09): take the whole list with a compare-and-swap loop to
 *              NULL, walk it, done. Loses nothing, but the first GISA
 *              linked while the host walks raises a GAL interruption
 * @GIB_NR_CUT_POLICIES: the number of policies
 */
enum gib_cut_policy {
	GIB_CUT_TWO_PHASE = 0,
	GIB_CUT_V2 = 1,
	GIB_NR_CUT_POLICIES = 2,
};

/**
 * struct gib_host - one host's GIB and what the core keeps beside it
 * @gib: the GIB, NULL until gib_init() succeeds
 * @gib_maddr: its machine address
 * @nisc: the host ISC of GAL interruptions
 * @gisa_format: the format of every GISA of this host
 * @nr_gisas: GISAs alive on this host, under @lock
 * @nr_guests: guests set up on this host (gib_guest_init() and not yet
 *             gib_guest_destroy()), under @lock
 * @lock: protects @nr_gisas, @nr_guests and the life cycle
 * @trace: optional trace hooks, set before gib_init()
 * @trace_priv: their first argument
 * @cut_policy: the enum gib_cut_policy of gib_process_alert_list(), set
 *              before gib_init() (0: %GIB_CUT_TWO_PHASE) and not changed
 *              while the host has a GIB
 * @gisa_owner: NULL: libgib allocates every GISA of this host and keeps the
 *              guest right after it. Set (before any guest): the caller
 *              owns the GISA memory (gib_gisa_init_at()), and the alert-list
 *              walk asks this callback for the guest of a GISA it unlinks;
 *              called in the walk's context (the GAL interrupt), may not
 *              sleep, must not fail for a GISA the host's guests published.
 * @pf: the backend's part, set up by the backend before gib_init()
 */
struct gib_host {
	struct gib_block *gib;
	uint32_t gib_maddr;
	uint8_t nisc;
	enum gib_gisa_format gisa_format;
	unsigned int nr_gisas;
	unsigned int nr_guests;
	struct gib_pf_lock lock;
	const struct gib_trace_ops *trace;
	void *trace_priv;
	enum gib_cut_policy cut_policy;
	struct gib_guest *(*gisa_owner)(struct gib_host *host, struct gib_gisa *gisa);
	struct gib_pf_host pf;
};

/**
 * gib_init() - create the GIB and associate it with the machine
 * @host: the host, zeroed apart from @host->pf, @host->trace,
 *        @host->trace_priv and @host->cut_policy
 * @nisc: the host ISC for GAL interruptions, 0..7 (Linux: %GIB_GAL_ISC)
 *
 * Allocates the GIB (zeroed, 31-bit), registers the GAL interruption handler
 * on @nisc, sets the NISC, then "set GIB"; unwinds each step on failure.
 *
 * Return: 0; -EINVAL if @host is NULL, @host->cut_policy is not an enum
 * gib_cut_policy, or the backend never set it up (user space:
 * gib_us_host_attach() was not called); -ERANGE if @nisc > 7;
 * -EALREADY if @host has a GIB; -ENODEV if the machine lacks the AIV
 * facility (not an error to a hypervisor: it runs guests without GISA
 * alerts); -ENOMEM; or the backend's error (-EIO from "set GIB"). On error
 * @host is as it was.
 */
int gib_init(struct gib_host *host, unsigned int nisc);

/**
 * gib_destroy() - dissociate the GIB from the machine and free it
 * @host: the host
 *
 * Return: 0; -EINVAL if @host is NULL; -ENODEV if it has no GIB; -EBUSY if
 * a guest is still set up on it, with or without a GISA (nothing changed).
 */
int gib_destroy(struct gib_host *host);

/**
 * gib_process_alert_list() - cut the alert list, unlink and kick every GISA
 * @host: the host
 *
 * The two-phase cut: exchange the origin with NONE, walk and unlink the cut
 * (scheduling the guest's kick timer for each GISA, before its unlink); if
 * the walk ended in NONE every GISA of it came while the host held the list,
 * so the next exchange stores NULL and re-enables GAL interruptions; stop
 * after the NULL pass. With one processing CPU, at most three passes however
 * fast the machine links; another CPU storing NULL meanwhile (a concurrent
 * gib_gisa_destroy()) can add a pass. Safe to run on several CPUs at once.
 *
 * Context: any; the whole processing runs inside gib_pf_irq_save() (kernel:
 * interrupts off), so a process-context caller is never preempted while it
 * holds a cut. The kick and the trace hooks it calls run there too.
 * A host set up with %GIB_CUT_V2 (@host->cut_policy) cuts as the series'
 * v2 unlink_gib_alert_list() did instead: compare-and-swap the origin from
 * the value just read to NULL until it succeeds (a link landing between
 * read and CAS makes it retry), then walk and unlink what it took, once.
 * GAL interruptions are enabled from that CAS on. Also safe on several CPUs.
 *
 * Return: the number of GISAs unlinked; -EINVAL if @host is NULL; -ENODEV if
 * it has no GIB.
 */
int gib_process_alert_list(struct gib_host *host);

/**
 * gib_gal_interrupt() - the GAL interruption handler
 * @host: the host whose GIB raised it (must not be NULL)
 *
 * Called by the backend on every GIB-alert interruption; processes the list.
 */
void gib_gal_interrupt(struct gib_host *host);

/**
 * gib_alert_list_origin() - once-read of the alert-list origin
 * @host: the host, with a GIB
 *
 * Return: the origin in CPU order: a GISA's machine address or a marker.
 */
static inline uint32_t gib_alert_list_origin(const struct gib_host *host)
{
	return gib_pf_be32_to_cpu(gib_pf_load32(&host->gib->alert_list_origin));
}

#ifdef __cplusplus
}
#endif

#endif /* LIBGIB_GIB_H */
