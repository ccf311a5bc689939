#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only OR MIT
"""Copy the core's sources with one rule of spec section 6 deliberately broken
(DEFECTS), or with one of Linux's rules where libgib differs (LINUX_RULES).

Test-only: the copies are compiled into a separate static library that a
defect build of gibsim links instead of libgib; the shipped library has no
switch for any of this. Each defect is an exact text replacement that must
match once, so a change in the core that moves the rule makes the build
fail loudly instead of testing nothing.

usage: break_core.py DEFECT OUTDIR PREFIX SOURCE...
writes OUTDIR/PREFIX<basename of SOURCE> for every SOURCE.
"""
import os
import re
import sys

# The destroy loop "while set_iam(0) is -EBUSY, process the list", whatever
# its body looks like (one statement or a block).
DESTROY_LOOP = re.compile(r'\twhile \(gib_gisa_set_iam\(gisa, 0\) == -EBUSY\)'
                          r'(?: \{\n(?:\t\t[^\n]*\n)*?\t\}\n|\n\t\t[^\n]*\n)')

# defect -> (file, [(pattern, replacement)], why it breaks); a pattern is an
# exact text or a compiled regular expression, and must match exactly once.
DEFECTS = {
    'kick-narrowing': ('kick.c', [
        ('\t\t\tif (!(gib_vcpu_isc_mask(vcpu) & deliverable))\n\t\t\t\tcontinue;\n',
         '\t\t\tdeliverable &= gib_vcpu_isc_mask(vcpu);\n\t\t\tif (!deliverable)\n'
         '\t\t\t\tcontinue;\n'),
    ], 'the kick walk narrows the pending mask by each idle vcpu\'s CR6 mask'),
    'idle-by-id': ('vcpu.c', [
        ('\tgib_pf_set_bit(vcpu->idx, gi->idle_mask);\n',
         '\tgib_pf_set_bit(vcpu->id, gi->idle_mask);\n'),
        ('\tgib_pf_clear_bit(vcpu->idx, vcpu->gi->idle_mask);\n',
         '\tgib_pf_clear_bit(vcpu->id, vcpu->gi->idle_mask);\n'),
    ], 'the idle bitmap is indexed by vcpu id, not index'),
    'kicked-bit-stuck': ('vcpu.c', [
        ('\tgib_pf_test_and_clear_bit(vcpu->idx, gi->kicked_mask);\n\tgisa = gib_guest_gisa(gi);\n',
         '\tgisa = gib_guest_gisa(gi);\n'),
    ], 'the runnable check no longer clears the kicked bit (only SIE entry does)'),
    'destroy-spin': ('gisa_life.c', [
        (DESTROY_LOOP,
         '\twhile (gib_gisa_set_iam(gisa, 0) == -EBUSY)\n'
         '\t\t;\t/* wait for another CPU\'s alert processing */\n'),
    ], 'destroy spins until someone else unlinks the GISA'),
    'destroy-dangling': ('gisa_life.c', [
        (DESTROY_LOOP, '\tgib_gisa_set_iam(gisa, 0);\t/* -EBUSY ignored: left in the list */\n'),
    ], 'destroy frees a GISA that is still linked into the alert list'),
    'null-designation': ('gisa_life.c', [
        (re.compile(r'\tif \(!gisa\)\n\t\treturn 0;[^\n]*\n(?=\treturn gib_gisa_maddr\(gisa\))'),
         ''),
    ], 'a NULL origin is translated into a (bogus) designation'),
}


# Linux's rules where libgib deliberately differs (docs/fidelity.md): same
# mechanism, for the write-ups of latent Linux defects. Not section-6 defects.
LINUX_RULES = {
    'linux-regs-survive-reinit': ('gisa_life.c', [
        ('\tfor (isc = 0; isc < GIB_NR_ISCS; isc++)\n\t\tgi->alert.ref_count[isc] = 0;\n',
         '\t(void)isc;\t/* Linux: ref_count[] survives destroy/disable and init/enable */\n'),
        # Linux destroys and disables with registrations held (libgib refuses, -EBUSY).
        ('\t\tif (gi->alert.ref_count[isc])\n\t\t\treturn true;\n',
         '\t\tif (0 && gi->alert.ref_count[isc])\t/* Linux: never refuses */\n\t\t\treturn true;\n'),
    ], 'GISC reference counts survive a GISA destroy/disable and the next init/enable'),
}


def apply(defect, name, text, edits):
    for pattern, new in edits:
        if isinstance(pattern, str):
            n = text.count(pattern)
            if n == 1:
                text = text.replace(pattern, new)
        else:
            text, n = pattern.subn(lambda m: new, text)
        if n != 1:
            sys.exit('break_core.py: %s: the text to break occurs %d times in %s, '
                     'not once: update DEFECTS' % (defect, n, name))
    return text


def main():
    every = dict(DEFECTS, **LINUX_RULES)
    if len(sys.argv) < 5 or sys.argv[1] not in every:
        sys.exit('usage: break_core.py {%s} OUTDIR PREFIX SOURCE...' % ','.join(every))
    defect, outdir, prefix, sources = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    target, edits, _ = every[defect]
    done = False
    for src in sources:
        name = os.path.basename(src)
        with open(src, encoding='utf-8') as f:
            text = f.read()
        if name == target:
            text = apply(defect, name, text, edits)
            # After the SPDX line, which stays first.
            first, rest = text.split('\n', 1)
            text = '%s\n/* gibsim defect build: %s */\n%s' % (first, defect, rest)
            done = True
        with open(os.path.join(outdir, prefix + name), 'w', encoding='utf-8') as f:
            f.write(text)
    if not done:
        sys.exit('break_core.py: %s: %s is not among the sources' % (defect, target))


if __name__ == '__main__':
    main()
