#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only OR MIT
"""Two deterministic runs with the same options give byte-identical output.

Compares stdout and the --trace files of two runs, and checks that another
seed gives a different run (so the comparison is not vacuous).

usage: determinism.py GIBSIM ARGS...
"""
import os
import shlex
import subprocess
import sys
import tempfile


# A cross build's exe_wrapper (qemu-user), set by meson.build.
WRAPPER = shlex.split(os.environ.get('GIBSIM_WRAPPER', ''))


def run(gibsim, args, trace):
    p = subprocess.run(WRAPPER + [gibsim] + args + ['--trace', trace], capture_output=True,
                       timeout=300)
    if p.returncode != 0:
        sys.exit('gibsim %s exited %d: %s' % (' '.join(args), p.returncode,
                                               p.stderr.decode(errors='replace')))
    with open(trace, 'rb') as f:
        return p.stdout, f.read()


def main():
    gibsim, args = sys.argv[1], sys.argv[2:]
    with tempfile.TemporaryDirectory() as d:
        a = run(gibsim, args, os.path.join(d, 'a.json'))
        b = run(gibsim, args, os.path.join(d, 'b.json'))
        c = run(gibsim, args + ['--seed', '987654321'], os.path.join(d, 'c.json'))
    if a[0] != b[0]:
        sys.exit('FAIL: the summaries of two identical runs differ')
    if a[1] != b[1]:
        sys.exit('FAIL: the traces of two identical runs differ')
    if a[1] == c[1]:
        sys.exit('FAIL: another seed gave the same trace')
    print('ok: %d bytes of summary and %d bytes of trace identical; another seed differs'
          % (len(a[0]), len(a[1])))


if __name__ == '__main__':
    main()
