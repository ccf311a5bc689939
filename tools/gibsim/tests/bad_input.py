#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only OR MIT
"""Every kind of bad input: one line naming the option, exit 2, nothing run.

"Nothing run" is checked by asking each bad command for a --trace file
(placed before the bad option, so it is parsed first): it must not appear.

usage: bad_input.py GIBSIM
"""
import os
import shlex
import subprocess
import sys
import tempfile

# (arguments, text the error line must contain)
CASES = [
    (['--bogus'], '--bogus'),
    (['--guests', '0'], '--guests'),
    (['--guests', '1025'], '--guests'),
    (['--guests', 'abc'], '--guests'),
    (['--guests', '3x'], '--guests'),
    (['--guests', ''], '--guests'),
    (['--guests', '-1'], '--guests'),
    (['--guests'], '--guests'),
    (['--vcpus', '249'], '--vcpus'),
    (['--seed', '18446744073709551616'], '--seed'),
    (['--seed', '1e30'], '--seed'),
    (['--ais', '1e'], '--ais'),
    (['--iscs', '8'], '--iscs'),
    (['--iscs', '3,3'], '--iscs'),
    (['--iscs', '3,'], '--iscs'),
    (['--iscs', ''], '--iscs'),
    (['--engine', 'fast'], '--engine'),
    (['--cr6', 'some'], '--cr6'),
    (['--scenario', 'nope'], '--scenario'),
    (['--rate-ns', '0'], '--rate-ns'),
    (['--vcpus', '4', '--stopped', '4'], '--stopped'),
    (['--ais', '0'], '--ais'),
    (['--gal', 'direct', '--cycle', 'destroy'], '--cycle'),
    (['--kick-ns', '0'], '--kick-ns'),
    (['--inject', '101'], '--inject'),
    (['--json=1'], '--json'),
    (['--watchdog', '86401'], '--watchdog'),
    (['stray'], 'stray'),
    (['--cut', 'fast'], '--cut'),
    (['--cut', ''], '--cut'),
    (['--cut'], '--cut'),
    (['--scenario', 'cut-contrast'], '--trace'),
    (['--cut', 'both'], '--trace'),
    (['--walk-ns', '1000001'], '--walk-ns'),
    (['--walk-ns', '5', '--gal', 'direct'], '--walk-ns'),
    # Options the chosen engine or mode would ignore.
    (['--engine', 'deterministic', '--threads', '2'], '--threads'),
    (['--engine', 'concurrent', '--wake-ns', '100'], '--wake-ns'),
    (['--engine', 'concurrent', '--gal-ns', '100'], '--gal-ns'),
    (['--gal', 'direct', '--gal-ns', '100'], '--gal-ns'),
]


# A cross build's exe_wrapper (qemu-user), set by meson.build.
WRAPPER = shlex.split(os.environ.get('GIBSIM_WRAPPER', ''))


def main():
    gibsim = sys.argv[1]
    failed = 0
    with tempfile.TemporaryDirectory() as d:
        for i, (args, want) in enumerate(CASES):
            trace = os.path.join(d, 'trace%d.json' % i)
            cmd = WRAPPER + [gibsim, '--trace', trace] + args
            p = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
            lines = p.stderr.splitlines()
            problems = []
            if p.returncode != 2:
                problems.append('exit %d, not 2' % p.returncode)
            if len(lines) != 1:
                problems.append('%d lines on stderr, not 1' % len(lines))
            elif want not in lines[0]:
                problems.append('the error does not name %s' % want)
            if p.stdout:
                problems.append('printed on stdout')
            if os.path.exists(trace):
                problems.append('ran (wrote the trace)')
            status = 'FAIL' if problems else 'ok'
            print('%-4s %-45s %s' % (status, ' '.join(repr(a) for a in args),
                                    '; '.join(problems) or lines[0]))
            failed += bool(problems)
    print('%d passed, %d failed' % (len(CASES) - failed, failed))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
