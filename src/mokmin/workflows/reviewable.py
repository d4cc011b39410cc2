"""What every generated draft (보도자료, 기획안, 인사말) shares: its errors, and what holds it for review."""

from __future__ import annotations

from mokmin.checks.finding import Finding, Severity

# Findings from these checkers hold a draft until an official confirms they reviewed them (--reviewed).
HOLD_SOURCES = frozenset({"bias", "discrimination"})


class Reviewable:
    """Mixin for draft dataclasses with a ``findings`` list."""

    findings: list[Finding]

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.ERROR]

    @property
    def held_for_review(self) -> list[Finding]:
        """Bias or discrimination findings: the draft waits for an official's explicit review of them."""
        return [f for f in self.findings if f.source in HOLD_SOURCES]
