#!/usr/bin/python3
"""Writes src/Analysis.Tokenizers/Text/unicode-normalization.bin: the data Unicode normalization needs.

.NET's string.Normalize depends on ICU and does nothing under InvariantGlobalization (which this repository
uses), so Analysis.Tokenizers carries its own tables. Source: Python's unicodedata (Unicode 14.0 here).
Format (zlib-compressed, little-endian int32s):
  n, then n x (code point, canonical combining class)         -- non-zero classes only
  n, then n x (code point, 1 if compatibility else 0, k, k code points)  -- full (recursive) NFD/NFKD mappings
  n, then n x (first, second, composite)                      -- canonical primary composites for NFC
Run: /usr/bin/python3 tools/tokenizer-golden/make-unicode-tables.py
"""
import struct, sys, unicodedata, zlib
from pathlib import Path

out = Path(__file__).resolve().parents[2] / 'src' / 'Analysis.Tokenizers' / 'Text' / 'unicode-normalization.bin'
ints = []
ccc = [(cp, unicodedata.combining(chr(cp))) for cp in range(0x110000) if unicodedata.combining(chr(cp))]
ints.append(len(ccc))
for cp, c in ccc: ints += [cp, c]

decomp = []
for cp in range(0x110000):
    if 0xAC00 <= cp <= 0xD7A3: continue  # Hangul syllables are algorithmic
    ch = chr(cp)
    nfd = unicodedata.normalize('NFD', ch)
    nfkd = unicodedata.normalize('NFKD', ch)
    if nfd != ch: decomp.append((cp, 0, [ord(c) for c in nfd]))
    if nfkd != nfd: decomp.append((cp, 1, [ord(c) for c in nfkd]))
ints.append(len(decomp))
for cp, compat, seq in decomp: ints += [cp, compat, len(seq)] + seq

pairs = []
for cp in range(0x110000):
    if 0xAC00 <= cp <= 0xD7A3: continue
    d = unicodedata.decomposition(chr(cp))
    if not d or d.startswith('<'): continue
    parts = [int(x, 16) for x in d.split()]
    if len(parts) == 2 and unicodedata.normalize('NFC', chr(parts[0]) + chr(parts[1])) == chr(cp):
        pairs.append((parts[0], parts[1], cp))
ints.append(len(pairs))
for a, b, c in pairs: ints += [a, b, c]

data = zlib.compress(struct.pack('<%di' % len(ints), *ints), 9)
out.write_bytes(data)
print(f'{out}: {len(ccc)} classes, {len(decomp)} decompositions, {len(pairs)} compositions, {len(data)} bytes (Unicode {unicodedata.unidata_version})')
