"""The fact sheet: every fact the release may state, where it came from, shown to the user."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from mokmin.errors import InputError
from mokmin.press.brief import Brief, BriefContact, Quote
from mokmin.profile import CityProfile
from mokmin.text.dates import find_dates, find_times, infer_year, weekday_of

ACTION_NOUNS = ("논의", "개최", "추진", "실시", "체결", "운영", "선정", "출범", "시행", "모집", "점검", "교육",
                "발표", "협의", "토론", "보고", "착공", "준공", "개통", "지원", "홍보")


@dataclass
class Fact:
    label: str
    value: str
    origin: str  # 브리프 | 기관 프로필 | 추정 | 모델(검증됨)


@dataclass
class FactSheet:
    organization: str
    date: dt.date
    date_text: str
    time_text: str = ""
    place: str = ""
    event: str = ""
    topic: str = ""
    action: str = ""
    host: str = ""
    attendees: str = ""
    content: list[str] = field(default_factory=list)
    background: list[str] = field(default_factory=list)
    plans: list[str] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    contact: BriefContact = field(default_factory=BriefContact)
    title: str = ""
    is_meeting: bool = False
    facts: list[Fact] = field(default_factory=list)


def build_fact_sheet(brief: Brief, profile: CityProfile, today: dt.date | None = None) -> FactSheet:
    """Resolve the brief against the profile. A brief with no date is refused: 언제 is not optional."""
    today = today or dt.date.today()
    org = profile.organization
    text = brief.when or brief.raw_text
    dates = [d for d in find_dates(text) if d.month and d.day] or [
        d for d in find_dates(brief.raw_text) if d.month and d.day
    ]
    if not dates:
        raise InputError(
            "브리프에 날짜가 없습니다. 보도자료에는 '언제'가 반드시 필요합니다.",
            "날짜를 적어 주세요. 예: '3월 27일(월) 14:00 시청 접견실에서 …' 또는 구조화된 브리프의 '일시' 항목.",
        )
    d = dates[0]
    facts: list[Fact] = []
    explicit_years = [x.year for x in find_dates(brief.raw_text) if x.year]
    year = d.year or infer_year(d.month, d.day, d.weekday, explicit_years, today)
    try:
        date = dt.date(year, d.month, d.day)
    except ValueError as exc:
        raise InputError(f"브리프의 날짜가 달력에 없습니다: '{d.text}'.", "월·일을 확인하세요.") from exc
    if d.weekday and weekday_of(year, d.month, d.day) != d.weekday:
        raise InputError(
            f"브리프의 요일이 날짜와 맞지 않습니다: '{d.text}' ({year}년 {d.month}월 {d.day}일은 "
            f"{weekday_of(year, d.month, d.day)}요일).",
            "날짜나 요일을 고쳐 주세요.",
        )
    facts.append(Fact("일시", d.text, "브리프"))
    if not d.year:
        source = "브리프(행사명의 연도)" if explicit_years else "추정(요일로 계산)" if d.weekday else "추정(올해)"
        facts.append(Fact("연도", str(year), source))
    times = [t for t in find_times(text) if t.minutes is not None]
    sheet = FactSheet(organization=org.name, date=date, date_text=d.text, facts=facts)
    if times:
        sheet.time_text = f"{times[0].minutes // 60:02d}:{times[0].minutes % 60:02d}"
        facts.append(Fact("시각", times[0].text, "브리프"))
    sheet.place = brief.where
    sheet.event = brief.event
    sheet.topic = brief.topic
    sheet.attendees = brief.attendees
    sheet.content = list(brief.content)
    sheet.background = list(brief.background)
    sheet.plans = list(brief.plans)
    sheet.quotes = list(brief.quotes)
    sheet.title = brief.title
    sheet.is_meeting = any(w in brief.raw_text for w in ("회의", "티타임", "간담회", "협의회", "보고회"))
    sheet.action = next((a for a in ACTION_NOUNS if a in brief.raw_text), "")
    sheet.host = _resolve_host(brief.host, profile)
    for label, value in (("장소", sheet.place), ("행사", sheet.event), ("주제", sheet.topic),
                         ("참석", sheet.attendees), ("제목", sheet.title)):
        if value:
            facts.append(Fact(label, value, "브리프"))
    if sheet.host:
        origin = "브리프" if sheet.host == brief.host else f"기관 프로필 (브리프: '{brief.host}')"
        facts.append(Fact("주재·주최", sheet.host, origin))
    facts.extend(Fact("내용", c, "브리프") for c in sheet.content if brief.structured)
    facts.extend(Fact("배경", c, "브리프") for c in sheet.background)
    facts.extend(Fact("향후 계획", c, "브리프") for c in sheet.plans)
    facts.extend(Fact("인용", f"{q.speaker}: {q.text}" if q.speaker else q.text, "브리프") for q in sheet.quotes)
    sheet.contact = _merge_contact(brief.contact, profile)
    for label, value, origin in _contact_facts(brief.contact, sheet.contact):
        facts.append(Fact(label, value, origin))
    return sheet


def _resolve_host(host: str, profile: CityProfile) -> str:
    """'당진시장님' → '오성환 시장' (the profile knows the head's name)."""
    if not host:
        return ""
    org = profile.organization
    bare = re.sub(r"(님|께서)$", "", host.strip())
    head_forms = {org.head_title, f"{org.name}{org.head_title}", f"{org.name} {org.head_title}",
                  f"{org.name.rstrip('시군구')}{org.head_title}"}
    if org.head_title and bare in head_forms:
        return profile.head or bare
    return bare


def _merge_contact(given: BriefContact, profile: CityProfile) -> BriefContact:
    default = profile.default_contact
    merged = {}
    for name in BriefContact.model_fields:
        merged[name] = getattr(given, name) or getattr(default, name, "")
    return BriefContact(**merged)


def _contact_facts(given: BriefContact, merged: BriefContact):
    labels = {"department": "담당 부서", "head_name": "책임자", "officer_name": "담당자", "phone": "연락처"}
    for key, label in labels.items():
        value = getattr(merged, key)
        if value:
            yield label, value, "브리프" if getattr(given, key) else "기관 프로필"
        else:
            yield label, "(없음: 입력 필요)", "—"
