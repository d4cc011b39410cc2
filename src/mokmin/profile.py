"""The city profile: everything city-specific, as data (TOML).

Another city runs Mokmin by writing its own profile, not by changing code. Unknown facts stay
empty so that checkers flag them instead of a model inventing them.
"""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from mokmin.checks.public_language import PublangTerm
from mokmin.errors import ConfigError


class Contact(BaseModel):
    model_config = ConfigDict(extra="forbid")

    department: str = ""
    head_title: str = ""  # 책임자 직위 (예: 과장)
    head_name: str = ""
    officer_title: str = ""  # 담당자 직위 (예: 주무관)
    officer_name: str = ""
    phone: str = ""

    def missing_fields(self) -> list[str]:
        labels = {"department": "담당 부서", "officer_name": "담당자", "phone": "연락처"}
        return [label for key, label in labels.items() if not getattr(self, key).strip()]


class Department(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    duties: str = ""
    phone: str = ""


class GlossaryEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ko: str
    en: str
    note: str = ""


class PressStyle(BaseModel):
    model_config = ConfigDict(extra="forbid")

    body_style: Literal["문단식", "□식"] = "문단식"
    title_max_chars: int = Field(default=40, ge=10, le=120)
    release_timing: str = "배포 즉시"


class Organization(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str  # 기관명 (예: 당진시)
    short_name: str = ""  # 약칭 (예: 시)
    name_en: str = ""
    head_title: str = ""  # 기관장 직함 (예: 시장)
    head_name: str = ""  # 기관장 이름
    city_hall: str = ""  # 청사 이름 (예: 당진시청)


class CityProfile(BaseModel):
    """A city's profile. See ``data/profiles/dangjin.toml`` for a filled example."""

    model_config = ConfigDict(extra="forbid")

    organization: Organization
    press: PressStyle = Field(default_factory=PressStyle)
    default_contact: Contact = Field(default_factory=Contact)
    departments: list[Department] = Field(default_factory=list)
    glossary: list[GlossaryEntry] = Field(default_factory=list)
    ai_disclosure: str  # on drafts an official reviews before use (보도자료, 기획안, 답변서)
    ai_answer_disclosure: str = Field(
        default="※ 이 답변은 생성형 인공지능(목민)이 기관의 문서를 근거로 작성했으며 담당 공무원이 검토하지 않았습니다. "
                "인용한 출처를 확인하세요.",
        description="Shown with output nobody has reviewed yet (answers, summaries, translations).",
    )
    known_facts: list[str] = Field(
        default_factory=list,
        description="Standing public facts the fact-lock checker accepts (e.g. the mayor's name).",
    )
    custom_words: list[str] = Field(
        default_factory=list,
        description="The city's own words the spelling checker must accept (place names, programme names).",
    )
    public_language: list[PublangTerm] = Field(
        default_factory=list,
        description="The city's own hard words to refine ([[public_language]] term/refined), beside the bundled list.",
    )

    @property
    def head(self) -> str:
        """기관장 as it appears in a release, e.g. '오성환 시장'."""
        return " ".join(p for p in (self.organization.head_name, self.organization.head_title) if p)

    def support_text(self) -> str:
        """Text whose facts a release may use without the brief stating them."""
        org = self.organization
        parts = [
            org.name,
            org.short_name,
            org.city_hall,
            f"{org.name} {org.head_title}",
            self.head,
            *(d.name for d in self.departments),
            *(g.ko for g in self.glossary),
            *(g.en for g in self.glossary),
            *self.known_facts,
        ]
        return "\n".join(p for p in parts if p)


def bundled_profile_path(name: str = "dangjin") -> Path:
    return Path(str(resources.files("mokmin") / "data" / "profiles" / f"{name}.toml"))


def load_profile(path: Path | None = None) -> CityProfile:
    """Load a profile TOML; ``None`` loads the bundled 당진시 profile."""
    path = path or bundled_profile_path()
    try:
        with Path(path).open("rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError as exc:
        raise ConfigError(
            f"기관 프로필 파일을 찾을 수 없습니다: {path}",
            "MOKMIN_PROFILE 또는 설정 파일의 profile 값을 확인하세요.",
        ) from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(
            f"기관 프로필을 읽을 수 없습니다: {path} ({exc})", "UTF-8로 저장한 TOML 파일인지 확인하세요."
        ) from exc
    return _validated(data, str(path))


def profile_from_toml(text: str, where: str = "입력한 내용") -> CityProfile:
    """Parse and validate a profile given as TOML text (the admin page's editor); ConfigError if wrong."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(
            f"기관 프로필의 TOML 문법이 틀렸습니다 ({where}): {exc}", "따옴표·대괄호·등호가 맞는지 확인하세요."
        ) from exc
    return _validated(data, where)


def _validated(data: dict, where: str) -> CityProfile:
    try:
        return CityProfile.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        raise ConfigError(
            f"기관 프로필 값이 올바르지 않습니다 ({where}): {problems}",
            "번들 프로필 data/profiles/dangjin.toml을 본보기로 고치세요.",
        ) from exc
