#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only OR MIT
"""Collect the bench results of one bench/run into one table and one JSON.

Reads, from --dir: fig*.json (timed rows of each bench program, bench/bench.h
format) and cg/*.json with the callgrind dumps cg/*.out.* (instruction counts
of the regions those JSON files name). Prints the table (name, value,
baseline, ratio, goal, met) and writes the JSON document: the machine, the
date and every row.
"""
import argparse
import datetime
import glob
import json
import os
import platform
import re
import subprocess


def machine_info():
    fields = {}
    try:
        with open('/proc/cpuinfo', encoding='utf-8') as f:
            for line in f:
                if not line.strip():
                    break   # the first CPU is enough
                k, _, v = line.partition(':')
                fields[k.strip()] = v.strip()
    except OSError:
        pass
    # A VM may name only the vendor ("AMD EPYC"): family and model say which.
    model = fields.get('model name', 'unknown')
    if 'cpu family' in fields:
        model += f' (family {fields["cpu family"]}, model {fields.get("model", "?")})'
    if 'cache size' in fields:
        model += f', {fields["cache size"]} cache'
    if 'hypervisor' in fields.get('flags', '').split():
        model += ', virtualized'
    try:
        cc = subprocess.run(['cc', '--version'], stdout=subprocess.PIPE, text=True,
                            check=False).stdout.splitlines()[0]
    except (OSError, IndexError):
        cc = 'unknown'
    return {
        'nproc': os.cpu_count(),
        'cpu': model,
        'kernel': platform.release(),
        'compiler': cc,
        'date': datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC'),
    }


def dump_totals(cgdir):
    """Callgrind dump name -> instructions (Ir) of that dump."""
    out = {}
    for path in glob.glob(os.path.join(cgdir, '*.out.*')):
        desc = total = None
        with open(path, encoding='utf-8', errors='replace') as f:
            for line in f:
                if line.startswith('desc: Trigger: Client Request: '):
                    desc = line.split(': ', 3)[3].strip()
                elif line.startswith('totals:') or (line.startswith('summary:') and total is None):
                    total = int(line.split()[1])
        if desc and total is not None:
            out[desc] = total
    return out


def judge(ratio, op, target):
    if op is None or target is None:
        return None
    if ratio is None:
        return False
    return ratio <= target if op == '<=' else ratio >= target


def callgrind_rows(cgdir):
    totals = dump_totals(cgdir)
    rows = []
    for spec_path in sorted(glob.glob(os.path.join(cgdir, '*.json'))):
        with open(spec_path, encoding='utf-8') as f:
            doc = json.load(f)
        by_name = {}
        for reg in doc.get('callgrind', []):
            lib, base = totals.get(reg['lib']), totals.get(reg['base'])
            n = reg['iters']
            if lib is None or base is None:
                continue
            v, b = lib / n, base / n
            ratio = b / v if reg.get('speedup') else v / b
            by_name[reg['name']] = (lib, n)
            unit = 'instr/op'
            if doc['bench'] == 'process':
                unit = 'instr/GISA'
            elif doc['bench'] == 'push':
                unit = 'instr/push'
            elif doc['bench'] == 'vcpu_pick':
                unit = 'instr/call'
            rows.append({
                'name': reg['name'] + ' [callgrind]', 'unit': unit, 'value': v, 'baseline': b,
                'ratio': ratio, 'goal_op': reg.get('goal_op'),
                'goal_target': reg.get('goal_target'),
                'met': judge(ratio, reg.get('goal_op'), reg.get('goal_target')),
                'note': 'instructions, deterministic' +
                        ('; ratio = baseline / libgib (speed-up)' if reg.get('speedup') else ''),
            })
        # Figure 3: the core's own instructions per GISA, the kick taken off.
        for name, (lib, n) in by_name.items():
            m = re.match(r'fig3 process n=(\d+)$', name)
            kick = by_name.get(f'fig3 kick part n={m.group(1)}') if m else None
            if not kick:
                continue
            base = next((r['baseline'] for r in rows if r['name'] == name + ' [callgrind]'), None)
            v = (lib - kick[0]) / n
            rows.append({
                'name': f'fig3 process minus kick n={n} [callgrind]', 'unit': 'instr/GISA',
                'value': v, 'baseline': base, 'ratio': v / base if base else None,
                'goal_op': None, 'goal_target': None, 'met': None,
                'note': 'the core walk alone: cut, unlink, trace checks',
            })
    return rows


def fmt_num(v):
    if v is None:
        return '-'
    if abs(v) >= 1000:
        return f'{v:.0f}'
    if abs(v) >= 10:
        return f'{v:.1f}'
    return f'{v:.3g}' if abs(v) >= 0.01 else f'{v:.2g}'


def fmt_goal(r):
    if not r.get('goal_op'):
        return '-'
    return f'{r["goal_op"]} {r["goal_target"]:g}'


def fmt_met(m):
    return '-' if m is None else ('yes' if m else 'no')


def fmt_value(r):
    if r['value'] is None and (r.get('note') or '').startswith('not measured'):
        return 'not measured'
    return f'{fmt_num(r["value"])} {r["unit"]}'


def unmeasured(rows):
    """Why each row without a value has none."""
    return [f'{r["name"]}: {r["note"]}' for r in rows
            if r['value'] is None and (r.get('note') or '').startswith('not measured')]


def table(rows):
    head = ('name', 'value', 'baseline', 'ratio', 'goal', 'met')
    lines = [(r['name'], fmt_value(r), fmt_num(r['baseline']),
              fmt_num(r['ratio']), fmt_goal(r), fmt_met(r['met'])) for r in rows]
    w = [max(len(x[i]) for x in lines + [head]) for i in range(len(head))]
    out = ['  '.join(h.ljust(w[i]) for i, h in enumerate(head)).rstrip(),
           '  '.join('-' * x for x in w)]
    for x in lines:
        out.append('  '.join((x[i].ljust(w[i]) if i == 0 else x[i].rjust(w[i]) if i < 4
                              else x[i].ljust(w[i])) for i in range(len(head))).rstrip())
    return '\n'.join(out)


def markdown(rows):
    out = ['| name | value | baseline | ratio | goal | met |', '|---|---|---|---|---|---|']
    for r in rows:
        out.append(f'| {r["name"]} | {fmt_value(r)} | '
                   f'{fmt_num(r["baseline"])} | {fmt_num(r["ratio"])} | {fmt_goal(r)} | '
                   f'{fmt_met(r["met"])} |')
    out += [f'\n{x}' for x in unmeasured(rows)]
    return '\n'.join(out)


def main():
    ap = argparse.ArgumentParser(description='collect bench results')
    ap.add_argument('--dir', required=True, help='results directory of one bench/run')
    ap.add_argument('--out', required=True, help='JSON file to write')
    ap.add_argument('--markdown', help='also write the table as Markdown here')
    ap.add_argument('--load', nargs=2, metavar=('BEFORE', 'AFTER'),
                    help='1-minute load averages before and after the run')
    a = ap.parse_args()

    rows = []
    for path in sorted(glob.glob(os.path.join(a.dir, 'fig*.json'))):
        with open(path, encoding='utf-8') as f:
            doc = json.load(f)
        for r in doc['rows']:
            r['met'] = judge(r.get('ratio'), r.get('goal_op'), r.get('goal_target'))
            rows.append(r)
    cgdir = os.path.join(a.dir, 'cg')
    if os.path.isdir(cgdir):
        rows += callgrind_rows(cgdir)
    # Keep figures together: timed rows, then their callgrind rows.
    rows.sort(key=lambda r: int(re.match(r'fig(\d+)', r['name']).group(1)))

    info = machine_info()
    if a.load:
        info['load_before'], info['load_after'] = float(a.load[0]), float(a.load[1])
    doc = {'machine': info, 'rows': rows}
    with open(a.out, 'w', encoding='utf-8') as f:
        json.dump(doc, f, indent=1)
        f.write('\n')
    print(f'machine: {info["nproc"]} CPUs, {info["cpu"]}, Linux {info["kernel"]}, '
          f'{info["date"]}' + (f', load {a.load[0]} -> {a.load[1]}' if a.load else ''))
    print(table(rows))
    for x in unmeasured(rows):
        print(x)
    missed = [r['name'] for r in rows if r['met'] is False]
    print(f'\n{sum(r["met"] is True for r in rows)} goals met, {len(missed)} missed'
          + (': ' + '; '.join(missed) if missed else ''))
    if a.markdown:
        with open(a.markdown, 'w', encoding='utf-8') as f:
            f.write(f'Machine: {info["nproc"]} CPUs, {info["cpu"]}, Linux {info["kernel"]}, '
                    f'{info["compiler"]}, {info["date"]}'
                    + (f', 1-min load {a.load[0]} before, {a.load[1]} after' if a.load else '')
                    + '\n\n' + markdown(rows) + '\n')


if __name__ == '__main__':
    main()
