"""Find the parts of any press-release text (ours or someone else's): title, body, contacts, disclosure."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

HEADER_RE = re.compile(r"^\s*(보도시점|배포일시|배포 일시|보도 시점|엠바고)\s*[:：]?")
BANNER_RE = re.compile(r"^\s*(\S+\s*)?보\s*도\s*자\s*료\s*$")
CONTACT_RE = re.compile(r"^\s*(담당\s*부서|담당자|책임자|연락처|문의|☎)\s*[:：]?|^\s*\|\s*담당")
DISCLOSURE_RE = re.compile(
    r"(생성형|인공지능|\bAI\b|챗\s?GPT|ChatGPT|목민).{0,40}(작성|생성|도움|초안)|(작성|생성).{0,20}(인공지능|AI)"
)
SUBTITLE_RE = re.compile(r"^\s*[-–]\s*.+\s*[-–]\s*$")


@dataclass
class Span:
    start: int
    end: int

    def of(self, text: str) -> str:
        return text[self.start : self.end]


@dataclass
class ReleaseLayout:
    title: Span | None = None
    subtitles: list[Span] = field(default_factory=list)
    paragraphs: list[Span] = field(default_factory=list)
    header: list[Span] = field(default_factory=list)
    contacts: list[Span] = field(default_factory=list)
    disclosure: Span | None = None
    skipped: list[Span] = field(default_factory=list)  # banner lines, repeated titles

    def checked_spans(self) -> list[Span]:
        """Spans whose facts must trace to the brief (everything but header/banner/disclosure)."""
        spans = [s for s in (self.title,) if s] + self.subtitles + self.paragraphs + self.contacts
        return sorted(spans, key=lambda s: s.start)


def _lines(text: str) -> list[Span]:
    out, pos = [], 0
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        stripped = body.strip(" \t\u00a0\u3000")
        if stripped:
            lead = len(body) - len(body.lstrip(" \t\u00a0\u3000"))
            out.append(Span(pos + lead, pos + lead + len(stripped)))
        else:
            out.append(Span(pos, pos))  # blank line marker
        pos += len(line)
    return out


def parse_layout(text: str) -> ReleaseLayout:
    layout = ReleaseLayout()
    state = "head"
    blank_seen_after_title = False
    for span in _lines(text):
        line = span.of(text)
        if not line:
            if state == "title":
                blank_seen_after_title = True
            continue
        if HEADER_RE.match(line):
            layout.header.append(span)
            continue
        if BANNER_RE.match(line):
            layout.skipped.append(span)
            continue
        if CONTACT_RE.match(line):
            layout.contacts.append(span)
            state = "tail"
            continue
        if line.startswith("※") and DISCLOSURE_RE.search(line) or (
            state == "tail" and DISCLOSURE_RE.search(line)
        ):
            layout.disclosure = span
            continue
        if line.startswith("※") or line.startswith("【"):
            layout.skipped.append(span)  # notes and appendix markers are not body text
            state = "tail" if line.startswith("【") else state
            continue
        if state == "head":
            layout.title = span
            state = "title"
            continue
        if state == "title" and not blank_seen_after_title or SUBTITLE_RE.match(line) and state == "title":
            if layout.title and line == layout.title.of(text):
                layout.skipped.append(span)
            elif len(line) <= 60 and not line.endswith("다."):
                layout.subtitles.append(span)
            else:
                layout.paragraphs.append(span)
                state = "body"
            continue
        if state == "title" and len(line) <= 40 and not line.endswith(".") and not layout.paragraphs:
            layout.subtitles.append(span)
            continue
        if state == "tail":
            layout.skipped.append(span)
            continue
        state = "body"
        layout.paragraphs.append(span)
    return layout
