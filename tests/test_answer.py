"""Grounded answers: citation checks, honest refusals, and the real model answering from a passage."""

from __future__ import annotations

import pytest

from mokmin.checks.citations import check_answer
from mokmin.checks.finding import Severity
from mokmin.errors import InputError
from mokmin.knowledge.types import Passage
from mokmin.profile import Department, load_profile
from mokmin.workflows.answer import NOT_FOUND, answer_question, best_coverage, coverage, focus, question_terms

RENT = Passage(
    doc_id=1, chunk_id=11, title="2024년 청년 월세 지원 안내", source_path="/docs/rent.pdf", page=2, start=0, end=0,
    text=("청년 월세 지원 사업은 만 19세부터 34세까지의 무주택 청년을 대상으로 한다. "
          "지원 금액은 월 최대 20만 원이며 최장 12개월 동안 지원한다. "
          "신청은 주소지 행정복지센터에서 받는다."),
    score=1.0, audience="public", heading="2. 지원 내용",
)
LIBRARY = Passage(
    doc_id=2, chunk_id=21, title="도서관 이용 안내", source_path="/docs/library.hwpx", page=None, start=0, end=0,
    text="시립도서관 자료실은 평일 09:00부터 22:00까지, 주말에는 18:00까지 운영한다.",
    score=0.5, audience="public",
)


def search_over(passages):
    def search(query, k, audience):
        terms = question_terms(query)
        ranked = sorted(passages, key=lambda p: -coverage(terms, [p]))
        return [p for p in ranked if audience == "staff" or p.audience == "public"][:k]

    return search


def test_citation_checks():
    good = check_answer("청년 월세는 월 최대 20만 원까지 지원한다 [1].", [RENT])
    assert [f for f in good if f.severity is Severity.ERROR] == []
    wrong_number = check_answer("청년 월세는 월 최대 30만 원까지 지원한다 [1].", [RENT])
    assert any(f.rule_id == "answer.unsupported" and "30" in f.message for f in wrong_number)
    bad_ref = check_answer("청년 월세는 월 최대 20만 원이다 [3].", [RENT])
    assert [f.rule_id for f in bad_ref] == ["answer.bad-citation"]
    uncited = check_answer("청년 월세는 월 최대 20만 원이다.", [RENT])
    assert [f.rule_id for f in uncited] == ["answer.uncited"]
    wrong_doc = check_answer("자료실은 평일 22:00까지 운영한다 [1].", [RENT, LIBRARY])
    assert any(f.rule_id == "answer.unsupported" for f in wrong_doc)


def test_focus_keeps_the_relevant_sentences():
    long = Passage(**{**RENT.__dict__, "text": RENT.text + " " + "기타 안내 사항이다. " * 60})
    kept = focus(long, question_terms("월세 지원 금액은 얼마인가"), limit=120)
    assert "월 최대 20만 원" in kept and len(kept) <= 200


def test_refuses_when_documents_do_not_answer(llama_backend):
    profile = load_profile().model_copy(
        update={"departments": [Department(name="체육진흥과", duties="공공 체육시설, 수영장 운영", phone="041-000-0001")]}
    )
    answer = answer_question("시민 수영장 운영 시간이 어떻게 되나요?", search_over([RENT, LIBRARY]), llama_backend, profile)
    assert answer.refused and answer.text == NOT_FOUND
    assert answer.department and answer.department.name == "체육진흥과"
    assert answer.closest  # the closest documents are still shown


def test_public_audience_never_sees_staff_passages(llama_backend):
    secret = Passage(**{**RENT.__dict__, "doc_id": 9, "chunk_id": 99, "audience": "staff",
                        "title": "내부 검토", "text": "수영장 운영 시간 변경안은 내부 검토 중이다."})
    answer = answer_question("수영장 운영 시간 변경안", search_over([secret, RENT]), llama_backend, load_profile(),
                             audience="public")
    assert answer.refused
    assert all(p.audience == "public" for p in answer.closest)


@pytest.mark.model
def test_real_model_answers_with_a_checked_citation(llama_backend):
    answer = answer_question("청년 월세 지원 금액은 한 달에 최대 얼마인가요?", search_over([RENT, LIBRARY]),
                             llama_backend, load_profile())
    assert not answer.refused
    assert "20만" in answer.text
    assert answer.cited() == [1]
    assert not [f for f in answer.findings if f.severity is Severity.ERROR], answer.findings


@pytest.mark.parametrize("question", ["", "   ", "가" * 1001])
def test_bad_questions(question, llama_backend):
    with pytest.raises(InputError):
        answer_question(question, search_over([RENT]), llama_backend, load_profile())


def test_uncited_sentences_get_a_verified_citation_only_when_supported():
    from mokmin.checks.citations import attribute_citations

    text, added = attribute_citations("지원 금액은 월 최대 20만 원입니다. 신청은 온라인으로만 받습니다.", [LIBRARY, RENT])
    assert text.startswith("지원 금액은 월 최대 20만 원입니다 [2].")
    assert "온라인으로만 받습니다." in text and added == 1  # "온라인" is in no passage: left uncited


def test_a_wrong_citation_number_is_corrected_when_another_passage_supports_the_sentence():
    from mokmin.checks.citations import repair_citations

    text, notes = repair_citations("자료실은 평일 22:00까지 운영한다 [1].", [RENT, LIBRARY])
    assert text == "자료실은 평일 22:00까지 운영한다 [2]."
    assert [n.rule_id for n in notes] == ["answer.citation-corrected"]
    assert check_answer(text, [RENT, LIBRARY]) == []
    untouched, none = repair_citations("자료실은 연중무휴로 운영한다 [1].", [RENT, LIBRARY])
    assert none == [] and untouched.endswith("[1].")


def test_a_citation_number_that_does_not_exist_is_corrected_even_with_one_passage():
    from mokmin.checks.citations import repair_citations

    text, notes = repair_citations("지원 금액은 월 최대 20만 원입니다 [2].", [RENT])
    assert text == "지원 금액은 월 최대 20만 원입니다 [1]." and "없는 자료 번호" in notes[0].message
    assert check_answer(text, [RENT]) == []
    kept, none = repair_citations("지원 금액은 월 최대 50만 원입니다 [2].", [RENT])  # nothing supports it
    assert none == [] and kept.endswith("[2].")


def test_an_invented_uncited_answer_is_an_error_and_is_withheld():
    from fakes import ScriptedServer, sse

    from mokmin.llm.openai import OpenAIBackend

    invented = "청년 월세 지원 신청은 2023년 10월 15일에 마감됩니다."
    assert any(f.rule_id == "answer.unsupported" and f.severity is Severity.ERROR
               for f in check_answer(invented, [RENT, LIBRARY]))
    with ScriptedServer([sse([invented])]) as server:
        backend = OpenAIBackend(base_url=server.url, model="scripted", max_retries=0, is_local=True)
        answer = answer_question("청년 월세 지원 신청 마감일은 언제인가요?", search_over([RENT, LIBRARY]), backend,
                                 load_profile())
    assert answer.refused and answer.text == NOT_FOUND
    assert [f.rule_id for f in answer.findings] == ["answer.withheld"]
    assert answer.closest


def test_the_gate_needs_one_passage_that_covers_the_question(llama_backend):
    # "월세" is only in one passage and "22:00 운영" only in another: together they cover the question,
    # but no single passage speaks of it, so the model is never asked.
    question = "청년 월세 상담 창구는 평일 몇 시까지 운영하나요?"
    terms = question_terms(question)
    assert coverage(terms, [RENT, LIBRARY]) >= 0.5
    assert best_coverage(terms, [RENT, LIBRARY]) < 0.5
    answer = answer_question(question, search_over([RENT, LIBRARY]), llama_backend, load_profile())
    assert answer.refused and "generate_s" not in answer.timings


def test_an_answer_of_citation_marks_only_is_a_refusal():
    from fakes import ScriptedServer, sse

    from mokmin.llm.openai import OpenAIBackend

    with ScriptedServer([sse(["[1]"])]) as server:
        backend = OpenAIBackend(base_url=server.url, model="scripted", max_retries=0, is_local=True)
        answer = answer_question("청년 월세 지원 금액은 한 달에 최대 얼마인가요?", search_over([RENT, LIBRARY]), backend,
                                 load_profile())
    assert answer.refused and answer.text == NOT_FOUND and answer.closest


def test_a_discriminatory_expression_in_the_answer_is_flagged():
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parent))
    from fakes import ObedientBackend

    care = Passage(
        doc_id=3, chunk_id=31, title="돌봄 지원 안내", source_path="/docs/care.hwpx", page=1, start=0, end=0,
        text="결손가정 아동에게는 방과 후 돌봄 서비스를 우선 제공한다. 신청은 행정복지센터에서 받는다.",
        score=1.0, audience="public",
    )
    plain = Passage(
        doc_id=4, chunk_id=41, title="돌봄 지원 안내", source_path="/docs/care2.hwpx", page=1, start=0, end=0,
        text="한부모가족 아동에게는 방과 후 돌봄 서비스를 우선 제공한다. 신청은 행정복지센터에서 받는다.",
        score=1.0, audience="public",
    )
    question = "방과 후 돌봄 서비스는 누구에게 우선 제공하나요?"
    flagged = answer_question(question, search_over([care]), ObedientBackend(), load_profile(), audience="public")
    clean = answer_question(question, search_over([plain]), ObedientBackend(), load_profile(), audience="public")
    assert not flagged.refused and not clean.refused
    terms = [f for f in flagged.findings if f.rule_id == "discrimination.term"]
    assert terms and flagged.text[terms[0].start:terms[0].end] == "결손가정"
    assert not [f for f in clean.findings if f.source in ("discrimination", "bias")]
