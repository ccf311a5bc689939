#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only OR MIT
"""Write the seed corpus of the API fuzz harness (tests/fuzz/corpus/).

Each seed is one scenario of the protocol written as steps of fuzz_api.c's
input language, so that libFuzzer starts from inputs that already reach deep
states (alerts, kicks, wake-ups, destroy of a linked GISA, the spec's known
defects) instead of having to find them. The op table below mirrors
op_table[] in fuzz_api.c: names, order and weights must match.

    tests/fuzz/make-corpus.py [DIR]
"""
import os
import sys

# (name, weight, argument names) in the order of fuzz_api.c's op_table[].
OPS = [
    ('guest-create', 2, ['g', 'id']),
    ('guest-destroy', 1, ['g']),
    ('gisa-create', 1, ['g', 'how']),
    ('gisa-destroy', 1, ['g', 'disable']),
    ('gisc-register', 3, ['g', 'isc']),
    ('gisc-unregister', 2, ['g', 'isc']),
    ('set-iam', 1, ['g', 'how', 'val']),
    ('raise', 6, ['g', 'isc']),
    ('inject', 2, ['g', 'isc']),
    ('forward', 1, ['g', 'isc']),
    ('set-suppression', 1, ['g', 'simm', 'nimm']),
    ('gal', 2, ['how']),
    ('run-timers', 2, ['delta']),
    ('run-next-timer', 2, []),
    ('vcpu', 8, ['g', 'i', 'sub', 'arg']),
    ('gisa-word', 2, ['g', 'sub', 'isc']),
    ('kick', 2, ['g', 'sub', 'arg']),
    ('guest-settings', 1, ['g', 'sub', 'arg']),
    ('gib-cycle', 1, ['how', 'nisc']),
]

# fuzz_api.c's isc_table[]: an ISC argument is an index into it.
ISC = {0: 0, 1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 6: 6, 7: 7, 8: 12, 255: 13, 0xffffffff: 14}
# op_vcpu()'s sub-operations.
VCPU = {'wait': 0, 'end-wait': 1, 'enter-sie': 2, 'take': 3, 'exit-sie': 4, 'cr6': 5,
        'io': 6, 'stopped': 7, 'runnable': 8, 'run-woken': 9, 'run': 10}
# op_gisa_word()'s and op_kick()'s.
WORD = {'set-ipm': 0, 'clear-ipm-gisc': 1, 'test': 2, 'tac': 3, 'clear-ipm': 4,
        'clear': 5, 'restore': 6, 'nulls': 7}
KICK = {'kick': 0, 'kick-one': 1, 'find': 2}


def op(name, *args):
    """One step: its selector byte, then its argument bytes."""
    sel = 0
    for n, w, names in OPS:
        if n == name:
            if len(args) != len(names):
                raise ValueError(f'{name} takes {names}')
            out = [sel]
            for a, an in zip(args, names):
                out.append(ISC[a] if an == 'isc' else a)
            return bytes(out)
        sel += w
    raise ValueError(name)


def vcpu(g, i, sub, arg=0):
    return op('vcpu', g, i, VCPU[sub], arg)


def config(guests, direct=False, gisaf=False, nisc=5, vcpus=(1, 1, 1), cr6=0xff):
    """The three bytes of world_up(): machine, vcpus per guest, CR6 mask."""
    for b in range(256):
        if (1 + b % 3 == guests and bool(b & 4) == direct and bool(b & 8) == gisaf and
                (b >> 5) & 7 == nisc):
            nv = sum(((v - 1) & 3) << (2 * k) for k, v in enumerate(vcpus))
            return bytes([b, nv, cr6])
    raise ValueError('no config byte')


def sleep_all(g, n):
    return b''.join(vcpu(g, i, 'wait') for i in range(n))


SEEDS = {}

# An AI on a registered ISC while every vcpu waits: alert, GAL, kick, wake.
SEEDS['alert-kick-wake'] = (config(1, vcpus=(2,)) + op('gisc-register', 0, 3) +
                            sleep_all(0, 2) + op('raise', 0, 3) + op('gal', 0) +
                            op('run-next-timer') + vcpu(0, 0, 'run-woken') +
                            op('run-timers', 5))

# The same with GALs handled by the pusher (direct mode).
SEEDS['direct-gal'] = (config(2, direct=True, vcpus=(2, 1)) + op('gisc-register', 0, 1) +
                       op('gisc-register', 1, 1) + sleep_all(0, 2) + sleep_all(1, 1) +
                       op('raise', 0, 1) + op('raise', 1, 1) + op('raise', 0, 1) +
                       op('run-next-timer') + vcpu(0, 0, 'run-woken') +
                       vcpu(1, 0, 'run-woken') + op('run-timers', 6))

# Three GISAs in the list, one GAL for all; a vcpu in SIE takes directly.
SEEDS['list-of-three'] = (config(3, vcpus=(1, 1, 2)) +
                          b''.join(op('gisc-register', g, 6) for g in range(3)) +
                          sleep_all(0, 1) + sleep_all(1, 1) + vcpu(2, 1, 'enter-sie') +
                          b''.join(op('raise', g, 6) for g in range(3)) +
                          op('raise', 0, 6) + op('gal', 1) + op('run-timers', 0))

# Destroying a GISA in the alert list processes the list (spec 6: no stall,
# no dangling link); the other guest's kick still runs.
SEEDS['destroy-linked'] = (config(2, vcpus=(1, 1)) + op('gisc-register', 0, 2) +
                           op('gisc-register', 1, 4) + sleep_all(0, 1) + sleep_all(1, 1) +
                           op('raise', 1, 4) + op('raise', 0, 2) + op('gisa-destroy', 0, 0) +
                           op('gal', 0) + op('run-next-timer') + vcpu(1, 0, 'run-woken') +
                           op('gisa-create', 0, 1) + op('guest-destroy', 0))

# Disable and enable with vcpus: designation 0 in between, then back.
SEEDS['disable-enable'] = (config(1, gisaf=True, vcpus=(3,)) + op('gisc-register', 0, 0) +
                           op('raise', 0, 0) + op('gisa-destroy', 0, 1) +
                           op('gisc-register', 0, 0) + op('raise', 0, 0) +
                           op('gisa-create', 0, 3) + op('gisa-create', 0, 1) +
                           op('guest-create', 0, 9) + op('gisc-register', 0, 0) +
                           sleep_all(0, 3) + op('raise', 0, 0) + op('gal', 0) +
                           op('run-next-timer') + vcpu(0, 0, 'run-woken'))

# Spec 6, kick narrowing: vcpu 0 takes ISC 3 only, vcpu 1 ISC 4 only; both
# pending; the walk must not narrow by vcpu 0's mask.
SEEDS['kick-no-narrowing'] = (config(1, vcpus=(2,)) + vcpu(0, 0, 'cr6', 0x10) +
                              vcpu(0, 1, 'cr6', 0x08) + op('gisc-register', 0, 3) +
                              op('gisc-register', 0, 4) + sleep_all(0, 2) +
                              op('raise', 0, 4) + op('raise', 0, 3) + op('gal', 0) +
                              op('kick', 0, KICK['kick-one'], 0x18) +
                              op('kick', 0, KICK['kick-one'], 0x08) + op('run-next-timer') +
                              vcpu(0, 1, 'run-woken') + op('run-timers', 5) +
                              vcpu(0, 0, 'run-woken') + op('run-timers', 5))

# Spec 6, kicked bit: vcpu 0 is kicked, vcpu 1 takes the AI first, vcpu 0
# re-checks, finds nothing and sleeps; the next AI must wake it again.
SEEDS['kicked-bit-cleared'] = (config(1, vcpus=(2,)) + op('gisc-register', 0, 5) +
                               sleep_all(0, 2) + op('raise', 0, 5) + op('gal', 0) +
                               op('run-next-timer') + vcpu(0, 1, 'end-wait') +
                               vcpu(0, 1, 'enter-sie') + vcpu(0, 1, 'exit-sie') +
                               vcpu(0, 0, 'run-woken') + vcpu(0, 1, 'wait') +
                               op('run-timers', 5) + op('raise', 0, 5) + op('gal', 1) +
                               op('run-next-timer') + vcpu(0, 0, 'run-woken'))

# Host injection by both policies, with stopped vcpus and round robin.
SEEDS['inject-policies'] = (config(2, vcpus=(3, 2)) + vcpu(0, 0, 'stopped', 1) +
                            op('inject', 0, 2) + op('inject', 0, 2) + op('inject', 0, 7) +
                            sleep_all(0, 1) + op('inject', 0, 1) +
                            op('guest-settings', 1, 0, 2) + vcpu(1, 1, 'wait') +
                            vcpu(1, 0, 'stopped', 1) + vcpu(1, 1, 'stopped', 1) +
                            op('inject', 1, 3) + vcpu(1, 1, 'stopped', 0) + op('inject', 1, 3) +
                            op('kick', 1, KICK['find'], 0) + op('guest-settings', 0, 0, 3) +
                            op('inject', 0, 8))

# zPCI forwarding on format 1, with SIMM and NIMM suppression.
SEEDS['forward-suppressed'] = (config(1, gisaf=True, vcpus=(1,)) + op('gisc-register', 0, 2) +
                               op('forward', 0, 2) + op('set-suppression', 0, 0x20, 0x20) +
                               op('forward', 0, 2) + op('set-suppression', 0, 0x20, 0) +
                               op('forward', 0, 2) + op('forward', 0, 8) + sleep_all(0, 1) +
                               op('run-next-timer') + vcpu(0, 0, 'run-woken'))

# GIB destroy (refused while GISAs live) and re-create through each unwind.
SEEDS['gib-cycle'] = (config(1, vcpus=(1,)) + op('gib-cycle', 0, 3) + op('guest-destroy', 0) +
                      op('gib-cycle', 1, 2) + op('gib-cycle', 2, 5) + op('gib-cycle', 3, 7) +
                      op('gib-cycle', 0, 0) + op('guest-create', 0, 0) +
                      op('gisa-create', 0, 0) + op('guest-create', 0, 1))

# Registration: every class of bad ISC, unregister at count 0, no GISA.
SEEDS['register-errors'] = (config(2, vcpus=(1, 1)) +
                            b''.join(op('gisc-register', 0, i) for i in (8, 255, 0xffffffff)) +
                            op('gisc-unregister', 0, 3) + op('gisc-register', 0, 3) +
                            op('gisc-register', 0, 3) + op('gisc-unregister', 0, 3) +
                            op('gisc-unregister', 0, 3) + op('gisc-unregister', 0, 3) +
                            op('gisa-destroy', 1, 0) + op('gisc-register', 1, 0) +
                            op('gisc-unregister', 1, 0) + op('gisa-destroy', 1, 1) +
                            op('raise', 1, 0) + op('inject', 1, 0))

# The GISA word: set IAM while linked, clear, test-and-clear (TPI), restore.
SEEDS['gisa-word'] = (config(1, vcpus=(2,)) + op('gisc-register', 0, 1) + op('raise', 0, 1) +
                      op('set-iam', 0, 1, 0xff) + op('gisa-word', 0, WORD['test'], 1) +
                      op('gisa-word', 0, WORD['tac'], 1) + op('gisa-word', 0, WORD['restore'], 0) +
                      op('gal', 0) + op('set-iam', 0, 0, 0) + op('raise', 0, 1) +
                      op('gisa-word', 0, WORD['set-ipm'], 6) + op('gisa-word', 0, WORD['clear'], 0) +
                      op('gisa-word', 0, WORD['set-ipm'], 8) + op('gisa-word', 0, WORD['nulls'], 0))

# Kick timers under every period, I/O disabled and CR6 changes in SIE.
SEEDS['timers-periods'] = (config(2, vcpus=(2, 2), cr6=0x0f) + op('gisc-register', 0, 7) +
                           op('gisc-register', 1, 0) + op('guest-settings', 0, 1, 1) +
                           op('guest-settings', 1, 1, 4) + op('guest-settings', 1, 1, 5) +
                           op('guest-settings', 1, 1, 0) + sleep_all(0, 2) +
                           vcpu(1, 0, 'io', 0) + vcpu(1, 0, 'wait') + vcpu(1, 1, 'wait') +
                           op('raise', 0, 7) + op('raise', 1, 0) + op('gal', 0) +
                           op('run-timers', 4) + vcpu(1, 1, 'enter-sie') +
                           vcpu(1, 1, 'cr6', 0x80) + vcpu(1, 1, 'take') + op('run-timers', 6) +
                           op('kick', 0, KICK['kick'], 0) + op('run-timers', 1))


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), 'corpus')
    os.makedirs(out, exist_ok=True)
    for name, data in sorted(SEEDS.items()):
        with open(os.path.join(out, name), 'wb') as f:
            f.write(data)
    print(f'{len(SEEDS)} seeds in {out}')


if __name__ == '__main__':
    main()
