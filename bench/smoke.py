#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only OR MIT
"""Smoke test of one bench program: it runs, exits 0 and prints valid JSON
with the expected shape. Timings are never judged here (bench/run reports
them); a goal missed is not a failure."""
import json
import subprocess
import sys


def main():
    cmd = sys.argv[1:]
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
