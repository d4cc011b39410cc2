"""Unknown-word flagging with hunspell-ko (Debian ``hunspell-ko`` + the ``hunspell`` binding).

hunspell-ko rejects many correct compounds (행정복지센터, 활용방안), names and -드리다 forms, so it only
flags, never fixes. An 어절 it rejects is reported only if, after skipping custom words, numbers, Latin words
and kiwi's proper nouns (NNP), some content morpheme of kiwi's analysis is itself unknown to hunspell:
WARNING when kiwi also had to guess that morpheme (OOV), INFO when kiwi knows it.
Without hunspell (module or dictionary missing) this check is skipped with one log message.
"""

from __future__ import annotations

import logging
import re
import threading
from functools import lru_cache
from pathlib import Path

from mokmin.checks.finding import Finding, Severity
from mokmin.checks.spelling_kiwi import HANGUL, Analysis, Morph

log = logging.getLogger(__name__)
_lock = threading.Lock()  # one HunSpell object is shared; the C library is not documented as thread-safe

DICTIONARY_DIRS = (Path("/usr/share/hunspell"), Path("/usr/share/myspell/dicts"))
_FUNCTIONAL = ("J", "E", "XS", "XP", "VC", "S", "W_", "Z", "U")
_VERB_TAGS = ("VV", "VA", "VX")
_WORD = re.compile(r"[^\W_]+(?:[·ㆍ][^\W_]+)*")
_DIGIT = re.compile(r"\d")
_MAX_SUGGEST_CHARS = 8
_SUFFIXES = set("관식형장청실부소자비제금권집회단원관료팀과국")
_SURNAMES = set("김이박최정강조윤장임한오서신권황안송류전홍고문양손배백허유남심노하곽성차주우구민진나지엄채원천방공현함변염여추도소석선설마길연위표명기반왕금옥육인맹제모탁국어은편용예봉경사부가복태목형피두감음빈동온호범좌")


@lru_cache(maxsize=1)
def speller():
    """The Korean HunSpell object, or None (logged once) when the binding or dictionary is missing."""
    try:
        import hunspell
    except ImportError:
        log.warning("hunspell 모듈이 없어 사전에 없는 낱말 검사를 건너뜁니다 (pip install hunspell==0.5.5).")
        return None
    for folder in DICTIONARY_DIRS:
        dic, aff = folder / "ko.dic", folder / "ko.aff"
        if dic.is_file() and aff.is_file():
            return hunspell.HunSpell(str(dic), str(aff))
    log.warning("한국어 hunspell 사전(ko.dic)이 없어 사전에 없는 낱말 검사를 건너뜁니다 (apt-get install hunspell-ko).")
    return None


@lru_cache(maxsize=65536)
def known(word: str) -> bool:
    h = speller()
    if h is None:
        return True
    with _lock:
        return bool(h.spell(word))


@lru_cache(maxsize=1024)
def suggest_words(word: str, limit: int = 3) -> tuple[str, ...]:
    """hunspell's suggestions for one word (slow: 3 ms–1.6 s a word). Empty without hunspell."""
    h = speller()
    if h is None:
        return ()
    with _lock:
        options = h.suggest(word)
    return tuple(s for s in options if " " not in s)[:limit]


@lru_cache(maxsize=16384)
def compound_known(word: str) -> bool:
    """Whether ``word`` splits into words hunspell knows (2+ syllables each; a last 1-syllable suffix such as
    관/식/형 allowed): 복지관 = 복지+관, 스마트시티 = 스마트+시티."""
    n = len(word)
    if n < 3:
        return False
    reachable = [True] + [False] * n  # reachable[i]: word[:i] splits into known pieces
    for i in range(n):
        if not reachable[i]:
            continue
        for j in range(i + 2, n + 1):
            if not reachable[j] and known(word[i:j]) and (i, j) != (0, n):
                reachable[j] = True
    if reachable[n]:
        return True
    return word[-1] in _SUFFIXES and reachable[n - 1] and n - 1 >= 2


def _morph_known(m: Morph) -> bool:
    if m.tag.startswith(_FUNCTIONAL) or m.tag == "NNP":
        return True
    if m.tag.startswith(_VERB_TAGS):
        return known(m.form + "다")
    if m.tag == "XR":  # 어근: 훌륭(하다), 깨끗(하다)
        return known(m.form) or known(m.form + "하다")
    return known(m.form) or compound_known(m.form)


def _name_like(form: str) -> bool:
    """Three syllables starting with a common surname: probably a person's name kiwi did not know."""
    return len(form) == 3 and form[0] in _SURNAMES and all("가" <= c <= "힣" for c in form)


def unknown_word_findings(
    text: str, analysis: Analysis, protected: list[tuple[int, int]], *, suggest_limit: int = 0
) -> list[Finding]:
    """Findings for 어절 hunspell does not know; ``suggest_limit`` caps how many get hunspell suggestions."""
    if speller() is None:
        return []
    findings = []
    for match in _WORD.finditer(text):
        cs, ce = match.span()
        word = match.group()
        if not HANGUL.search(word) or _DIGIT.search(word) or known(word):
            continue
        unknown = [
            m for m in analysis.morphs_in(cs, ce)
            if not any(ps < m.end and m.start < pe for ps, pe in protected) and not _morph_known(m)
        ]
        if not unknown:
            continue
        guessed = any(m.oov and not _name_like(m.form) for m in unknown)
        suggestion = None
        if guessed and suggest_limit > 0 and len(word) <= _MAX_SUGGEST_CHARS:
            suggest_limit -= 1
            options = suggest_words(word)
            suggestion = options[0] if options else None
        pieces = ", ".join(dict.fromkeys(m.form for m in unknown))
        findings.append(
            Finding(
                rule_id="spelling.unknown-word",
                severity=Severity.WARNING if guessed else Severity.INFO,
                start=cs,
                end=ce,
                text=word,
                message=(
                    f"맞춤법 사전에 없는 낱말입니다({pieces}). 오타인지 확인하세요. "
                    "기관 고유어라면 사용자 단어 목록에 추가하세요."
                ),
                suggestion=suggestion,
                source="spelling",
                safe_fix=False,
                extra={"engine": "hunspell", "kiwi_guessed": guessed},
            )
        )
    return findings
