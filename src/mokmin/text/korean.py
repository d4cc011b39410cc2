"""Korean morphology through kiwipiepy, loaded once per process (≈1 s, ≈500 MB)."""

from __future__ import annotations

import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

_lock = threading.Lock()
_kiwi = None

NOUN_TAGS = frozenset({"NNG", "NNP", "SL", "SH", "XR"})
CONTENT_TAGS = NOUN_TAGS | {"SN"}


def kiwi():
    """The shared Kiwi analyser (thread-safe lazy load)."""
    global _kiwi
    if _kiwi is None:
        with _lock:
            if _kiwi is None:
                from kiwipiepy import Kiwi

                _kiwi = Kiwi()
    return _kiwi


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


@dataclass(frozen=True)
class Token:
    form: str
    tag: str
    start: int
    end: int

    @property
    def is_noun(self) -> bool:
        return self.tag in NOUN_TAGS


@lru_cache(maxsize=4096)
def _tokenize_cached(text: str) -> tuple[Token, ...]:
    return tuple(Token(t.form, t.tag, t.start, t.start + t.len) for t in kiwi().tokenize(text))


def tokenize(text: str) -> list[Token]:
    """Morphemes with character spans into ``text``."""
    return list(_tokenize_cached(text))


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans (start, end) in ``text``, kiwi's splitter applied per line."""
    spans: list[tuple[int, int]] = []
    offset = 0
    for line in text.splitlines(keepends=True):
        stripped = line.strip()
        if stripped:
            for sent in kiwi().split_into_sents(line):
                s, e = offset + sent.start, offset + sent.end
                while s < e and text[s].isspace():
                    s += 1
                while e > s and text[e - 1].isspace():
                    e -= 1
                if e > s:
                    spans.append((s, e))
        offset += len(line)
    return spans


def has_final_consonant(word: str) -> bool:
    """Whether the last syllable has a 받침 (digits read the Korean way)."""
    if not word:
        return False
    ch = word.rstrip(" '\"’”)」』")[-1:] or word[-1]
    if "가" <= ch <= "힣":
        return (ord(ch) - 0xAC00) % 28 != 0
    if ch.isdigit():
        return ch in "0136780"  # 영, 일, 삼, 육, 칠, 팔, 십/공
    if ch.isascii() and ch.isalpha():
        return ch.lower() in "lmnr"  # rough reading of English letters (l/m/n/r end in 받침)
    return False


def josa(word: str, pair: str) -> str:
    """Attach the right particle: josa('당진시', '은/는') -> '당진시는'."""
    with_batchim, without = pair.split("/")
    if pair == "으로/로":
        last = word[-1:]
        use_plain = not has_final_consonant(word) or (
            "가" <= last <= "힣" and (ord(last) - 0xAC00) % 28 == 8  # ㄹ 받침 → 로
        )
        return word + (without if use_plain else with_batchim)
    return word + (with_batchim if has_final_consonant(word) else without)
