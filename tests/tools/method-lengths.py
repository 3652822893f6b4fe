#!/usr/bin/env python3
"""Heuristic (no Roslyn): lists methods, constructors, accessors and local functions of src/**/*.cs longer than a limit.

A member starts at a line that looks like a declaration with a parameter list at some indentation, and ends at the
first line that closes the brace at that same indentation. Expression-bodied members end at the first line ending in
';'. Usage: tests/tools/method-lengths.py [--limit 60] [ROOT...]   (exit 1 when any is over the limit)
"""
import os, re, sys

args = sys.argv[1:]
limit = 60
if '--limit' in args:
    i = args.index('--limit'); limit = int(args[i + 1]); del args[i:i + 2]
roots = args or ['src']
# A member declaration: at least one modifier, then a return type (or none, for constructors) and a parameter list.
decl = re.compile(r'^(\s+)(?:\[[^\]]*\]\s*)*(?:(?:public|private|protected|internal|static|async|override|virtual|sealed|unsafe|partial|extern|new|readonly)\s+)+'
                  r'(?:[\w<>\[\],.?()]+\s+)?(\w+)\s*(?:<[^>]*>)?\s*\(')
over = []
for root in roots:
    for d, _, files in os.walk(root):
        if '/obj' in d or '/bin' in d:
            continue
        for f in files:
            if not f.endswith('.cs'):
                continue
            path = os.path.join(d, f)
            lines = open(path, encoding='utf-8').read().split('\n')
            i = 0
            while i < len(lines):
                m = decl.match(lines[i])
                if not m or lines[i].rstrip().endswith(';') and '=>' not in lines[i]:
                    i += 1
                    continue
                indent, name = m.group(1), m.group(2)
                # find body: '{' on a following line at the same indent, or '=>' expression body
                j = i
                while j < len(lines) and '{' not in lines[j] and '=>' not in lines[j] and not lines[j].rstrip().endswith(';'):
                    j += 1
                if j >= len(lines) or (lines[j].rstrip().endswith(';') and '=>' not in lines[j]):
                    i += 1
                    continue
                if '=>' in lines[j] and '{' not in lines[j]:
                    k = j
                    while k < len(lines) and not lines[k].rstrip().endswith(';'):
                        k += 1
                else:
                    k = j + 1
                    close = indent + '}'
                    while k < len(lines) and not (lines[k].rstrip() == close or lines[k].startswith(close + ')') or lines[k].startswith(close + ';')):
                        k += 1
                n = k - i + 1
                if n > limit:
                    over.append((n, path, i + 1, name))
                i += 1
for n, path, line, name in sorted(over, reverse=True):
    print(f'{n:4} lines  {path}:{line}  {name}')
print(f'{len(over)} members over {limit} lines')
sys.exit(1 if over else 0)
