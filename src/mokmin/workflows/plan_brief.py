"""Briefs for 기획안 and 인사말·축사: structured (YAML/TOML, or `항목: 값` lines) or free text.

Every fact a plan or speech states must trace back to the brief (or the city profile), so the brief
keeps all of its text in ``raw_text`` for the fact-lock checker.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field

from mokmin.errors import InputError
from mokmin.press.brief import read_text_file, validate_brief_text
from mokmin.text.korean import nfc

_KEY_LINE = re.compile(r"^\s*([가-힣A-Za-z][가-힣A-Za-z ·/]{0,14}?)\s*[:：]\s*(.*?)\s*$")
_ITEM_LINE = re.compile(r"^\s*(?:[-*•○□ㅇ]|\d+[.)])\s*(.+?)\s*$")
MONEY_RE = re.compile(
    r"(?:(?P<eok>\d[\d,]*(?:\.\d+)?)\s*억\s*)?(?:(?P<man>\d[\d,]*)\s*만\s*)?(?:(?P<chun>\d[\d,]*)\s*천\s*)?"
    r"(?P<won>\d[\d,]*)?\s*원"
)


def read_fields(text: str, fmt: str, origin: str) -> dict[str, Any]:
    """``항목: 값`` data from YAML, TOML or loose lines (``fmt`` = yaml, toml or lines)."""
    if fmt == "lines":
        return _loose_fields(text)
    try:
        data = tomllib.loads(text) if fmt == "toml" else yaml.safe_load(text)
    except (tomllib.TOMLDecodeError, yaml.YAMLError) as exc:
        raise InputError(
            f"구조화된 브리프({fmt.upper()})를 읽을 수 없습니다 ({origin}): {str(exc).splitlines()[0]}",
            f"{fmt.upper()} 문법을 확인하세요. 예제: src/mokmin/data/examples/ 의 브리프 파일",
        ) from exc
    if not isinstance(data, dict):
        raise InputError(f"구조화된 브리프는 '항목: 값' 형식이어야 합니다 ({origin}).", "예: 사업명: 스마트 버스정류장 확대")
    return data


def _loose_fields(text: str) -> dict[str, Any]:
    """``사업명: …`` lines, with ``- …`` items under a key that has no value on its line."""
    fields: dict[str, Any] = {}
    key = None
    for line in text.splitlines():
        if not line.strip():
            continue
        m = _KEY_LINE.match(line)
        if m and not line.startswith((" ", "\t", "-")):
            key, value = m.group(1).strip(), m.group(2)
            fields[key] = value if value else []
            continue
        item = _ITEM_LINE.match(line)
        if key is not None and isinstance(fields.get(key), list):
            fields[key].append(item.group(1) if item else line.strip())
        elif key is not None:
            fields[key] = f"{fields[key]} {line.strip()}"
    return fields


def detect_format(path: Path | None, text: str, known_keys: dict[str, str]) -> str:
    """yaml/toml by extension; for text, ``lines`` when its first line is a known ``항목:``, else ``free``."""
    if path is not None and path.suffix.lower() in (".yaml", ".yml"):
        return "yaml"
    if path is not None and path.suffix.lower() == ".toml":
        return "toml"
    first = next((ln for ln in text.splitlines() if ln.strip()), "")
    m = _KEY_LINE.match(first)
    return "lines" if m and m.group(1).strip() in known_keys else "free"


def map_fields(data: dict[str, Any], keys: dict[str, str], allowed: str, origin: str) -> dict[str, Any]:
    """Korean (or English) keys → field names; unknown keys are refused with the list of allowed ones."""
    out: dict[str, Any] = {}
    unknown = []
    for key, value in data.items():
        target = keys.get(str(key).strip())
        if target is None:
            unknown.append(str(key))
        else:
            out[target] = value
    if unknown:
        raise InputError(f"브리프에 알 수 없는 항목이 있습니다 ({origin}): {', '.join(unknown)}", f"쓸 수 있는 항목: {allowed}")
    return out


def as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(as_text(v) for v in value if as_text(v))
    if isinstance(value, dict):
        return ", ".join(f"{k}: {as_text(v)}" for k, v in value.items())
    return nfc(str(value)).strip()


def as_list(value: Any) -> list[str]:
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    out = []
    for item in items:
        text = as_text(item)
        if text:
            out.append(text)
    return out


def as_pairs(value: Any) -> list[tuple[str, str]]:
    """``[{시기: 내용}]``, ``{시기: 내용}`` or ``["시기: 내용"]`` → [(시기, 내용)]."""
    if value is None:
        return []
    if isinstance(value, dict):
        return [(as_text(k), as_text(v)) for k, v in value.items()]
    pairs = []
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, dict):
            pairs.extend((as_text(k), as_text(v)) for k, v in item.items())
            continue
        text = as_text(item)
        label, sep, rest = text.partition(": ") if ": " in text else text.partition(":")
        pairs.append((label.strip(), rest.strip()) if sep and len(label) <= 30 else ("", text))
    return [(a, b) for a, b in pairs if a or b]


def parse_won(text: str) -> int | None:
    """The first amount of money in ``text`` in 원 (``1억 5,000만 원``, ``3,000만원``, ``12,000천원``)."""
    for m in MONEY_RE.finditer(text):
        if not any(m.group(g) for g in ("eok", "man", "chun", "won")):
            continue

        def num(group: str) -> float:
            raw = m.group(group)
            return float(raw.replace(",", "")) if raw else 0.0

        return int(num("eok") * 100_000_000 + num("man") * 10_000 + num("chun") * 1000 + num("won"))
    return None


def format_won(amount: int) -> str:
    eok, rest = divmod(amount, 100_000_000)
    man, won = divmod(rest, 10_000)
    parts = [f"{eok:,}억" if eok else "", f"{man:,}만" if man else "", f"{won:,}" if won else ""]
    return " ".join(p for p in parts if p) + " 원" if amount else "0원"


class Budget(BaseModel):
    model_config = ConfigDict(extra="forbid")

    total: str = ""
    source: str = ""  # 재원 (예: 시비 100%)
    items: list[tuple[str, str]] = Field(default_factory=list)  # (항목, 금액)

    def lines(self) -> list[str]:
        out = []
        if self.total:
            out.append(f"사업비: {self.total}" + (f" ({self.source})" if self.source else ""))
        elif self.source:
            out.append(f"재원: {self.source}")
        out.extend(f"{name}: {amount}" if name else amount for name, amount in self.items)
        return out


_BUDGET_KEYS = {"총액": "total", "총사업비": "total", "합계": "total", "total": "total", "재원": "source",
                "source": "source", "내역": "items", "세부 내역": "items", "items": "items"}


def parse_budget(value: Any, origin: str) -> Budget:
    if value is None or value == "" or value == []:
        return Budget()
    if isinstance(value, dict):
        data = map_fields(value, _BUDGET_KEYS, "총액, 재원, 내역", origin + " · 예산")
        return Budget(total=as_text(data.get("total")), source=as_text(data.get("source")),
                      items=as_pairs(data.get("items")))
    if isinstance(value, list):  # loose lines: "총액: …", "재원: …", "내역:" and the items
        budget = Budget()
        for label, amount in as_pairs(value):
            target = _BUDGET_KEYS.get(label)
            if target == "total":
                budget.total = amount
            elif target == "source":
                budget.source = amount
            elif target != "items" or amount:
                budget.items.append((label, amount))
        return budget
    return Budget(total=as_text(value))


def budget_sum_problem(budget: Budget) -> str | None:
    """Korean message when the itemised amounts do not add up to the total (None when they do or cannot tell)."""
    if not budget.total or len(budget.items) < 2:
        return None
    total = parse_won(budget.total)
    amounts = [parse_won(a) for _, a in budget.items]
    if total is None or any(a is None for a in amounts):
        return None
    summed = sum(a for a in amounts if a is not None)
    if summed == total:
        return None
    return f"예산 내역의 합({format_won(summed)})이 총액({format_won(total)})과 다릅니다."


def load_brief_text(path: Path, what: str = "브리프") -> str:
    return read_text_file(path, what=what)


def check_korean(text: str) -> str:
    return validate_brief_text(text)


# --- 기획안 brief ---------------------------------------------------------------------------------------

PLAN_KEYS = {
    "사업명": "title", "과제명": "title", "제목": "title", "title": "title",
    "부서": "department", "담당 부서": "department", "담당부서": "department", "department": "department",
    "배경": "background", "추진 배경": "background", "추진배경": "background", "background": "background",
    "현황": "status", "status": "status",
    "문제점": "problems", "problems": "problems",
    "목적": "purpose", "목표": "purpose", "purpose": "purpose",
    "대상": "target", "사업 대상": "target", "target": "target",
    "기간": "period", "사업 기간": "period", "사업기간": "period", "period": "period",
    "장소": "place", "place": "place",
    "예산": "budget", "소요 예산": "budget", "소요예산": "budget", "budget": "budget",
    "추진 내용": "actions", "추진내용": "actions", "주요 내용": "actions", "내용": "actions", "actions": "actions",
    "일정": "schedule", "추진 일정": "schedule", "추진일정": "schedule", "schedule": "schedule",
    "기대 효과": "effects", "기대효과": "effects", "effects": "effects",
    "향후 계획": "plans", "향후계획": "plans", "plans": "plans",
}
PLAN_ALLOWED = "사업명, 부서, 배경, 현황, 문제점, 목적, 대상, 기간, 장소, 예산(총액·재원·내역), 추진 내용, 일정, 기대 효과, 향후 계획"


class PlanBrief(BaseModel):
    """What the official told us about the 사업. Every number in the plan must come from here."""

    model_config = ConfigDict(extra="forbid")

    raw_text: str = ""
    title: str = ""
    department: str = ""
    background: list[str] = Field(default_factory=list)
    status: list[str] = Field(default_factory=list)
    problems: list[str] = Field(default_factory=list)
    purpose: list[str] = Field(default_factory=list)
    target: str = ""
    period: str = ""
    place: str = ""
    budget: Budget = Field(default_factory=Budget)
    actions: list[str] = Field(default_factory=list)
    schedule: list[tuple[str, str]] = Field(default_factory=list)
    effects: list[str] = Field(default_factory=list)
    plans: list[str] = Field(default_factory=list)
    structured: bool = False

    def support_text(self) -> str:
        parts = [self.raw_text, self.title, self.department, *self.background, *self.status, *self.problems,
                 *self.purpose, self.target, self.period, self.place, *self.budget.lines(), *self.actions,
                 *(f"{a} {b}" for a, b in self.schedule), *self.effects, *self.plans]
        return "\n".join(nfc(p) for p in parts if p)

    def search_query(self) -> str:
        """What to look for in the knowledge base: the 사업's name, target, purpose and background."""
        parts = [self.title, self.target, *self.purpose, *self.background, *self.problems]
        return " ".join(p for p in parts if p)[:300] or self.raw_text[:300]


def parse_plan_brief(text: str, *, path: Path | None = None, origin: str = "브리프") -> PlanBrief:
    """A 기획안 brief from YAML/TOML (by extension), ``항목: 값`` lines, or free text."""
    text = check_korean(text)
    fmt = detect_format(path, text, PLAN_KEYS)
    if fmt == "free":
        # free text: every sentence is background the plan may use; the 사업명 stays a visible gap
        lines = [ln.strip(" -•○□") for ln in text.splitlines() if ln.strip(" -•○□")]
        return PlanBrief(raw_text=text, background=lines)
    data = map_fields(read_fields(text, fmt, origin), PLAN_KEYS, PLAN_ALLOWED, origin)
    brief = PlanBrief(
        title=as_text(data.get("title")), department=as_text(data.get("department")),
        background=as_list(data.get("background")), status=as_list(data.get("status")),
        problems=as_list(data.get("problems")), purpose=as_list(data.get("purpose")),
        target=as_text(data.get("target")), period=as_text(data.get("period")), place=as_text(data.get("place")),
        budget=parse_budget(data.get("budget"), origin), actions=as_list(data.get("actions")),
        schedule=as_pairs(data.get("schedule")), effects=as_list(data.get("effects")),
        plans=as_list(data.get("plans")), structured=True,
    )
    brief.raw_text = text if fmt == "lines" else brief.support_text()
    if not brief.title:
        raise InputError(f"브리프에 '사업명'이 없습니다 ({origin}).", "예: 사업명: 스마트 버스정류장 확대 설치")
    return brief


def read_plan_brief(path: Path) -> PlanBrief:
    return parse_plan_brief(load_brief_text(path), path=path, origin=str(path))
