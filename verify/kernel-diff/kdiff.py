#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only OR MIT
"""Fetch Linux's s390 KVM interrupt code and pull functions out of it by name.

usage:
  kdiff.py fetch SERIES              print the directory of the extracted files
  kdiff.py gen SERIES OUT.c          write the generated kernel side
  kdiff.py build SERIES OUTDIR CC    gen + compile OUTDIR/kside-SERIES.so

SERIES is 6.1 or 6.12. The .deb of Debian's linux-source-SERIES is fetched
with `apt-get download` into $KDIFF_CACHE (default /var/cache/libgib/src),
under its versioned file name; the few files the harness reads are unpacked
beside it into linux-source-VERSION/. Nothing of the kernel enters the
repository: the generated C lives in the build directory.

Every item named in ITEMS is cut out of the kernel text by name (a function
by brace matching from its definition line, a macro with its continuation
lines, an enum by its tag). Every change to kernel text is a named rewrite in
REWRITES that must match exactly the number of times it says, or the build
fails: a kernel that moved the text gets noticed instead of half-tested.
"""
import fcntl
import glob
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CACHE = os.environ.get('KDIFF_CACHE', '/var/cache/libgib/src')
FILES = ['arch/s390/kvm/interrupt.c', 'arch/s390/kvm/kvm-s390.c',
         'arch/s390/kvm/kvm-s390.h', 'arch/s390/include/asm/kvm_host.h']

H, C, KC, KH = 'arch/s390/include/asm/kvm_host.h', 'arch/s390/kvm/interrupt.c', \
    'arch/s390/kvm/kvm-s390.c', 'arch/s390/kvm/kvm-s390.h'

# (kind, name, file, series it exists in or None for all), in emission order.
ITEMS = [
    ('macro', 'CPUSTAT_STOPPED', H, None),
    ('macro', 'CPUSTAT_WAIT', H, None),
    ('macro', 'CPUSTAT_STOP_INT', H, None),
    ('macro', 'CPUSTAT_IO_INT', H, None),
    ('macro', 'CPUSTAT_EXT_INT', H, None),
    ('macro', 'ECA_AIV', H, None),
    ('macro', 'IICTL_CODE_NONE', H, None),
    ('macro', 'GISA_FORMAT1', H, None),
    ('macro', 'FIRQ_CNTR_IO', H, None),
    ('enum', 'irq_types', H, None),
    ('macro', 'IRQ_PEND_EXT_MASK', H, None),
    ('macro', 'IRQ_PEND_IO_MASK', H, None),
    ('macro', 'IRQ_PEND_MCHK_MASK', H, None),
    ('macro', 'IRQ_PEND_EXT_II_MASK', H, None),
    ('func', 'kvm_s390_set_cpuflags', KH, None),
    ('func', 'kvm_s390_clear_cpuflags', KH, None),
    ('func', 'kvm_s390_test_cpuflags', KH, None),
    ('func', 'is_vcpu_stopped', KH, None),
    ('func', 'kvm_s390_get_gisa_desc', KH, None),
    ('func', 'psw_extint_disabled', C, None),
    ('func', 'psw_ioint_disabled', C, None),
    ('func', 'psw_mchk_disabled', C, None),
    ('func', 'psw_interrupts_disabled', C, None),
    ('func', 'ckc_interrupts_enabled', C, None),
    ('func', 'cpu_timer_interrupts_enabled', C, None),
    ('func', 'isc_to_isc_bits', C, None),
    ('func', 'isc_to_int_word', C, None),
    ('macro', 'IPM_BIT_OFFSET', C, None),
    ('func', 'gisa_set_iam', C, None),
    ('func', 'gisa_clear_ipm', C, None),
    ('func', 'gisa_get_ipm_or_restore_iam', C, None),
    ('func', 'gisa_in_alert_list', C, '6.1'),
    ('func', 'gisa_set_ipm_gisc', C, None),
    ('func', 'gisa_get_ipm', C, None),
    ('func', 'gisa_clear_ipm_gisc', C, '6.1'),
    ('func', 'gisa_tac_ipm_gisc', C, None),
    ('func', 'pending_irqs_no_gisa', C, None),
    ('func', 'pending_irqs', C, None),
    ('func', 'isc_to_irq_type', C, None),
    ('func', 'irq_type_to_isc', C, None),
    ('func', 'disable_iscs', C, None),
    ('func', 'deliverable_irqs', C, None),
    ('func', '__set_cpu_idle', C, None),
    ('func', '__unset_cpu_idle', C, None),
    ('func', '__deliver_io', C, None),
    ('func', 'kvm_s390_vcpu_has_irq', C, None),
    ('func', 'kvm_arch_vcpu_runnable', KC, None),
    ('func', 'kvm_s390_handle_wait', C, None),
    ('func', 'kvm_s390_vcpu_wakeup', C, None),
    ('func', '__floating_irq_kick', C, None),
    ('func', '__airqs_kick_single_vcpu', C, None),
    ('func', 'gisa_vcpu_kicker', C, None),
    ('macro', 'NULL_GISA_ADDR', C, None),
    ('macro', 'NONE_GISA_ADDR', C, None),
    ('macro', 'GISA_ADDR_MASK', C, None),
    ('func', 'process_gib_alert_list', C, None),
    ('func', 'kvm_s390_gisa_clear', C, None),
    ('func', 'kvm_s390_gisa_init', C, None),
    ('func', 'kvm_s390_gisa_enable', C, None),
    ('func', 'kvm_s390_gisa_destroy', C, None),
    ('func', 'kvm_s390_gisa_disable', C, None),
    ('func', 'kvm_s390_gisc_register', C, None),
    ('func', 'kvm_s390_gisc_unregister', C, None),
]

# name -> (item, regex, replacement, count, why). The harness runs the kernel
# code on a little-endian host over a big-endian image: READ_ONCE, WRITE_ONCE,
# cmpxchg and xchg of the stand-ins access memory big-endian (as s390 does),
# so the two plain accesses of the GISA's link word become once-accesses.
# On s390, in one thread, that changes nothing.
REWRITES = {
    'link-read-once': ('process_gib_alert_list',
                       r'origin = gisa->next_alert;', 'origin = READ_ONCE(gisa->next_alert);',
                       1, 'the cut reads the big-endian link word'),
    'link-write-once': ('process_gib_alert_list',
                        r'gisa->next_alert = ([^;]+);', r'WRITE_ONCE(gisa->next_alert, \1);',
                        1, 'the cut writes the big-endian link word'),
    'init-link-write-once': ('kvm_s390_gisa_init',
                             r'gi->origin->next_alert = ([^;]+);',
                             r'WRITE_ONCE(gi->origin->next_alert, \1);',
                             1, 'init writes the big-endian link word'),
}


def series_version(series):
    """The candidate version apt offers, or the newest one cached."""
    pin = os.environ.get('KDIFF_VERSION_' + series.replace('.', '_'))
    if pin:
        return pin
    try:
        out = subprocess.run(['apt-cache', 'policy', 'linux-source-' + series],
                             capture_output=True, text=True, check=False).stdout
        m = re.search(r'Candidate:\s*(\S+)', out)
        if m and m.group(1) != '(none)':
            return m.group(1)
    except OSError:
        pass
    debs = sorted(glob.glob(os.path.join(CACHE, 'linux-source-%s_*_all.deb' % series)))
    if not debs:
        sys.exit('kdiff: no candidate for linux-source-%s and none cached' % series)
    return os.path.basename(debs[-1]).split('_')[1]


def fetch(series):
    version = series_version(series)
    os.makedirs(CACHE, exist_ok=True)
    out = os.path.join(CACHE, 'linux-source-' + version)
    with open(os.path.join(CACHE, '.lock'), 'w', encoding='utf-8') as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if all(os.path.exists(os.path.join(out, f)) for f in FILES):
            return version, out
        deb = os.path.join(CACHE, 'linux-source-%s_%s_all.deb' % (series, version))
        if not os.path.exists(deb):
            subprocess.run(['apt-get', 'download', 'linux-source-%s=%s' % (series, version)],
                           cwd=CACHE, check=True)
        tmp = out + '.tmp'
        subprocess.run(['rm', '-rf', tmp], check=True)
        os.makedirs(tmp)
        members = ' '.join("'linux-source-%s/%s'" % (series, f) for f in FILES)
        subprocess.run('set -o pipefail; dpkg-deb --fsys-tarfile "%s"'
                       ' | tar -xO ./usr/src/linux-source-%s.tar.xz'
                       ' | xz -dc | tar -x -C "%s" --strip-components=1 %s'
                       % (deb, series, tmp, members), shell=True, check=True,
                       executable='/bin/bash')
        os.rename(tmp, out)
    return version, out


def skip_to_end_of_comment_or_literal(text, i):
    """If text[i] opens a comment or literal, return the index after it."""
    if text.startswith('/*', i):
        return text.index('*/', i + 2) + 2
    if text.startswith('//', i):
        return text.index('\n', i)
    if text[i] in '"\'':
        q, j = text[i], i + 1
        while text[j] != q:
            j += 2 if text[j] == '\\' else 1
        return j + 1
    return None


def match_braces(text, i):
    """text[i] is '{': return the index after its matching '}'."""
    depth = 0
    while True:
        j = skip_to_end_of_comment_or_literal(text, i)
        if j is not None:
            i = j
            continue
        if text[i] == '{':
            depth += 1
        elif text[i] == '}':
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1


def cut(kind, name, text):
    if kind == 'macro':
        m = re.search(r'^#define %s\b.*?(?<!\\)$' % re.escape(name), text, re.M | re.S)
        return m.group(0) if m else None
    if kind == 'enum':
        m = re.search(r'^enum %s \{' % re.escape(name), text, re.M)
        if not m:
            return None
        end = match_braces(text, m.end() - 1)
        return text[m.start():end] + ';'
    # A definition: the name at the start of a line's declarator, a body next.
    for m in re.finditer(r'^[a-z_][^;{}()\n]*\b%s\(' % re.escape(name), text, re.M):
        brace = text.index('{', m.end())
        if ';' in text[m.end():brace]:
            continue	# a prototype
        return text[m.start():match_braces(text, brace)]
    return None


def generate(series, srcdir, version):
    texts = {}
    for f in FILES:
        with open(os.path.join(srcdir, f), encoding='utf-8') as fh:
            texts[f] = fh.read()
    out = ['/* Generated by kdiff.py from Debian linux-source-%s %s: do not commit. */'
           % (series, version),
           '#include "kstandin.h"']
    used = set()
    for kind, name, f, only in ITEMS:
        if only and only != series:
            continue
        body = cut(kind, name, texts[f])
        if body is None:
            sys.exit('kdiff: %s %s not found in %s of %s' % (kind, name, f, version))
        for rname, (item, pat, new, count, _why) in REWRITES.items():
            if item != name:
                continue
            body, n = re.subn(pat, new, body)
            if n != count:
                sys.exit('kdiff: rewrite %s matched %d times in %s (%s), not %d'
                         % (rname, n, name, version, count))
            used.add(rname)
        out.append('/* %s %s, from %s */' % (kind, name, f))
        out.append(body)
    unused = set(REWRITES) - used
    if unused:
        sys.exit('kdiff: rewrites never applied: %s' % ', '.join(sorted(unused)))
    out.append('#define KSIDE_SERIES "%s"' % series)
    out.append('#define KSIDE_VERSION "%s"' % version)
    out.append('#define KSIDE_HAS_%s 1' % series.replace('.', '_'))
    out.append('#include "kside_api.c"')
    return '\n'.join(out) + '\n'


def main():
    if len(sys.argv) < 3 or sys.argv[2] not in ('6.1', '6.12'):
        sys.exit(__doc__)
    cmd, series = sys.argv[1], sys.argv[2]
    version, srcdir = fetch(series)
    if cmd == 'fetch':
        print(srcdir)
        return
    if cmd == 'gen':
        with open(sys.argv[3], 'w', encoding='utf-8') as fh:
            fh.write(generate(series, srcdir, version))
        return
    if cmd == 'build':
        outdir, cc = sys.argv[3], sys.argv[4:]
        os.makedirs(outdir, exist_ok=True)
        gen = os.path.join(outdir, 'kside-%s.c' % series)
        with open(gen, 'w', encoding='utf-8') as fh:
            fh.write(generate(series, srcdir, version))
        so = os.path.join(outdir, 'kside-%s.so' % series)
        subprocess.run(cc + ['-std=gnu11', '-O2', '-g', '-fPIC', '-shared', '-w',
                             '-fno-strict-aliasing', '-I', HERE, gen, '-o', so], check=True)
        print(so)
        return
    sys.exit(__doc__)


if __name__ == '__main__':
    main()
