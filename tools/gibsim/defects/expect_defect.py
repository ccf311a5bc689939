#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only OR MIT
"""Run a gibsim built on a broken core; pass only if it detects the defect.

Detected means: exit 1 (AIs lost) or 3 (stalled: no progress, or the
watchdog fired because a library call never returned), or still running
when the outer timeout ends (a stall the watchdog could not report).
Anything else fails: 0 (the defect went unnoticed), 2 (bad input), 4
(setup failed) or a crash.

usage: expect_defect.py TIMEOUT_S GIBSIM ARGS...
"""
import os
import shlex
import subprocess
import sys


# A cross build's exe_wrapper (qemu-user), set by meson.build.
WRAPPER = shlex.split(os.environ.get('GIBSIM_WRAPPER', ''))


def main():
    timeout = float(sys.argv[1])
    cmd = sys.argv[2:]
    try:
        p = subprocess.run(WRAPPER + cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        print('detected: stalled (still running after %g s)' % timeout)
        return 0
    sys.stdout.write(p.stdout)
    sys.stderr.write(p.stderr)
    if p.returncode == 1:
        print('detected: AIs lost')
        return 0
    if p.returncode == 3:
        print('detected: stalled')
        return 0
    print('NOT detected: gibsim exited with %d' % p.returncode)
    return 1


if __name__ == '__main__':
    sys.exit(main())
