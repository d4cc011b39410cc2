"""English text utilities: a small rule-based sentence splitter (no model, no downloads)."""

from __future__ import annotations

import re

# abbreviations after which a full stop does not end a sentence
ABBREVIATIONS = frozenset(
    ["mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "no", "vs", "etc", "e.g", "i.e", "u.s", "u.k", "a.m", "p.m", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "inc", "ltd", "co", "corp", "dept", "gov", "govt", "approx", "est", "fig"]
)
_END = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s+|$)")


def split_english_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans (start, end) in ``text``, line by line; keeps abbreviations and decimals intact."""
    spans: list[tuple[int, int]] = []
    offset = 0
    for line in text.splitlines(keepends=True):
        start = 0
        for m in _END.finditer(line):
            word = re.search(r"([A-Za-z.]+)\.?$", line[start : m.start() + 1])
            if m.group(0) == "." and word and word.group(1).lower().rstrip(".") in ABBREVIATIONS:
                continue
            rest = line[m.end() :].lstrip()
            if rest and not (rest[0].isupper() or rest[0].isdigit() or rest[0] in "\"'“‘(["):
                continue
            _add(spans, line, offset, start, m.end())
            start = m.end()
        _add(spans, line, offset, start, len(line))
        offset += len(line)
    return spans


def _add(spans: list[tuple[int, int]], line: str, offset: int, start: int, end: int) -> None:
    while start < end and line[start].isspace():
        start += 1
    while end > start and line[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((offset + start, offset + end))
