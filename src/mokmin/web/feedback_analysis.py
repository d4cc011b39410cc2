"""Feedback and complaints over time, grouped into topics and departments, with rising topics flagged.

Signals of one week: every rating (👍/👎 with the masked question and comment), every question that found
no document (refused answer) and every complaint of the 민원 desk (``$MOKMIN_HOME/minwon.sqlite``, when it
exists). A signal's topics are its content nouns (kiwi, placeholders such as [전화1] and generic words
left out); its department is the profile department whose duties share most words with it
(:func:`mokmin.workflows.answer.route_department`), or the department a complaint was assigned to.

Rising rule (:data:`RISING_MIN`, :data:`RISING_FACTOR`, :data:`BASELINE_WEEKS`): a topic's *issues* are its
👎 ratings, refused questions and complaints. A topic rises this week when it has at least 3 issues and at
least twice the mean weekly issues of the 4 weeks before (a topic with no issues before needs only the 3).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from mokmin.errors import InputError
from mokmin.profile import CityProfile
from mokmin.text.korean import tokenize
from mokmin.web.feedback import KINDS_KO, FeedbackStore

RISING_MIN = 3
RISING_FACTOR = 2.0
BASELINE_WEEKS = 4
UNASSIGNED = "미분류"
_TOPIC_TAGS = frozenset({"NNG", "NNP", "SL"})
_PLACEHOLDER = re.compile(r"\[[^\[\]\s]{1,12}\d{1,6}\]")
_WEEK = re.compile(r"^(\d{4})-?W(\d{1,2})$", re.IGNORECASE)
# words in nearly every question or comment: they name no topic
GENERIC = frozenset(
    "문의 질문 답변 답 안내 정보 내용 관련 경우 방법 문제 확인 부탁 감사 도움 설명 이용 사용 가능 필요 요청 "
    "결과 자료 문서 말씀 생각 정도 부분 이번 지금 오늘 어제 내일 전화 연락 번호 이름 주소 담당 담당자 "
    "시청 시민 민원 의견 사항 해당 기타 무엇 언제 어디 누구 얼마 어떻게 때 것 수 중 등".split()
)


@dataclass
class Signal:
    at: float
    source: str  # "up" | "down" | "refused" | "complaint"
    text: str  # masked question (+ comment) or complaint
    department: str
    topics: list[str]


@dataclass
class TopicTrend:
    topic: str
    issues: int  # this week: 👎 + refused + complaints
    weekly: list[int]  # issues of the baseline weeks, oldest first
    up: int = 0
    down: int = 0
    refused: int = 0
    complaints: int = 0
    departments: Counter = field(default_factory=Counter)

    @property
    def baseline(self) -> float:
        return sum(self.weekly) / len(self.weekly) if self.weekly else 0.0

    @property
    def rising(self) -> bool:
        return self.issues >= RISING_MIN and self.issues >= RISING_FACTOR * self.baseline

    @property
    def department(self) -> str:
        return self.departments.most_common(1)[0][0] if self.departments else UNASSIGNED


@dataclass
class WeekReport:
    week: str  # "2026-W48"
    start: datetime
    end: datetime
    totals: dict
    baseline_share: float | None  # share of 👍 over the baseline weeks
    topics: list[TopicTrend]
    departments: list[dict]
    least_liked: list[dict]
    refused: list[dict]

    @property
    def rising(self) -> list[TopicTrend]:
        return [t for t in self.topics if t.rising]


def parse_week(week: str | None, today: date | None = None) -> tuple[datetime, datetime, str]:
    """Local start and end of ISO week ``week`` ("2026-W48"); None = the week containing ``today``."""
    if week:
        found = _WEEK.match(week.strip())
        try:
            monday = date.fromisocalendar(int(found.group(1)), int(found.group(2)), 1) if found else None
        except ValueError:
            monday = None
        if monday is None:
            raise InputError(f"주 표기가 올바르지 않습니다: {week}", "ISO 주 번호로 쓰세요(예: 2026-W48).")
    else:
        today = today or date.today()
        monday = today - timedelta(days=today.weekday())
    start = datetime.combine(monday, datetime.min.time()).astimezone()
    end = datetime.combine(monday + timedelta(days=7), datetime.min.time()).astimezone()
    year, number, _ = monday.isocalendar()
    return start, end, f"{year}-W{number:02d}"


def topic_terms(text: str) -> list[str]:
    """Content nouns of ``text`` (two characters or more), without placeholders and generic words."""
    text = _PLACEHOLDER.sub(" ", text or "")
    if not text.strip():
        return []
    seen: dict[str, None] = {}
    for tok in tokenize(text):
        form = tok.form.lower()
        if tok.tag in _TOPIC_TAGS and len(form) >= 2 and form not in GENERIC:
            seen.setdefault(form, None)
    return list(seen)


class DepartmentRouter:
    """The profile department of a text (cached; ``미분류`` when none shares a word)."""

    def __init__(self, profile: CityProfile):
        self.profile = profile
        self._cache: dict[str, str] = {}

    def __call__(self, text: str) -> str:
        if not self.profile.departments or not text.strip():
            return UNASSIGNED
        if text not in self._cache:
            from mokmin.workflows.answer import route_department

            found = route_department(_PLACEHOLDER.sub(" ", text), self.profile)
            self._cache[text] = found.name if found else UNASSIGNED
        return self._cache[text]


def load_complaints(home: Path, since: float, until: float) -> list[dict]:
    """Complaints received in [since, until) from the 민원 desk's store, if that store exists.

    Hook for the 민원 desk (mokmin.minwon.store.MinwonStore): its text is already masked. A missing file
    means no complaints (the desk was never used); the file is never created here.
    """
    path = Path(home) / "minwon.sqlite"
    if not path.exists():
        return []
    from mokmin.minwon.store import MinwonStore

    rows = []
    for c in MinwonStore(path).complaints(limit=1_000_000):
        at = datetime.fromisoformat(c.received_at)
        at = at if at.tzinfo else at.replace(tzinfo=timezone.utc)
        if since <= at.timestamp() < until:
            rows.append({"at": at.timestamp(), "text": f"{c.title} {c.text}", "department": c.department})
    return rows


def collect(store: FeedbackStore, route: DepartmentRouter, since: float, until: float,
            complaints: Iterable[dict] = ()) -> list[Signal]:
    signals = []
    for r in store.feedback_rows(since, until):
        text = f"{r['question']} {r['comment']}".strip()
        signals.append(Signal(r["created_at"], "up" if r["rating"] == 1 else "down", text, route(r["question"] or text),
                              topic_terms(text)))
    for r in store.refused_rows(since, until):
        signals.append(Signal(r["created_at"], "refused", r["question"], route(r["question"]),
                              topic_terms(r["question"])))
    for c in complaints:
        signals.append(Signal(c["at"], "complaint", c["text"], c.get("department") or route(c["text"]),
                              topic_terms(c["text"])))
    return signals


def _week_index(at: float, start: float) -> int:
    """0 for the reported week, 1 for the week before, …"""
    return int((start - at) // (7 * 86400)) + 1 if at < start else 0


def analyse(store: FeedbackStore, profile: CityProfile, week: str | None = None, *, home: Path | None = None,
            today: date | None = None, top: int = 15) -> WeekReport:
    """The report of ``week`` (default: the current week) against the :data:`BASELINE_WEEKS` before it."""
    start, end, label = parse_week(week, today)
    since = (start - timedelta(weeks=BASELINE_WEEKS)).timestamp()
    complaints = load_complaints(home, since, end.timestamp()) if home is not None else []
    signals = collect(store, DepartmentRouter(profile), since, end.timestamp(), complaints)
    topics: dict[str, TopicTrend] = {}
    departments: dict[str, Counter] = defaultdict(Counter)
    totals: Counter = Counter()
    baseline: Counter = Counter()
    for s in signals:
        index = _week_index(s.at, start.timestamp())
        if index > BASELINE_WEEKS:
            continue
        issue = s.source != "up"
        if index == 0:
            totals[s.source] += 1
            departments[s.department][s.source] += 1
        else:
            baseline[s.source] += 1
            departments[s.department]["baseline_issues"] += issue
        for term in s.topics:
            trend = topics.setdefault(term, TopicTrend(term, 0, [0] * BASELINE_WEEKS))
            if index == 0:
                trend.issues += issue
                setattr(trend, _FIELD[s.source], getattr(trend, _FIELD[s.source]) + 1)
                trend.departments[s.department] += 1
            elif issue:
                trend.weekly[BASELINE_WEEKS - index] += 1
    ranked = sorted((t for t in topics.values() if t.issues or t.up),
                    key=lambda t: (not t.rising, -t.issues, -t.up, t.topic))[:top]
    ratings = totals["up"] + totals["down"]
    base_ratings = baseline["up"] + baseline["down"]
    dept_rows = sorted(
        ({"department": name, "up": c["up"], "down": c["down"], "refused": c["refused"],
          "complaints": c["complaint"], "issues": c["down"] + c["refused"] + c["complaint"],
          "baseline": c["baseline_issues"] / BASELINE_WEEKS} for name, c in departments.items()
         if c["up"] + c["down"] + c["refused"] + c["complaint"]),
        key=lambda d: (-d["issues"], d["department"]))
    return WeekReport(
        week=label, start=start, end=end,
        totals={"ratings": ratings, "up": totals["up"], "down": totals["down"],
                "share": totals["up"] / ratings if ratings else None, "refused": totals["refused"],
                "complaints": totals["complaint"]},
        baseline_share=baseline["up"] / base_ratings if base_ratings else None,
        topics=ranked, departments=dept_rows,
        least_liked=store.least_liked(start.timestamp(), limit=10),
        refused=store.refused_questions(start.timestamp(), limit=20),
    )


_FIELD = {"up": "up", "down": "down", "refused": "refused", "complaint": "complaints"}


def _day(when: datetime) -> str:
    return f"{when.year}. {when.month}. {when.day}."


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{round(value * 100)}%"


def _cell(text: str, limit: int = 80) -> str:
    text = " ".join(str(text).split()).replace("|", "\\|")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def render_markdown(report: WeekReport, organization: str = "") -> str:
    """The weekly report as Markdown (Korean)."""
    t = report.totals
    last = report.end - timedelta(days=1)
    lines = [f"# 주간 피드백 보고 ({report.week})", "",
             f"- 기간: {_day(report.start)} ~ {_day(last)}" + (f" · {organization}" if organization else ""),
             f"- 평가 {t['ratings']}건: 👍 {t['up']}건, 👎 {t['down']}건 (만족 비율 {_pct(t['share'])}, "
             f"직전 {BASELINE_WEEKS}주 {_pct(report.baseline_share)})",
             f"- 문서를 찾지 못한 질문 {t['refused']}건, 접수 민원 {t['complaints']}건", ""]
    lines += ["## 급증 주제", "",
              f"기준: 이번 주 문제 건수(👎 + 답 없음 + 민원)가 {RISING_MIN}건 이상이고 직전 {BASELINE_WEEKS}주 "
              f"평균의 {RISING_FACTOR:g}배 이상인 주제.", ""]
    if report.rising:
        lines += ["| 주제 | 이번 주 | 직전 평균 | 주요 부서 |", "|---|---:|---:|---|"]
        lines += [f"| {_cell(r.topic)} | {r.issues} | {r.baseline:.1f} | {_cell(r.department)} |" for r in report.rising]
    else:
        lines.append("급증한 주제가 없습니다.")
    lines += ["", "## 주제별 현황", ""]
    if report.topics:
        lines += ["| 주제 | 👍 | 👎 | 답 없음 | 민원 | 문제 합계 | 직전 평균 | 주요 부서 |",
                  "|---|---:|---:|---:|---:|---:|---:|---|"]
        lines += [f"| {_cell(x.topic)}{' ⚠' if x.rising else ''} | {x.up} | {x.down} | {x.refused} | {x.complaints} | "
                  f"{x.issues} | {x.baseline:.1f} | {_cell(x.department)} |" for x in report.topics]
    else:
        lines.append("이번 주 피드백이 없습니다.")
    lines += ["", "## 부서별 현황", ""]
    if report.departments:
        lines += ["| 부서 | 👍 | 👎 | 답 없음 | 민원 | 직전 주 평균 문제 |", "|---|---:|---:|---:|---:|---:|"]
        lines += [f"| {_cell(d['department'])} | {d['up']} | {d['down']} | {d['refused']} | {d['complaints']} | "
                  f"{d['baseline']:.1f} |" for d in report.departments]
    else:
        lines.append("이번 주 피드백이 없습니다.")
    lines += ["", "## 만족도가 낮은 답변", ""]
    if report.least_liked:
        for item in report.least_liked:
            comments = " / ".join(_cell(c, 120) for c in item["comments"]) or "의견 없음"
            lines.append(f"- [{item['kind_ko']}] {_cell(item['question']) or '(질문 없음)'} — 👎 {item['down']}, "
                         f"👍 {item['up']}; 의견: {comments}")
    else:
        lines.append("👎 평가가 없습니다.")
    lines += ["", "## 문서를 찾지 못한 질문", ""]
    if report.refused:
        lines += [f"- [{KINDS_KO.get(r['kind'], r['kind'])}] {_cell(r['question'], 120)}" for r in report.refused]
        lines.append("")
        lines.append("→ 자주 나오는 질문은 지식베이스에 안내 자료를 추가하세요.")
    else:
        lines.append("없습니다.")
    lines += ["", "질문과 의견의 개인정보는 저장할 때 가렸습니다([이름1], [전화1] 등).", ""]
    return "\n".join(lines)
