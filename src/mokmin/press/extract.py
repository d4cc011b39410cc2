"""Deterministic extraction of facts from a free-text brief (the model only helps afterwards)."""

from __future__ import annotations

import re

from mokmin.press.brief import Brief, Quote
from mokmin.text.dates import find_dates, find_times
from mokmin.text.korean import split_sentences, tokenize

EVENT_WORDS = ("회의", "티타임", "간담회", "설명회", "토론회", "워크숍", "세미나", "행사", "축제", "교육",
               "포럼", "협약식", "개막식", "발대식", "기념식", "시상식", "공청회", "보고회", "위원회", "대회")
_SINGLE_QUOTED = re.compile(r"[‘'「](?P<q>[^’'」\n]{2,60})[’'」]")
_DOUBLE_QUOTED = re.compile(r"[\"“](?P<q>[^\"”\n]{4,400})[\"”]")
_HOST_RE = re.compile(r"(?P<who>[^\s,.]+(?:\s[^\s,.]+)?)\s*(?:의\s*)?(?P<kind>주재|주최|주관)(?:로|로써|하에|하여|한|해)")
_ATTEND_RE = re.compile(r"(?:^|[.!?]\s+|에는\s+)(?P<who>[^.!?\n]{2,60}?)\s*(?:등\s*)?(?:이|가)\s*참석")
_TOPIC_RE = re.compile(r"(?P<t>[^\s,.]+(?:\s[^\s,.]+){0,3})\s*(?:에\s*대해|에\s*대한|을\s*주제로|를\s*주제로)")
_REQUEST_RE = re.compile(r"(보도자료|기사|글)(를|을)?\s*(작성|써|만들)")


def extract_from_free_text(text: str) -> Brief:
    """Fill what rules can find; leave the rest empty (never guess)."""
    brief = Brief(raw_text=text)
    dates = find_dates(text)
    full = [d for d in dates if d.month and d.day]
    if full:
        d = full[0]
        brief.when = d.text
        times = [t for t in find_times(text) if t.start >= d.end and t.start - d.end < 12]
        if times:
            brief.when = text[d.start : times[0].end]
    brief.where = _place(text)
    singles = [m.group("q").strip() for m in _SINGLE_QUOTED.finditer(text)]
    events = [s for s in singles if any(w in s for w in EVENT_WORDS)]
    if events:
        brief.event = events[0]
    else:
        brief.event = _unquoted_event(text)
        events = [brief.event] if brief.event else []
    topics = [s for s in singles if s not in events]
    if topics:
        brief.topic = topics[0]
    elif (m := _TOPIC_RE.search(text)) is not None:
        brief.topic = m.group("t").strip("'‘’ ")
    if (m := _HOST_RE.search(text)) is not None:
        brief.host = m.group("who")
    if (m := _ATTEND_RE.search(text)) is not None:
        brief.attendees = m.group("who")
    brief.quotes = [Quote(text=m.group("q").strip()) for m in _DOUBLE_QUOTED.finditer(text)]
    brief.content = [
        text[s:e] for s, e in split_sentences(text) if not _REQUEST_RE.search(text[s:e])
    ]
    return brief


def _place(text: str) -> str:
    """The noun phrase right before '에서' (e.g. '당진시청 7층 접견실')."""
    tokens = tokenize(text)
    for i, tok in enumerate(tokens):
        if tok.form != "에서" or tok.tag != "JKB":
            continue
        j = i - 1
        start = None
        while j >= 0:
            t = tokens[j]
            if t.tag in ("NNG", "NNP", "SL", "SN", "NNB", "SH", "XSN", "XPN"):
                if t.tag == "NNB" and t.form in ("월", "일", "시", "분"):
                    break
                if t.tag == "SN" and j + 1 < len(tokens) and tokens[j + 1].form in ("월", "일", "시"):
                    break
                start = t.start
                j -= 1
                continue
            break
        if start is not None:
            return text[start : tok.start].strip()
    return ""


def _unquoted_event(text: str) -> str:
    """A noun phrase ending in an event word and taken as an object: '겨울철 제설 대책 회의를 열었다'."""
    tokens = tokenize(text)
    for i, tok in enumerate(tokens[:-1]):
        if not any(tok.form.endswith(w) for w in EVENT_WORDS) or tokens[i + 1].tag != "JKO":
            continue
        j, start = i, tok.start
        while j > 0 and tokens[j - 1].tag in ("NNG", "NNP", "SL", "SN", "XPN", "XSN") and (
            tokens[j].start - tokens[j - 1].end <= 1
        ):
            j -= 1
            start = tokens[j].start
        return text[start : tok.end]
    return ""
