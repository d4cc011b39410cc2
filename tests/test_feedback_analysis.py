"""Weekly topics and departments of feedback and complaints, the rising rule and `mokmin feedback report`."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from typer.testing import CliRunner

from mokmin.cli.main import app as cli
from mokmin.errors import InputError
from mokmin.profile import Department, load_profile
from mokmin.web.db import WebDB
from mokmin.web.feedback import FeedbackStore
from mokmin.web.feedback_analysis import analyse, parse_week, render_markdown, topic_terms


@pytest.fixture
def profile():
    return load_profile().model_copy(update={"departments": [
        Department(name="교통과", duties="주차 단속, 공영주차장 요금, 버스 노선"),
        Department(name="자원순환과", duties="쓰레기 수거, 음식물 쓰레기 배출, 재활용"),
        Department(name="민원여권과", duties="여권 발급, 가족관계 증명"),
    ]})


@pytest.fixture
def store(isolated_home):
    db = WebDB(isolated_home / "web.sqlite")
    yield FeedbackStore(db)
    db.close()


def test_parse_week():
    start, end, label = parse_week("2026-W48")
    assert (start.date(), end.date(), label) == (date(2026, 11, 23), date(2026, 11, 30), "2026-W48")
    assert parse_week("2026w3")[2] == "2026-W03"
    assert parse_week(None, today=date(2026, 1, 1))[2] == "2026-W01"  # Thursday of ISO week 1
    for bad in ("2026-W54", "48", "2026-11-23"):
        with pytest.raises(InputError):
            parse_week(bad)


def test_topic_terms_keep_content_nouns_only():
    assert topic_terms("[전화1]로 연락 주세요. 음식물 쓰레기 수거 문의입니다") == ["음식물", "쓰레기", "수거"]
    assert topic_terms("여권 발급 수수료가 얼마인가요?") == ["여권", "발급", "수수료"]
    assert topic_terms("감사합니다") == []
    assert topic_terms("") == []


def rate(store, question, rating, at, comment=""):
    item = store.add_interaction(kind="citizen_answer", question=question, refused=False, audit_seq=None,
                                 audit_hash=None, client_id="citizen:x", user_id=None, audience="public", at=at)
    store.rate(item, "citizen:x", rating, comment, at=at)


def refused(store, question, at):
    store.add_interaction(kind="citizen_answer", question=question, refused=True, audit_seq=None, audit_hash=None,
                          client_id="citizen:x", user_id=None, audience="public", at=at)


def seed_weeks(store, start: datetime) -> None:
    """주차: 1 issue in two earlier weeks, 3 this week (rising). 쓰레기: 2 a week before, 3 now (steady).
    여권: 2 new issues (below the minimum). 도서관: liked only."""
    for weeks_ago in (1, 2):
        rate(store, "주차 요금이 궁금해요", -1, start - timedelta(weeks=weeks_ago) + timedelta(hours=10))
    for weeks_ago in (1, 2, 3, 4):
        for n in range(2):
            rate(store, "음식물 쓰레기 배출 요일", -1, start - timedelta(weeks=weeks_ago) + timedelta(hours=11 + n))
    now = start + timedelta(minutes=30)
    rate(store, "주차 단속 기준이 뭔가요", -1, now, "주차 단속 설명이 틀렸어요")
    rate(store, "주차 요금", -1, now)
    refused(store, "주차 할인 대상", now)
    for _ in range(3):
        rate(store, "음식물 쓰레기 배출 요일", -1, now)
    rate(store, "여권 발급 수수료", -1, now, "수수료 금액이 달라요")
    refused(store, "여권 사진 규격", now)
    rate(store, "도서관 휴관일", 1, now)
    rate(store, "도서관 대출 권수", 1, now)
    rate(store, "오래된 질문", -1, start - timedelta(weeks=6))  # outside the baseline: ignored


def test_rising_topics_and_departments(store, profile):
    start, _end, label = parse_week("2026-W10")
    seed_weeks(store, start)
    report = analyse(store, profile, "2026-W10", top=50)
    assert report.week == label
    topics = {t.topic: t for t in report.topics}
    assert topics["주차"].issues == 3 and topics["주차"].weekly == [0, 0, 1, 1] and topics["주차"].rising
    assert topics["쓰레기"].issues == 3 and topics["쓰레기"].baseline == 2.0 and not topics["쓰레기"].rising
    assert topics["여권"].issues == 2 and not topics["여권"].rising  # new, but below the minimum of 3
    assert topics["도서관"].up == 2 and topics["도서관"].issues == 0 and not topics["도서관"].rising
    assert [t.topic for t in report.rising] == ["주차"]
    assert topics["주차"].department == "교통과" and topics["쓰레기"].department == "자원순환과"
    assert topics["여권"].department == "민원여권과"
    assert report.totals == {"ratings": 8, "up": 2, "down": 6, "share": 0.25, "refused": 2, "complaints": 0}
    assert report.baseline_share == 0.0
    departments = {d["department"]: d for d in report.departments}
    assert departments["교통과"]["down"] == 2 and departments["교통과"]["refused"] == 1
    assert departments["자원순환과"]["baseline"] == 2.0
    assert departments["미분류"]["up"] == 2  # 도서관: no department's duties mention it

    text = render_markdown(report, "당진시")
    assert text.startswith("# 주간 피드백 보고 (2026-W10)")
    assert "- 기간: 2026. 3. 2. ~ 2026. 3. 8. · 당진시" in text
    assert "| 주차 | 3 | 0.5 | 교통과 |" in text
    assert "주차 단속 설명이 틀렸어요" in text and "여권 사진 규격" in text
    assert "만족 비율 25%" in text


def test_an_empty_week_says_so(store, profile):
    report = analyse(store, profile, "2026-W10", top=50)
    assert report.topics == [] and report.totals["share"] is None
    text = render_markdown(report)
    assert "급증한 주제가 없습니다." in text and "이번 주 피드백이 없습니다." in text


def test_complaints_of_the_minwon_desk_count(store, profile, isolated_home):
    from mokmin.minwon.store import MinwonStore

    complaints = MinwonStore(isolated_home / "minwon.sqlite")
    for text in ("아파트 앞 불법 주차 차량을 단속해 주세요", "주차 단속 요청", "공영주차장 요금 민원"):
        complaints.add_complaint(text=text, title="주차 민원", channel="web", actor="test", pii={})
    report = analyse(store, profile, None, home=isolated_home)  # this week: the complaints were received now
    topics = {t.topic: t for t in report.topics}
    assert report.totals["complaints"] == 3
    assert topics["주차"].complaints == 3 and topics["주차"].rising and topics["주차"].department == "교통과"


def test_no_minwon_file_is_created(store, profile, isolated_home):
    analyse(store, profile, None, home=isolated_home)
    assert not (isolated_home / "minwon.sqlite").exists()


def test_cli_writes_the_weekly_report(store, isolated_home, tmp_path):
    start, _end, label = parse_week(None, today=date.today() - timedelta(days=7))  # the default: last week
    seed_weeks(store, start)
    out = tmp_path / "보고" / "주간보고.md"
    result = CliRunner().invoke(cli, ["feedback", "report", "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert text.startswith(f"# 주간 피드백 보고 ({label})")
    assert "주차 단속 설명이 틀렸어요" in text
    explicit = CliRunner().invoke(cli, ["feedback", "report", "--week", "2020-W01"])
    assert explicit.exit_code == 0 and "# 주간 피드백 보고 (2020-W01)" in explicit.output
    assert "평가 0건" in explicit.output


def test_cli_without_a_web_database(tmp_path, monkeypatch):
    monkeypatch.setenv("MOKMIN_HOME", str(tmp_path / "empty"))
    result = CliRunner().invoke(cli, ["feedback", "report"])
    assert isinstance(result.exception, InputError) and "웹 서버 데이터베이스가 없습니다" in result.exception.message
    bad = CliRunner().invoke(cli, ["feedback", "report", "--week", "다음주"])
    assert isinstance(bad.exception, InputError)
