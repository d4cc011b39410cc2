"""The egress guard, over real sockets: what reaches a non-local OpenAI-compatible server.

The "external service" is :class:`fakes.ScriptedServer` on 127.0.0.1 in respond mode: it records every
byte it receives and streams the user message straight back in small pieces, so the answer the caller
gets shows whether every placeholder — even one cut across stream pieces — was restored.
"""

from __future__ import annotations

import json
import re
import unicodedata

import pytest
from fakes import Recorded, ScriptedServer, sse
from pii_corpus import TYPES, generate_records

from mokmin.errors import BackendError
from mokmin.guard.audit import audit_dir, open_log
from mokmin.guard.egress import EgressGuard, MaskedTexts, StreamUnmasker
from mokmin.llm.base import GenerationOptions, Message, complete
from mokmin.llm.openai import OpenAIBackend
from mokmin.llm.registry import clear_backend_cache, get_backend
from mokmin.settings import load_settings

OPTIONS = GenerationOptions(max_tokens=16)
PIECE_SIZES = (1, 2, 3, 5, 7, 4, 11, 6)


def echo(recorded: Recorded):
    """Stream the last message back, cut into pieces of varying size (placeholders get split)."""
    text = recorded.body["messages"][-1]["content"]
    pieces, pos, i = [], 0, 0
    while pos < len(text):
        size = PIECE_SIZES[i % len(PIECE_SIZES)]
        pieces.append(text[pos : pos + size])
        pos, i = pos + size, i + 1
    return sse(pieces)


@pytest.fixture
def echo_server():
    with ScriptedServer(respond=echo) as server:
        yield server
    clear_backend_cache()


def _backend(server, **settings):
    openai = {"base_url": server.url, "model": "external", "max_retries": 0, **settings.pop("openai", {})}
    return get_backend(load_settings(backend="openai", openai=openai, **settings))


def _audit_records():
    return list(open_log(load_settings()).records())


# --- streaming restoration -------------------------------------------------------------------------------


MAPPING = {"[이름1]": "김민수", "[전화1]": "010-1234-5678", "[이름12]": "박서연", "[주민번호1]": "900101-1234568"}
MASKED = "[이름1] 씨([전화1])와 [이름12] 씨. 주민번호 [주민번호1], 인용 [1], 배열 a[2] 끝["
RESTORED = "김민수 씨(010-1234-5678)와 박서연 씨. 주민번호 900101-1234568, 인용 [1], 배열 a[2] 끝["


@pytest.mark.parametrize("size", range(1, 12))
def test_placeholders_cut_across_stream_pieces_are_restored(size):
    unmasker = StreamUnmasker(MAPPING)
    pieces = [MASKED[i : i + size] for i in range(0, len(MASKED), size)]
    out = [unmasker.feed(p) for p in pieces] + [unmasker.flush()]
    assert "".join(out) == RESTORED
    assert not any("[이름" in o or "[전화" in o for o in out)  # never a half placeholder shown


def test_every_single_cut_point_restores_the_same_text():
    for cut in range(len(MASKED) + 1):
        unmasker = StreamUnmasker(MAPPING)
        assert unmasker.feed(MASKED[:cut]) + unmasker.feed(MASKED[cut:]) + unmasker.flush() == RESTORED


def test_tolerant_placeholder_forms_and_unknown_ones():
    unmasker = StreamUnmasker(MAPPING)
    text = "[ 이름 1 ]과 ［전화1］, 모르는 [이름7], 긴 괄호 [" + "가" * 40 + "]"
    out = "".join(unmasker.feed(text[i : i + 3]) for i in range(0, len(text), 3)) + unmasker.flush()
    assert out == "김민수과 010-1234-5678, 모르는 [이름7], 긴 괄호 [" + "가" * 40 + "]"


def test_masking_numbers_placeholders_once_across_messages():
    texts = ["민원인 김민수 씨의 연락처는 010-2345-6789입니다.",
             "담당자 박서연 주무관이 김민수 씨에게 전화했다.",
             "양식 예시: [이름1] 님, 신청인 이서준 씨."]
    masked = MaskedTexts(texts)
    assert "김민수" not in "".join(masked.texts) and "010-2345-6789" not in "".join(masked.texts)
    by_value = {v: k for k, v in masked.mapping.items()}
    kim = by_value["김민수"]
    assert kim in masked.texts[0] and kim in masked.texts[1]  # one value, one placeholder everywhere
    assert len({by_value["김민수"], by_value["박서연"], by_value["이서준"]}) == 3
    assert "[이름1]" not in masked.mapping  # the literal [이름1] in the third text is never reused
    assert masked.texts[2].startswith("양식 예시: [이름1] 님")
    assert masked.counts["이름"] == 3 and masked.counts["전화"] == 1


# --- the registry and the three policies -----------------------------------------------------------------


def test_the_registry_wraps_every_non_local_backend(echo_server):
    guarded = _backend(echo_server)
    assert isinstance(guarded, EgressGuard) and guarded.policy == "mask" and not guarded.is_local
    assert isinstance(guarded.inner, OpenAIBackend) and guarded.name == "openai"
    assert guarded.base_url == echo_server.url  # other attributes pass through
    local = _backend(echo_server, openai={"is_local": True})
    assert isinstance(local, OpenAIBackend)
    assert _backend(echo_server, egress="allow", openai={"egress": "block"}).policy == "block"
    assert _backend(echo_server, egress="block").policy == "block"


def test_block_sends_nothing_and_says_so_in_korean(echo_server):
    backend = _backend(echo_server, egress="block")
    with pytest.raises(BackendError) as err:
        complete(backend, [Message(role="user", content="김민수 씨 010-2345-6789")], OPTIONS)
    assert "차단" in err.value.message and "llamacpp" in err.value.hint
    assert echo_server.requests == []
    (rec,) = _audit_records()
    assert rec["kind"] == "egress" and rec["details"]["policy"] == "block" and rec["details"]["blocked"]
    assert "010-2345-6789" not in json.dumps(rec, ensure_ascii=False)


def test_allow_sends_as_is_and_is_audited(echo_server):
    backend = _backend(echo_server, egress="allow")
    text = "김민수 씨 010-2345-6789"
    assert complete(backend, [Message(role="user", content=text)], OPTIONS) == text
    assert text.encode() in echo_server.requests[0].raw
    (rec,) = _audit_records()
    assert rec["details"]["policy"] == "allow" and not rec["details"]["blocked"]
    assert rec["backend"] == {"name": "openai", "is_local": False}
    assert "010-2345-6789" not in json.dumps(rec, ensure_ascii=False)  # the record keeps it masked


def test_local_backends_are_not_guarded_or_audited(echo_server):
    backend = _backend(echo_server, openai={"is_local": True})
    assert complete(backend, [Message(role="user", content="김민수 씨")], OPTIONS) == "김민수 씨"
    assert _audit_records() == []


def test_stop_strings_are_masked_too(echo_server):
    backend = _backend(echo_server)
    complete(backend, [Message(role="user", content="안녕하세요")], GenerationOptions(stop=["김민수 씨:"]))
    sent = echo_server.requests[0].body
    assert sent["stop"] and "김민수" not in json.dumps(sent, ensure_ascii=False)


# --- thousands of records with planted personal data -----------------------------------------------------


def _forms(value: str) -> set[str]:
    """The planted value and the normalised forms a leak could take."""
    nfkc = unicodedata.normalize("NFKC", value)
    forms = {value, nfkc, re.sub(r"\s+", "", nfkc), re.sub(r"\s+", " ", nfkc)}
    digits = re.sub(r"\D", "", nfkc)
    if len(digits) >= 7:
        forms.add(digits)
    return {f for f in forms if len(f) >= 2}


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def _leaks(records, received: list[Recorded]) -> list[tuple[str, str, str]]:
    """(type, value, form) of every planted value found in what the server received."""
    wire = [r.raw.decode("utf-8", "replace") for r in received]
    wire += ["\n".join(_strings(r.body)) for r in received]  # JSON-unescaped (line breaks, \\u escapes)
    hay = "\n\x00\n".join(wire)
    background = "\n".join(_without_planted(r) for r in records)  # text that is not personal data
    found = []
    for rec in records:
        for kind, value in rec.planted:
            for form in _forms(value):
                if form in hay and form not in background:
                    found.append((kind, value, form))
                    break
    return found


def _without_planted(rec) -> str:
    text = rec.text
    for start, end in sorted(rec.spans, reverse=True):
        text = text[:start] + "\x00" + text[end:]
    return text


N_RECORDS = 2000
PER_REQUEST = 100


def test_no_planted_personal_data_reaches_an_external_server_and_answers_are_restored(echo_server):
    records = generate_records(N_RECORDS, seed=20260801)
    assert {kind for rec in records for kind, _ in rec.planted} == set(TYPES)
    backend = _backend(echo_server)
    system = Message(role="system", content="다음 민원 기록을 한 글자도 바꾸지 말고 그대로 옮겨 적으세요.")
    for i in range(0, N_RECORDS, PER_REQUEST):
        batch = "\n\n".join(rec.text for rec in records[i : i + PER_REQUEST])
        answer = complete(backend, [system, Message(role="user", content=batch)], OPTIONS)
        assert answer == batch  # every placeholder came back as the original, byte for byte
    assert len(echo_server.requests) == N_RECORDS // PER_REQUEST

    leaks = _leaks(records, echo_server.requests)
    planted = sum(len(rec.planted) for rec in records)
    assert not leaks, f"{len(leaks)} of {planted} planted values left the machine, e.g. {leaks[:10]}"

    audit = _audit_records()
    assert len(audit) == N_RECORDS // PER_REQUEST and {r["details"]["policy"] for r in audit} == {"mask"}
    assert all(r["details"]["masked"]["이름"] > 0 for r in audit)
    sent_hashes = {r["details"]["sent_sha256"] for r in audit}
    assert len(sent_hashes) == len(audit)
    log_text = (audit_dir(load_settings()) / "audit.jsonl").read_text(encoding="utf-8")
    assert not [v for rec in records[:PER_REQUEST] for _, v in rec.planted if v in log_text]
    assert open_log(load_settings()).verify().ok


def test_the_leak_check_can_fail(echo_server):
    """Control: with ``allow`` the same check finds the planted values (so the test above means something)."""
    records = generate_records(60, seed=20260801)
    backend = _backend(echo_server, egress="allow", audit={"store_input": "hash"})
    batch = "\n\n".join(rec.text for rec in records)
    assert complete(backend, [Message(role="user", content=batch)], OPTIONS) == batch
    leaks = _leaks(records, echo_server.requests)
    assert len(leaks) == sum(len(rec.planted) for rec in records)
