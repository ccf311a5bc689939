#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only OR MIT
"""Figure 5: AIs the simulator (tools/gibsim) simulates per second.

Deterministic engine: the default scenario, and it with 1, 16 and 256
guests. The engine is one thread, so its rate is taken per CPU second of the
child (user + sys): on a loaded 2-core machine wall time mostly measures the
other processes. Concurrent engine, 1 and 2 device threads, flat out
(--rate-ns 0, else the devices are paced by real time): its rate is per wall
second of the run as gibsim reports it (time_ns), because threads running
side by side is the point.

Each row's baseline is measured in the same run: the deterministic default
for the deterministic rows and for 1 device thread, 1 device thread for 2.
There is no goal: the figure says what a simulation costs. Prints the bench
JSON of bench/bench.h on stdout.
"""
import argparse
import json
import os
import resource
import shlex
import statistics
import subprocess
import sys

# A cross build's exe_wrapper (bench/smoke.py explains).
WRAPPER = shlex.split(os.environ.get('BENCH_WRAPPER', ''))

DET = ['--engine', 'deterministic']
CONC = ['--engine', 'concurrent', '--rate-ns', '0']

# name, arguments, unit kind, baseline key, key
CONFIGS = [
    ('fig5 deterministic, default scenario', DET, 'cpu', None, 'det'),
    ('fig5 deterministic, 1 guest', DET + ['--guests', '1'], 'cpu', 'det', 'det1'),
    ('fig5 deterministic, 16 guests', DET + ['--guests', '16'], 'cpu', 'det', 'det16'),
    ('fig5 deterministic, 256 guests', DET + ['--guests', '256'], 'cpu', 'det', 'det256'),
    ('fig5 concurrent, 1 device thread', CONC + ['--threads', '1'], 'wall', 'det', 'conc1'),
    ('fig5 concurrent, 2 device threads', CONC + ['--threads', '2'], 'wall', 'conc1', 'conc2'),
]


def run_once(gibsim, args, ais):
    """One run: (rate per CPU second, rate per wall second, error or None)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    p = subprocess.run([*WRAPPER, gibsim, *args, '--ais', str(ais), '--json'], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True, timeout=600, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if p.returncode != 0:
        err = (p.stderr.strip().splitlines() or [f'exit {p.returncode}'])[0]
        return None, None, err
    doc = json.loads(p.stdout)
    if doc.get('result') != 'ok' or doc.get('lost', 0):
        return None, None, f'result {doc.get("result")}, lost {doc.get("lost")}'
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    raised = doc['ai_raise']
    wall = doc['time_ns'] / 1e9 if doc.get('engine') == 'concurrent' else None
    return raised / cpu if cpu > 0 else None, raised / wall if wall else None, None


def row(name, unit, value, baseline, baseline_name, note, reps):
    ratio = value / baseline if value is not None and baseline else None
    return {'name': name, 'unit': unit, 'value': value, 'baseline': baseline,
            'baseline_name': baseline_name, 'ratio': ratio, 'goal': None, 'goal_op': None,
            'goal_target': None, 'met': None, 'reps': reps, 'note': note}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--gibsim', help='the gibsim executable')
    ap.add_argument('--reps', type=int, default=5)
    ap.add_argument('--ais', type=int, default=1000000)
    ap.add_argument('--tiny', action='store_true', help='smoke-test sizes')
    a = ap.parse_args()
    if a.tiny:
        a.reps, a.ais = 1, 2000
    rows, rate, names = [], {}, {c[4]: c[0] for c in CONFIGS}
    have = a.gibsim and os.access(a.gibsim, os.X_OK)
    for name, args, kind, base, key in CONFIGS:
        unit = 'kAI/s CPU' if kind == 'cpu' else 'kAI/s wall'
        if not have:
            rows.append(row(name, unit, None, None, '', 'not measured: gibsim not available',
                            0))
            continue
        vals, other, err = [], [], None
        for _ in range(a.reps):
            cpu, wall, err = run_once(a.gibsim, args, a.ais)
            if err:
                break
            vals.append((cpu if kind == 'cpu' else wall) / 1e3)
            alt = wall if kind == 'cpu' else cpu
            if alt:
                other.append(alt / 1e3)
        if err:
            rate[key] = None
            rows.append(row(name, unit, None, None, '', f'not measured: gibsim: {err}', 0))
            continue
        rate[key] = statistics.median(vals)
        note = f'{a.ais} AIs per run'
        if other:
            note += f'; also {statistics.median(other):.0f} kAI per CPU second (all threads)'
        b = rate.get(base) if base else None
        rows.append(row(name, unit, rate[key], b, names.get(base, '') if base else '', note,
                        len(vals)))
    print(json.dumps({'bench': 'gibsim', 'figure': 5, 'rows': rows, 'callgrind': []}, indent=1))


if __name__ == '__main__':
    sys.exit(main())
