"""POST /api/feedback: citizens and staff rate the answers and drafts they received (👍/👎 + comment)."""

from __future__ import annotations

import threading
import time
from collections import deque

from fastapi import Depends, HTTPException, Request
from pydantic import BaseModel, Field

from mokmin.web.feedback import MAX_COMMENT, UnknownItem, rate_known
from mokmin.web.security import Caller, identify, router

public = router("public", tags=["피드백"])

RATINGS_PER_MINUTE = 30  # per client; rating again replaces, so this only stops runaway scripts


class FeedbackIn(BaseModel):
    kind: str = Field(min_length=1, max_length=40, description="결과 종류: answer, citizen_answer, press …")
    item_id: str = Field(min_length=1, max_length=64, description="결과를 받을 때 함께 온 item_id")
    rating: int = Field(description="1 = 도움이 됨(👍), -1 = 도움이 안 됨(👎)")
    comment: str = Field(default="", max_length=MAX_COMMENT, description="의견(선택, 개인정보는 가려 저장)")
    audit_seq: int | None = Field(default=None, description="감사 기록 번호(결과와 함께 온 값)")
    audit_hash: str | None = Field(default=None, max_length=128)


class FeedbackOut(BaseModel):
    id: int
    item_id: str
    rating: int


class _Limiter:
    """At most ``limit`` events per client in any 60 seconds."""

    def __init__(self, limit: int):
        self.limit = limit
        self._seen: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def retry_after(self, client: str) -> int:
        """0 if the client may go on (and counts the event), else seconds to wait."""
        now = time.monotonic()
        with self._lock:
            if len(self._seen) > 50_000:  # forget idle clients
                self._seen = {k: v for k, v in self._seen.items() if v and v[-1] > now - 60}
            seen = self._seen.setdefault(client, deque())
            while seen and seen[0] <= now - 60:
                seen.popleft()
            if len(seen) >= self.limit:
                return max(1, int(seen[0] + 60 - now) + 1)
            seen.append(now)
            return 0


def _limiter(request: Request) -> _Limiter:
    state = request.app.state
    if not hasattr(state, "feedback_limiter"):
        state.feedback_limiter = _Limiter(RATINGS_PER_MINUTE)
    return state.feedback_limiter


@public.post("/api/feedback", response_model=FeedbackOut, summary="답변·초안 평가")
def post_feedback(body: FeedbackIn, request: Request, caller: Caller = Depends(identify)) -> FeedbackOut:
    """Rate one's own answer or draft. 404 when the item is unknown or not the caller's; 429 when too fast."""
    wait = _limiter(request).retry_after(caller.client_id)
    if wait:
        raise HTTPException(429, "평가를 너무 자주 보냈습니다. 잠시 뒤 다시 보내세요.", headers={"Retry-After": str(wait)})
    if body.rating not in (1, -1):
        raise HTTPException(422, "rating은 1(👍) 또는 -1(👎)이어야 합니다.")
    try:
        feedback_id = rate_known(request.app.state.services, kind=body.kind, item_id=body.item_id,
                                 rating=body.rating, comment=body.comment, audit_seq=body.audit_seq,
                                 audit_hash=body.audit_hash, caller=caller)
    except UnknownItem as exc:
        raise HTTPException(404, exc.message) from exc
    return FeedbackOut(id=feedback_id, item_id=body.item_id, rating=body.rating)


routers = [public]
