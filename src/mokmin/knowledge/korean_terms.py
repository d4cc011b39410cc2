"""Index terms for Korean BM25: morphemes, not whitespace words.

Korean glues particles and endings to words ("서울시는", "신청하려면"), so splitting on whitespace
makes "서울" and "서울시는" different terms. :func:`index_terms` analyses text with kiwipiepy and keeps
only content morphemes, lower-cased:

- nouns ``NNG``/``NNP``, roots ``XR``, foreign words ``SL``, hanja ``SH``, numbers ``SN``, and web
  tokens (``W_URL``, ``W_EMAIL``, ``W_HASHTAG``, ``W_SERIAL``);
- verb/adjective stems ``VV``/``VA`` as their stem ("받" from "받으세요"), minus a few stems that occur in
  almost every sentence or question (하, 되, 있, 없, 않, 같, 이, 어떻);
- a number glued to its counter or unit (``SN`` followed directly by ``NR``/``NNB``) also gives the joined
  term, so "제3조" yields "3" and "3조", "2024년" yields "2024" and "2024년";
- a noun of three or more syllables that kiwi keeps whole ("서울시", "행정복지센터", "당진시청") also gives
  the nouns of kiwi's alternative analyses of that word ("서울", "행정", "복지", "센터", "당진", "시청"),
  one-syllable pieces dropped. This is what lets the query "서울" find "서울시는".

A few nouns that only frame a question ("쉬는 날이 언제", "갈 때", "버리는 곳": 때, 곳, 날, 거, 경우) are dropped
too: as query terms they matched unrelated text and pulled it above the right passage in the rank merge.
Dependent nouns (``NNB``: 것, 수, 등), numerals (``NR``) on their own, particles, endings and punctuation are
dropped. Queries and documents go through the same function.

:func:`whitespace_terms` is the naive baseline (lower-cased ``\\w+`` runs) for benchmarks.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache

from mokmin.text.korean import kiwi, nfc

_KEEP = frozenset({"NNG", "NNP", "XR", "SL", "SH", "SN", "W_URL", "W_EMAIL", "W_HASHTAG", "W_SERIAL"})
_STEMS = frozenset({"VV", "VA"})
_STEM_STOP = frozenset({"하", "되", "있", "없", "않", "같", "이", "어떻"})
_NOUN_STOP = frozenset({"때", "곳", "날", "거", "경우"})
_COUNTERS = frozenset({"NR", "NNB"})
_NOUNS = frozenset({"NNG", "NNP"})
_WORD = re.compile(r"\w+")


def _base_tag(tag: str) -> str:
    # kiwi marks irregular conjugations as "VV-R", "VA-I"
    return tag.split("-", 1)[0]


@lru_cache(maxsize=65536)
def _noun_parts(word: str) -> tuple[str, ...]:
    """Nouns of kiwi's alternative analyses of a long noun, two syllables or more."""
    parts: list[str] = []
    for tokens, _score in kiwi().analyze(word, top_n=3):
        if len(tokens) < 2 or not all(t.tag in _NOUNS for t in tokens):
            continue
        for t in tokens:
            if len(t.form) >= 2 and t.form != word and t.form not in parts:
                parts.append(t.form)
    return tuple(parts)


def _terms_from_tokens(tokens) -> list[str]:
    terms: list[str] = []
    prev = None
    for tok in tokens:
        tag = _base_tag(tok.tag)
        form = tok.form
        if tag in _KEEP:
            if form in _NOUN_STOP:
                prev = tok
                continue
            form = form.lower()
            terms.append(form)
            if tag in _NOUNS and len(form) >= 3 and "가" <= form[0] <= "힣":
                terms.extend(_noun_parts(form))
        elif tag in _STEMS:
            if form not in _STEM_STOP:
                terms.append(form)
        elif tag in _COUNTERS and prev is not None and prev.tag == "SN" and prev.end == tok.start:
            terms.append(prev.form + form)
        prev = tok
    return terms


def index_terms(text: str) -> list[str]:
    """Content morphemes of ``text`` for BM25 (see the module docstring)."""
    text = nfc(text or "")
    if not text.strip():
        return []
    return _terms_from_tokens(kiwi().tokenize(text))


def index_terms_many(texts: Iterable[str]) -> Iterator[list[str]]:
    """:func:`index_terms` over many texts, in order (kiwi analyses them as one batch)."""
    texts = [nfc(t or "") for t in texts]
    for tokens in kiwi().tokenize(texts):
        yield _terms_from_tokens(tokens)


def whitespace_terms(text: str) -> list[str]:
    """Baseline: lower-cased runs of word characters, as most BM25 libraries split text."""
    return _WORD.findall(nfc(text or "").lower())
