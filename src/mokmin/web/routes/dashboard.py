"""The live feedback dashboard of staff: satisfaction over time, least-liked answers, questions without a
document, counts by kind and this week's topics (rising ones flagged). The page renders a snapshot on the
server and ``static/dashboard.js`` keeps it current from the SSE stream (or by polling the JSON)."""

from __future__ import annotations

import asyncio
import time
from datetime import date, datetime, timedelta

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response, StreamingResponse

from mokmin.web.charts import Point, share_chart
from mokmin.web.feedback import store
from mokmin.web.feedback_analysis import (
    BASELINE_WEEKS,
    RISING_FACTOR,
    RISING_MIN,
    WeekReport,
    analyse,
    render_markdown,
)
from mokmin.web.pages import render
from mokmin.web.security import Caller, identify, router
from mokmin.web.streaming import sse

staff = router("staff", tags=["피드백"])

DAYS = 30
CHECK_SECONDS = 3.0  # how often the stream looks for new feedback
STREAM_SECONDS = 600  # a stream ends after this; EventSource reconnects by itself


def _topic(t) -> dict:
    return {"topic": t.topic, "issues": t.issues, "baseline": round(t.baseline, 2), "weekly": t.weekly,
            "up": t.up, "down": t.down, "refused": t.refused, "complaints": t.complaints,
            "department": t.department, "rising": t.rising}


def _build(services, version: tuple) -> dict:
    feedback = store(services)
    now = datetime.now()
    since = (now - timedelta(days=DAYS - 1)).replace(hour=0, minute=0, second=0, microsecond=0).timestamp()
    days = feedback.daily_satisfaction(since)
    chart = share_chart([Point(d["day"][5:], d["share"], d["ratings"],
                               f"{d['day']}: 👍 {d['up']} / {d['ratings']}건") for d in days],
                        caption=f"최근 {DAYS}일 날짜별 👍 비율")
    week: WeekReport = analyse(feedback, services.profile, home=services.settings.home)
    ratings = sum(d["ratings"] for d in days)
    up = sum(d["up"] for d in days)
    return {
        "version": "-".join(str(v) for v in version),
        "generated_at": now.isoformat(timespec="seconds"),
        "days": days,
        "chart_svg": chart,
        "totals": {"ratings": ratings, "up": up, "down": ratings - up, "share": up / ratings if ratings else None},
        "least_liked": feedback.least_liked(since, limit=10),
        "refused": feedback.refused_questions(since, limit=20),
        "kinds": feedback.counts_by_kind(since),
        "week": {"label": week.week, "totals": week.totals, "baseline_share": week.baseline_share,
                 "topics": [_topic(t) for t in week.topics], "departments": week.departments},
        "rule": f"이번 주 문제(👎·답 없음·민원)가 {RISING_MIN}건 이상이고 직전 {BASELINE_WEEKS}주 평균의 "
                f"{RISING_FACTOR:g}배 이상이면 급증으로 표시합니다.",
    }


def snapshot(services) -> dict:
    """The dashboard's data, rebuilt only when feedback changed (or the day did)."""
    version = (*store(services).version(), date.today().isoformat())
    cached = services.__dict__.get("_dashboard_snapshot")
    if cached is not None and cached[0] == version:
        return cached[1]
    data = _build(services, version)
    services.__dict__["_dashboard_snapshot"] = (version, data)
    return data


@staff.get("/staff/dashboard", include_in_schema=False)
def dashboard_page(request: Request):
    return render(request, "dashboard.html", data=snapshot(request.app.state.services))


@staff.get("/staff/api/dashboard", summary="피드백 대시보드 데이터")
def dashboard_json(request: Request) -> dict:
    """Satisfaction per day, least-liked answers, questions without a document, counts and topics."""
    return snapshot(request.app.state.services)


@staff.get("/staff/api/dashboard/stream", summary="피드백 대시보드 실시간 스트림(SSE)")
async def dashboard_stream(request: Request, once: bool = False):
    """Server-sent ``snapshot`` events: one now, then one whenever feedback changes."""
    services = request.app.state.services

    async def events():
        sent, started, quiet = None, time.monotonic(), 0.0
        while True:
            data = await run_in_threadpool(snapshot, services)
            if data["version"] != sent:
                sent, quiet = data["version"], 0.0
                yield sse("snapshot", data)
            elif quiet >= 15:
                quiet = 0.0
                yield ": ping\n\n"
            if once or time.monotonic() - started > STREAM_SECONDS or await request.is_disconnected():
                return
            await asyncio.sleep(CHECK_SECONDS)
            quiet += CHECK_SECONDS

    return StreamingResponse(events(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})


@staff.get("/staff/api/dashboard/report.md", summary="주간 피드백 보고서(Markdown)")
def weekly_report(request: Request, week: str | None = None, caller: Caller = Depends(identify)):
    """The weekly report (as ``mokmin feedback report``) of ISO week ``week`` (e.g. 2026-W48; default this week)."""
    services = request.app.state.services
    report = analyse(store(services), services.profile, week, home=services.settings.home)
    text = render_markdown(report, services.profile.organization.name)
    filename = f"feedback-{report.week}.md"
    return Response(text, media_type="text/markdown; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


routers = [staff]
