"""Summarising a whole document section by section, each line citing its pages.

Chunk retrieval alone breaks "summarise this report": the model never sees most of it. Here the
document is cut along its headings (or pages), each part is summarised on its own with a short
prompt, and each summary is checked against its part before it is shown.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from mokmin.checks.citations import unsupported_terms
from mokmin.checks.finding import Finding, Severity
from mokmin.checks.support import Support, generic_nouns
from mokmin.guard.audit import audited
from mokmin.guard.injection import neutralise, quarantine, quarantine_note
from mokmin.guard.output_screen import SUMMARY_WITHHELD, find_breaches
from mokmin.knowledge.types import Block, ParsedDocument
from mokmin.llm.base import Backend, GenerationOptions
from mokmin.text.korean import split_sentences
from mokmin.workflows.prompts import prompt_id, render_messages

SECTION_CHARS = 1500
MAX_SECTIONS = 12
DEFAULT_DISCLOSURE = "※ 생성형 인공지능(목민)이 부분별로 요약한 초안입니다. 원문과 대조한 뒤 사용하세요."


@dataclass
class Section:
    title: str
    pages: tuple[int | None, int | None]
    text: str

    def page_label(self) -> str:
        first, last = self.pages
        if first is None:
            return ""
        return f"{first}쪽" if first == last or last is None else f"{first}–{last}쪽"


@dataclass
class SectionSummary:
    section: Section
    summary: str
    findings: list[Finding] = field(default_factory=list)


@dataclass
class Summary:
    title: str
    parts: list[SectionSummary]
    backend: str
    prompt_id: str
    timings: dict[str, float] = field(default_factory=dict)
    disclosure: str = DEFAULT_DISCLOSURE  # the profile's ai_disclosure when the caller gives it

    def to_markdown(self) -> str:
        lines = [f"# {self.title} 요약", ""]
        for part in self.parts:
            label = part.section.page_label()
            lines.append(f"## {part.section.title}" + (f" ({label})" if label else ""))
            lines.append(f"- {part.summary}" + (f" [{label}]" if label else ""))
            lines.append("")
        lines.append(self.disclosure)
        return "\n".join(lines) + "\n"

    @property
    def findings(self) -> list[Finding]:
        return [f for p in self.parts for f in p.findings]


def split_sections(doc: ParsedDocument, max_chars: int = SECTION_CHARS, max_sections: int = MAX_SECTIONS) -> list[Section]:
    """Cut at headings; without headings, at pages; then merge or split to a bounded number of parts."""
    groups: list[tuple[str, list[Block]]] = []
    has_headings = any(b.kind == "heading" for b in doc.blocks)
    for block in doc.blocks:
        starts_new = (block.kind == "heading") if has_headings else (
            not groups or (block.page is not None and block.page != groups[-1][1][-1].page)
        )
        if starts_new or not groups:
            title = block.text[:40] if block.kind == "heading" else (f"{block.page}쪽" if block.page else "본문")
            groups.append((title, [block]))
        else:
            groups[-1][1].append(block)
    sections = []
    for title, blocks in groups:
        text = "\n".join(b.text for b in blocks if b.kind != "heading" or len(blocks) == 1)
        pages = [b.page for b in blocks if b.page is not None]
        for piece in _split_text(text, max_chars):
            sections.append(Section(title, (min(pages) if pages else None, max(pages) if pages else None), piece))
    while len(sections) > max_sections:  # merge the two smallest neighbours
        i = min(range(len(sections) - 1), key=lambda j: len(sections[j].text) + len(sections[j + 1].text))
        a, b = sections[i], sections[i + 1]
        pages = [p for p in (*a.pages, *b.pages) if p is not None]
        merged = Section(a.title if a.title == b.title else f"{a.title} · {b.title}",
                         (min(pages) if pages else None, max(pages) if pages else None),
                         a.text + "\n" + b.text)
        sections[i : i + 2] = [merged]
    return [s for s in sections if s.text.strip()]


def _split_text(text: str, max_chars: int) -> list[str]:
    if len(text) <= max_chars:
        return [text]
    out, current = [], ""
    for s, e in split_sentences(text):
        sentence = text[s:e]
        if current and len(current) + len(sentence) + 1 > max_chars:
            out.append(current)
            current = ""
        current = (current + " " + sentence).strip()
    if current:
        out.append(current)
    return out


@audited("summarize")
def summarize_document(
    doc: ParsedDocument,
    backend: Backend,
    *,
    on_section: Callable[[int, int, SectionSummary], None] | None = None,
    disclosure: str = "",
) -> Summary:
    sections = split_sections(doc)
    parts: list[SectionSummary] = []
    t0 = time.perf_counter()
    generic = generic_nouns()
    for i, section in enumerate(sections):
        cleaned = quarantine(section.text)  # instructions hidden in the document never reach the model
        messages = render_messages("summarize_section", title=neutralise(doc.title),
                                   section=neutralise(section.title), text=cleaned.text[: SECTION_CHARS + 200])
        text = "".join(backend.stream(messages, GenerationOptions(temperature=0.0, max_tokens=120))).strip()
        text = " ".join(text.split())
        findings = quarantine_note(cleaned, section.title)
        breaches = find_breaches(text, instructions=messages[0].content, removed=cleaned.removed,
                                 allowed=[doc.title, section.title, cleaned.text])
        source = Support.build(section.title + "\n" + cleaned.text)
        missing = [] if breaches else unsupported_terms(text, source, generic)
        if breaches:
            text = SUMMARY_WITHHELD
            findings.extend(breaches)
        elif missing:
            findings.append(Finding("summary.unsupported", Severity.WARNING, 0, len(text), text,
                                    f"'{section.title}' 부분의 원문에서 확인되지 않는 말: {', '.join(missing)}.",
                                    "원문과 대조하세요.", "summarize"))
        part = SectionSummary(section, text, findings)
        parts.append(part)
        if on_section:
            on_section(i + 1, len(sections), part)
    return Summary(doc.title, parts, backend.name, prompt_id("summarize_section"),
                   timings={"total_s": time.perf_counter() - t0, "sections": float(len(sections))},
                   disclosure=disclosure or DEFAULT_DISCLOSURE)
