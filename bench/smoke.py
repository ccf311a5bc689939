#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only OR MIT
"""Smoke test of one bench program: it runs, exits 0 and prints valid JSON
with the expected shape. Timings are never judged here (bench/run reports
them); a goal missed is not a failure."""
import json
import os
import shlex
import subprocess
import sys

# In a cross build meson's exe_wrapper (qemu-user) runs the target's
# binaries; bench/meson.build passes it, as gibsim's tests get theirs.
WRAPPER = shlex.split(os.environ.get('BENCH_WRAPPER', ''))


def main():
    cmd = sys.argv[1:]
    if cmd[0].endswith('.py'):
        # A python driver (sim.py) runs its own binaries through the wrapper.
        cmd = [sys.executable] + cmd
    else:
        cmd = WRAPPER + cmd
    out = subprocess.run(cmd, stdout=subprocess.PIPE, check=True, timeout=600).stdout
    doc = json.loads(out)
    assert isinstance(doc.get('bench'), str), 'no bench name'
    assert isinstance(doc.get('rows'), list) and doc['rows'], 'no rows'
    for row in doc['rows']:
        for key in ('name', 'unit', 'value', 'baseline', 'ratio', 'goal', 'met'):
            assert key in row, f'row {row.get("name")} lacks {key}'
    assert isinstance(doc.get('callgrind'), list), 'no callgrind list'
    print(f'{doc["bench"]}: {len(doc["rows"])} rows, JSON ok')


if __name__ == '__main__':
    main()
