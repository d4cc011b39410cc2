"""A cited fact must come from the part of a passage that speaks of the question, not just from the passage."""

from __future__ import annotations

from fakes import ScriptedServer, sse

from mokmin.checks.anchoring import QuestionAnchor
from mokmin.checks.citations import attribute_citations, check_answer, repair_citations
from mokmin.knowledge.types import Passage
from mokmin.llm.openai import OpenAIBackend
from mokmin.profile import load_profile
from mokmin.workflows.answer import NOT_FOUND, answer_question, question_terms, without_distractors

QUESTION = "소토마요르가 시드니 올림픽 높이뛰기에서 은메달을 땄을 때의 기록은?"
GOLD = Passage(
    doc_id=1, chunk_id=1, title="하비에르 소토마요르", source_path="/docs/soto.md", page=None, start=0, end=0,
    text=("소토마요르는 쿠바의 높이뛰기 선수이다. 2000년 시드니 올림픽 높이뛰기에서 2.32m의 기록으로 은메달을 땄다. "
          "그는 은퇴 후 코치로 일했다."),
    score=1.0, audience="public",
)
OTHER = Passage(
    doc_id=2, chunk_id=2, title="하비에르 소토마요르", source_path="/docs/soto2.md", page=None, start=0, end=0,
    text=("소토마요르는 1993년 높이뛰기 세계 기록을 세웠고 시드니 올림픽에도 나갔다. 그해 겨울에는 실내 대회에 "
          "여러 번 나갔다. 같은 대회의 다른 종목에서는 2.39m가 나왔다."),
    score=0.9, audience="public",
)
UNRELATED = Passage(
    doc_id=3, chunk_id=3, title="쿠바의 음식", source_path="/docs/food.md", page=None, start=0, end=0,
    text="쿠바의 음식은 쌀과 콩을 많이 쓴다. 아바나에는 식당이 많다.",
    score=0.5, audience="public",
)


def ask(reply: str, passages: list[Passage]):
    with ScriptedServer([sse([reply])]) as server:
        backend = OpenAIBackend(base_url=server.url, model="scripted", max_retries=0, is_local=True)
        answer = answer_question(QUESTION, lambda q, k, a: passages[:k], backend, load_profile(), audience="public")
        return answer, server.requests[0].body["messages"][-1]["content"]


def test_a_number_from_the_part_about_the_question_is_anchored_and_one_from_elsewhere_is_not():
    anchor = QuestionAnchor.build(QUESTION, [GOLD, OTHER])
    assert anchor.claim_terms("2.32m") == (["#2.32"], [])
    assert anchor.anchored("2.32m", [1])
    assert not anchor.anchored("2.39m", [2])  # in [2], but in a sentence about another event
    assert check_answer("기록은 2.32m입니다 [1].", [GOLD, OTHER], QUESTION) == []
    off = check_answer("기록은 2.39m입니다 [2].", [GOLD, OTHER], QUESTION)
    assert [f.rule_id for f in off] == ["answer.off-question"]
    assert check_answer("기록은 2.39m입니다 [2].", [GOLD, OTHER]) == []  # without the question: only presence


def test_a_short_answer_is_attributed_to_the_passage_that_anchors_it():
    text, added = attribute_citations("2.32m", [OTHER, GOLD], QUESTION)
    assert (text, added) == ("2.32m [2]", 1)
    wrong, none = attribute_citations("2.39m", [OTHER, GOLD], QUESTION)
    assert (wrong, none) == ("2.39m", 0)
    plain, _ = attribute_citations("2.32m", [OTHER, GOLD])  # the old rule: a number is enough
    assert plain == "2.32m [2]"


def test_a_citation_to_the_wrong_part_is_moved_to_the_passage_that_anchors_the_sentence():
    twin = Passage(**{**OTHER.__dict__, "chunk_id": 4, "text": OTHER.text + " 어느 실내 대회 기록은 2.32m였다."})
    assert check_answer("기록은 2.32m입니다 [1].", [twin, GOLD]) == []  # [1] has the number and the word
    text, notes = repair_citations("기록은 2.32m입니다 [1].", [twin, GOLD], QUESTION)
    assert text == "기록은 2.32m입니다 [2]."
    assert "질문과 관련된 부분이 아닌" in notes[0].message


def test_end_to_end_a_bare_right_answer_is_shown_with_its_citation():
    answer, _ = ask("2.32m", [GOLD, OTHER])
    assert not answer.refused
    assert answer.text == "2.32m [1]" and answer.passages[answer.cited()[0] - 1].source_path == "/docs/soto.md"


def test_end_to_end_a_fact_from_the_wrong_place_or_an_echo_is_withheld():
    wrong, _ = ask("2.39m [2]", [GOLD, OTHER])
    assert wrong.refused and wrong.text == NOT_FOUND
    echo, _ = ask("소토마요르 [1]", [GOLD, OTHER])  # repeats the question: no answer
    assert echo.refused


def test_a_passage_far_weaker_than_the_best_is_not_shown_to_the_model():
    terms = question_terms(QUESTION)
    assert without_distractors(terms, [GOLD, UNRELATED]) == [GOLD]
    assert without_distractors(terms, [GOLD, OTHER]) == [GOLD, OTHER]
    _, prompt = ask("2.32m", [GOLD, UNRELATED])
    assert "아바나" not in prompt and "2.32m" in prompt


def test_a_sentence_answering_one_part_of_a_question_is_scored_on_the_terms_it_restates():
    rent = Passage(
        doc_id=5, chunk_id=5, title="청년 월세 지원 안내", source_path="/docs/rent.md", page=None, start=0, end=0,
        text=("지원 대상은 만 19세부터 34세까지의 무주택 청년이다. 지원 금액은 월 20만 원이다. "
              "신청 방법은 복지로 누리집 접수 또는 행정복지센터 방문이다."),
        score=1.0, audience="public",
    )
    question = "청년 월세 지원 대상과 신청 방법은?"
    assert check_answer("신청 방법은 복지로 누리집 접수입니다 [1].", [rent], question) == []
    assert check_answer("지원 대상은 만 19세부터 34세까지입니다 [1].", [rent], question) == []
