#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only OR MIT
"""The --trace file parses, names its tracks, keeps each track in time order,
and counts what the summary does.

Runs gibsim with --json and --trace, parses the trace as JSON, and compares
the number of events of each name with the summary's counter of that name
(the summary uses the trace's names as keys), and the events the handlers
consumed with the delivered counts.

usage: trace_counts.py GIBSIM ARGS...
"""
import collections
import json
import os
import shlex
import subprocess
import sys
import tempfile

# trace event name -> summary key (the same name unless listed)
SAME = ['ai_raise', 'inject', 'ipm_set', 'linked', 'gal_raise', 'gal_handle', 'cut', 'unlink',
        'kick', 'kick_skipped', 'kick_timer', 'deliver_sie', 'deliver_host', 'wake',
        'spurious_wakeup', 'own_wakeup', 'gisa_destroy', 'gisa_disable', 'resignal',
        'validity_intercept']


# A cross build's exe_wrapper (qemu-user), set by meson.build.
WRAPPER = shlex.split(os.environ.get('GIBSIM_WRAPPER', ''))


def main():
    gibsim, args = sys.argv[1], sys.argv[2:]
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, 'trace.json')
        p = subprocess.run(WRAPPER + [gibsim, '--json', '--trace', path] + args,
                           capture_output=True, text=True, timeout=300)
        if p.returncode != 0:
            sys.exit('gibsim exited %d: %s' % (p.returncode, p.stderr))
        summary = json.loads(p.stdout)
        with open(path, encoding='utf-8') as f:
            trace = json.load(f)
    events = trace['traceEvents']
    names = collections.Counter(e['name'] for e in events if e['ph'] == 'i')
    begins = collections.Counter(e['name'] for e in events if e['ph'] == 'B')
    named = {(e['pid'], e['tid']) for e in events if e['ph'] == 'M' and e['name'] == 'thread_name'}
    problems = []
    for key in SAME:
        if names.get(key, 0) != summary[key]:
            problems.append('%s: %d in the trace, %d in the summary'
                            % (key, names.get(key, 0), summary[key]))
    if begins.get('SIE', 0) != summary['sie_entries']:
        problems.append('SIE spans: %d, sie_entries %d' % (begins.get('SIE', 0),
                                                           summary['sie_entries']))
    for kind, key in (('deliver_sie', 'delivered_in_sie'),
                      ('deliver_host', 'delivered_after_alert')):
        n = sum(e['args']['events'] for e in events if e['name'] == kind)
        if n != summary[key]:
            problems.append('%s events: %d in the trace, %s %d' % (kind, n, key, summary[key]))
    last = {}
    for i, e in enumerate(events):
        if e['ph'] == 'M':
            continue
        track = (e['pid'], e['tid'])
        if e['ts'] < last.get(track, 0):
            problems.append('track %s: event %d (%s at %s us) before the one ahead of it (%s us)'
                            % (track, i, e['name'], e['ts'], last[track]))
            break
        last[track] = e['ts']
    unnamed = {(e['pid'], e['tid']) for e in events if e['ph'] != 'M'} - named
    if unnamed:
        problems.append('tracks without a name: %s' % sorted(unnamed))
    if summary['ai_raise'] != summary['delivered_in_sie'] + summary['delivered_after_alert'] + \
            summary['lost']:
        problems.append('raised != delivered in SIE + delivered after alert + lost')
    for pr in problems:
        print('FAIL', pr)
    print('%d events of %d names checked against the summary; %d problems'
          % (len(events), len(names), len(problems)))
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
