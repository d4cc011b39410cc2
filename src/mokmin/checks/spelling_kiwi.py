"""One kiwi analysis of a text, shared by the spelling and spacing rules."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import cached_property

from mokmin.text.korean import kiwi

_EOJEOL = re.compile(r"\S+")
HANGUL = re.compile(r"[가-힣]")


@dataclass(frozen=True)
class Morph:
    """A kiwi morpheme with its span in the analysed text and whether kiwi guessed it (OOV)."""

    form: str
    tag: str
    start: int
    end: int
    oov: bool

    @property
    def is_ending(self) -> bool:
        return self.tag.startswith("E")


class Analysis:
    """Kiwi morphemes and whitespace-delimited 어절 of one text."""

    def __init__(self, text: str):
        self.text = text
        self.morphs: list[Morph] = [
            Morph(t.form, t.tag, t.start, t.start + t.len, bool(t.oov)) for t in kiwi().tokenize(text)
        ] if text.strip() else []
        self._starts = [m.start for m in self.morphs]

    @cached_property
    def eojeols(self) -> list[tuple[int, int]]:
        return [(m.start(), m.end()) for m in _EOJEOL.finditer(self.text)]

    def morphs_in(self, start: int, end: int) -> list[Morph]:
        """Morphemes that start inside ``[start, end)``."""
        lo, hi = bisect_left(self._starts, start), bisect_left(self._starts, end)
        return self.morphs[lo:hi]

    def morphs_at(self, pos: int) -> list[Morph]:
        """Morphemes whose span covers character ``pos``."""
        hi = bisect_right(self._starts, pos)
        return [m for m in self.morphs[max(0, hi - 8) : hi] if m.start <= pos < max(m.end, m.start + 1)]


def analyse(text: str) -> Analysis:
    return Analysis(text)


def morph_signature(morphs: list[Morph]) -> list[tuple[str, str]]:
    """What kiwi read, without positions: used to compare two analyses of the same words."""
    return [(m.form, m.tag) for m in morphs]
