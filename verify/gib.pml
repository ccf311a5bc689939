/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * SPIN model of libgib's GIB/GISA alert protocol (spec sections 3-6).
 *
 * Processes:
 *   Pusher  x NPUSH   machine CPUs (platform/userspace/src/machine_ai.c):
 *                     set an IPM bit; maybe a vcpu in SIE takes it; else
 *                     claim the GISA (one CAS on its first doubleword, only
 *                     if IPM and IAM still have the ISC and it is unlinked:
 *                     IAM := 0, next_alert := origin; an origin read that
 *                     names the GISA itself is read again) and CAS-link it
 *                     into the GIB origin, re-storing next_alert after each
 *                     failed CAS; raise a GAL iff the CAS replaced NULL.
 *   Gal               the GAL handler: gib_process_alert_list().
 *   Timer   x NG      gib_gisa_kick_timer_fn() per guest.
 *   Reg               gib_gisc_register()/_unregister() on guest 0.
 *   Destroy           gib_gisa_destroy() of guest DG's GISA.
 *   Wait   (WAITPATH) a vcpu of guest DG in gib_vcpu_prepare_wait(): its
 *                     get_ipm_or_restore_iam() runs concurrently with destroy.
 *   Check             once nothing can move any more: asserts no AI lost.
 *
 * Abstractions (argued in verify/README.md):
 *   - addresses: NULL = 0, NONE = 1, GISA g at A(g) = g + 2. The first
 *     doubleword is kept as link/ipm/iam; a CAS on it compares all three
 *     (the mode bytes never change). Each CAS loop of the C code is one
 *     atomic step at its successful CAS, which is exact: a failed CAS
 *     changes nothing and the loop re-reads.
 *   - ISCs: two, bits 1 and 2.
 *   - a kicked timer's "kick one vcpu" is a vcpu that takes exactly the
 *     pending bits it was kicked for (kick.pml models vcpus and CR6).
 *   - timer: queued/running flags; cancel waits for a running callback and
 *     dequeues (hrtimer_cancel); kick = cancel + start(0).
 *   - free: unpublish (gi->origin := NULL), then free once no RCU reader
 *     that found the GISA through the origin remains. Pushes and the vcpu
 *     wait path are readers; the timer callback and the list walk are not
 *     (the library relies on cancel, and on IAM 0, for them).
 *   - sequential consistency: the barriers are assumed to give the orders
 *     the C comments name.
 *
 * Size switches: NPUSH, PUSHES (0: pushes never stop), PUSH_SET (bit g:
 * guest g gets AIs), REG_SEQ (1: Reg only unregisters ISC bit 1; 2: guest 0
 * starts with ISC bits 1 and 2, Reg unregisters bit 2 and registers it
 * again), WG (the guest of the wait path), PUSH_AFTER_REG (pushes start
 * once Reg has returned), SIE (vcpu-in-SIE delivery), WITH_DESTROY, WITH_REG,
 * HOST_CPUS (1: the GAL handler cannot run while destroy holds the one host
 * CPU, i.e. nobody but destroy processes the list), WAITS.
 *
 * Proposed fixes (see README):
 *   FIX_TIMER_LINKED   the kick timer does not stop (re-arm and return 0)
 *                      while the GISA still reads as linked; it runs again.
 *   FIX_UNLINK_FIRST   unlink, then kick (Linux's order); the timer finds the
 *                      GISA under RCU; destroy unpublishes before its last
 *                      cancel.
 *   FIX_RESTORE_RECHECK  restore re-reads the alert mask after its CAS and
 *                      retries if it moved (the first candidate against the
 *                      register/unregister ABA; not enough, see README).
 *   FIX_RESTORE_OR     the library: restore only adds bits, IAM := IAM |
 *                      mask (closes the register/unregister ABA: a CAS that
 *                      succeeds on an ABA'd word cannot clear a bit).
 *   FIX_DESTROY_RECHECK  destroy repeats its set_iam(0)/process loop after
 *                      the grace period, when no reader can re-arm the IAM.
 *   DESTROY_RELAX_IF_EMPTY  destroy cuts only when a GISA is at the origin,
 *                      else it only retries set_iam(0) (no origin traffic).
 * Checks: CHECK_PASSES asserts gib.h's "at most three passes".
 * Policies of the library:
 *   CUT_V2             the host's cut policy GIB_CUT_V2 (the v2 series'
 *                      unlink_gib_alert_list()): read the origin, CAS it to
 *                      NULL, re-read and retry if it moved; one walk. Was
 *                      variant (a); now the library's second policy, run
 *                      as the library (runs v2-*), asserted safe.
 *   CUT_V2_STORE       with CUT_V2: a mutation that stores NULL after the
 *                      read without comparing (run v2-mutant-store: a link
 *                      landing in between is lost, so the CAS is needed).
 * Variants (each run expecting what its comment says):
 *   STOP_ON_NONE       (b) process until a cut returns exactly NONE
 *   DESTROY_WAIT       (c) destroy waits for someone else to unlink
 *   DESTROY_NOPROCESS  (d) destroy does not process the list
 *   NO_SELF_CHECK      the claim does not re-read an origin naming itself
 *                      (asserts at the self-claim itself)
 *   ORIGIN_ONCE        the kernel software machine's claim before the shared
 *                      <libgib/machine_push.h>: the origin is read once and
 *                      never compared with the GISA's own address; nothing
 *                      is asserted at the claim, the cut's walk finds the
 *                      consequence (a GISA linked to itself)
 *   UNLINK_THEN_KICK   only the order of FIX_UNLINK_FIRST, nothing else
 *   WAITPATH           a vcpu's wait-path restore races destroy
 *   WITH_CUTTER        another guest's destroy processes the list in process
 *                      context and may be preempted holding its cut, until
 *                      Destroy returns (one CPU, SCHED_FIFO)
 *   FIX_CUTTER_IRQ_OFF that cutter processes with interrupts off
 *   IAM_EXACT          at quiescence require IAM == alert_mask exactly
 *   DEV_DESIGNATES     issue 11, defect 3: the machine reaches guest DG's
 *                      GISA through a device's designation (AQIC, zPCI
 *                      FIB), not the origin: a push starts while the device
 *                      is registered (devmask), published or not. Destroy
 *                      may first unregister it; with registrations left it
 *                      refuses (-EBUSY), unless DESTROY_REGISTERED (the old
 *                      rule: it frees the GISA the device still designates)
 */

#ifndef NPUSH
#define NPUSH 2
#endif
#ifndef PUSHES
#define PUSHES 2
#endif
#ifndef PUSH_SET
#define PUSH_SET 3
#endif
#ifndef REG_SEQ
#define REG_SEQ 0
#endif
#ifndef SIE
#define SIE 1
#endif
#ifndef HOST_CPUS
#define HOST_CPUS 2
#endif
#ifndef WITH_DESTROY
#define WITH_DESTROY 0
#endif
#ifndef WITH_REG
#define WITH_REG 0
#endif
#ifndef WAITS
#define WAITS 1
#endif
#ifdef FIX_UNLINK_FIRST
#define UNLINK_THEN_KICK
#endif

#define NG	2		/* GISAs (guests) */
#define DG	1		/* the guest whose GISA is destroyed */
#ifndef WG
#define WG	DG		/* the guest of the wait path (WAITPATH) */
#endif
#define NULLA	0		/* origin: empty, GAL enabled */
#define NONEA	1		/* origin: empty, host processing, no GAL */
#define A(g)	((g) + 2)	/* machine address of GISA g */
#define G(a)	((a) - 2)
#define ISGISA(v) ((v) >= 2)	/* v & GISA_ADDR_MASK */

byte origin = NULLA;		/* GIB alert_list_origin */
bool gal;			/* a GAL interruption is pending */

/* The first doubleword of each GISA, and the guest around it. */
byte link[NG];			/* next_alert */
byte ipm[NG];
byte iam[NG];
byte amask[NG];			/* gi->alert.mask */
byte devmask[NG];		/* ISCs on which a device may raise AIs */
bool published[NG];		/* gi->origin != NULL */
bool alive[NG];			/* memory not freed */
byte readers[NG];		/* RCU readers that found it via the origin */

bool timer_q[NG];		/* kick timer queued */
bool timer_run[NG];		/* its callback is running */
byte kwait[NG];			/* CPUs waiting in hrtimer_cancel() */

/* Ghosts. */
bool inlist[NG];		/* linked by a push, not yet taken by a cut */
byte claimwin;			/* pushers between claim and link */
bool busy;			/* the GAL handler is processing */
bool ddone;			/* destroy has returned */
byte pdone;			/* pushers that finished */
bool regdone;
bool wdone;
bool cdone;			/* the process-context cutter has returned */
#if HOST_CPUS == 1
bool cpu;			/* the one host CPU is taken */
#define CPU_FREE	(!cpu)
#define CPU_TAKE	cpu = 1
#define CPU_GIVE	cpu = 0
#else
#define CPU_FREE	true
#define CPU_TAKE	skip
#define CPU_GIVE	skip
#endif

/*
 * hrtimer_cancel(): wait for a running callback, then dequeue. While a CPU
 * waits, the callback's own restart (expires later) cannot run ahead of it:
 * kwait keeps a queued timer from starting, so weak fairness lets the
 * waiter in.
 */
inline cancel(g)
{
	kwait[g]++;
	atomic { !timer_run[g] -> timer_q[g] = 0; kwait[g]-- }
}

/* gib_gisa_kick(): cancel, then start to expire at once. */
inline kick(g)
{
	kwait[g]++;
	atomic { !timer_run[g] -> timer_q[g] = 1; kwait[g]-- }
}

/*
 * Ghost check at every cut: the cut-off list is well formed, holds only
 * live GISAs, and holds every GISA a push linked that no cut took yet: a
 * GISA in the list is reached by the next cut. Nobody but the cutter
 * changes the links of a cut-off list, so this walk sees what its will.
 */
inline check_cut(v)
{
	cw = v;
	cn = 0;
	do
	:: ISGISA(cw) ->
		assert(alive[G(cw)]);		/* no dangling link */
		assert(inlist[G(cw)]);		/* no GISA twice, none unlinked */
		inlist[G(cw)] = 0;
		cw = link[G(cw)];
		cn++
	:: else -> break
	od;
	assert(!inlist[0] && !inlist[1]);
	cw = 0;
	cn = 0
}

/*
 * unlink_gisa(): read the next link, schedule the guest's kick, store the
 * own address (release). The library kicks first so that destroy, which
 * sees the GISA out of the list only after this store, cancels the timer.
 */
inline unlink_one(v)
{
	pl_g = G(v);
	d_step { assert(alive[pl_g]); pl_nxt = link[pl_g] }
#ifndef UNLINK_THEN_KICK
	kick(pl_g);
	d_step { assert(alive[pl_g]); link[pl_g] = A(pl_g) }
#else
	d_step { assert(alive[pl_g]); link[pl_g] = A(pl_g) }
	kick(pl_g);
#endif
	v = pl_nxt;
	pl_g = 0;
	pl_nxt = 0
}

inline walk(v)
{
	do
	:: ISGISA(v) -> unlink_one(v)
	:: else -> break
	od
}

/*
 * A process-context cutter (pl_stall, WITH_CUTTER only) may be preempted
 * while it holds a cut: on one CPU under SCHED_FIFO by destroy of another
 * guest, which then spins; it runs again only once that destroy returned.
 */
inline preempt_point()
{
#ifdef WITH_CUTTER
	if
	:: pl_stall && !ddone -> ddone	/* preempted until destroy returns */
	:: true -> skip
	fi
#else
	skip
#endif
}

/* gib_process_alert_list(), and the variants of it. */
inline process_list()
{
#if defined(CUT_V2)
	/* GIB_CUT_V2: a CAS loop to NULL; GAL interruptions stay enabled. */
#if defined(CUT_V2_STORE)
	/* Mutation: a plain store of NULL after the read, no compare. */
	pl_v = origin;
	d_step { origin = NULLA; check_cut(pl_v) }
#else
	do
	:: pl_v = origin;
		atomic {
			if
			:: origin == pl_v -> origin = NULLA; check_cut(pl_v); break
			:: else -> skip
			fi
		}
	od;
#endif
	walk(pl_v);
#elif defined(STOP_ON_NONE)
	/* Cut with NONE until a cut returns exactly NONE, then re-enable. */
	do
	:: d_step { pl_v = origin; origin = NONEA; check_cut(pl_v) }
		if
		:: pl_v == NONEA -> break
		:: else -> walk(pl_v)
		fi
	od;
	skip;	/* no jump into the d_step below */
	d_step { pl_v = origin; origin = NULLA; check_cut(pl_v) }
	walk(pl_v);
#else
	/* The two-phase cut: NONE, and NULL once a cut ended in NONE. */
	pl_final = 0;
	do
	:: d_step {
#ifdef CHECK_PASSES
		pl_pass++;
		assert(pl_pass <= 3);	/* "at most three passes" (gib.h) */
#endif
		pl_v = origin;
		if
		:: pl_final -> origin = NULLA
		:: else -> origin = NONEA
		fi;
		check_cut(pl_v)
	   }
		preempt_point();	/* holding the cut, origin NONE */
		walk(pl_v);		/* leaves the terminator in pl_v */
		if
		:: pl_final -> break
		:: else -> pl_final = (pl_v == NONEA)	/* term & NONE */
		fi
	od;
	pl_final = 0;
	pl_pass = 0;
#endif
	pl_v = 0
}

#define LIST_LOCALS byte pl_v, pl_g, pl_nxt, cw, cn, pl_pass; bool pl_final, pl_stall

/*
 * gib_gisa_get_ipm_or_restore_iam(): read the word, then (after a read
 * barrier) the alert mask; pending bits are returned untouched, else IAM
 * := mask (FIX_RESTORE_OR: IAM | mask) by a CAS against the word read
 * (nothing if armed already).
 * Result in rs_pend. With FIX_TIMER_LINKED and timer set, a GISA that still
 * reads as linked is left alone and rs_linked tells the timer to run again.
 */
#ifdef FIX_RESTORE_OR
#define ARMED	((rs_m & ~rs_iam) == 0)
#define REARMED	(rs_iam | rs_m)
#else
#define ARMED	(rs_iam == rs_m)
#define REARMED	rs_m
#endif

inline restore(g, timer)
{
	skip;	/* a label may not open an inline body */
rs_retry: skip;
	d_step { assert(alive[g]); rs_link = link[g]; rs_ipm = ipm[g]; rs_iam = iam[g] }
	rs_m = amask[g];
	rs_pend = rs_ipm & rs_m;
	if
	:: rs_pend != 0 -> skip
#ifdef FIX_TIMER_LINKED
	:: rs_pend == 0 && timer && rs_link != A(g) -> rs_linked = 1
	:: rs_pend == 0 && !(timer && rs_link != A(g)) && ARMED -> skip
	:: rs_pend == 0 && !(timer && rs_link != A(g)) && !ARMED ->
#else
	:: rs_pend == 0 && ARMED -> skip
	:: rs_pend == 0 && !ARMED ->
#endif
		atomic {
			assert(alive[g]);
			if
			:: link[g] == rs_link && ipm[g] == rs_ipm && iam[g] == rs_iam ->
				iam[g] = REARMED
			:: else -> goto rs_retry
			fi
		}
#ifdef FIX_RESTORE_RECHECK
		/* a mask that moved since we read it: our CAS may have undone
		 * a set_iam that wrote the value already there (ABA) */
		if
		:: amask[g] != rs_m -> goto rs_retry
		:: else -> skip
		fi
#endif
	fi;
	d_step { rs_link = 0; rs_ipm = 0; rs_iam = 0; rs_m = 0 }
}

#define RESTORE_LOCALS byte rs_link, rs_ipm, rs_iam, rs_m, rs_pend; bool rs_linked

proctype Pusher()
{
	byte k, g, b, o;
#ifdef PUSH_AFTER_REG
	/* the machine pushes once the registrations returned: the software
	 * machine's push is not one atomic step, and an AI raised before an
	 * unregistration whose claim runs after it stays pending unalerted
	 * until a vcpu looks (no device raises on an ISC being unregistered) */
	regdone;
#endif
	do
	:: PUSHES == 0 || k < PUSHES ->
#if PUSHES > 0
		k++;
#endif
		if
#if PUSH_SET & 1
		:: g = 0
#endif
#if PUSH_SET & 2
		:: g = 1
#endif
		fi;
		if
		:: b = 1
#if WITH_REG
		:: b = 2
#endif
		fi;
		/* The machine finds the GISA through the origin (RCU reader). */
		atomic {
			if
#ifdef DEV_DESIGNATES
			/* through a registered device's designation, which
			 * neither the origin nor a grace period fences (the
			 * software machine's push is a reader all the same) */
			:: g == DG && (devmask[g] & b) -> readers[g]++
			:: g == DG && !(devmask[g] & b) -> goto next
			:: g != DG && published[g] -> readers[g]++
#else
			:: published[g] -> readers[g]++
#endif
			:: else -> goto next
			fi
		}
		/* 1. set the IPM bit, if a device on that ISC is enabled */
		atomic {
			assert(alive[g]);
			if
			:: devmask[g] & b -> ipm[g] = ipm[g] | b
			:: else -> goto done
			fi
		}
#if SIE
		/* 2. a vcpu in SIE with the ISC enabled takes it: no alert */
		if
		:: d_step { assert(alive[g]); ipm[g] = ipm[g] & ~b }; goto done
		:: skip
		fi;
#endif
		/* 3a. claim */
claim:
		o = origin;
		atomic {
			assert(alive[g]);
			if
			:: link[g] == A(g) && (iam[g] & b) && (ipm[g] & b) ->
#if defined(ORIGIN_ONCE)
				/* the kernel machine's old claim: no check; what
				 * follows (a self-loop a cut walks) is the finding */
				skip;
#elif !defined(NO_SELF_CHECK)
				if
				:: o == A(g) -> goto claim	/* stale: read again */
				:: else -> skip
				fi;
#else
				/* without the check: a claimed GISA that reads as
				 * unlinked can be claimed twice; flag it here */
				assert(o != A(g));
#endif
				link[g] = o;
				iam[g] = 0;
				claimwin++
			:: else -> goto done	/* linked, not armed, or taken */
			fi
		}
		/* 3b. link: CAS the origin from o; on failure the claimant, sole
		 *     owner of the claimed link, stores the value seen, retries. */
relink:
		atomic {
			if
			:: origin == o ->
				assert(alive[g]);
				origin = A(g);
				inlist[g] = 1;
				claimwin--;
				if
				:: o == NULLA -> gal = 1
				:: else -> skip	/* NONE or a GISA: no GAL */
				fi;
				goto done
			:: else -> o = origin
			fi
		}
		d_step { assert(alive[g]); link[g] = o }
		goto relink;
done:
		readers[g]--;
next:		skip;
		d_step { g = 0; b = 0; o = 0 }
	:: PUSHES > 0 && k >= PUSHES -> break
	od;
	pdone++
}

proctype Gal()
{
	LIST_LOCALS;
end_idle:
	do
	:: atomic { gal && CPU_FREE -> gal = 0; CPU_TAKE; busy = 1 }
		process_list();
		atomic { busy = 0; CPU_GIVE }
	od
}

/* gib_gisa_kick_timer_fn() of guest g. */
proctype Timer(byte g)
{
	RESTORE_LOCALS;
end_idle:
	do
	:: atomic { timer_q[g] && kwait[g] == 0 -> timer_q[g] = 0; timer_run[g] = 1 }
#ifdef FIX_UNLINK_FIRST
		atomic {
			if
			:: published[g] -> readers[g]++
			:: else -> goto stop
			fi
		}
#else
		if
		:: !published[g] -> goto stop	/* no GISA: stop */
		:: else -> skip
		fi;
#endif
		restore(g, 1);
		if
		:: rs_pend != 0 ->
			/* kick a vcpu; it takes what it was kicked for; run
			 * again after expires */
			d_step { assert(alive[g]); ipm[g] = ipm[g] & ~rs_pend; timer_q[g] = 1 }
		:: rs_pend == 0 && rs_linked -> timer_q[g] = 1
		:: else -> skip		/* IAM armed: stop */
		fi;
#ifdef FIX_UNLINK_FIRST
		readers[g]--;
#endif
stop:		skip;
		d_step { timer_run[g] = 0; rs_pend = 0; rs_linked = 0 }
	od
}

/*
 * GISC registration on guest 0 (under its lock): register ISC bit 2 and
 * unregister ISC bit 1, in either order. A device raises AIs on an ISC only
 * between its registration's return and the start of its unregistration
 * (devmask), as vfio-ap and zPCI do.
 */
inline reg_op(b, on)
{
	skip;	/* keeps the "else" below out of the caller's guard */
	if
	:: on -> skip
	:: else -> devmask[0] = devmask[0] & ~b
	fi;
	amask[0] = amask[0] ^ b;
	/* set_iam: one CAS, only while not linked; -EBUSY ignored */
	atomic {
		if
		:: link[0] == A(0) -> iam[0] = amask[0]
		:: else -> skip
		fi
	}
	if
	:: on -> devmask[0] = devmask[0] | b
	:: else -> skip
	fi
}

proctype Reg()
{
#if REG_SEQ == 0
	if
	:: reg_op(2, 1); reg_op(1, 0)
	:: reg_op(1, 0); reg_op(2, 1)
	fi;
#elif REG_SEQ == 2
	/* one ISC's count 1 -> 0 -> 1 (vfio-ap's AQIC disable, enable) */
	reg_op(2, 0);
	reg_op(2, 1);
#else
	reg_op(1, 0);		/* only the last unregistration */
#endif
	regdone = 1
}

/* gib_gisa_destroy() of guest DG (under its lock: no Reg on DG). */
proctype Destroy()
{
	LIST_LOCALS;
	bool ok;
	atomic { CPU_FREE -> CPU_TAKE }
#ifdef DEV_DESIGNATES
	/* the device's owner may unregister first (AQIC disable: the device
	 * stops raising and drops its designation, then the GISC count) */
	if
	:: devmask[DG] = 0;
		amask[DG] = 0;
		atomic {	/* set_iam(0): one CAS, only while unlinked */
			if
			:: link[DG] == A(DG) -> iam[DG] = 0
			:: else -> skip
			fi
		}
	:: skip
	fi;
#ifndef DESTROY_REGISTERED
	/* the library: refuse while GISCs are registered, nothing changed */
	if
	:: amask[DG] != 0 -> goto refused
	:: else -> skip
	fi;
#endif
#endif
	amask[DG] = 0;
	cancel(DG);
#if defined(DESTROY_WAIT)
	/* the old defect: retry set_iam(0) until some other CPU's processing
	 * unlinks the GISA (a spin: modelled as the blocking wait it is) */
	atomic { link[DG] == A(DG) -> iam[DG] = 0 }
#elif defined(DESTROY_NOPROCESS)
	/* the defect: set IAM 0 if it can, but leave a linked GISA linked */
	atomic {
		if
		:: link[DG] == A(DG) -> iam[DG] = 0
		:: else -> skip
		fi
	}
#else
	do
	:: atomic {
		if
		:: link[DG] == A(DG) -> iam[DG] = 0; ok = 1	/* set_iam(0) */
		:: else -> ok = 0				/* -EBUSY */
		fi
	   }
		if
		:: ok -> break
#ifdef DESTROY_RELAX_IF_EMPTY
		/* suggested: with no GISA at the origin ours is in a claim
		 * window or in another CPU's cut; wait (cpu_relax) without
		 * changing the origin under the claimant's link CAS */
		:: else -> if
			:: ISGISA(origin) -> process_list()
			:: else -> skip
			fi
#else
		:: else -> process_list()
#endif
		fi
	od;
#endif
#ifdef FIX_UNLINK_FIRST
	published[DG] = 0;		/* forget first ... */
	cancel(DG);			/* ... so a later kick finds no GISA */
#else
	cancel(DG);
	published[DG] = 0;		/* forget: gi->origin := NULL */
#endif
#ifdef FIX_DESTROY_RECHECK
	/* proposed: after a grace period no reader (push, wait path) can
	 * re-arm or link it any more; make sure it is out, for good */
	(readers[DG] == 0);
	do
	:: atomic {
		if
		:: link[DG] == A(DG) -> iam[DG] = 0; ok = 1
		:: else -> ok = 0
		fi
	   }
		if
		:: ok -> break
		:: else -> process_list()
		fi
	od;
	cancel(DG);
#endif
	atomic { readers[DG] == 0 -> alive[DG] = 0 }	/* free after grace period */
#ifdef DEV_DESIGNATES
refused:
#endif
	atomic { CPU_GIVE; ddone = 1 }
}

#ifdef WITH_CUTTER
/*
 * Issue 11, defect 4: gib_gisa_destroy() of another guest processing the
 * list itself, in process context. Before the fix it can be preempted
 * holding a cut (preempt_point); with FIX_CUTTER_IRQ_OFF it processes with
 * interrupts off (gib_pf_irq_save()) and can only be preempted before or
 * after, holding nothing.
 */
proctype Cutter()
{
	LIST_LOCALS;
#ifndef FIX_CUTTER_IRQ_OFF
	pl_stall = 1;
#endif
	process_list();
	cdone = 1
}
#endif

#ifdef WAITPATH
/* A vcpu of guest WG going to enabled wait: its restore races destroy (WG
 * = DG) or GISC registration (WG = 0). */
proctype Wait()
{
	byte k;
	RESTORE_LOCALS;
	do
	:: k < WAITS ->
		k++;
		atomic {
			if
			:: published[WG] -> readers[WG]++
			:: else -> break
			fi
		};
		restore(WG, 0);
		if
		:: rs_pend != 0 ->	/* work: the vcpu takes it instead */
			d_step { assert(alive[WG]); ipm[WG] = ipm[WG] & ~rs_pend }
		:: else -> skip
		fi;
		d_step { readers[WG]--; rs_pend = 0 }
	:: else -> break
	od;
	wdone = 1
}
#endif

/*
 * No AI lost: once nothing can move any more, GAL interruptions are enabled
 * and every live GISA is out of the list, has no pending AI on a registered
 * ISC, and has its IAM armed for every registered ISC. A state where the
 * rest is blocked and this guard is false is an invalid end state.
 */
proctype Check()
{
	byte g;
	atomic {
		pdone == NPUSH && regdone && ddone && wdone && cdone && !gal && !busy &&
		!timer_q[0] && !timer_q[1] && !timer_run[0] && !timer_run[1] ->
		assert(origin == NULLA);
		do
		:: g < NG ->
			if
			:: alive[g] ->
				assert(link[g] == A(g));
				assert((ipm[g] & amask[g]) == 0);
#ifdef IAM_EXACT
				assert(iam[g] == amask[g]);
#else
				assert((amask[g] & ~iam[g]) == 0);
#endif
			:: else -> skip
			fi;
			g++
		:: else -> break
		od
	}
}

init
{
	byte g;
	atomic {
		do
		:: g < NG ->
			link[g] = A(g);
			amask[g] = 1;		/* ISC bit 1 registered */
#if REG_SEQ == 2
			if
			:: g == 0 -> amask[g] = 3	/* and ISC bit 2 */
			:: else -> skip
			fi;
#endif
			devmask[g] = amask[g];
			iam[g] = amask[g];
			published[g] = 1;
			alive[g] = 1;
			run Timer(g);
			g++
		:: else -> break
		od;
		g = 0;
		do
		:: g < NPUSH -> run Pusher(); g++
		:: else -> break
		od;
		run Gal();
#if WITH_REG
		run Reg();
#else
		regdone = 1;
#endif
#if WITH_DESTROY
		run Destroy();
#else
		ddone = 1;
#endif
#ifdef WAITPATH
		run Wait();
#else
		wdone = 1;
#endif
#ifdef WITH_CUTTER
		run Cutter();
#else
		cdone = 1;
#endif
#if PUSHES > 0
		run Check();
#endif
		g = 0
	}
}

/*
 * Liveness, checked with weak fairness (pan -a -f); one formula per build,
 * chosen with spin -DLTL_...
 */
#ifdef LTL_HANDLER_RETURNS
/* a GAL handler that starts processing returns */
ltl handler_returns { [] (busy -> <> !busy) }
#endif
#ifdef LTL_DESTROY_RETURNS
/* destroy returns */
ltl destroy_returns { <> ddone }
#endif
#ifdef LTL_DESTROY_RETURNS_IF_LINKS_LAND
/* destroy returns, provided that no push stays in its claim window for
 * ever (its link CAS eventually succeeds: lock-free, not wait-free) */
ltl destroy_returns_if_links_land { ([] ((claimwin > 0) -> <> (claimwin == 0))) -> <> ddone }
#endif
#ifdef LTL_UNLINKED
/* a linked GISA is unlinked again */
ltl unlinked0 { [] ((link[0] != A(0)) -> <> (link[0] == A(0))) }
#endif
#ifdef LTL_TAKEN
/* a pending AI on a registered ISC is taken */
ltl taken0 { [] (((ipm[0] & amask[0]) != 0) -> <> ((ipm[0] & amask[0]) == 0)) }
#endif
