"""Item markers of a 공문서: 1. → 가. → 1) → 가) → (1) → (가) → ① → ㉮ (시행규칙 제2조제1항)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from mokmin.checks.finding import Finding, Severity
from mokmin.checks.official_closing import attachment_blocks
from mokmin.checks.official_common import Line, Mode, lines, make, width

HANGUL_SERIES = "가나다라마바사아자차카타파하거너더러머버서어저처커터퍼허"
CIRCLED_NUMBERS = (
    "".join(chr(c) for c in range(0x2460, 0x2474))
    + "".join(chr(c) for c in range(0x3251, 0x3260))
    + "".join(chr(c) for c in range(0x32B1, 0x32C0))
)
CIRCLED_HANGUL = "".join(chr(c) for c in range(0x326E, 0x327C))
LEVELS = ("1.", "가.", "1)", "가)", "(1)", "(가)", "①", "㉮")

ITEM_LINE = re.compile(
    r"^(?P<indent>[ \u3000\t]*)(?P<marker>(?P<n0>\d{1,2})\.(?!\d)|(?P<h1>[가-힣])\.|(?P<n2>\d{1,2})\)"
    r"|(?P<h3>[가-힣])\)|\((?P<n4>\d{1,2})\)|\((?P<h5>[가-힣])\)"
    rf"|(?P<c6>[{CIRCLED_NUMBERS}])|(?P<c7>[{CIRCLED_HANGUL}]))(?P<gap>[ \u3000]*)(?P<rest>.*)$"
)


@dataclass
class Item:
    line: Line
    level: int
    index: int
    match: re.Match
    depth: int = 0


def marker_for(level: int, index: int) -> str:
    """The marker text of item ``index`` (1-based) at ``level``: marker_for(1, 15) == '거.'."""
    if level in (1, 3, 5):
        ch = HANGUL_SERIES[(index - 1) % len(HANGUL_SERIES)]
        return {1: f"{ch}.", 3: f"{ch})", 5: f"({ch})"}[level]
    if level == 6:
        return CIRCLED_NUMBERS[index - 1] if index <= len(CIRCLED_NUMBERS) else f"({index})"
    if level == 7:
        return CIRCLED_HANGUL[index - 1] if index <= len(CIRCLED_HANGUL) else HANGUL_SERIES[index - 1]
    return {0: f"{index}.", 2: f"{index})", 4: f"({index})"}[level]


def _parse(line: Line) -> Item | None:
    m = ITEM_LINE.match(line.body)
    if not m or not m.group("rest").strip():
        return None
    rest = m.group("rest")
    for level in range(8):
        value = m.group(f"{'n' if level in (0, 2, 4) else 'h' if level in (1, 3, 5) else 'c'}{level}")
        if value is None:
            continue
        if level in (0, 2, 4):
            if level == 0 and re.match(r"\d{1,2}\.", rest):  # "3. 27.(월)": a date, not an item
                return None
            index = int(value)
        elif level in (1, 3, 5):
            if value not in HANGUL_SERIES:
                return None
            index = HANGUL_SERIES.index(value) + 1
        elif level == 6:
            index = CIRCLED_NUMBERS.index(value) + 1
        else:
            index = CIRCLED_HANGUL.index(value) + 1
        if not m.group("gap") and (level == 5 or not re.match(r"[가-힣A-Za-z「(\"'“‘]", rest)):
            return None  # (사)단법인, 1.,: ordinary text, not a marker without its space
        return Item(line, level, index, m)
    return None


def check_items(text: str, mode: Mode) -> list[Finding]:
    if mode == "press":
        return []
    skip = {line.start for block in attachment_blocks(text) for line in block}
    items = [it for line in lines(text) if line.start not in skip and (it := _parse(line))]
    out: list[Finding] = []
    out += _sequence(text, items, mode)
    for it in items:
        out += _spacing(text, it)
    if mode == "gongmun":
        out += _indentation(text, items)
    return out


def _sequence(text: str, items: list[Item], mode: Mode) -> list[Finding]:
    """Order of levels and numbers; drops from ``items`` the lines that turned out not to be items."""
    out: list[Finding] = []
    stack: list[list[int]] = []  # [level, last index] from the outermost level in
    groups: list[list[Item]] = []
    open_groups: dict[int, list[Item]] = {}
    kept: list[Item] = []
    for it in items:
        span = (it.line.start + it.match.start("marker"), it.line.start + it.match.end("marker"))
        if it.level in [level for level, _ in stack]:
            while stack[-1][0] != it.level:
                _close(open_groups, groups, stack.pop()[0])
            expected = stack[-1][1] + 1
            if it.index == 1 and expected != 1 and mode != "gongmun":
                _close(open_groups, groups, it.level)  # a new list starts
            elif it.index != expected:
                if it.level == 5 and it.index != 1:
                    continue  # (사)단법인, (재)단법인 …
                out.append(_wrong_number(text, span, it, expected))
            stack[-1][1] = it.index
        else:
            while stack and stack[-1][0] > it.level:
                _close(open_groups, groups, stack.pop()[0])
            parent = stack[-1][0] if stack else None
            if it.index != 1:
                if it.level in (1, 3, 5):
                    continue  # a Hangul marker starting mid-series is more likely ordinary text
                out.append(make("item-number", Severity.WARNING, *span, text,
                                f"새 단계의 첫 항목은 '{marker_for(it.level, 1)}'입니다.", "items",
                                marker_for(it.level, 1)))
            if parent is None:
                if it.level != 0 and mode == "gongmun":
                    out.append(make("item-level", Severity.WARNING, *span, text,
                                    "공문서의 첫째 항목 기호는 '1.'입니다.", "items", None))
            elif it.level != parent + 1:
                out.append(make("item-level", Severity.WARNING, *span, text,
                                f"'{LEVELS[parent]}' 다음 단계의 항목 기호는 '{LEVELS[parent + 1]}'입니다"
                                " (순서: 1. → 가. → 1) → 가) → (1) → (가) → ① → ㉮).", "items",
                                marker_for(parent + 1, it.index)))
            stack.append([it.level, it.index])
        it.depth = len(stack) - 1
        open_groups.setdefault(it.level, []).append(it)
        kept.append(it)
    for level in list(open_groups):
        _close(open_groups, groups, level)
    items[:] = kept
    if mode == "gongmun":
        for group in groups:
            if len(group) == 1 and group[0].index == 1:
                it = group[0]
                s = it.line.start + it.match.start("marker")
                out.append(make("item-single", Severity.INFO, s, it.line.start + it.match.start("rest"), text,
                                "같은 단계의 항목이 하나뿐이면 항목 기호를 붙이지 않습니다.", "items", ""))
    return out


def _close(open_groups: dict[int, list[Item]], groups: list[list[Item]], level: int) -> None:
    group = open_groups.pop(level, None)
    if group:
        groups.append(group)


def _wrong_number(text: str, span: tuple[int, int], it: Item, expected: int) -> Finding:
    want = marker_for(it.level, expected)
    return make("item-number", Severity.WARNING, *span, text,
                f"항목 번호가 이어지지 않습니다: 이 자리는 '{want}'입니다(빠지거나 겹친 항목이 없는지 확인하세요).",
                "items", want)


def _spacing(text: str, it: Item) -> list[Finding]:
    gap = it.match.group("gap")
    if gap == " ":
        return []
    s = it.line.start + it.match.start("marker")
    e = it.line.start + it.match.end("gap")
    return [make("item-space", Severity.WARNING, s, e, text, "항목 기호와 내용 사이는 한 칸(1타) 띄웁니다.", "items",
                 it.match.group("marker") + " ", safe=True)]


def _indentation(text: str, items: list[Item]) -> list[Finding]:
    """Level 1 at the left margin, each lower level 2타 further in — only when the text keeps indentation."""
    if not any(width(it.match.group("indent")) for it in items):
        return []  # text extracted without its layout: nothing to judge
    out = []
    for it in items:
        indent = it.match.group("indent")
        if "\t" in indent:
            continue
        want = 2 * it.depth
        if width(indent) != want:
            s = it.line.start
            out.append(make("item-indent", Severity.WARNING, s, s + len(indent), text,
                            f"이 단계의 항목은 왼쪽 기본선에서 {want}타 들여 씁니다(하위 단계마다 2타씩).", "items",
                            " " * want, safe=True))
    return out
