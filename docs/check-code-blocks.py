#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only OR MIT
"""Compile every ```c block of the given Markdown files, each as a translation
unit of its own, against the public headers: what the docs show must build.

Usage: check-code-blocks.py CC... -- CFLAGS... -- FILE.md|DIR...  (a DIR: its *.md)
"""
import os
import re
import subprocess
import sys
import tempfile

BLOCK = re.compile(r'^```c\n(.*?)^```$', re.S | re.M)


def main(argv):
	i = argv.index('--')
	cc = argv[:i]
	rest = argv[i + 1:]
	j = rest.index('--')
	cflags, files = rest[:j], []
	for a in rest[j + 1:]:
		if os.path.isdir(a):
			files += sorted(os.path.join(a, f) for f in os.listdir(a) if f.endswith('.md'))
		else:
			files.append(a)
	blocks = failed = 0
	with tempfile.TemporaryDirectory() as tmp:
		for path in files:
			text = open(path, encoding='utf-8').read()
			for m in BLOCK.finditer(text):
				blocks += 1
				line = text.count('\n', 0, m.start()) + 2
				src = os.path.join(tmp, 'block%d.c' % blocks)
				with open(src, 'w', encoding='utf-8') as f:
					f.write('#line %d "%s"\n' % (line, path) + m.group(1))
				p = subprocess.run(cc + cflags + ['-c', src, '-o', src + '.o'],
						   capture_output=True, text=True)
				if p.returncode:
					failed += 1
					print('%s:%d: this C block does not compile:' % (path, line))
					print(p.stderr)
	print('code blocks: %d C blocks, %d do not compile' % (blocks, failed))
	return 1 if failed or not blocks else 0


if __name__ == '__main__':
	sys.exit(main(sys.argv[1:]))
