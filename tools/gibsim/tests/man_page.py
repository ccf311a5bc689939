#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only OR MIT
"""gibsim.1 documents every option gibsim --help lists, and no other.

usage: man_page.py GIBSIM MANPAGE
"""
import os
import re
import shlex
import subprocess
import sys

# A cross build's exe_wrapper (qemu-user), set by meson.build.
WRAPPER = shlex.split(os.environ.get('GIBSIM_WRAPPER', ''))


def main(gibsim, page):
    out = subprocess.run(WRAPPER + [gibsim, '--help'], capture_output=True, text=True,
                         check=True).stdout
    helped = set(re.findall(r'^  (--[a-z0-9-]+)', out, re.M))
    lines = open(page, encoding='utf-8').read().replace('\\-', '-').split('\n')
    documented = set()
    for prev, line in zip(lines, lines[1:]):
        if prev == '.TP':	# a tagged paragraph: the tag names the option
            documented |= set(re.findall(r'--[a-z0-9-]+', line))
    missing, extra = sorted(helped - documented), sorted(documented - helped)
    for o in missing:
        print('man page: %s is not documented' % o)
    for o in extra:
        print('man page: %s is documented but gibsim does not list it' % o)
    print('man page: %d options in --help, %d in the page' % (len(helped), len(documented)))
    return 1 if missing or extra or not helped else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1], sys.argv[2]))
