"""The 민원 desk: the service API the CLI and the web pages call.

    desk = MinwonDesk()                                   # settings, profile, $MOKMIN_HOME/minwon.sqlite
    c = desk.submit("…", title="…", channel="web", actor="kim")   # masked on the way in
    desk.route(c.id, actor="kim")                          # top three departments with reasons
    desk.similar(c.id)                                     # past complaints and their official answers
    d = desk.draft(c.id, backend, actor="kim")             # numbered, fact-locked draft (audited)
    desk.approve(c.id, actor="lee", text=edited)           # an official approves (and may edit)
    desk.mark_sent(c.id, actor="lee")                      # only after approval
    desk.list(status="drafted")

Personal data is masked before anything is stored; the unmasked original is kept only when the setting
``minwon.keep_original`` is on, and :meth:`MinwonDesk.original` is the one way to read it (the web layer
decides which roles may call it). Nothing is marked sent without an official's approval (the store enforces the
order received → drafted → approved → sent).
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from mokmin.checks.pii import mask_pii, profile_exceptions
from mokmin.errors import InputError, MokminError
from mokmin.knowledge.types import Passage
from mokmin.llm.base import Backend, GenerationOptions
from mokmin.minwon.importer import read_complaints
from mokmin.minwon.reply import ReplyDraft, draft_reply
from mokmin.minwon.route import Candidate, Example, Router, Similar
from mokmin.minwon.store import Complaint, Event, MinwonStore, NewPast, PastComplaint
from mokmin.press.document import PLACEHOLDER_RE
from mokmin.profile import CityProfile, Department, load_profile
from mokmin.settings import Settings, load_settings

Search = Callable[[str, int, str], Sequence[Passage]]


@dataclass
class ImportReport:
    kind: Literal["past", "new"]
    added: list[int]
    skipped: list[tuple[int, str]]
    columns: dict[str, str]
    unused: list[str]
    masked: int = 0  # personal-data values masked

    def to_dict(self) -> dict:
        return {"kind": self.kind, "added": len(self.added), "ids": self.added,
                "skipped": [{"row": r, "reason": why} for r, why in self.skipped],
                "columns": self.columns, "unused_columns": self.unused, "masked": self.masked}


@dataclass
class SimilarPast:
    past: PastComplaint
    score: float

    def to_dict(self) -> dict:
        return {**self.past.to_dict(), "score": self.score}


@dataclass
class _RouterCache:
    key: tuple
    router: Router
    past: dict[int, PastComplaint] = field(default_factory=dict)


class MinwonDesk:
    def __init__(self, settings: Settings | None = None, profile: CityProfile | None = None, *,
                 search: Search | None = None, embed: bool = True):
        self.settings = settings or load_settings()
        self.profile = profile or load_profile(self.settings.profile)
        self.store = MinwonStore(self.settings.home / "minwon.sqlite")
        self.search = search  # knowledge-base search (query, k, audience) for grounding; optional
        self.embed = embed
        self._cache: _RouterCache | None = None
        self._exceptions = profile_exceptions(self.profile)

    # --- intake --------------------------------------------------------------------------------------

    def validate(self, text: str) -> str:
        text = unicodedata.normalize("NFC", text or "").strip()
        if not text:
            raise InputError("민원 내용이 비어 있습니다.", "민원인이 적은 내용을 넣어 주세요.")
        limit = self.settings.minwon.max_chars
        if len(text) > limit:
            raise InputError(
                f"민원 내용이 너무 깁니다 ({len(text):,}자). 한 건에 {limit:,}자까지 받습니다.",
                "아무것도 저장하지 않았습니다. 내용을 나누어 접수하거나, 긴 자료는 첨부 문서로 받으세요 "
                "(설정 minwon.max_chars).",
            )
        return text

    def submit(self, text: str, *, title: str = "", channel: str = "web", actor: str | None = None,
               external_id: str | None = None) -> Complaint:
        """Receive a complaint: validate, mask personal data, store. Returns the stored (masked) complaint."""
        text = self.validate(text)
        title = unicodedata.normalize("NFC", title or "").strip()[:200]
        masked = mask_pii(f"{title}\n\n{text}" if title else text, exceptions=self._exceptions)
        m_title, _, m_text = masked.text.partition("\n\n") if title else ("", "", masked.text)
        counts = Counter(f.extra.get("type", f.rule_id) for f in masked.findings)
        keep = self.settings.minwon.keep_original
        cid = self.store.add_complaint(
            text=m_text, title=m_title, channel=channel, actor=_actor(actor), pii=dict(counts),
            external_id=external_id, original=(f"{title}\n\n{text}" if title else text) if keep else None,
            mapping=masked.mapping if keep else None,
        )
        return self.store.get(cid)

    def import_file(self, path: Path, *, mapping: dict[str, str] | None = None,
                    kind: Literal["auto", "past", "new"] = "auto", sheet: str | None = None,
                    actor: str | None = None) -> ImportReport:
        """Import a CSV/XLSX export: past complaints (with department and/or answer) or new complaints."""
        read = read_complaints(Path(path), mapping, max_chars=self.settings.minwon.max_chars, sheet=sheet)
        if kind == "auto":
            kind = "past" if ("answer" in read.columns or "department" in read.columns) else "new"
        skipped = list(read.skipped)
        added: list[int] = []
        masked_count = 0
        if kind == "new":
            for row in read.rows:
                c = self.submit(row.text, title=row.title, channel="import", actor=actor, external_id=row.external_id)
                added.append(c.id)
                masked_count += sum(c.pii.values())
        else:
            batch = []
            for row in read.rows:
                if not row.department and not row.answer:
                    skipped.append((row.row, "처리 부서와 답변이 모두 비어 있어 과거 민원으로 쓸 수 없습니다"))
                    continue
                parts = [mask_pii(v, exceptions=self._exceptions) for v in (row.title, row.text, row.answer)]
                masked_count += sum(len(p.findings) for p in parts)
                batch.append(NewPast(text=parts[1].text, title=parts[0].text, answer=parts[2].text,
                                     department=row.department, source=Path(path).name, external_id=row.external_id))
            added = self.store.add_past(batch)
            self._cache = None
        return ImportReport(kind, added, sorted(skipped), read.columns, read.unused, masked_count)

    # --- routing and similar complaints --------------------------------------------------------------

    def router(self) -> Router:
        """The router over the profile's departments and the stored past complaints (rebuilt when they change)."""
        past = self.store.past()
        key = (len(past), past[-1].id if past else 0, tuple(d.name for d in self.profile.departments), self.embed)
        if self._cache and self._cache.key == key:
            return self._cache.router
        examples = [Example(p.text, p.department, "past", ref=p.id, title=p.title) for p in past if p.department]
        known = self.store.past_vectors() if self.embed else {}
        router = Router.build(self.profile.departments, examples, embed=self.embed, known_vectors=known)
        if self.embed and router.vectors is not None:
            new = {e.ref: router.vectors[i] for i, e in enumerate(router.examples)
                   if e.kind == "past" and e.ref is not None and e.ref not in known}
            if new:
                self.store.set_past_vectors(new)
        self._cache = _RouterCache(key, router, {p.id: p for p in past})
        return router

    def route(self, complaint_id: int, *, actor: str | None = None, k: int = 3) -> list[Candidate]:
        """Top ``k`` departments with reasons; the first becomes the complaint's department."""
        c = self.store.get(complaint_id)
        candidates = self.route_text(_full(c), k=k)
        top = candidates[0].department if candidates else ""
        self.store.set_route(complaint_id, [x.to_dict() for x in candidates], top, _actor(actor))
        return candidates

    def route_text(self, text: str, *, k: int = 3) -> list[Candidate]:
        """Route a text without storing it (masks it first, like everything the desk handles)."""
        masked = mask_pii(self.validate(text), exceptions=self._exceptions).text
        router = self.router()
        if not router.examples:
            raise InputError("부서를 추천할 근거가 없습니다: 기관 프로필에 부서 업무 설명도, 과거 민원도 없습니다.",
                             "프로필에 [[departments]] name/duties를 적거나 'mokmin minwon import 파일'로 과거 민원을 가져오세요.")
        return router.route(masked, k=k)

    def assign(self, complaint_id: int, department: str, *, actor: str | None = None) -> Complaint:
        department = department.strip()
        if not department:
            raise InputError("부서 이름이 비어 있습니다.", "배정할 부서 이름을 적으세요.")
        self.store.assign(complaint_id, department, _actor(actor))
        return self.store.get(complaint_id)

    def similar(self, complaint_id: int, k: int = 3, *, with_answer: bool = False) -> list[SimilarPast]:
        c = self.store.get(complaint_id)
        return self.similar_text(_full(c), k, with_answer=with_answer)

    def similar_text(self, text: str, k: int = 3, *, with_answer: bool = False) -> list[SimilarPast]:
        router = self.router()
        assert self._cache is not None
        hits: list[Similar] = router.similar(text, k=k * 4 if with_answer else k)
        out = []
        for h in hits:
            past = self._cache.past.get(h.ref) if h.ref is not None else None
            if past and (past.answer.strip() or not with_answer):
                out.append(SimilarPast(past, h.score))
        return out[:k]

    # --- drafting and approval -----------------------------------------------------------------------

    def draft(self, complaint_id: int, backend: Backend, *, actor: str | None = None, k: int = 3,
              options: GenerationOptions | None = None) -> ReplyDraft:
        c = self.store.get(complaint_id)
        if c.status in ("approved", "sent"):
            self.store.save_draft(complaint_id, "", {}, _actor(actor))  # raises the store's clear refusal
        if not c.department and (self.profile.departments or self.store.past_count()):
            self.route(complaint_id, actor=actor)
            c = self.store.get(complaint_id)
        answers = [s.past for s in self.similar(complaint_id, k, with_answer=True)] if self.store.past_count() else []
        passages: list[Passage] = []
        if self.search is not None:
            try:
                passages = list(self.search(_full(c), 2, "public"))[:2]
            except MokminError:
                passages = []  # no knowledge base yet: the draft rests on past answers alone
        draft = draft_reply(c.text, backend, self.profile, title=c.title, department=self.department(c.department),
                            answers=answers, passages=passages, options=options)
        self.store.save_draft(complaint_id, draft.text, draft.to_dict(), _actor(actor))
        return draft

    def department(self, name: str) -> Department | None:
        if not name:
            return None
        for d in self.profile.departments:
            if d.name == name:
                return d
        return Department(name=name)

    def approve(self, complaint_id: int, *, actor: str, text: str | None = None) -> Complaint:
        """An official approves the reply (the stored draft, or ``text`` as edited). The AI disclosure is kept."""
        if not (actor or "").strip():
            raise InputError("승인한 공무원을 적어야 합니다.", "--by 이름 으로 승인자를 적으세요.")
        c = self.store.get(complaint_id)
        reply = unicodedata.normalize("NFC", text if text is not None else c.draft).strip()
        if not reply:
            raise InputError(f"민원 {complaint_id}번에 승인할 답변이 없습니다.",
                             "'mokmin minwon draft 번호'로 초안을 만들거나 --text-file로 답변을 주세요.")
        gaps = PLACEHOLDER_RE.findall(reply)
        if gaps:
            raise InputError(f"답변에 아직 채우지 않은 칸이 있습니다: {', '.join(gaps)}.",
                             "【입력 필요: …】 칸을 채운 답변을 --text-file로 주고 다시 승인하세요.")
        disclosure = c.draft_info.get("disclosure", "") if c.draft else ""
        if disclosure and disclosure not in reply:
            reply = f"{reply}\n\n{disclosure}"
        self.store.approve(complaint_id, reply, actor.strip())
        return self.store.get(complaint_id)

    def mark_sent(self, complaint_id: int, *, actor: str, note: str = "") -> Complaint:
        if not (actor or "").strip():
            raise InputError("발송 처리한 공무원을 적어야 합니다.", "--by 이름 으로 적으세요.")
        self.store.mark_sent(complaint_id, actor.strip(), note)
        return self.store.get(complaint_id)

    # --- reading -------------------------------------------------------------------------------------

    def get(self, complaint_id: int) -> Complaint:
        return self.store.get(complaint_id)

    def list(self, status: str | None = None, limit: int = 50) -> list[Complaint]:
        return self.store.complaints(status, limit)

    def history(self, complaint_id: int) -> list[Event]:
        self.store.get(complaint_id)
        return self.store.events(complaint_id)

    def original(self, complaint_id: int) -> str:
        """The unmasked complaint — only if it was kept (``minwon.keep_original``). Role checks are the caller's."""
        kept = self.store.original(complaint_id)
        if kept is None:
            raise InputError(f"민원 {complaint_id}번의 원문은 보관하지 않았습니다 (개인정보를 가린 내용만 저장).",
                             "원문 보관이 필요하면 설정 minwon.keep_original을 켜세요. 이미 접수된 민원에는 적용되지 않습니다.")
        return kept[0]


def _full(c: Complaint) -> str:
    return f"{c.title}\n{c.text}" if c.title else c.text


def _actor(actor: str | None) -> str:
    if actor and actor.strip():
        return actor.strip()
    from mokmin.guard.audit import os_user

    return os_user()
