"""Guarded spacing suggestions: a few proven patterns, each verified by re-reading the changed text with kiwi.

``kiwi.space()`` is never applied: on correct official text it splits 감사드립니다, 5억 원, 12곳, 행정안전부장관
and joins dates. Instead, within one 어절 (no digits, no proper noun, no custom word), a space is proposed
only at these morpheme boundaries of kiwi's analysis:

- 관형형 어미(ETM) + 의존 명사 수/것/거/데/만큼/뿐/줄/적/때/대로/채/듯/리/척/체/뻔 (한글 맞춤법 제42항),
  and after 수/것/거/줄/리 also before 있다/없다/같다/알다/모르다 (할수있다 → 할 수 있다). 데 only before
  에/에서/를/가 (하는데 alone is usually the ending -는데); 듯/척/체/뻔 not before 하다 (듯하다 may be attached).
- 수 관형사(한·두·세·…·몇·여러) + 단위 명사 (제43항), except compounds 한번/한곳/한가지/한때/한마디.
  Arabic numerals with units (3개, 10명) are left alone.
- -지 + 보조 용언 않다/못하다/말다 (먹지않다 → 먹지 않다).
- and one join: 할 수 밖에 → 할 수밖에 (밖에 after the 의존 명사 수 is a particle).

These are safe fixes (WARNING). A second tier only suggests (INFO, never safe): a space kiwi.space() would
insert between two Hangul syllables is kept if hunspell rejects the 어절, knows every piece, the piece after the
space starts with a lexical word in kiwi's analysis (not a suffix, particle, ending, 의존 명사 or 보조 용언) and
every one-syllable piece is a word by itself (이 문제, not 일|주일). -드리다 forms are skipped. It is not safe
because compounds that may be written either way (행정서비스) would be split.

Verification (both tiers): the spaced 어절 is put back into its line and the line is analysed again. The change
is kept only if kiwi reads exactly the same morphemes (form and tag) in the same order as before, so the space
did not change what kiwi reads, and the morpheme right after each new space is the one that motivated it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mokmin.checks.finding import Finding, Severity
from mokmin.checks.spelling_hunspell import known as hunspell_known
from mokmin.checks.spelling_hunspell import speller
from mokmin.checks.spelling_kiwi import HANGUL, Analysis, Morph, analyse, morph_signature
from mokmin.text.korean import kiwi

_DEP_NOUNS = {"수", "것", "거", "데", "만큼", "뿐", "줄", "적", "때", "대로", "채", "듯", "리", "척", "체", "뻔"}
_MAY_ATTACH_BEFORE_HA = {"듯", "척", "체", "뻔"}
_DE_PARTICLES = {"에", "에서", "를", "가"}
_SECOND_SPLIT = {"수", "것", "거", "줄", "리"}
_SECOND_VERBS = {"있", "없", "같", "알", "모르"}
_NUMERALS = {"한", "두", "세", "네", "다섯", "여섯", "일곱", "여덟", "아홉", "열", "스무", "몇", "여러"}
_UNITS = {"개", "명", "마리", "권", "살", "개월", "시간", "가지", "곳", "번", "장", "그루", "송이", "병", "잔",
          "켤레", "벌", "군데", "차례", "달", "년", "주", "주일", "번째", "가구", "개국", "개소"}
_COMPOUNDS = {("한", "번"), ("한", "곳"), ("한", "가지"), ("한", "때"), ("한", "마디"), ("한", "차례")}
_AUX_AFTER_JI = {"않", "못하", "말"}
_LEXICAL_STARTS = ("날것", "물것", "들것", "별것", "탈것", "물때", "썰물때", "밀물때", "한때", "어느때")
_DIGIT = re.compile(r"\d")
_HANGUL_CORE = re.compile(r"[가-힣]+")
_MAX_WINDOW = 240
_SU_BAKKE = re.compile(r"(?<=[가-힣] )수 +밖에")
# the spacer's insertions are kept only before these (lexical words), never before suffixes, particles,
# endings, 의존 명사 or 보조 용언 (보내주세요 may be written attached)
_WORD_START_TAGS = {"NNG", "NR", "NP", "VV", "VA", "MAG", "MAJ", "MM", "XR", "IC"}
_ONE_SYLLABLE_WORD_TAGS = {"MM", "MAG", "NP"}


@dataclass(frozen=True)
class _Split:
    pos: int  # insert a space before text[pos]
    expect: tuple[str, str]  # (form, tag) of the morpheme that must start right after the space
    rule: str
    message: str
    left: int  # the morphemes on both sides of the space: what the finding shows
    right: int


def _contraction_ok(text: str, a: Morph, b: Morph) -> bool:
    """것이→게, 것을→걸, 것은→건: after -ㄹ these are endings (할게요, 할걸); elsewhere only mid-sentence."""
    if text[b.start : b.end] == b.form:
        return True
    if a.form in ("ᆯ", "을"):
        return False
    return text[b.start + 1 : b.start + 2] == " " and "가" <= text[b.start + 2 : b.start + 3] <= "힣"


def _dep_noun_splits(text: str, a: Morph, b: Morph, c: Morph | None) -> list[_Split]:
    if a.tag != "ETM" or b.form not in _DEP_NOUNS or b.tag not in ("NNB", "NNG") or b.start != a.end:
        return []
    if (b.tag == "NNG" and b.form != "때") or not _contraction_ok(text, a, b):
        return []
    glued_next = c is not None and c.start == b.end
    if b.form == "데" and not (glued_next and c.form in _DE_PARTICLES and c.tag.startswith("J")):
        return []
    if b.form in _MAY_ATTACH_BEFORE_HA and glued_next and c.form == "하":
        return []
    splits = [_Split(b.start, (b.form, b.tag), "dependent-noun",
                     f"의존 명사 '{b.form}'은(는) 앞말과 띄어 씁니다(한글 맞춤법 제42항).", a.start, b.end)]
    if b.form in _SECOND_SPLIT and glued_next and c.form in _SECOND_VERBS and c.tag in ("VA", "VV", "VX"):
        splits.append(_Split(c.start, (c.form, c.tag), "dependent-noun",
                             f"'{b.form}' 뒤의 용언은 띄어 씁니다.", b.start, c.end))
    return splits


def _unit_split(a: Morph, b: Morph, eojeol_start: int) -> list[_Split]:
    if a.tag != "MM" or a.form not in _NUMERALS or a.start != eojeol_start or b.start != a.end:
        return []
    if b.tag != "NNB" or b.form not in _UNITS or (a.form, b.form) in _COMPOUNDS:
        return []
    return [_Split(b.start, (b.form, b.tag), "unit-noun",
                   f"단위를 나타내는 명사 '{b.form}'은(는) 앞의 수 관형사와 띄어 씁니다(한글 맞춤법 제43항).",
                   a.start, b.end)]


def _aux_split(a: Morph, b: Morph) -> list[_Split]:
    if a.tag == "EC" and a.form == "지" and b.tag == "VX" and b.form in _AUX_AFTER_JI and b.start == a.end:
        return [_Split(b.start, (b.form, b.tag), "auxiliary-verb",
                       "'-지' 뒤의 보조 용언(않다·못하다·말다)은 띄어 씁니다.", a.start, b.end)]
    return []


def _candidates(text: str, analysis: Analysis, s: int, e: int, protected: list[tuple[int, int]]) -> list[_Split]:
    word = text[s:e]
    if _DIGIT.search(word) or word.startswith(_LEXICAL_STARTS):
        return []
    if any(ps < e and s < pe for ps, pe in protected):
        return []
    morphs = analysis.morphs_in(s, e)
    if any(m.tag == "NNP" for m in morphs):
        return []
    splits: list[_Split] = []
    for i in range(len(morphs) - 1):
        a, b = morphs[i], morphs[i + 1]
        c = morphs[i + 2] if i + 2 < len(morphs) else None
        found = _dep_noun_splits(text, a, b, c) or _unit_split(a, b, s) or _aux_split(a, b)
        splits.extend(x for x in found if s < x.pos < e and not text[x.pos - 1].isspace())
    return splits


def _window(text: str, s: int, e: int) -> tuple[int, int]:
    lo = text.rfind("\n", 0, s) + 1
    hi = text.find("\n", e)
    hi = len(text) if hi < 0 else hi
    if s - lo > _MAX_WINDOW:
        cut = text.rfind(" ", lo, s - _MAX_WINDOW)
        lo = cut + 1 if cut >= 0 else lo
    if hi - e > _MAX_WINDOW:
        cut = text.find(" ", e + _MAX_WINDOW, hi)
        hi = cut if cut >= 0 else hi
    return lo, hi


def _verified(text: str, s: int, e: int, splits: list[_Split]) -> bool:
    lo, hi = _window(text, s, e)
    original = text[lo:hi]
    positions = sorted({x.pos for x in splits})
    pieces, prev = [], lo
    for p in positions:
        pieces.append(text[prev:p])
        prev = p
    pieces.append(text[prev:hi])
    changed = " ".join(pieces)
    before, after = analyse(original), analyse(changed)
    if morph_signature(before.morphs) != morph_signature(after.morphs):
        return False
    for split in splits:
        new_pos = split.pos - lo + positions.index(split.pos) + 1
        if not any((m.form, m.tag) == split.expect and m.start == new_pos for m in after.morphs):
            return False
    return True


def hunspell_available() -> bool:
    return speller() is not None


def _spacer_insertions(text: str) -> list[int]:
    """Positions where kiwi.space() would insert a space between two Hangul syllables."""
    points: list[int] = []
    offset = 0
    for line in text.splitlines(keepends=True):
        if HANGUL.search(line):
            spaced = kiwi().space(line, reset_whitespace=False)
            i = j = 0
            while i < len(line) and j < len(spaced):
                if line[i] == spaced[j]:
                    i, j = i + 1, j + 1
                elif spaced[j].isspace():
                    if 0 < i and _is_syllable(line[i - 1]) and _is_syllable(line[i]):
                        points.append(offset + i)
                    j += 1
                elif line[i].isspace():
                    i += 1
                else:
                    break  # the spacer changed a character: trust nothing after it
        offset += len(line)
    return points


def _single_word(analysis: Analysis, pos: int) -> bool:
    morphs = analysis.morphs_in(pos, pos + 1)
    return len(morphs) == 1 and morphs[0].tag in _ONE_SYLLABLE_WORD_TAGS and morphs[0].end == pos + 1


def _is_syllable(ch: str) -> bool:
    return "가" <= ch <= "힣"


def _lexicon_splits(text: str, analysis: Analysis, protected: list[tuple[int, int]]) -> dict[tuple[int, int], list[_Split]]:
    """kiwi.space() insertions kept only where hunspell rejects the 어절 and knows every piece."""
    found: dict[tuple[int, int], list[_Split]] = {}
    inserts = _spacer_insertions(text)
    for s, e in analysis.eojeols:
        inside = [p for p in inserts if s < p < e]
        if not inside or _DIGIT.search(text[s:e]) or any(ps < e and s < pe for ps, pe in protected):
            continue
        morphs = analysis.morphs_in(s, e)
        if any(m.tag == "NNP" for m in morphs) or any(m.form == "드리" and m.tag.startswith("V") for m in morphs):
            continue
        core = _HANGUL_CORE.search(text[s:e])
        if core is None or hunspell_known(core.group()):
            continue
        cuts = [s, *inside, e]
        pieces = [_HANGUL_CORE.search(text[a:b]) for a, b in zip(cuts, cuts[1:])]
        if not all(pc is not None and hunspell_known(pc.group()) for pc in pieces):
            continue
        starting = [analysis.morphs_in(p, p + 1) for p in inside]
        if not all(starting) or not all(ms[0].tag in _WORD_START_TAGS for ms in starting):
            continue  # kiwi sees no word boundary there (a suffix, particle, ending or 보조 용언 follows)
        if not all(len(pc.group()) > 1 or _single_word(analysis, a + pc.start())
                   for pc, a in zip(pieces, cuts)):
            continue  # a one-syllable piece must be a word by itself (이 문제, 왜 이렇게), not 일|주일
        found[(s, e)] = [
            _Split(p, (ms[0].form, ms[0].tag), "word-boundary",
                   "띄어 써야 할 낱말이 붙어 있습니다(한글 맞춤법 제2항: 낱말은 띄어 씀).", left, right)
            for left, p, right, ms in zip(cuts, inside, cuts[2:], starting)
        ]
    return found


def _su_bakke(text: str, analysis: Analysis) -> list[Finding]:
    """할 수 밖에 → 할 수밖에: 밖에 after the 의존 명사 수 is the particle (kiwi: JX), written attached."""
    found = []
    for m in _SU_BAKKE.finditer(text):
        su, bakke = m.start(), m.end() - 2
        if not any(x.tag == "ETM" for x in analysis.morphs_at(su - 2)):
            continue
        if not any((x.form, x.tag) == ("수", "NNB") for x in analysis.morphs_at(su)):
            continue
        if not any((x.form, x.tag) == ("밖에", "JX") for x in analysis.morphs_at(bakke)):
            continue
        found.append(Finding(
            rule_id="spacing.particle", severity=Severity.WARNING, start=su, end=m.end(), text=m.group(),
            message="'밖에'는 조사이므로 앞말에 붙여 씁니다(할 수밖에 없다).", suggestion="수밖에",
            source="spelling", safe_fix=True, extra={"engine": "kiwi"},
        ))
    return found


def spacing_findings(text: str, analysis: Analysis, protected: list[tuple[int, int]]) -> list[Finding]:
    findings = _su_bakke(text, analysis)
    lexicon = _lexicon_splits(text, analysis, protected) if hunspell_available() else {}
    for s, e in analysis.eojeols:
        splits = _candidates(text, analysis, s, e, protected)
        safe = True
        if not splits:
            splits, safe = lexicon.get((s, e), []), False
        if not splits or not _verified(text, s, e, splits):
            continue
        positions = sorted({x.pos for x in splits})
        start = max(s, min(x.left for x in splits))
        end = min(e, max(max(x.right for x in splits), positions[-1] + 1))
        suggestion = "".join(
            text[p] + (" " if p + 1 in positions else "") for p in range(start, end)
        )
        first = min(splits, key=lambda x: x.pos)
        findings.append(
            Finding(
                rule_id=f"spacing.{first.rule}",
                severity=Severity.WARNING if safe else Severity.INFO,
                start=start,
                end=end,
                text=text[start:end],
                message=" ".join(dict.fromkeys(x.message for x in splits)),
                suggestion=suggestion,
                source="spelling",
                safe_fix=safe,
                extra={"engine": "kiwi" if safe else "kiwi-space+hunspell", "verified": True},
            )
        )
    return findings
