#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only OR MIT
"""Copy the core's sources with one rule of spec section 6 deliberately broken.

Test-only: the copies are compiled into a separate static library that a
defect build of gibsim links instead of libgib; the shipped library has no
switch for any of this. Each defect is an exact text replacement that must
match once, so a change in the core that moves the rule makes the build
fail loudly instead of testing nothing.

usage: break_core.py DEFECT OUTDIR PREFIX SOURCE...
writes OUTDIR/PREFIX<basename of SOURCE> for every SOURCE.
"""
import os
import sys

# defect -> (file, old text, new text, why it breaks)
DEFECTS = {
    'kick-narrowing': (
        'kick.c',
        '\t\tif (!(gib_vcpu_isc_mask(vcpu) & deliverable))\n\t\t\tcontinue;\n',
        '\t\tdeliverable &= gib_vcpu_isc_mask(vcpu);\n\t\tif (!deliverable)\n\t\t\tcontinue;\n',
        'the kick walk narrows the pending mask by each idle vcpu\'s CR6 mask'),
    'idle-by-id': (
        'vcpu.c',
        '\tgib_pf_set_bit(vcpu->idx, gi->idle_mask);\n',
        '\tgib_pf_set_bit(vcpu->id, gi->idle_mask);\n',
        'the idle bitmap is indexed by vcpu id (end_wait clears by id too)'),
    'kicked-bit-stuck': (
        'vcpu.c',
        '\tgib_pf_test_and_clear_bit(vcpu->idx, gi->kicked_mask);\n\tgisa = gib_guest_gisa(gi);\n',
        '\tgisa = gib_guest_gisa(gi);\n',
        'the runnable check no longer clears the kicked bit (only SIE entry does)'),
    'destroy-spin': (
        'gisa_life.c',
        '\twhile (gib_gisa_set_iam(gisa, 0) == -EBUSY)\n\t\tgib_process_alert_list(host);\n',
        '\twhile (gib_gisa_set_iam(gisa, 0) == -EBUSY)\n\t\t;\t/* wait for another CPU\'s alert processing */\n',
        'destroy spins until someone else unlinks the GISA'),
    'destroy-dangling': (
        'gisa_life.c',
        '\twhile (gib_gisa_set_iam(gisa, 0) == -EBUSY)\n\t\tgib_process_alert_list(host);\n',
        '\tgib_gisa_set_iam(gisa, 0);\t/* -EBUSY ignored: left in the list */\n',
        'destroy frees a GISA that is still linked into the alert list'),
    'null-designation': (
        'gisa_life.c',
        '\tif (!gisa)\n\t\treturn 0;\t/* no origin: the word is 0, never a translated NULL */\n',
        '',
        'a NULL origin is translated into a (bogus) designation'),
}

# Extra replacements some defects need in the same file (end_wait of idle-by-id).
EXTRA = {
    'idle-by-id': [(
        '\tgib_pf_clear_bit(vcpu->idx, vcpu->gi->idle_mask);\n',
        '\tgib_pf_clear_bit(vcpu->id, vcpu->gi->idle_mask);\n')],
}


def main():
    if len(sys.argv) < 5 or sys.argv[1] not in DEFECTS:
        sys.exit('usage: break_core.py {%s} OUTDIR PREFIX SOURCE...' % ','.join(DEFECTS))
    defect, outdir, prefix, sources = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    target, old, new, _ = DEFECTS[defect]
    edits = [(old, new)] + EXTRA.get(defect, [])
    done = False
    for src in sources:
        name = os.path.basename(src)
        with open(src, encoding='utf-8') as f:
            text = f.read()
        if name == target:
            for o, n in edits:
                if text.count(o) != 1:
                    sys.exit('break_core.py: %s: the text to break occurs %d times in %s, '
                             'not once: update DEFECTS' % (defect, text.count(o), name))
                text = text.replace(o, n)
            text = '/* gibsim defect build: %s */\n' % defect + text
            done = True
        with open(os.path.join(outdir, prefix + name), 'w', encoding='utf-8') as f:
            f.write(text)
    if not done:
        sys.exit('break_core.py: %s: %s is not among the sources' % (defect, target))


if __name__ == '__main__':
    main()
