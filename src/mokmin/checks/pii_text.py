"""The matching view of a text for personal-data detection, with offsets back to the original.

Detectors match on a normalised copy: NFKC (full-width ０１０ → 010, ＠ → @, ideographic space → space),
every dash-like character → ``-``, zero-width characters dropped, and runs of single digits spaced out
one by one ("0 1 0 - 1 2 3 4 …") closed up. Hangul compatibility jamo and circled numbers are kept as they
are (NFKC would turn ㄱ into a conjoining jamo and ① into a digit that is not in the text).
``NormalizedText.span(s, e)`` maps a match back to the original characters.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass

_DASHES = dict.fromkeys(
    map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2043\ufe58\ufe63\uff0d\u30fc"), "-"
)
_ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad")
# characters matched as they are (ASCII, Hangul syllables) — most text, copied without per-character work
_PLAIN_RUN = re.compile(r"[\t\n\r -~\uac00-\ud7a3]+")
_COMBINING = re.compile(r"[\u0300-\u036f\u1160-\u11ff\u3099\u309a\ud7b0-\ud7ff]")


def _keep_as_is(ch: str) -> bool:
    code = ord(ch)
    return (
        0x3130 <= code <= 0x318F  # Hangul compatibility jamo (ㄱ, ㅏ)
        or 0xFFA0 <= code <= 0xFFDC  # half-width Hangul
        or 0x2460 <= code <= 0x24FF  # circled and parenthesised numbers/letters
        or 0x3200 <= code <= 0x32FF  # enclosed CJK (㈜ is kept: it is not a digit)
        or 0x2776 <= code <= 0x2793  # dingbat circled numbers
    )


def _normalize_cluster(cluster: str) -> str:
    base = cluster[0]
    if base in _ZERO_WIDTH and len(cluster) == 1:
        return ""
    if _keep_as_is(base):
        return cluster
    return unicodedata.normalize("NFKC", cluster).translate(_DASHES)


@dataclass(frozen=True)
class _Piece:
    out_start: int
    out_end: int
    src_start: int
    src_end: int
    identity: bool  # a plain copy: positions map one to one


class _OffsetMap:
    def __init__(self, pieces: list[_Piece]):
        self._pieces = pieces
        self._starts = [p.out_start for p in pieces]

    def _piece(self, pos: int) -> _Piece:
        return self._pieces[max(0, bisect_right(self._starts, pos) - 1)]

    def start(self, pos: int) -> int:
        if not self._pieces:
            return 0
        p = self._piece(pos)
        if pos >= p.out_end:
            return p.src_end
        return p.src_start + (pos - p.out_start) if p.identity else p.src_start

    def end(self, pos: int) -> int:
        if not self._pieces or pos <= 0:
            return 0
        p = self._piece(pos - 1)
        return p.src_start + (pos - p.out_start) if p.identity else p.src_end


class _Builder:
    def __init__(self) -> None:
        self.parts: list[str] = []
        self.pieces: list[_Piece] = []
        self.length = 0

    def copy(self, text: str, src_start: int) -> None:
        if text:
            self._add(text, src_start, src_start + len(text), True)

    def replace(self, out: str, src_start: int, src_end: int) -> None:
        if out:
            self._add(out, src_start, src_end, False)

    def _add(self, out: str, src_start: int, src_end: int, identity: bool) -> None:
        self.parts.append(out)
        self.pieces.append(_Piece(self.length, self.length + len(out), src_start, src_end, identity))
        self.length += len(out)

    def result(self) -> tuple[str, _OffsetMap]:
        return "".join(self.parts), _OffsetMap(self.pieces)


def _nfkc_view(text: str) -> tuple[str, _OffsetMap]:
    builder = _Builder()
    pos, n = 0, len(text)
    while pos < n:
        run = _PLAIN_RUN.match(text, pos)
        if run:
            end = run.end()
            # a combining mark after the run belongs to the run's last character
            if end < n and _COMBINING.match(text, end):
                end -= 1
            builder.copy(text[pos:end], pos)
            if end > pos:
                pos = end
                continue
        end = pos + 1
        while end < n and _COMBINING.match(text, end):
            end += 1
        builder.replace(_normalize_cluster(text[pos:end]), pos, end)
        pos = end
    return builder.result()


# single digits spaced out one by one, at least seven of them: "0 1 0 - 1 2 3 4 - 5 6 7 8"
_SPACED_DIGITS = re.compile(r"(?<![\d])\d(?:[ \t]{1,2}(?:[-.][ \t]{1,2})?\d(?!\d)){6,}")


def _close_spaced_digits(text: str) -> tuple[str, _OffsetMap] | None:
    matches = list(_SPACED_DIGITS.finditer(text))
    if not matches:
        return None
    builder = _Builder()
    pos = 0
    for m in matches:
        builder.copy(text[pos : m.start()], pos)
        for i in range(m.start(), m.end()):
            if text[i] not in " \t":
                builder.copy(text[i], i)
        pos = m.end()
    builder.copy(text[pos:], pos)
    return builder.result()


class NormalizedText:
    """``text`` is what detectors match; ``span()`` maps its offsets to ``original``."""

    def __init__(self, original: str):
        self.original = original
        text, first = _nfkc_view(original)
        self._maps = [first]
        closed = _close_spaced_digits(text)
        if closed is not None:
            text, second = closed
            self._maps.insert(0, second)
        self.text = text

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original (start, end) of ``self.text[start:end]``."""
        for offset_map in self._maps:
            start, end = offset_map.start(start), offset_map.end(end)
        return start, end
