"""The structure of a 보도자료 and its plain-text / Markdown rendering.

The layout follows the common form of Korean government press releases: a header with
보도시점 and 배포일시, a title (≤ 40자), sub-titles in "- … -" form, the body (lead paragraph
first, the head's quotation last), the 담당 table and the AI-disclosure line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

PLACEHOLDER_OPEN = "【입력 필요: "
PLACEHOLDER_CLOSE = "】"
PLACEHOLDER_RE = re.compile(r"【입력 필요: ([^】]*)】")


def placeholder(what: str) -> str:
    """A visible gap for a fact the brief did not give (never filled in by the model)."""
    return f"{PLACEHOLDER_OPEN}{what}{PLACEHOLDER_CLOSE}"


@dataclass
class ContactRow:
    role: str  # "책임자" or "담당자"
    title: str  # 직위
    name: str
    phone: str


@dataclass
class PressRelease:
    organization: str
    release_timing: str  # 보도시점
    distributed_at: str  # 배포일시
    title: str
    subtitles: list[str] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)
    department: str = ""
    contacts: list[ContactRow] = field(default_factory=list)
    disclosure: str = ""
    body_style: str = "문단식"

    def body_lines(self) -> list[str]:
        if self.body_style == "□식":
            return [f"□ {p}" for p in self.paragraphs]
        return list(self.paragraphs)

    def contact_lines(self) -> list[str]:
        lines = [f"담당 부서: {self.department or placeholder('담당 부서')}"]
        for row in self.contacts:
            if not (row.title or row.name or row.phone):
                lines.append(f"{row.role}: {placeholder('직위·이름·연락처')}")
                continue
            lines.append(
                f"{row.role}: {row.title or placeholder('직위')} {row.name or placeholder('이름')} "
                f"(☎ {row.phone or placeholder('연락처')})"
            )
        return lines

    def to_text(self) -> str:
        """Plain text, the same text the checkers judge."""
        out = [
            f"{self.organization} 보도자료",
            f"보도시점: {self.release_timing}",
            f"배포일시: {self.distributed_at}",
            "",
            self.title,
            *self.subtitles,
            "",
        ]
        for line in self.body_lines():
            out.extend([line, ""])
        out.extend(self.contact_lines())
        out.extend(["", self.disclosure])
        return "\n".join(out).rstrip() + "\n"

    def to_markdown(self) -> str:
        out = [
            f"**{self.organization} 보도자료**",
            "",
            "| 보도시점 | 배포일시 |",
            "|---|---|",
            f"| {self.release_timing} | {self.distributed_at} |",
            "",
            f"## {self.title}",
            "",
        ]
        out.extend(f"**{s}**  " for s in self.subtitles)
        out.append("")
        for line in self.body_lines():
            out.extend([line, ""])
        out.extend(["| 담당 부서 | 구분 | 직위 | 이름 | 연락처 |", "|---|---|---|---|---|"])
        dept = self.department or placeholder("담당 부서")
        for row in self.contacts:
            out.append(
                f"| {dept} | {row.role} | {row.title or placeholder('직위')} | "
                f"{row.name or placeholder('이름')} | {row.phone or placeholder('연락처')} |"
            )
        out.extend(["", self.disclosure, ""])
        return "\n".join(out)
