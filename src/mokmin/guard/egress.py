"""The egress guard: what may leave this machine for a non-local backend.

:func:`guard_backend` wraps every backend whose ``is_local`` is false (the registry calls it, so no
workflow can reach such a backend unguarded). The policy is ``settings.egress``, overridden per
backend kind by e.g. ``openai.egress``:

- ``block``: nothing is sent, ever (a Korean :class:`BackendError`); the attempt is audited.
- ``mask`` (default): personal data that ``find_pii`` finds in every message (and stop string) is
  replaced by ``mask_pii``'s typed placeholders ([이름1], [전화1] …), numbered once across the whole
  request; the masked request is sent and audited, and the placeholders in the streamed answer are
  restored with ``unmask`` — a placeholder split across stream pieces is held back until it is complete.
- ``allow``: sent as it is, and audited.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterator, Sequence

from mokmin.errors import BackendError
from mokmin.llm.base import Backend, GenerationOptions, Message
from mokmin.settings import Settings

MAX_HOLD = 24  # longest placeholder form held back while streaming, e.g. "[ 외국인번호 12 ]"
_LITERAL = re.compile(r"[\[［]\s*([^\[\]［］\d\s]+?)\s*([0-9０-９]{1,6})\s*[\]］]")
_CLOSE = re.compile(r"[\]］]")


def egress_policy(settings: Settings) -> str:
    """The policy for ``settings.backend``: its own ``egress`` setting, else the top-level one."""
    own = getattr(getattr(settings, settings.backend, None), "egress", None)
    return own or settings.egress


def guard_backend(backend: Backend, settings: Settings) -> Backend:
    """``backend`` itself when it is local, else the backend behind the egress policy."""
    if getattr(backend, "is_local", False):
        return backend
    return EgressGuard(backend, egress_policy(settings), settings)


class EgressGuard:
    """A non-local backend that only ever receives what the policy lets out."""

    is_local = False

    def __init__(self, inner: Backend, policy: str, settings: Settings | None = None):
        if policy not in ("block", "mask", "allow"):
            raise ValueError(f"unknown egress policy {policy!r}")
        self.inner = inner
        self.policy = policy
        self.settings = settings
        self.name = inner.name
        self.context_length = inner.context_length

    def __getattr__(self, name: str):  # list_models, close, base_url … of the wrapped backend
        return getattr(self.inner, name)

    def stream(self, messages: list[Message], options: GenerationOptions) -> Iterator[str]:
        prompt = "\n\n".join(f"{m.role}: {m.content}" for m in messages)
        if self.policy == "block":
            self._audit(prompt, None, {})
            where = getattr(self.inner, "base_url", "")
            raise BackendError(
                f"외부 언어 모델 서버({self.name}{', ' + where if where else ''})로 보내기가 차단되어 있습니다 "
                "(egress = \"block\"). 아무것도 보내지 않았습니다.",
                "내장 모델을 쓰세요(backend = \"llamacpp\"). 기관 내부 서버라면 관리자가 openai.is_local = true로, "
                "개인정보를 가려서 보내도 된다면 egress = \"mask\"로 설정하세요.",
            )
        if self.policy == "allow":
            self._audit(prompt, prompt, {})
            return self.inner.stream(messages, options)
        masked = mask_texts([m.content for m in messages] + list(options.stop))
        sent = [Message(role=m.role, content=text) for m, text in zip(messages, masked.texts)]
        sent_options = options.model_copy(update={"stop": masked.texts[len(messages):]})
        self._audit(prompt, "\n\n".join(f"{m.role}: {m.content}" for m in sent), masked.counts)
        return _restored(self.inner.stream(sent, sent_options), masked.mapping)

    def _audit(self, prompt: str, sent: str | None, counts: dict[str, int]) -> None:
        from mokmin.guard.audit import EgressEvent, current_workflow, record

        record(EgressEvent(workflow=current_workflow() or "direct", backend=self.name, policy=self.policy,
                           prompt=prompt, sent=sent, masked_counts=counts), settings=self.settings)


class MaskedTexts:
    """Texts masked with one numbering: the same value gets the same placeholder in every text, and no
    placeholder collides with one a text already contained."""

    def __init__(self, texts: Sequence[str] = ()) -> None:
        self.texts: list[str] = []
        self.mapping: dict[str, str] = {}  # placeholder → original
        self._by_value: dict[tuple[str, str], str] = {}
        self._next: Counter[str] = Counter()
        self._taken = {(m.group(1), int(unicodedata.normalize("NFKC", m.group(2))))
                       for text in texts for m in _LITERAL.finditer(text)}
        for text in texts:
            self.add(text)

    @property
    def counts(self) -> dict[str, int]:
        """Distinct values masked, per placeholder type (no values: this goes to the audit log)."""
        return dict(Counter(kind for kind, _ in self._by_value))

    def add(self, text: str) -> str:
        """Mask one text. Each distinct spelling gets its own placeholder (``mask_pii`` would merge
        ``010-1234-5678`` and ``01012345678``), so the answer is restored exactly as it was written."""
        from mokmin.checks.pii import PII_TYPES, find_pii

        out, pos = [], 0
        for f in find_pii(text):
            kind = PII_TYPES[f.extra["type"]].placeholder
            key = (kind, f.text)
            if key not in self._by_value:
                self._next[kind] += 1
                while (kind, self._next[kind]) in self._taken:
                    self._next[kind] += 1
                self._by_value[key] = placeholder = f"[{kind}{self._next[kind]}]"
                self.mapping[placeholder] = f.text
            out += [text[pos : f.start], self._by_value[key]]
            pos = f.end
        out.append(text[pos:])
        masked = "".join(out)
        self.texts.append(masked)
        return masked


def mask_texts(texts: Sequence[str]) -> MaskedTexts:
    return MaskedTexts(texts)


class StreamUnmasker:
    """Restores placeholders in a stream of text pieces. From the last opening bracket on, text is held
    back until the bracket closes (or :data:`MAX_HOLD` characters pass), so a placeholder cut across
    pieces — ``[이`` + ``름1]`` — is restored whole. ``unmask`` also accepts ``[ 이름 1 ]`` and ``［이름1］``."""

    def __init__(self, mapping: dict[str, str]):
        from mokmin.checks.pii import unmask

        self.mapping = mapping
        self._unmask = unmask
        self._held = ""

    def feed(self, piece: str) -> str:
        text = self._held + piece
        self._held = ""
        if self.mapping:
            cut = max(text.rfind("["), text.rfind("［"))
            if cut != -1 and len(text) - cut <= MAX_HOLD and not _CLOSE.search(text, cut):
                text, self._held = text[:cut], text[cut:]
        return self.restore(text)

    def flush(self) -> str:
        text, self._held = self._held, ""
        return self.restore(text)

    def restore(self, text: str) -> str:
        return self._unmask(text, self.mapping) if self.mapping and text else text


def _restored(pieces: Iterator[str], mapping: dict[str, str]) -> Iterator[str]:
    unmasker = StreamUnmasker(mapping)
    for piece in pieces:
        out = unmasker.feed(piece)
        if out:
            yield out
    tail = unmasker.flush()
    if tail:
        yield tail
