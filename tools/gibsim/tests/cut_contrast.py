#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only OR MIT
"""The cut-contrast scenario: both cut policies on one workload, side by side.

Runs `gibsim --scenario cut-contrast --json` (deterministic engine) and checks
the JSON: two runs, two-phase then v2, on the same options and seed; 0 lost
in each; the same AIs raised; each policy's cut shape (two-phase: at least two
passes per GAL handled and no CAS; v2: one pass per processing and at least
one CAS per cut); and the contrast the scenario exists for: while the host
spends --walk-ns per unlinked GISA the v2 cut raises more GAL interruptions
than the two-phase cut, and with --walk-ns 0 (nothing links while the host
holds the list) the two raise exactly as many.

usage: cut_contrast.py GIBSIM [ARGS...]
"""
import json
import os
import shlex
import subprocess
import sys

# A cross build's exe_wrapper (qemu-user), set by meson.build.
WRAPPER = shlex.split(os.environ.get('GIBSIM_WRAPPER', ''))


def run(gibsim, args):
    cmd = WRAPPER + [gibsim, '--scenario', 'cut-contrast', '--json'] + args
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    if p.returncode != 0:
        sys.exit('FAIL: %s exited %d: %s' % (' '.join(cmd), p.returncode, p.stderr))
    return json.loads(p.stdout)


def check(d, problems, label):
    runs = d['runs']
    if d['cut_policy'] != 'both' or [r['cut_policy'] for r in runs] != ['two-phase', 'v2']:
        problems.append('%s: expected runs two-phase, v2; got %s'
                        % (label, [r['cut_policy'] for r in runs]))
        return
    tp, v2 = runs
    for r in runs:
        if r['lost'] or r['result'] != 'ok':
            problems.append('%s: %s lost %d' % (label, r['cut_policy'], r['lost']))
        if r['seed'] != d['seed']:
            problems.append('%s: %s ran another seed' % (label, r['cut_policy']))
    if tp['ai_raise'] != v2['ai_raise']:
        problems.append('%s: AIs raised differ: %d, %d' % (label, tp['ai_raise'], v2['ai_raise']))
    if tp['cut_cas'] != 0 or tp['cut'] < 2 * tp['gal_handle']:
        problems.append('%s: two-phase: %d CAS, %d cuts for %d GALs handled'
                        % (label, tp['cut_cas'], tp['cut'], tp['gal_handle']))
    if v2['cut'] != v2['gal_handle'] or v2['cut_cas'] < v2['cut']:
        problems.append('%s: v2: %d cuts, %d CAS for %d GALs handled'
                        % (label, v2['cut'], v2['cut_cas'], v2['gal_handle']))
    if any(abs(c - r['gal_raise'] / r['raised_machine']) > 1e-6
           for c, r in zip(d['contrast']['gal_per_ai'], runs)):
        problems.append('%s: contrast gal_per_ai %s does not match the runs'
                        % (label, d['contrast']['gal_per_ai']))


def main():
    gibsim, extra = sys.argv[1], sys.argv[2:]
    problems = []
    busy = run(gibsim, extra)
    check(busy, problems, 'walk %d ns' % busy['walk_ns'])
    if busy['walk_ns'] == 0:
        problems.append('the scenario should make the host busy while it walks')
    tp, v2 = busy['runs']
    if not v2['gal_raise'] > tp['gal_raise']:
        problems.append('with the host busy, v2 raised %d GALs, two-phase %d: expected more'
                        % (v2['gal_raise'], tp['gal_raise']))
    idle = run(gibsim, extra + ['--walk-ns', '0'])
    check(idle, problems, 'walk 0 ns')
    tp0, v20 = idle['runs']
    if tp0['gal_raise'] != v20['gal_raise']:
        problems.append('with no walk time the policies raised %d and %d GALs: expected equal'
                        % (tp0['gal_raise'], v20['gal_raise']))
    for p in problems:
        print('FAIL:', p)
    print('two-phase %d GALs / %d AIs, v2 %d GALs / %d AIs (walk %d ns); %d problems'
          % (tp['gal_raise'], tp['raised_machine'], v2['gal_raise'], v2['raised_machine'],
             busy['walk_ns'], len(problems)))
    sys.exit(1 if problems else 0)


if __name__ == '__main__':
    main()
