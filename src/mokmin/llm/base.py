"""The backend contract every language model speaks."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal, Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict, Field


class Message(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    role: Literal["system", "user", "assistant"]
    content: str


class GenerationOptions(BaseModel):
    """Per-call options. Unknown options are rejected so a misspelt one fails loudly."""

    model_config = ConfigDict(extra="forbid")

    temperature: float = Field(default=0.0, ge=0.0, le=2.0)
    max_tokens: int = Field(default=512, ge=1, le=32768)
    top_p: float = Field(default=1.0, gt=0.0, le=1.0)
    stop: list[str] = Field(default_factory=list)
    seed: int | None = 0


@runtime_checkable
class Backend(Protocol):
    """A language model. ``stream`` yields text pieces as they are generated."""

    name: str
    is_local: bool
    context_length: int

    def stream(self, messages: list[Message], options: GenerationOptions) -> Iterator[str]: ...


def complete(backend: Backend, messages: list[Message], options: GenerationOptions) -> str:
    """The whole answer as one string (the same path as streaming)."""
    return "".join(backend.stream(messages, options))
