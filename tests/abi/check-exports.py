#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only OR MIT
"""Fail unless every symbol libgib.so exports is declared in an installed
header and has a kernel-doc comment there (abi/libgib.map, docs/abi.md).

Usage: check-exports.py LIBGIB_SO HEADER_DIR...
readelf reads the dynamic symbol table of any ELF target (the s390x build too).
"""
import os
import re
import subprocess
import sys


def exported(lib):
	out = subprocess.run(['readelf', '--dyn-syms', '-W', lib], check=True,
			     capture_output=True, text=True).stdout
	names = set()
	for line in out.splitlines():
		f = line.split()
		# Num: Value Size Type Bind Vis Ndx Name
		if len(f) >= 8 and f[4] in ('GLOBAL', 'WEAK') and f[6] not in ('UND', 'ABS'):
			names.add(f[7].split('@')[0])
	return names


def headers(dirs):
	text = ''
	for d in dirs:
		for root, _, files in os.walk(d):
			for f in sorted(files):
				if f.endswith('.h'):
					text += open(os.path.join(root, f), encoding='utf-8').read()
	return text


def main(lib, dirs):
	names = exported(lib)
	text = headers(dirs)
	bad = []
	for n in sorted(names):
		declared = re.search(r'^[^*\n#][^\n]*\b%s\s*(\(|;)' % re.escape(n), text, re.M)
		documented = re.search(r'^\s*/?\*\*?\s*%s(\(\))?\s+-\s' % re.escape(n), text, re.M)
		if not declared:
			bad.append('%s: exported but declared in no installed header' % n)
		elif not documented:
			bad.append('%s: exported but has no kernel-doc comment' % n)
	for b in bad:
		print(b)
	print('exports: %d symbols, %d not declared and documented' % (len(names), len(bad)))
	if not names:
		print('exports: no symbols found')
		return 1
	return 1 if bad else 0


if __name__ == '__main__':
	sys.exit(main(sys.argv[1], sys.argv[2:]))
