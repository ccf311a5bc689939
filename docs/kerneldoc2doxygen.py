#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only OR MIT
"""Doxygen INPUT_FILTER: rewrite kernel-doc comments into Doxygen syntax.

libgib documents its API in kernel-doc (the style a kernel port needs);
Doxygen reads that through this filter. Line count is preserved so that
Doxygen's warnings point at the real source lines.
"""
import re
import sys

HEAD = re.compile(r'^(\s*\*\s*)(?:(?:struct|enum|union|typedef)\s+)?([A-Za-z_]\w*)(?:\(\))?\s+-\s+(.*)$')
DOC = re.compile(r'^(\s*\*\s*)DOC:\s*(.*)$')
ARG = re.compile(r'^(\s*\*\s*)@([A-Za-z_][\w.]*|\.\.\.):\s*(.*)$')
RET = re.compile(r'^(\s*\*\s*)Return:\s*(.*)$')
RULE = re.compile(r'^\s*\*\s*=+(\s+=+)*\s*$')


def inline(text):
	text = text.replace('``', '`')
	text = re.sub(r'%([A-Z_][A-Z0-9_]*)', r'@c \1', text)
	text = re.sub(r'(?<![\w`])@([A-Za-z_]\w*)(?!\w)', r'@p \1', text)
	return text


def main(path):
	out = []
	in_doc = False
	first = False
	is_func = False
	rules = 0
	in_code = False
	with open(path, encoding='utf-8') as f:
		lines = f.read().split('\n')
	for line in lines:
		if not in_doc:
			if line.lstrip().startswith('/**') and not line.rstrip().endswith('*/'):
				in_doc, first, rules = True, True, 0
			out.append(line)
			continue
		if line.strip().startswith('*/'):
			if in_code:	# a literal block that ends with the comment
				line = ' * @endcode ' + line.strip()
				in_code = False
			if rules % 3:	# an unclosed table: close it with the comment
				line = ' * @endverbatim ' + line.strip()
			in_doc = False
			out.append(line)
			continue
		if first:
			first = False
			m = DOC.match(line)
			if m:
				out[-1] = out[-1].rstrip() + ' @file'
				out.append(m.group(1) + '@brief ' + inline(m.group(2)))
				is_func = False
				continue
			m = HEAD.match(line)
			if m:
				is_func = '(' in line.split(' - ')[0] or line.split(' - ')[0].strip(' *').startswith('typedef')
				out.append(m.group(1) + '@brief ' + inline(m.group(3)))
				continue
		# A kernel-doc literal block ("...::", then indented lines) is code.
		if in_code:
			body = line.strip().lstrip('*')
			if body.strip() and not body.startswith((' ' * 2, '\t')):
				out.append(' * @endcode ' + inline(line.strip().lstrip('*').strip()))
				in_code = False
				continue
			else:
				out.append(line)
				continue
		if line.rstrip().endswith('::') and not rules % 3:
			out.append(inline(line.rstrip()[:-1]) + ' @code')
			in_code = True
			continue
		if RULE.match(line):
			rules += 1
			if rules % 3 == 1:
				out.append(' * @verbatim')
			elif rules % 3 == 0:
				out.append(' * @endverbatim')
			else:
				out.append(' *')
			continue
		if rules % 3:
			out.append(line)
			continue
		m = ARG.match(line)
		if m:
			if is_func:
				out.append(m.group(1) + '@param ' + m.group(2) + ' ' + inline(m.group(3)))
			else:
				out.append(m.group(1) + '- `' + m.group(2) + '`: ' + inline(m.group(3)))
			continue
		m = RET.match(line)
		if m:
			out.append(m.group(1) + '@return ' + inline(m.group(2)))
			continue
		out.append(inline(line))
	sys.stdout.write('\n'.join(out))


if __name__ == '__main__':
	main(sys.argv[1])
