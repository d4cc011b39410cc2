"""Helpers shared by command modules: settings, profile and backend built once per command."""

from __future__ import annotations

import sys
from pathlib import Path

from mokmin.errors import InputError
from mokmin.profile import CityProfile, load_profile
from mokmin.settings import Settings, load_settings


def context(profile_path: Path | None = None) -> tuple[Settings, CityProfile]:
    settings = load_settings()
    return settings, load_profile(profile_path or settings.profile)


def read_input_text(path: str, what: str) -> str:
    """Text from a file path or '-' (standard input)."""
    from mokmin.press.brief import read_text_file

    if path == "-":
        data = sys.stdin.buffer.read()
        if b"\x00" in data[:8192]:
            raise InputError(f"표준 입력의 {what}이(가) 텍스트가 아닙니다.", "UTF-8 텍스트를 넣으세요.")
        for enc in ("utf-8-sig", "cp949"):
            try:
                return data.decode(enc)
            except UnicodeDecodeError:
                continue
        raise InputError(f"표준 입력의 {what} 인코딩을 알 수 없습니다.", "UTF-8로 넣으세요.")
    return read_text_file(Path(path), what=what)


def unique_path(path: Path) -> Path:
    """Never overwrite: 보도자료.docx → 보도자료-2.docx …"""
    if not path.exists():
        return path
    for i in range(2, 1000):
        candidate = path.with_name(f"{path.stem}-{i}{path.suffix}")
        if not candidate.exists():
            return candidate
    raise InputError(f"저장할 파일 이름을 정할 수 없습니다: {path}", "--docx로 다른 경로를 지정하세요.")
