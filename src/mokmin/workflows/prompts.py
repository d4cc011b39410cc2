"""Prompt templates (package data, Jinja2), rendered into chat messages with a stable id."""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from importlib import resources

import jinja2

from mokmin.llm.base import Message


@lru_cache(maxsize=None)
def _source(name: str) -> str:
    return (resources.files("mokmin") / "data" / "prompts" / f"{name}.j2").read_text(encoding="utf-8")


def prompt_id(name: str) -> str:
    return f"{name}@{hashlib.sha256(_source(name).encode()).hexdigest()[:8]}"


_ROLES = ("system", "user", "assistant")
_SECTION_LINE = re.compile(r"^[ \t]*\[(system|user|assistant)\][ \t]*$", re.MULTILINE)
_SENTINEL = "\x00mokmin-section:"


def _finalize(value):
    """Every ``{{ value }}`` is data: it can never open a section (NUL, the sentinel's mark, is removed)."""
    return "" if value is None else str(value).replace("\x00", "")


@lru_cache(maxsize=None)
def _template(name: str) -> jinja2.Template:
    # The template's own [system]/[user] lines become sentinels before rendering, so a value holding a
    # line "[system]" (a citizen's message, a document) stays text inside its section.
    source = _SECTION_LINE.sub(lambda m: f"{_SENTINEL}{m.group(1)}\x00", _source(name))
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, keep_trailing_newline=False, autoescape=False,
                             finalize=_finalize)
    return env.from_string(source)


def render_messages(name: str, **context) -> list[Message]:
    """Render the ``[system]`` / ``[user]`` / ``[assistant]`` sections of a template into messages."""
    text = _template(name).render(**context)
    messages: list[Message] = []
    for part in text.split(_SENTINEL)[1:]:
        role, _, content = part.partition("\x00")
        if role in _ROLES:
            messages.append(Message(role=role, content=content.strip()))
    return messages
