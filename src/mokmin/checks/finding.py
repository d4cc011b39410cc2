"""The Finding: what every checker reports, over character spans of one text."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 0, "warning": 1, "info": 2}[self.value]

    @property
    def label(self) -> str:
        return {"error": "오류", "warning": "경고", "info": "참고"}[self.value]


@dataclass(frozen=True)
class Finding:
    """One problem in a text: ``text[start:end]`` is what it is about (character offsets)."""

    rule_id: str
    severity: Severity
    start: int
    end: int
    text: str
    message: str
    suggestion: str | None = None
    source: str = "mokmin"
    safe_fix: bool = False
    extra: dict = field(default_factory=dict, compare=False)

    def to_dict(self) -> dict:
        data = asdict(self)
        data["severity"] = self.severity.value
        if not data["extra"]:
            data.pop("extra")
        return data


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (f.start, f.severity.rank, f.rule_id, f.end))


def findings_to_json(findings: Iterable[Finding]) -> str:
    return json.dumps([f.to_dict() for f in findings], ensure_ascii=False, indent=2)


def count_by_severity(findings: Iterable[Finding]) -> dict[Severity, int]:
    counts = {s: 0 for s in Severity}
    for f in findings:
        counts[f.severity] += 1
    return counts
