/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * SPIN model of one guest's kick path: the kick timer's walk over idle
 * vcpus (gib_kick_one_vcpu()), the kicked bits, and the vcpus' runnable
 * check and enabled wait (gib_vcpu_runnable(), gib_vcpu_prepare_wait()).
 *
 * Two vcpus with disjoint CR6 ISC masks: vcpu 0 takes ISC bit 1 only,
 * vcpu 1 ISC bit 2 only; both ISCs are registered. The alert list is
 * reduced to a flag: an alerted GISA is "linked" until the host kicks the
 * timer and then unlinks it (gib.pml checks the list itself). As in the C
 * code, the vcpu's wait path re-arms the IAM whether or not the GISA is
 * linked, and the timer re-arms only an unlinked one and polls while it is
 * linked (__gib_gisa_get_ipm_or_restore_iam()'s only_unlinked). The word and the
 * alert mask do not race here (no registration), so the restore is one
 * atomic step.
 *
 * Switch NARROW_PENDING: variant (e), the old walk that narrowed
 * "deliverable" by the first idle vcpu's CR6 mask.
 *
 * Checks: an end-state assertion (nothing pending on a registered ISC when
 * all is quiet) and, with -DNP / pan -l -f, no non-progress cycle: the only
 * progress is a vcpu taking an AI or the system going quiet.
 */

#ifndef NAI
#define NAI 3			/* AIs the machine raises */
#endif

#define MASK	3		/* alert mask: ISC bits 1 and 2 registered */

byte ipm;
byte iam = MASK;
bool linked;			/* in the alert list (or claimed) */
bool alerted;			/* the host has a GISA to cut */
bool timer_q, timer_run;
bool kwait;			/* a kick waits in hrtimer_cancel() */
byte cr6[2];			/* CR6 ISC mask per vcpu index */
bool idle[2];			/* gi->idle_mask */
bool kicked[2];			/* gi->kicked_mask */
bool wake[2];			/* a wake-up is pending for the vcpu */
bool pushes_done;

/* The machine: set the IPM bit, alert if armed and not linked. */
active proctype Machine()
{
	byte n, b;
	do
	:: n < NAI ->
		n++;
		if
		:: b = 1
		:: b = 2
		fi;
		ipm = ipm | b;
		atomic {
			if
			:: !linked && (iam & b) -> linked = 1; iam = 0; alerted = 1
			:: else -> skip
			fi
		}
		b = 0
	:: else -> break
	od;
	pushes_done = 1
}

/* The host: cut, kick, then unlink (unlink_gisa()'s order). */
active proctype Host()
{
end_idle:
	do
	:: atomic { alerted -> alerted = 0 }
		/* gib_gisa_kick(): cancel (waits for a running callback; the
		 * callback's own restart is expires later, so it cannot slip
		 * in ahead of the waiter), then start at once */
		kwait = 1;
		atomic { !timer_run -> timer_q = 1; kwait = 0 };
		linked = 0		/* the release store of the own address */
	od
}

/* gib_kick_one_vcpu(): the first idle vcpu whose CR6 matches. */
inline kick_one(deliverable)
{
	i = 0;
	do
	:: i < 2 ->
		if
		:: idle[i] ->
#ifdef NARROW_PENDING
			/* the defect: narrowing hides ISCs later vcpus could take */
			deliverable = deliverable & cr6[i];
			if
			:: deliverable != 0 ->
#else
			if
			:: (cr6[i] & deliverable) != 0 ->
#endif
				atomic {
					if
					:: !kicked[i] -> kicked[i] = 1; wake[i] = 1
					:: else -> skip	/* kicked, not yet running */
					fi
				}
				break
			:: else -> skip
			fi
		:: else -> skip
		fi;
		i++
	:: else -> break
	od;
	i = 0
}

/* gib_gisa_kick_timer_fn() */
active proctype Timer()
{
	byte pend, i;
	bool lnk;
end_idle:
	do
	:: atomic { timer_q && !kwait -> timer_q = 0; timer_run = 1 }
		/* __gib_gisa_get_ipm_or_restore_iam(only_unlinked): one word */
		atomic {
			pend = ipm & MASK;
			lnk = linked;
			if
			:: pend == 0 && !lnk -> iam = MASK	/* re-arm */
			:: else -> skip
			fi
		}
		if
		:: pend != 0 -> kick_one(pend); timer_q = 1	/* again later */
		:: pend == 0 && lnk -> timer_q = 1	/* -EBUSY: poll again */
		:: else -> skip		/* re-armed: stop */
		fi;
		lnk = 0;
		atomic { timer_run = 0; pend = 0 }
	od
}

proctype Vcpu(byte me)
{
	byte pend;
loop:
	/* gib_vcpu_runnable(): clear kicked, then look at the IPM */
	kicked[me] = 0;
	if
	:: atomic { (ipm & cr6[me]) != 0 ->
		/* gib_vcpu_take_ai(): one ISC, test-and-clear */
		if
		:: ipm & cr6[me] & 1 -> ipm = ipm & ~1
		:: else -> ipm = ipm & ~2
		fi }
progress_take:
		goto loop
	:: else -> skip
	fi;
	/* gib_vcpu_prepare_wait() step 3: gib_gisa_get_ipm_or_restore_iam()
	 * re-arms whether or not the GISA is linked (only_unlinked false) */
	atomic {
		pend = ipm & MASK;
		if
		:: pend == 0 -> iam = MASK
		:: else -> skip
		fi
	}
	if
	:: (pend & cr6[me]) != 0 -> pend = 0; goto loop
	:: else -> pend = 0
	fi;
	idle[me] = 1;
	/* the caller's last runnable check before it sleeps */
	kicked[me] = 0;
	if
	:: (ipm & cr6[me]) != 0 -> idle[me] = 0; goto loop
	:: else -> skip
	fi;
end_sleep:
	atomic { wake[me] -> wake[me] = 0 }
	idle[me] = 0;			/* gib_vcpu_end_wait() */
	goto loop
}

/* Quiet (nothing can move any more): nothing left that a vcpu could take. */
active proctype Check()
{
	atomic {
		timeout && pushes_done ->
		assert((ipm & MASK) == 0);
		assert(iam == MASK && !linked)
	}
}

init
{
	atomic {
		cr6[0] = 1;
		cr6[1] = 2;
		run Vcpu(0);
		run Vcpu(1)
	}
}
