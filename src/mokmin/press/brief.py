"""The brief a press release is drafted from: free text (like the seed's) or structured YAML/TOML."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from mokmin.errors import InputError
from mokmin.profile import Contact as BriefContact  # the same 담당 fields as the profile's default
from mokmin.text.korean import nfc

MAX_BRIEF_CHARS = 20_000


class Quote(BaseModel):
    model_config = ConfigDict(extra="forbid")

    speaker: str = ""
    text: str


class Brief(BaseModel):
    """What the staff member told us. Every fact in the release must trace back to this (or the profile)."""

    model_config = ConfigDict(extra="forbid")

    raw_text: str = ""
    title: str = ""
    when: str = ""
    where: str = ""
    host: str = ""
    attendees: str = ""
    event: str = ""
    topic: str = ""
    content: list[str] = Field(default_factory=list)
    background: list[str] = Field(default_factory=list)
    quotes: list[Quote] = Field(default_factory=list)
    plans: list[str] = Field(default_factory=list)
    contact: BriefContact = Field(default_factory=BriefContact)
    release_timing: str = ""
    distributed_at: str = ""
    structured: bool = False

    def support_text(self) -> str:
        """All the text whose facts a release may use."""
        parts: list[str] = [self.raw_text, self.title, self.when, self.where, self.host, self.attendees,
                            self.event, self.topic, *self.content, *self.background, *self.plans,
                            self.release_timing, self.distributed_at]
        for q in self.quotes:
            parts.extend([q.speaker, q.text])
        c = self.contact
        parts.extend([c.department, c.head_title, c.head_name, c.officer_title, c.officer_name, c.phone])
        return "\n".join(nfc(p) for p in parts if p)


# Korean (and English) keys of a structured brief.
_KEYS = {
    "제목": "title", "title": "title",
    "일시": "when", "날짜": "when", "when": "when", "date": "when",
    "장소": "where", "where": "where", "place": "where",
    "주최": "host", "주재": "host", "주최·주재": "host", "주최/주재": "host", "host": "host",
    "참석": "attendees", "참석자": "attendees", "attendees": "attendees",
    "행사": "event", "행사명": "event", "event": "event",
    "주제": "topic", "topic": "topic",
    "내용": "content", "주요 내용": "content", "content": "content",
    "배경": "background", "background": "background",
    "인용": "quotes", "quotes": "quotes",
    "향후 계획": "plans", "향후계획": "plans", "계획": "plans", "plans": "plans",
    "담당": "contact", "contact": "contact",
    "보도시점": "release_timing", "release_timing": "release_timing",
    "배포일시": "distributed_at", "distributed_at": "distributed_at",
}
_CONTACT_KEYS = {
    "부서": "department", "담당 부서": "department", "department": "department",
    "책임자 직위": "head_title", "책임자": "head_name", "head_name": "head_name", "head_title": "head_title",
    "담당자 직위": "officer_title", "직위": "officer_title", "담당자": "officer_name",
    "officer_title": "officer_title", "officer_name": "officer_name",
    "연락처": "phone", "전화": "phone", "phone": "phone",
}
_QUOTE_KEYS = {"발언자": "speaker", "speaker": "speaker", "내용": "text", "text": "text", "인용문": "text"}


def read_brief_file(path: Path) -> Brief:
    """Read a brief from a .txt/.md (free text) or .yaml/.yml/.toml (structured) file."""
    text = read_text_file(path, what="브리프")
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml", ".toml"):
        return parse_structured(text, fmt="toml" if suffix == ".toml" else "yaml", origin=str(path))
    return parse_free_text(text)


def read_text_file(path: Path, what: str) -> str:
    """UTF-8 (or cp949 from Korean Windows) text, NFC-normalised; binary files are refused."""
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise InputError(f"{what} 파일이 없습니다: {path}", "경로를 확인하세요.") from exc
    except IsADirectoryError as exc:
        raise InputError(f"{what} 경로가 폴더입니다: {path}", "파일 하나를 지정하세요.") from exc
    if len(data) > MAX_BRIEF_CHARS * 4 and what == "브리프":
        raise InputError(
            f"{what} 파일이 너무 큽니다 ({len(data):,} 바이트): {path}",
            f"브리프는 {MAX_BRIEF_CHARS:,}자 이내의 요약이어야 합니다. 긴 문서는 지식베이스에 넣으세요.",
        )
    if b"\x00" in data[:8192]:
        raise InputError(
            f"{what} 파일이 텍스트가 아닙니다(이진 파일): {path}",
            "UTF-8 텍스트(.txt, .md) 또는 YAML/TOML 파일을 지정하세요. HWP·DOCX는 먼저 텍스트로 저장하세요.",
        )
    for encoding in ("utf-8-sig", "cp949"):
        try:
            return nfc(data.decode(encoding))
        except UnicodeDecodeError:
            continue
    raise InputError(
        f"{what} 파일의 인코딩을 알 수 없습니다: {path}", "UTF-8로 저장한 텍스트 파일을 지정하세요."
    )


def parse_free_text(text: str) -> Brief:
    text = validate_brief_text(text)
    from mokmin.press.extract import extract_from_free_text

    return extract_from_free_text(text)


def validate_brief_text(text: str) -> str:
    text = nfc(text).strip()
    if not text:
        raise InputError(
            "브리프가 비어 있습니다.",
            "언제·어디서·무엇을 했는지 한두 문장으로 적어 주세요. 예: \"3월 27일(월) 시청 접견실에서 …을 논의했다\"",
        )
    if len(text) > MAX_BRIEF_CHARS:
        raise InputError(
            f"브리프가 너무 깁니다 ({len(text):,}자).",
            f"{MAX_BRIEF_CHARS:,}자 이내로 요약해 주세요. 참고 문서는 지식베이스에 넣으세요.",
        )
    letters = [ch for ch in text if ch.isalpha()]
    hangul = sum(1 for ch in letters if "가" <= ch <= "힣" or "ㄱ" <= ch <= "ㅣ")
    if not letters or hangul / len(letters) < 0.3:
        raise InputError(
            "브리프가 한국어로 쓰여 있지 않습니다.",
            "보도자료는 한국어 브리프로 작성합니다. 언제·어디서·무엇을 했는지 한국어로 적어 주세요.",
        )
    return text


def parse_structured(text: str, fmt: str, origin: str = "브리프") -> Brief:
    try:
        data = tomllib.loads(text) if fmt == "toml" else yaml.safe_load(text)
    except (tomllib.TOMLDecodeError, yaml.YAMLError) as exc:
        raise InputError(
            f"구조화된 브리프({fmt.upper()})를 읽을 수 없습니다 ({origin}): {str(exc).splitlines()[0]}",
            f"{fmt.upper()} 문법을 확인하세요. 예시는 README의 '구조화된 브리프'를 보세요.",
        ) from exc
    if not isinstance(data, dict):
        raise InputError(
            f"구조화된 브리프는 '항목: 값' 형식이어야 합니다 ({origin}).", "예: 일시: 2023. 3. 27.(월) 10:00"
        )
    fields: dict[str, Any] = {"structured": True}
    unknown = []
    for key, value in data.items():
        target = _KEYS.get(str(key).strip())
        if target is None:
            unknown.append(str(key))
            continue
        fields[target] = _convert(target, value, origin)
    if unknown:
        raise InputError(
            f"브리프에 알 수 없는 항목이 있습니다: {', '.join(unknown)}",
            "쓸 수 있는 항목: 제목, 일시, 장소, 주최·주재, 참석, 행사, 주제, 내용, 배경, 인용, 향후 계획, 담당, "
            "보도시점, 배포일시",
        )
    try:
        brief = Brief(**fields)
    except ValidationError as exc:
        raise InputError(f"브리프 항목 값이 올바르지 않습니다 ({origin}): {exc.errors()[0]['msg']}") from exc
    brief.raw_text = brief.support_text()
    validate_brief_text(brief.raw_text)
    return brief


def _convert(target: str, value: Any, origin: str) -> Any:
    if target in ("content", "background", "plans"):
        items = value if isinstance(value, list) else [value]
        return [nfc(str(v)).strip() for v in items if str(v).strip()]
    if target == "quotes":
        items = value if isinstance(value, list) else [value]
        return [_quote(item, origin) for item in items]
    if target == "contact":
        if not isinstance(value, dict):
            raise InputError(f"'담당' 항목은 부서·담당자·연락처를 가진 표여야 합니다 ({origin}).")
        out = {}
        for k, v in value.items():
            key = _CONTACT_KEYS.get(str(k).strip())
            if key is None:
                raise InputError(
                    f"'담당'에 알 수 없는 항목: {k}",
                    "쓸 수 있는 항목: 부서, 책임자 직위, 책임자, 담당자 직위, 담당자, 연락처",
                )
            out[key] = nfc(str(v)).strip()
        return out
    if isinstance(value, list):
        return ", ".join(nfc(str(v)) for v in value)
    return nfc(str(value)).strip()


def _quote(item: Any, origin: str) -> dict:
    if isinstance(item, str):
        speaker, sep, said = item.partition(":")
        if sep and len(speaker) <= 20:
            return {"speaker": speaker.strip(), "text": said.strip().strip('"“”')}
        return {"speaker": "", "text": item.strip().strip('"“”')}
    if isinstance(item, dict):
        out = {}
        for k, v in item.items():
            key = _QUOTE_KEYS.get(str(k).strip())
            if key is None:
                raise InputError(f"'인용'에 알 수 없는 항목: {k}", "쓸 수 있는 항목: 발언자, 내용")
            out[key] = nfc(str(v)).strip().strip('"“”')
        if "text" not in out:
            raise InputError(f"'인용' 항목에 '내용'이 없습니다 ({origin}).")
        return out
    raise InputError(f"'인용' 값을 읽을 수 없습니다 ({origin}).", "예: - 발언자: 오성환 시장\\n  내용: …")
