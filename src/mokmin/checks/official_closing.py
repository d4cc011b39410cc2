"""붙임 lines (붙임  계획서 1부.) and the 끝. mark of a 공문서 (시행규칙 제4조)."""

from __future__ import annotations

import re

from mokmin.checks.finding import Finding, Severity
from mokmin.checks.official_common import Line, Mode, lines, make, width

ATTACH = re.compile(
    r"^(?P<indent>[ \u3000]*)(?P<label>붙[ \u3000]*임|첨 ?부|별 ?첨)(?=[ \u3000:：]|$)"
    r"(?P<colon>[ \u3000]*[:：])?(?P<gap>[ \u3000]*)(?P<rest>.*)$"
)
ITEM = re.compile(
    r"^(?P<num>\d{1,2}\.[ \u3000]*)?(?P<name>.*?)(?P<qty>(?:각 ?)?\d+ ?(?:부|권|매|식|건|점|장|책|개|편))?"
    r"(?P<dot>\.?)(?P<end>[ \u3000]*끝\.?)?[ \u3000]*$"
)
CONTINUATION = re.compile(
    r"^[ \u3000]+\d{1,2}\.[ \u3000]|^.*\d ?(?:부|권|매|식|건|점|장|책|개|편)\.?(?:[ \u3000]*끝\.?)?[ \u3000]*$"
)
END_MARK = re.compile(r"(?P<gap>[ \u3000]*)끝(?P<dot>\.?)[ \u3000]*$")
BLANK_TAIL = re.compile(r"이하\s*빈\s*칸")


def attachment_blocks(text: str) -> list[list[Line]]:
    """Each 붙임 block: the 붙임 line and the aligned attachment lines under it."""
    blocks: list[list[Line]] = []
    current: list[Line] | None = None
    for line in lines(text):
        m = ATTACH.match(line.body)
        if m and _is_attachment_line(m):
            current = [line]
            blocks.append(current)
        elif current is not None and line.body.strip() and CONTINUATION.match(line.body):
            current.append(line)
        else:
            current = None
    return blocks


def _is_attachment_line(m: re.Match) -> bool:
    label = m.group("label").replace(" ", "").replace("\u3000", "")
    if label == "붙임":
        return bool(m.group("rest").strip())
    item = ITEM.match(m.group("rest"))
    return bool(item and item.group("qty"))  # 첨부/별첨 only on a line that names a quantity


def check_attachments(text: str) -> list[Finding]:
    out: list[Finding] = []
    for block in attachment_blocks(text):
        head = block[0]
        m = ATTACH.match(head.body)
        assert m is not None
        base = head.start
        label = m.group("label")
        label_start, label_end, gap_end = base + m.start("label"), base + m.end("label"), base + m.end("gap")
        if label != "붙임":
            out.append(make("attachment-label", Severity.WARNING, label_start, label_end, text,
                            f"첨부물 표시는 '붙임'으로 씁니다('{label}' 대신).", "closing", "붙임", safe=True))
        if m.group("colon"):
            out.append(make("attachment-colon", Severity.WARNING, label_end, gap_end, text,
                            "'붙임' 뒤에는 쌍점을 찍지 않고 두 칸(2타) 띄웁니다.", "closing", "  ", safe=True))
        elif width(m.group("gap")) != 2:
            out.append(make("attachment-spacing", Severity.WARNING, label_end, gap_end, text,
                            "'붙임' 다음은 두 칸(2타) 띄우고 첨부물 이름을 씁니다.", "closing", "  ", safe=True))
        entries = [(base + m.start("rest"), m.group("rest"))]
        for line in block[1:]:
            lead = len(line.body) - len(line.body.lstrip(" \u3000"))
            entries.append((line.start + lead, line.body[lead:]))
        out += _entries(text, entries)
    return out


def _entries(text: str, entries: list[tuple[int, str]]) -> list[Finding]:
    out: list[Finding] = []
    numbered = [bool(ITEM.match(body).group("num")) for _, body in entries]  # type: ignore[union-attr]
    for (start, body), has_number in zip(entries, numbered, strict=True):
        item = ITEM.match(body)
        assert item is not None
        if not item.group("qty"):
            e = start + item.end("name")
            out.append(make("attachment-quantity", Severity.WARNING, start, e, text,
                            "첨부물의 이름 다음에 수량을 씁니다(예: '계획서 1부.').", "closing", None))
        elif not item.group("dot"):
            e = start + item.end("qty")
            out.append(make("attachment-period", Severity.WARNING, start + item.start("qty"), e, text,
                            "첨부물 수량 뒤에 온점을 찍습니다(예: '1부.').", "closing", item.group("qty") + ".",
                            safe=True))
    if len(entries) == 1 and numbered[0]:
        start, body = entries[0]
        num = ITEM.match(body).group("num")  # type: ignore[union-attr]
        out.append(make("attachment-number", Severity.INFO, start, start + len(num), text,
                        "첨부물이 하나이면 번호를 붙이지 않습니다.", "closing", "", safe=True))
    elif len(entries) > 1 and not all(numbered):
        start, body = entries[0]
        out.append(make("attachment-number", Severity.WARNING, start, start + len(body), text,
                        "첨부물이 둘 이상이면 '1. … 1부.', '2. … 1부.'처럼 번호를 붙입니다.", "closing", None))
    return out


def check_end_mark(text: str, mode: Mode) -> list[Finding]:
    """'끝.' after the body (or after the last 붙임 line): 2타 before it; missing in a 공문서 → warning."""
    if mode != "gongmun":
        return []
    out: list[Finding] = []
    all_lines = [line for line in lines(text) if line.body.strip()]
    blocks = attachment_blocks(text)
    last_attachment = blocks[-1][-1] if blocks else None
    marks: list[Line] = []
    for line in all_lines:
        m = END_MARK.search(line.body)
        if not m:
            continue
        before = line.body[: m.start()]
        own_line = not before.strip()
        if not own_line and not before.rstrip().endswith((".", ")", "」", '"', "”", "'", "’", "부", "다")):
            continue
        if not m.group("dot") and not before.endswith("."):
            continue
        marks.append(line)
        if not own_line and (width(m.group("gap")) != 2 or not m.group("dot")):
            s, e = line.start + m.start(), line.start + m.end()
            out.append(make("end-mark-spacing", Severity.WARNING, s, e, text,
                            "본문이 끝나면 두 칸(2타) 띄우고 '끝.'을 씁니다.", "closing", "  끝.", safe=True))
    if marks and last_attachment is not None and all(mark.start < blocks[-1][0].start for mark in marks):
        mark = marks[-1]
        out.append(make("end-mark-position", Severity.WARNING, mark.start, mark.end, text,
                        "붙임이 있으면 '끝.'은 마지막 붙임 줄 끝에 씁니다.", "closing", None))
    if not marks and not BLANK_TAIL.search(text) and all_lines:
        anchor = last_attachment or _last_body_line(all_lines)
        at = anchor.start + len(anchor.body.rstrip())
        out.append(make("end-mark-missing", Severity.WARNING, at, at, text,
                        "공문서 본문(붙임이 있으면 마지막 붙임) 끝에 '끝.' 표시가 없습니다.", "closing", "  끝."))
    return out


def _last_body_line(all_lines: list[Line]) -> Line:
    for line in reversed(all_lines):
        if line.body.rstrip().endswith(("다.", "부.", "바랍니다")):
            return line
    return all_lines[-1]
