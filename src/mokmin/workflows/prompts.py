"""Prompt templates (package data, Jinja2), rendered into chat messages with a stable id."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from importlib import resources

import jinja2

from mokmin.llm.base import Message


@lru_cache(maxsize=None)
def _source(name: str) -> str:
    return (resources.files("mokmin") / "data" / "prompts" / f"{name}.j2").read_text(encoding="utf-8")


def prompt_id(name: str) -> str:
    return f"{name}@{hashlib.sha256(_source(name).encode()).hexdigest()[:8]}"


def render_messages(name: str, **context) -> list[Message]:
    """Render ``[system]`` / ``[user]`` sections of a template into messages."""
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, keep_trailing_newline=False, autoescape=False)
    text = env.from_string(_source(name)).render(**context)
    messages: list[Message] = []
    role, lines = None, []
    for line in text.splitlines():
        if line.strip() in ("[system]", "[user]", "[assistant]"):
            if role:
                messages.append(Message(role=role, content="\n".join(lines).strip()))
            role, lines = line.strip()[1:-1], []
        else:
            lines.append(line)
    if role:
        messages.append(Message(role=role, content="\n".join(lines).strip()))
    return messages
