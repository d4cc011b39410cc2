"""The audit log: a hash chain that shows every kind of tampering, safe under concurrent writers,
recording every generation, search and export — and the AI disclosure on every generated document."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mokmin.checks.finding import Finding, Severity
from mokmin.cli.main import app
from mokmin.errors import InputError
from mokmin.guard.audit import (
    AuditError,
    GenerationEvent,
    Link,
    SearchEvent,
    acting_as,
    audit_dir,
    open_log,
    record,
)
from mokmin.guard.audit_chain import GENESIS, record_hash
from mokmin.settings import load_settings

runner = CliRunner()


def _settings(**audit):
    return load_settings(audit={"store_input": "hash", **audit})


def _fill(n: int, settings=None) -> list[dict]:
    settings = settings or _settings()
    out = []
    for i in range(n):
        event = GenerationEvent(
            workflow="press_release", backend="llamacpp", is_local=True, input=f"브리프 {i}",
            output=f"보도자료 {i}", findings=[Finding("press.title-length", Severity.WARNING, 0, 1, "x", "m")],
        )
        out.append(record(event, settings))
    return out


def _lines(settings) -> list[str]:
    return (audit_dir(settings) / "audit.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)


def _write(settings, lines: list[str]) -> None:
    (audit_dir(settings) / "audit.jsonl").write_text("".join(lines), encoding="utf-8")


def _verify(settings, expect=None):
    return open_log(settings).verify(expect)


# --- the chain -------------------------------------------------------------------------------------------


def test_records_are_chained_with_the_fields_an_inspector_needs(isolated_home):
    settings = _settings()
    first, second = _fill(2, settings)
    assert (first["seq"], second["seq"]) == (1, 2)
    assert first["prev_hash"] == GENESIS and second["prev_hash"] == first["hash"]
    assert first["hash"] == record_hash(first)
    assert first["time"].endswith("+00:00") and first["kind"] == "generation"
    assert first["backend"] == {"name": "llamacpp", "is_local": True}
    assert first["findings"] == {"press.title-length": 1}
    assert set(first["input"]) == {"sha256", "chars"}  # store_input="hash": no text at all
    assert set(first["output"]) == {"sha256", "chars"}  # store_output=False: metadata only
    assert "보도자료" not in json.dumps(first, ensure_ascii=False)
    assert (isolated_home / "audit" / "audit.jsonl").is_file()
    result = _verify(settings)
    assert result.ok and result.count == 2 and result.head == Link(2, second["hash"])


def test_store_output_keeps_the_text_and_actor_can_be_named():
    settings = _settings(store_output=True, store_input="none")
    with acting_as("홍길동(web)"):
        rec = record(GenerationEvent(workflow="answer", backend="openai", is_local=False, input="q", output="답"),
                     settings)
    assert rec["output"]["text"] == "답" and rec["actor"] == "홍길동(web)" and rec["input"] is None
    assert record(SearchEvent(query="q", audience="staff"), settings)["actor"] != "홍길동(web)"


def _tamper_edit_field(lines):
    rec = json.loads(lines[2])
    rec["actor"] = "someone-else"
    lines[2] = json.dumps(rec, ensure_ascii=False) + "\n"
    return 3


def _tamper_edit_and_rehash(lines):
    rec = json.loads(lines[2])
    rec["workflow"] = "answer"
    rec["hash"] = record_hash(rec)  # a careful forger fixes the record's own hash …
    lines[2] = json.dumps(rec, ensure_ascii=False) + "\n"
    return 4  # … and the next record no longer links to it


def _tamper_delete(lines):
    del lines[2]
    return 3


def _tamper_delete_first(lines):
    del lines[0]
    return 1


def _tamper_swap(lines):
    lines[1], lines[2] = lines[2], lines[1]
    return 2


def _tamper_insert_forged(lines):
    prev = json.loads(lines[1])
    forged = dict(prev, seq=prev["seq"] + 1, prev_hash=prev["hash"], actor="forger")
    forged["hash"] = record_hash(forged)
    lines.insert(2, json.dumps(forged, ensure_ascii=False) + "\n")
    return 4  # the forged record links back correctly; the original seq 3 after it cannot


def _tamper_insert_copy(lines):
    lines.insert(3, lines[1])
    return 4


def _tamper_blank_line(lines):
    lines.insert(2, "\n")
    return 3


@pytest.mark.parametrize("tamper", [
    _tamper_edit_field, _tamper_edit_and_rehash, _tamper_delete, _tamper_delete_first, _tamper_swap,
    _tamper_insert_forged, _tamper_insert_copy, _tamper_blank_line,
])
def test_verify_finds_the_first_tampered_record(tamper):
    settings = _settings()
    _fill(6, settings)
    lines = _lines(settings)
    bad_line = tamper(lines)
    _write(settings, lines)
    result = _verify(settings)
    assert not result.ok
    assert result.problem.line == bad_line, result.problem
    assert result.count == bad_line - 1


@pytest.mark.parametrize("cut", [1, 2])
def test_verify_finds_a_truncated_tail(cut):
    settings = _settings()
    _fill(5, settings)
    _write(settings, _lines(settings)[:-cut])
    result = _verify(settings)
    assert not result.ok and "잘렸습니다" in result.problem.reason and result.problem.seq == 6 - cut
    with pytest.raises(AuditError):  # appending now would hide the cut: refuse
        _fill(1, settings)


def test_verify_finds_a_half_written_last_line():
    settings = _settings()
    _fill(3, settings)
    path = audit_dir(settings) / "audit.jsonl"
    path.write_bytes(path.read_bytes()[:-25])
    result = _verify(settings)
    assert not result.ok and result.problem.line == 3 and "불완전" in result.problem.reason
    with pytest.raises(AuditError):
        _fill(1, settings)


def test_verify_finds_an_emptied_log():
    settings = _settings()
    _fill(3, settings)
    _write(settings, [])
    assert not _verify(settings).ok
    (audit_dir(settings) / "audit.jsonl").unlink()
    assert not _verify(settings).ok


@pytest.mark.parametrize("edit", ["hash", "seq-up", "seq-down", "garbage", "delete"])
def test_verify_finds_an_edited_anchor(edit):
    settings = _settings()
    records = _fill(4, settings)
    anchor = audit_dir(settings) / "head.json"
    if edit == "delete":
        anchor.unlink()
    elif edit == "garbage":
        anchor.write_text("{not json", encoding="utf-8")
    else:
        data = json.loads(anchor.read_text())
        if edit == "hash":
            data["hash"] = "f" * 64
        else:
            data["seq"] += 1 if edit == "seq-up" else -2
        anchor.write_text(json.dumps(data), encoding="utf-8")
    result = _verify(settings)
    assert not result.ok, edit
    assert records  # the records themselves are intact; only the anchor disagrees
    with pytest.raises(AuditError):
        _fill(1, settings)


def test_an_anchor_one_record_behind_is_a_crash_not_tampering_and_is_repaired():
    settings = _settings()
    records = _fill(3, settings)
    anchor = audit_dir(settings) / "head.json"
    anchor.write_text(json.dumps({"seq": 2, "hash": records[1]["hash"]}), encoding="utf-8")
    result = _verify(settings)
    assert result.ok and result.notes
    _fill(1, settings)
    assert json.loads(anchor.read_text())["seq"] == 4
    result = _verify(settings)
    assert result.ok and not result.notes and result.count == 4


def test_a_noted_head_catches_a_consistent_rewrite():
    """Cutting the tail *and* rewriting the anchor is invisible to the chain alone; a head noted
    earlier (``verify --expect SEQ:HASH``) still shows it."""
    settings = _settings()
    records = _fill(5, settings)
    noted = Link(5, records[-1]["hash"])
    assert _verify(settings, noted).ok
    _write(settings, _lines(settings)[:3])
    (audit_dir(settings) / "head.json").write_text(json.dumps({"seq": 3, "hash": records[2]["hash"]}))
    assert _verify(settings).ok
    result = _verify(settings, noted)
    assert not result.ok and "seq 5" in result.problem.reason
    assert not _verify(settings, Link(2, "0" * 64)).ok


_WRITER = textwrap.dedent("""
    import sys
    from mokmin.guard.audit import GenerationEvent, acting_as, record
    from mokmin.settings import load_settings
    settings = load_settings(audit={"store_input": "hash"})
    with acting_as(sys.argv[1]):
        for i in range(int(sys.argv[2])):
            record(GenerationEvent(workflow="answer", backend="llamacpp", is_local=True,
                                   input=f"{sys.argv[1]} {i}", output=str(i)), settings)
""")


def test_two_processes_appending_at_once_keep_one_valid_chain(isolated_home):
    n = 150
    procs = [subprocess.Popen([sys.executable, "-c", _WRITER, actor, str(n)], stderr=subprocess.PIPE)
             for actor in ("proc-a", "proc-b")]
    for p in procs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err.decode()
    settings = _settings()
    result = _verify(settings)
    assert result.ok, result.problem
    assert result.count == 2 * n
    actors = [r["actor"] for r in open_log(settings).records()]
    assert actors.count("proc-a") == actors.count("proc-b") == n
    switches = sum(1 for a, b in zip(actors, actors[1:]) if a != b)
    assert switches >= 1  # the two writers really did run at the same time (interleaved records)


def test_threads_appending_at_once_keep_one_valid_chain():
    from concurrent.futures import ThreadPoolExecutor

    settings = _settings(fsync=False)
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda i: _fill(10, settings), range(4)))
    result = _verify(settings)
    assert result.ok and result.count == 40


# --- the CLI ---------------------------------------------------------------------------------------------


def _home_settings(isolated_home, monkeypatch):
    monkeypatch.setenv("MOKMIN_AUDIT__STORE_INPUT", "hash")
    return load_settings()


def test_cli_verify_ok_then_points_at_the_first_bad_record(isolated_home, monkeypatch):
    settings = _home_settings(isolated_home, monkeypatch)
    records = _fill(4, settings)
    ok = runner.invoke(app, ["audit", "verify"])
    assert ok.exit_code == 0 and "정상" in ok.stdout and records[-1]["hash"] in ok.stdout
    as_json = json.loads(runner.invoke(app, ["audit", "verify", "--format", "json"]).stdout)
    assert as_json["ok"] and as_json["count"] == 4 and as_json["head"]["seq"] == 4
    expect = runner.invoke(app, ["audit", "verify", "--expect", f"4:{records[-1]['hash']}"])
    assert expect.exit_code == 0

    lines = _lines(settings)
    _tamper_edit_field(lines)
    _write(settings, lines)
    bad = runner.invoke(app, ["audit", "verify"])
    assert bad.exit_code == 1
    assert "이상" in bad.stdout and "3번째 줄" in bad.stdout and "someone-else" in bad.stdout
    assert isinstance(runner.invoke(app, ["audit", "verify", "--expect", "x"]).exception, InputError)


def test_cli_export_jsonl_and_csv_with_a_time_window(isolated_home, monkeypatch, tmp_path):
    import csv

    settings = _home_settings(isolated_home, monkeypatch)
    _fill(3, settings)
    lines = _lines(settings)
    # move the first record into the past and re-chain (a legitimate log from yesterday)
    from datetime import datetime, timedelta, timezone

    recs = [json.loads(line) for line in lines]
    recs[0]["time"] = (datetime.now(timezone.utc) - timedelta(days=2)).isoformat(timespec="milliseconds")
    prev = GENESIS
    for r in recs:
        r["prev_hash"] = prev
        r["hash"] = prev = record_hash(r)
    _write(settings, [json.dumps(r, ensure_ascii=False) + "\n" for r in recs])
    (audit_dir(settings) / "head.json").write_text(json.dumps({"seq": 3, "hash": prev}))

    today = datetime.now().astimezone().date().isoformat()
    out = tmp_path / "out" / "audit.jsonl"
    done = runner.invoke(app, ["audit", "export", "-o", str(out), "--since", today])
    assert done.exit_code == 0, done.output
    exported = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["seq"] for r in exported] == [2, 3]
    assert all(record_hash(r) == r["hash"] for r in exported)  # exported records still prove themselves

    out_csv = tmp_path / "audit.csv"
    yesterday = (datetime.now().astimezone().date() - timedelta(days=1)).isoformat()
    done = runner.invoke(app, ["audit", "export", "-o", str(out_csv), "--until", yesterday])
    assert done.exit_code == 0, done.output
    raw = out_csv.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM for Excel
    rows = list(csv.DictReader(out_csv.open(encoding="utf-8-sig")))
    assert [r["seq"] for r in rows] == ["1"] and rows[0]["workflow"] == "press_release"
    assert json.loads(rows[0]["findings"]) == {"press.title-length": 1}

    bad_date = runner.invoke(app, ["audit", "export", "-o", str(out), "--since", "어제"])
    assert isinstance(bad_date.exception, InputError)

    listed = runner.invoke(app, ["audit", "list", "--format", "json", "--limit", "2"])
    assert [r["seq"] for r in json.loads(listed.stdout)] == [2, 3]
    table = runner.invoke(app, ["audit", "list"], env={"COLUMNS": "200"})
    assert table.exit_code == 0 and "press_release" in table.stdout

    lines = _lines(settings)
    del lines[1]
    _write(settings, lines)
    broken = runner.invoke(app, ["audit", "export", "-o", str(out)])
    assert broken.exit_code == 1 and "검증 실패" in broken.output


def test_cli_csv_export_defuses_spreadsheet_formulas(isolated_home, monkeypatch, tmp_path):
    import csv

    settings = _home_settings(isolated_home, monkeypatch)
    with acting_as("=HYPERLINK(\"http://x\")"):
        record(SearchEvent(query="=1+1", audience="staff"), settings)
    out = tmp_path / "a.csv"
    assert runner.invoke(app, ["audit", "export", "-o", str(out)]).exit_code == 0
    (row,) = csv.DictReader(out.open(encoding="utf-8-sig"))
    assert row["actor"] == "'=HYPERLINK(\"http://x\")" and row["kind"] == "search"


# --- every generation, search and export is recorded; every generated document is disclosed ----------


RENT_DOC = ("2024년 청년 월세 지원 안내\n\n청년 월세 지원 사업은 만 19세부터 34세까지의 무주택 청년을 대상으로 한다. "
            "지원 금액은 월 최대 20만 원이며 최장 12개월 동안 지원한다. 신청은 주소지 행정복지센터에서 받는다.\n")
RENT_ANSWER = "청년 월세 지원 사업은 만 19세부터 34세까지의 무주택 청년을 대상으로 한다 [1]."


@pytest.fixture
def external_model(monkeypatch):
    """A non-local OpenAI-compatible server (so the egress guard is on) that always answers ``reply``."""
    from fakes import ScriptedServer, sse

    from mokmin.llm.registry import clear_backend_cache

    answers: list[str] = []
    server = ScriptedServer(respond=lambda recorded: sse([answers[0][i : i + 5] for i in range(0, len(answers[0]), 5)]))
    with server:
        monkeypatch.setenv("MOKMIN_BACKEND", "openai")
        monkeypatch.setenv("MOKMIN_OPENAI__BASE_URL", server.url)
        monkeypatch.setenv("MOKMIN_OPENAI__MAX_RETRIES", "0")
        server.answers = answers
        yield server
    clear_backend_cache()


def _all_records():
    return list(open_log(load_settings()).records())


def _sha(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


def test_press_release_generation_and_docx_export_are_recorded_and_disclosed(external_model, tmp_path):
    import zipfile

    from docx import Document

    from mokmin.profile import load_profile

    disclosure = load_profile().ai_disclosure
    external_model.answers.append("시는 이날 회의에서 챗GPT 행정 활용 방안을 논의했다.")
    target = tmp_path / "보도자료.docx"
    done = runner.invoke(app, ["draft", "press-release", "--example", "seed", "--docx", str(target),
                               "--format", "json", "--no-model-extract"])
    assert done.exit_code == 0, done.output
    data = json.loads(done.stdout)
    assert disclosure in data["text"] and disclosure in data["markdown"]

    docx = Document(str(target))
    assert any(p.text == disclosure for p in docx.paragraphs)
    assert docx.core_properties.comments == disclosure
    custom = zipfile.ZipFile(target).read("docProps/custom.xml").decode("utf-8")
    assert disclosure in custom and "AIGenerated" in custom

    records = _all_records()
    assert [r["kind"] for r in records] == ["egress", "generation", "export"]
    egress, generation, export = records
    assert egress["workflow"] == "press_release" and egress["details"]["policy"] == "mask"
    assert generation["workflow"] == "press_release"
    assert generation["backend"] == {"name": "openai", "is_local": False}
    assert generation["output"] == {"sha256": _sha(data["text"].encode()), "chars": len(data["text"])}
    assert generation["input"]["masked"].startswith("3월 27일(월) 당진시청")
    assert generation["details"]["prompt_id"] == data["prompt_id"]
    assert export["workflow"] == "export.docx" and export["output"]["sha256"] == _sha(target.read_bytes())
    assert export["details"]["disclosure"] == disclosure and export["details"]["path"] == str(target.resolve())
    assert open_log(load_settings()).verify().ok


def test_ask_and_search_are_recorded_with_sources_and_personal_data_masked(external_model, tmp_path):
    from mokmin.profile import load_profile

    disclosure = load_profile().ai_answer_disclosure  # nobody has reviewed an answer or a summary yet
    doc = tmp_path / "rent.txt"
    doc.write_text(RENT_DOC, encoding="utf-8")
    added = runner.invoke(app, ["kb", "add", str(doc), "--no-embed", "--no-progress", "--audience", "public"])
    assert added.exit_code == 0, added.output

    external_model.answers.append(RENT_ANSWER)
    question = "민원인 김민수 씨(010-2345-6789)가 묻습니다: 청년 월세 지원 대상은 누구인가요?"
    asked = runner.invoke(app, ["ask", question, "--format", "json"])
    assert asked.exit_code == 0, asked.output
    data = json.loads(asked.stdout)
    assert not data["refused"] and data["disclosure"] == disclosure
    text = runner.invoke(app, ["ask", question], env={"COLUMNS": "300"})
    assert text.exit_code == 0 and disclosure in text.stdout

    wire = b"".join(r.raw for r in external_model.requests)
    assert "김민수".encode() not in wire and b"010-2345-6789" not in wire  # the egress guard masked them

    searched = runner.invoke(app, ["kb", "search", "청년 월세", "--format", "json"])
    assert searched.exit_code == 0
    hits = json.loads(searched.stdout)["results"]

    records = _all_records()
    assert [r["kind"] for r in records] == ["egress", "generation"] * 2 + ["search"]
    answer = records[1]
    assert answer["workflow"] == "answer" and answer["sources"][0]["doc_id"] == hits[0]["doc_id"]
    assert answer["details"]["refused"] is False
    assert answer["output"]["sha256"] == _sha(data["answer"].encode())
    logged = (audit_dir(load_settings()) / "audit.jsonl").read_text(encoding="utf-8")
    assert "김민수" not in logged and "010-2345-6789" not in logged and "[이름1]" in answer["input"]["masked"]
    search = records[-1]
    assert search["workflow"] == "kb.search" and search["input"]["masked"] == "청년 월세"
    assert [s["doc_id"] for s in search["sources"]] == [h["doc_id"] for h in hits]
    assert search["details"] == {"audience": "staff", "mode": "hybrid", "results": len(hits)}


def test_summaries_carry_the_profile_disclosure_and_are_recorded(external_model, tmp_path):
    from mokmin.profile import load_profile

    disclosure = load_profile().ai_answer_disclosure  # nobody has reviewed an answer or a summary yet
    doc = tmp_path / "rent.txt"
    doc.write_text(RENT_DOC, encoding="utf-8")
    external_model.answers.append("만 19세부터 34세까지의 무주택 청년에게 월 최대 20만 원을 지원한다.")
    done = runner.invoke(app, ["summarize", str(doc), "--format", "json"])
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout)["disclosure"] == disclosure
    text = runner.invoke(app, ["summarize", str(doc)], env={"COLUMNS": "300"})
    assert text.stdout.rstrip().endswith(disclosure)
    generation = [r for r in _all_records() if r["kind"] == "generation"]
    assert [g["workflow"] for g in generation] == ["summarize", "summarize"]
    (source,) = generation[0]["sources"]
    assert source["path"] == str(doc) and source["title"]
    assert generation[0]["output"]["chars"] > 0


def test_a_workflow_whose_audit_cannot_be_written_returns_nothing(tmp_path, monkeypatch):
    """Fail closed: a generation that cannot be audited is not handed out."""
    from mokmin.knowledge.readers import read_document
    from mokmin.workflows.summarize import summarize_document

    doc = tmp_path / "rent.txt"
    doc.write_text(RENT_DOC, encoding="utf-8")
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    monkeypatch.setenv("MOKMIN_AUDIT__DIR", str(blocker))  # a file where the audit folder should be

    class Echo:
        name, is_local, context_length = "echo", True, 4096

        def stream(self, messages, options):
            yield "요약"

    with pytest.raises(AuditError) as err:
        summarize_document(read_document(doc), Echo())
    assert "감사 로그" in err.value.message
