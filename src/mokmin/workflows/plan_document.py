"""The structure of a 사업 기획안 and its text/Markdown rendering, with the kind of every line kept.

Each line knows where it came from — the brief (``fact``), a knowledge-base passage (``cited``), the model
(``proposal``) or the form itself (``form``, ``placeholder``) — so each is judged by the right checker.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from mokmin.press.document import placeholder

LineKind = Literal["fact", "cited", "proposal", "form", "placeholder"]
PROPOSAL_MARK = "(제안)"
PROPOSAL_NOTE = ("※ (제안) 표시 항목은 생성형 AI가 낸 아이디어로, 확인된 사실이 아닙니다. "
                 "담당자가 검토해 채택 여부를 정하세요.")
MARKERS = {1: "□ ", 2: "  ○ ", 3: "    - "}
SECTION_TITLES = ("배경", "현황과 문제점", "목적", "추진 내용", "일정", "소요 예산", "기대 효과", "향후 계획")


@dataclass
class PlanLine:
    text: str
    kind: LineKind
    level: int = 1  # 1 □, 2 ○, 3 -

    def rendered(self) -> str:
        return MARKERS.get(self.level, "") + self.text


@dataclass
class PlanSection:
    title: str
    lines: list[PlanLine] = field(default_factory=list)

    def add(self, text: str, kind: LineKind, level: int = 1) -> None:
        self.lines.append(PlanLine(text, kind, level))

    def gap(self, what: str, level: int = 1) -> None:
        self.lines.append(PlanLine(placeholder(what), "placeholder", level))


@dataclass
class Span:
    start: int
    end: int
    kind: LineKind


@dataclass
class PlanDocument:
    title: str
    organization: str
    department: str
    sections: list[PlanSection] = field(default_factory=list)
    disclosure: str = ""
    has_proposals: bool = False

    def section(self, title: str) -> PlanSection:
        return next(s for s in self.sections if s.title == title)

    def heading(self) -> str:
        return f"{self.title or placeholder('사업명')} 기획안"

    def byline(self) -> str:
        return " ".join(p for p in (self.organization, self.department or placeholder("담당 부서")) if p)

    def render(self) -> tuple[str, list[Span]]:
        """The plain text the checkers judge, and the span and kind of every content line."""
        out: list[str] = []
        spans: list[Span] = []
        pos = 0

        def emit(line: str, kind: LineKind = "form", prefix: str = "") -> None:
            nonlocal pos
            out.append(prefix + line + "\n")
            start = pos + len(prefix)
            spans.append(Span(start, start + len(line), kind))
            pos += len(prefix) + len(line) + 1

        emit(self.heading())
        emit(self.byline(), "fact")
        emit("")
        for number, section in enumerate(self.sections, 1):
            emit(f"{number}. {section.title}")
            for line in section.lines:
                emit(line.text, line.kind, MARKERS.get(line.level, ""))
            emit("")
        if self.has_proposals:
            emit(PROPOSAL_NOTE)
        if self.disclosure:
            emit(self.disclosure)
        return "".join(out), spans

    def to_text(self) -> str:
        return self.render()[0]

    def to_markdown(self) -> str:
        out = [f"# {self.heading()}", "", self.byline(), ""]
        for number, section in enumerate(self.sections, 1):
            out.append(f"## {number}. {section.title}")
            for line in section.lines:
                indent = "  " * (line.level - 1)
                out.append(f"{indent}- {line.text}")
            out.append("")
        if self.has_proposals:
            out.extend([f"> {PROPOSAL_NOTE}", ""])
        if self.disclosure:
            out.append(f"_{self.disclosure}_")
        return "\n".join(out).rstrip() + "\n"
