"""matchum's rule tables (MIT) with kiwi guards against the false changes they make on correct text.

matchum matches surface strings. A few of its rules also fire inside correct words; each such rule gets a
guard that reads kiwi's analysis of the spot (measured on correct text: ``하지 않되`` → ``안 되``,
``시민들께`` → ``들게``, ``몇 일본`` → ``며칠본``, ``제작년도`` → ``재작년도``, ``6일부로`` → ``일부러``).
matchum's 의존명사 spacing rules (``실수 없이`` → ``실 수 없이``) are replaced by ``spelling_spacing``.
"""

from __future__ import annotations

from collections.abc import Callable

import matchum

from mokmin.checks.finding import Finding, Severity
from mokmin.checks.spelling_kiwi import Analysis

# matchum rules handled better elsewhere: its -ㄹ 의존명사 spacing (spacing.001–004) fires on nouns such as
# 실수/말수/별수; spelling_spacing re-does it on kiwi's analysis.
_DISABLED = {"spacing.001", "spacing.002", "spacing.003", "spacing.004"}
_BRACKETS = "《》〈〉「」『』"
_JI_ENDINGS = ("지", "지는", "지도", "진", "질", "지를", "지만", "지만은", "지조차", "지요")


def _rule_ids_by_wrong() -> dict[str, str]:
    return {r.wrong: r.id for r in matchum.DEFAULT_RULES if isinstance(r, matchum.WordRule)}


_BY_WRONG = _rule_ids_by_wrong()
_DOE_DWAE = {_BY_WRONG[w] for w in ("됬", "됀", "됄", "되요", "되서", "되야", "돼었", "돼고", "돼는", "돼면", "돼니")}


def _tags_at(analysis: Analysis, pos: int) -> set[str]:
    return {m.tag for m in analysis.morphs_at(pos)}


def _prev_eojeol(text: str, pos: int) -> str:
    before = text[:pos].rstrip()
    return before.split()[-1] if before.split() else ""


def _not_after_ji(text: str, c: matchum.Correction, analysis: Analysis) -> bool:
    """'않' is right after a -지 form (하지 않되, 하진 않아), wrong elsewhere."""
    if any(m.form == "되" and m.tag == "EC" for m in analysis.morphs_at(c.end - 1)):
        return False  # -지 않되 (connective -되), common in statutes
    glued = text[: c.start]
    if glued.endswith(_JI_ENDINGS):
        return False
    return not _prev_eojeol(text, c.start).rstrip(",").endswith(_JI_ENDINGS)


def _ending_at(char: str) -> Callable[[str, matchum.Correction, Analysis], bool]:
    """The given syllable of the match must belong to an ending or 의존명사 (not a particle such as 께)."""

    def guard(text: str, c: matchum.Correction, analysis: Analysis) -> bool:
        pos = c.start + c.original.find(char)
        tags = _tags_at(analysis, pos)
        return any(t.startswith("E") or t == "NNB" for t in tags) and not any(t.startswith("J") for t in tags)

    return guard


def _myeochil(text: str, c: matchum.Correction, analysis: Analysis) -> bool:
    """몇일/몇 일: the 일 must be the day counter on its own (not 일본, 일자리)."""
    pos = c.end - 1
    return any(m.form == "일" and m.tag in ("NNB", "NNG") for m in analysis.morphs_at(pos))


def _not_before(chars: str) -> Callable[[str, matchum.Correction, Analysis], bool]:
    return lambda text, c, analysis: text[c.end : c.end + 1] not in set(chars)


def _not_after_digit(text: str, c: matchum.Correction, analysis: Analysis) -> bool:
    return not text[c.start - 1 : c.start].isdigit()  # 6월 6일부로 (as of)


def _an_adverb(text: str, c: matchum.Correction, analysis: Analysis) -> bool:
    return "MAG" in _tags_at(analysis, c.start)


def _not_in_title(text: str, c: matchum.Correction, analysis: Analysis) -> bool:
    """Loanword spellings inside 《》「」 are titles or names: leave them."""
    line_start = text.rfind("\n", 0, c.start) + 1
    before = text[line_start : c.start]
    return all(before.count(o) <= before.count(cl) for o, cl in zip(_BRACKETS[::2], _BRACKETS[1::2]))


_GUARDS: dict[str, Callable[[str, matchum.Correction, Analysis], bool]] = {
    _BY_WRONG["않되"]: _not_after_ji,
    "ending.008": _not_after_ji,
    "ending.001": _ending_at("께"),
    "ending.002": _ending_at("꺼"),
    "ending.003": _ending_at("껄"),
    _BY_WRONG["몇일"]: _myeochil,
    _BY_WRONG["몇 일"]: _myeochil,
    _BY_WRONG["제작년"]: _not_before("도월"),
    _BY_WRONG["일부로"]: _not_after_digit,
    "spacing.005": _an_adverb,
}


def _area(rule_id: str) -> str:
    if rule_id in _DOE_DWAE:
        return "spelling.doe-dwae"
    prefix = rule_id.split(".")[0]
    return {
        "doe": "spelling.conjugation",
        "adv": "spelling.adverb",
        "noun": "spelling.word",
        "loan": "spelling.loanword",
        "ctx": "spelling.context",
        "ending": "spelling.ending",
        "spacing": "spacing.an-hada",
    }.get(prefix, "spelling.other")


_checker: matchum.Checker | None = None


def _get_checker() -> matchum.Checker:
    global _checker
    if _checker is None:
        _checker = matchum.Checker(disabled=_DISABLED)
    return _checker


def matchum_findings(text: str, analysis: Analysis) -> list[Finding]:
    findings = []
    for c in _get_checker().find(text):
        guard = _GUARDS.get(c.rule_id)
        if guard is not None and not guard(text, c, analysis):
            continue
        if c.category is matchum.Category.STYLE and not _not_in_title(text, c, analysis):
            continue
        is_error = c.level is matchum.Level.ERROR
        severity = Severity.ERROR if is_error else (
            Severity.WARNING if c.category is matchum.Category.STYLE else Severity.INFO
        )
        findings.append(
            Finding(
                rule_id=_area(c.rule_id),
                severity=severity,
                start=c.start,
                end=c.end,
                text=c.original,
                message=c.message,
                suggestion=c.suggestion,
                source="spelling",
                safe_fix=is_error,  # measured: no false change on correct text once the guards run
                extra={"engine": "matchum", "matchum_rule": c.rule_id},
            )
        )
    return findings
