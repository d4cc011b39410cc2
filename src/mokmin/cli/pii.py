"""``mokmin pii …``: find personal data in a document, mask it, and restore it.

``scan`` lists what it finds and exits with 1 when there is anything (usable as a gate before publishing).
``mask`` prints (or writes with -o) the text with placeholders such as [이름1], [전화1]. The mapping back to the
originals is personal data itself: it is never printed unless asked (--show-mapping, to standard error) and
can be saved with --mapping to a new file only its owner can read. No command overwrites an existing file
unless --force is given, and the input is never overwritten.
"""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from pathlib import Path
from typing import Annotated

import typer

from mokmin.cli.output import OutputFormat, print_findings, print_findings_json, stderr, stdout
from mokmin.errors import InputError

app = typer.Typer(help="개인정보(주민등록번호·전화번호·이름·주소 등)를 찾고 가립니다.", no_args_is_help=True)

_PLAIN_SUFFIXES = {"", ".txt", ".text", ".md", ".markdown", ".csv", ".tsv", ".log", ".json", ".jsonl"}

ExceptOption = Annotated[
    list[str] | None,
    typer.Option("--except", help="개인정보로 보지 않을 값 (여러 번 지정 가능, 예: --except 홍길동)"),
]
OfficialsOption = Annotated[
    bool,
    typer.Option(
        "--officials",
        help="공무원 예외: 담당 부서·담당자 표 안의 이름·이메일·사무실 전화와 기관 프로필의 공무원 이름·번호를 "
        "개인정보로 보지 않습니다 (휴대전화는 그대로 찾습니다).",
    ),
]
ProfileOption = Annotated[Path | None, typer.Option(help="기관 프로필 TOML (--officials에 사용)")]


def read_source(source: str) -> str:
    """Text of a file or of '-' (HWP, HWPX, PDF, DOCX, HTML through the document readers; others as text)."""
    from mokmin.cli.common import read_input_text

    if source == "-":
        return read_input_text(source, "입력")
    path = Path(source)
    if not path.exists():
        raise InputError(f"파일이 없습니다: {path}", "경로를 확인하세요.")
    if path.suffix.lower() in _PLAIN_SUFFIXES:
        return read_input_text(source, "입력")
    from mokmin.knowledge.readers import read_document

    return read_document(path).text


def _options(exceptions: list[str] | None, officials: bool, profile: Path | None) -> tuple[list[str], bool]:
    values = list(exceptions or [])
    if officials:
        from mokmin.checks.pii import profile_exceptions
        from mokmin.cli.common import context

        _, city = context(profile)
        values.extend(profile_exceptions(city))
    return values, officials


@app.command("scan")
def scan(
    source: Annotated[str, typer.Argument(help="검사할 파일 (TXT, HWP, HWPX, PDF, DOCX, HTML) 또는 '-'(표준 입력)")],
    fmt: Annotated[OutputFormat, typer.Option("--format", help="text 또는 json")] = OutputFormat.text,
    exceptions: ExceptOption = None,
    officials: OfficialsOption = False,
    profile: ProfileOption = None,
) -> None:
    """개인정보를 찾아 보여 줍니다. 하나라도 있으면 종료 코드 1."""
    from mokmin.checks.pii import find_pii

    text = read_source(source)
    values, exempt_contacts = _options(exceptions, officials, profile)
    findings = find_pii(text, exceptions=values, exempt_contacts=exempt_contacts)
    if fmt is OutputFormat.json:
        print_findings_json(findings)
    elif findings:
        print_findings(findings, text, stdout())
    else:
        stdout().print("[green]개인정보를 찾지 못했습니다.[/green]")
    if findings:
        raise typer.Exit(1)


@app.command("mask")
def mask(
    source: Annotated[str, typer.Argument(help="가릴 파일 (TXT, HWP, HWPX, PDF, DOCX, HTML) 또는 '-'(표준 입력)")],
    output: Annotated[Path | None, typer.Option("-o", "--output", help="가린 텍스트를 저장할 새 파일")] = None,
    mapping: Annotated[
        Path | None, typer.Option("--mapping", help="자리표시자→원래 값 대응표(JSON)를 저장할 새 파일 (소유자만 읽기)")
    ] = None,
    show_mapping: Annotated[
        bool, typer.Option("--show-mapping", help="대응표를 표준 오류로 출력합니다 (화면에 개인정보가 보입니다)")
    ] = False,
    force: Annotated[bool, typer.Option("--force", help="이미 있는 출력 파일을 덮어씁니다 (입력 파일은 절대 덮어쓰지 않음)")] = False,
    exceptions: ExceptOption = None,
    officials: OfficialsOption = False,
    profile: ProfileOption = None,
) -> None:
    """개인정보를 [이름1], [전화1] 같은 자리표시자로 바꾼 텍스트를 출력합니다."""
    from mokmin.checks.pii import mask_pii

    _check_targets(source, output, mapping, force)
    text = read_source(source)
    values, exempt_contacts = _options(exceptions, officials, profile)
    masked = mask_pii(text, exceptions=values, exempt_contacts=exempt_contacts)
    if output:
        _write_new(output, masked.text, force=force, private=False)
    else:
        sys.stdout.write(masked.text if masked.text.endswith("\n") else masked.text + "\n")
    if mapping:
        table = json.dumps(masked.mapping, ensure_ascii=False, indent=2) + "\n"
        _write_new(mapping, table, force=force, private=True)
    err = stderr()
    counts = Counter(f.extra["label"] for f in masked.findings)
    summary = ", ".join(f"{label} {n}" for label, n in counts.most_common())
    err.print(f"개인정보 {len(masked.findings)}건을 가렸습니다" + (f" ({summary})." if summary else "."))
    if show_mapping:
        sys.stderr.write(json.dumps(masked.mapping, ensure_ascii=False, indent=2) + "\n")
    elif masked.mapping and not mapping:
        err.print("원래 값으로 되돌리려면 --mapping 파일로 대응표를 저장하세요.", style="dim")


@app.command("unmask")
def unmask_command(
    source: Annotated[str, typer.Argument(help="자리표시자가 든 텍스트 파일 또는 '-'")],
    mapping: Annotated[Path, typer.Option("--mapping", help="mask --mapping으로 저장한 대응표(JSON)")],
    output: Annotated[Path | None, typer.Option("-o", "--output", help="되돌린 텍스트를 저장할 새 파일")] = None,
    force: Annotated[bool, typer.Option("--force", help="이미 있는 출력 파일을 덮어씁니다")] = False,
) -> None:
    """자리표시자([이름1] 등)를 대응표의 원래 값으로 되돌립니다."""
    from mokmin.checks.pii import unmask

    _check_targets(source, output, None, force)
    table = _load_mapping(mapping)
    restored = unmask(read_source(source), table)
    if output:
        _write_new(output, restored, force=force, private=True)
    else:
        sys.stdout.write(restored if restored.endswith("\n") else restored + "\n")


def _check_targets(source: str, output: Path | None, mapping: Path | None, force: bool) -> None:
    src = Path(source).resolve() if source != "-" else None
    targets = [p for p in (output, mapping) if p is not None]
    for target in targets:
        if src is not None and target.resolve() == src:
            raise InputError(f"입력 파일을 덮어쓸 수 없습니다: {target}", "-o/--mapping에 다른 파일 이름을 지정하세요.")
        if target.exists() and not force:
            raise InputError(f"이미 있는 파일입니다: {target}", "다른 이름을 지정하거나 --force로 덮어쓰세요.")
    if output is not None and mapping is not None and output.resolve() == mapping.resolve():
        raise InputError("가린 텍스트와 대응표를 같은 파일에 쓸 수 없습니다.", "서로 다른 파일 이름을 지정하세요.")


def _write_new(path: Path, content: str, *, force: bool, private: bool) -> None:
    flags = os.O_WRONLY | os.O_CREAT | (os.O_TRUNC if force else os.O_EXCL)
    try:
        fd = os.open(path, flags, 0o600 if private else 0o644)
    except FileExistsError as exc:
        raise InputError(f"이미 있는 파일입니다: {path}", "다른 이름을 지정하거나 --force로 덮어쓰세요.") from exc
    except OSError as exc:
        raise InputError(f"파일을 쓸 수 없습니다: {path} ({exc.strerror})", "경로와 권한을 확인하세요.") from exc
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(content)
    if private:
        os.chmod(path, 0o600)


def _load_mapping(path: Path) -> dict[str, str]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise InputError(f"대응표 파일이 없습니다: {path}", "mask --mapping으로 저장한 파일을 지정하세요.") from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"대응표 파일을 읽을 수 없습니다: {path}", "mask --mapping으로 저장한 JSON 파일인지 확인하세요.") from exc
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        raise InputError(f"대응표 형식이 올바르지 않습니다: {path}", '{"[이름1]": "홍길동"} 형태의 JSON이어야 합니다.')
    return data
