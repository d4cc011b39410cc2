"""The official skeleton of a release, built deterministically from the fact sheet."""

from __future__ import annotations

from mokmin.press.document import ContactRow, PressRelease, placeholder
from mokmin.press.facts import FactSheet
from mokmin.profile import CityProfile
from mokmin.text.dates import article_date
from mokmin.text.korean import josa


def quoted(name: str) -> str:
    return f"'{name}'"


def make_title(sheet: FactSheet, max_chars: int) -> str:
    if sheet.title:
        return sheet.title[:max_chars]
    subject = quoted(sheet.topic) if sheet.topic else quoted(sheet.event) if sheet.event else ""
    action = sheet.action or ("개최" if sheet.event and not sheet.topic else "")
    title = f"{sheet.organization}, {subject} {action}".strip().rstrip(",")
    if len(title) > max_chars and sheet.topic:
        title = f"{sheet.organization}, {sheet.topic} {action}".strip()
    return title[:max_chars]


def make_subtitles(sheet: FactSheet) -> list[str]:
    if sheet.event and sheet.topic:
        verb = "진행" if "진행" in " ".join(sheet.content) else "개최"
        return [f"- {sheet.event} {verb} -"]
    return []


def make_lead(sheet: FactSheet) -> str:
    """누가·언제·어디서·무엇을: the lead paragraph, only from facts."""
    who = josa(sheet.organization, "은/는")
    when = article_date(sheet.date) + (f" {sheet.time_text}" if sheet.time_text else "")
    where = f" {sheet.place}에서" if sheet.place else ""
    if sheet.event and sheet.topic:
        what = f"{josa(quoted(sheet.event), '을/를')} 열고 {quoted(sheet.topic)}에 대해 {sheet.action or '논의'}했다."
    elif sheet.event:
        what = f"{josa(quoted(sheet.event), '을/를')} {sheet.action or '개최'}했다."
    elif sheet.topic:
        what = f"{quoted(sheet.topic)}에 대해 {sheet.action or '논의'}했다."
    else:
        what = f"{placeholder('무엇을 했는지')}."
    lead = f"{who} {when}{where} {what}"
    extra = []
    if sheet.host:
        subject = "이날 회의는" if sheet.is_meeting else "이날 행사는"
        extra.append(f"{subject} {josa(sheet.host, '이/가')} 주재했다.")
    if sheet.attendees:
        extra.append(f"이 자리에는 {josa(sheet.attendees, '이/가')} 참석했다.")
    return " ".join([lead, *extra])


def make_quote_paragraph(sheet: FactSheet, profile: CityProfile) -> str:
    if sheet.quotes:
        parts = []
        for q in sheet.quotes:
            speaker = q.speaker or sheet.host or profile.head
            said = q.text.rstrip(".")
            parts.append(f"{josa(speaker, '은/는')} \"{said}\"라고 말했다.")
        return " ".join(parts)
    speaker = sheet.host or profile.head or "기관장"
    return f"{josa(speaker, '은/는')} \"{placeholder('인용문 — 브리프에 발언이 없습니다')}\"라고 말했다."


def make_contacts(sheet: FactSheet) -> tuple[str, list[ContactRow]]:
    c = sheet.contact
    rows = []
    if c.head_name or c.head_title:
        rows.append(ContactRow("책임자", c.head_title, c.head_name, c.phone if not c.officer_name else ""))
    if c.officer_name or c.officer_title or c.phone or not rows:
        rows.append(ContactRow("담당자", c.officer_title, c.officer_name, c.phone))
    return c.department, rows


def build_release(sheet: FactSheet, profile: CityProfile, body: list[str], distributed_at: str = "") -> PressRelease:
    department, contacts = make_contacts(sheet)
    paragraphs = [make_lead(sheet), *body, make_quote_paragraph(sheet, profile)]
    return PressRelease(
        organization=profile.organization.name,
        release_timing=profile.press.release_timing,
        distributed_at=distributed_at or placeholder("배포일시"),
        title=make_title(sheet, profile.press.title_max_chars),
        subtitles=make_subtitles(sheet),
        paragraphs=paragraphs,
        department=department,
        contacts=contacts,
        disclosure=profile.ai_disclosure,
        body_style=profile.press.body_style,
    )
