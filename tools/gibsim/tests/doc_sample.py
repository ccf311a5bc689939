#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only OR MIT
"""The sample summaries in docs/simulator.md are what gibsim prints today.

Every fenced block of the page whose first line is
"gibsim: scenario NAME, deterministic engine, seed N" is compared with the
output of "gibsim --scenario NAME --seed N" (the deterministic engine's
summary is the same on every run and host). With --update the blocks are
rewritten from fresh runs instead.

usage: doc_sample.py GIBSIM DOC [--update]
"""
import os
import re
import shlex
import subprocess
import sys

HEAD = re.compile(r'^gibsim: scenario (\S+), deterministic engine, seed (\d+)(, [a-z0-9-]+ cut)?$')

# A cross build's exe_wrapper (qemu-user), set by meson.build.
WRAPPER = shlex.split(os.environ.get('GIBSIM_WRAPPER', ''))


def run(gibsim, scenario, seed):
    p = subprocess.run(WRAPPER + [gibsim, '--scenario', scenario, '--seed', seed],
                       capture_output=True, text=True, timeout=300)
    if p.returncode:
        sys.exit('gibsim --scenario %s exited %d: %s' % (scenario, p.returncode, p.stderr))
    return p.stdout


def blocks(lines):
    """(first, end) line indexes of each fenced block's body."""
    start = None
    for i, line in enumerate(lines):
        if line.startswith('```'):
            if start is None:
                start = i + 1
            else:
                yield start, i
                start = None


def main(gibsim, doc, update):
    lines = open(doc, encoding='utf-8').read().split('\n')
    checked, stale, edits = 0, [], []
    for first, end in blocks(lines):
        head = HEAD.match(lines[first]) if first < end else None
        if not head:
            continue
        checked += 1
        now = run(gibsim, head.group(1), head.group(2)).rstrip('\n').split('\n')
        if now != lines[first:end]:
            stale.append(head.group(1))
        edits.append((first, end, now))
    if update:
        for first, end, now in reversed(edits):
            lines[first:end] = now
        open(doc, 'w', encoding='utf-8').write('\n'.join(lines))
        print('doc-sample: %d samples rewritten in %s' % (checked, doc))
        return 0
    for name in stale:
        print('doc-sample: the %s sample in %s is stale; run %s GIBSIM %s --update'
              % (name, doc, sys.argv[0], doc))
    print('doc-sample: %d samples checked, %d stale' % (checked, len(stale)))
    return 1 if stale or not checked else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1], sys.argv[2], sys.argv[3:] == ['--update']))
