#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only OR MIT
"""Fail unless every public symbol of the given headers has a kernel-doc comment.

Public symbols: file-scope function declarations and definitions, struct,
enum and typedef definitions, and macros other than include guards. The
comment must open with "/**" and name the symbol: "name() - ...",
"struct name - ...", "NAME - ..." (a one-line "/** NAME - ... */" counts).
"""
import os
import re
import sys

FUNC = re.compile(r'^(?:static\s+inline\s+|extern\s+)?[A-Za-z_][\w\s\*]*?\b([a-z_]\w*)\s*\(')
TYPEDEF_FN = re.compile(r'^typedef\s+[^(]*\(\s*\*\s*(\w+)\)')
AGG = re.compile(r'^(struct|enum|union)\s+(\w+)\s*\{')
MACRO = re.compile(r'^#define\s+(\w+)')


def doc_names(comment):
	first = ''
	for line in comment.split('\n'):
		line = line.strip().lstrip('/').lstrip('*').strip()
		if line:
			first = line
			break
	m = re.match(r'(?:(struct|enum|union|typedef)\s+)?(\w+)(?:\(\))?\s+-\s', first)
	return (m.group(2),) if m else ()


def check(path):
	text = open(path, encoding='utf-8').read()
	lines = text.split('\n')
	missing = []
	last_doc = None
	in_comment = False
	buf = []
	depth = 0
	documented = set()	# a macro defined again in an #else branch keeps its comment
	for i, line in enumerate(lines):
		s = line.strip()
		if in_comment:
			buf.append(line)
			if '*/' in s:
				in_comment = False
				last_doc = '\n'.join(buf)
			continue
		if s.startswith('/**'):
			buf = [line]
			if '*/' in s[3:]:
				last_doc = line
			else:
				in_comment = True
			continue
		if s.startswith('/*') or not s:
			continue
		name = None
		if depth == 0:
			m = MACRO.match(line)
			if m and not m.group(1).endswith('_H') and m.group(1) != 'GIB_PLATFORM_INSIDE':
				name = m.group(1)
			for rx, g in ((AGG, 2), (TYPEDEF_FN, 1)):
				m = rx.match(line)
				if m:
					name = m.group(g)
			if not name and not line.startswith(('#', '}', ' ', '\t', '_Static_assert')):
				m = FUNC.match(line)
				if m and not line.startswith(('struct ', 'enum ')) or (m and '(' in line and
										 line.startswith(('struct ', 'enum '))):
					name = m.group(1)
		depth += line.count('{') - line.count('}')
		if name:
			if last_doc and name in doc_names(last_doc):
				documented.add(name)
			elif not (line.startswith('#') and name in documented):
				missing.append('%s:%d: %s has no kernel-doc comment' % (path, i + 1, name))
		if not line.startswith('#') or name:
			last_doc = None
	return missing


def main(dirs):
	missing = []
	count = 0
	for d in dirs:
		for root, _, files in os.walk(d):
			for f in sorted(files):
				if f.endswith('.h'):
					count += 1
					missing += check(os.path.join(root, f))
	for m in missing:
		print(m)
	print('kerneldoc: %d headers, %d symbols without a comment' % (count, len(missing)))
	return 1 if missing else 0


if __name__ == '__main__':
	sys.exit(main(sys.argv[1:]))
