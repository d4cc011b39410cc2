"""The one way Mokmin reports a problem to a person.

Every expected failure (bad input, missing model, unreachable server) is raised as a
:class:`MokminError` carrying a Korean message and a hint that says what to do. The CLI prints
these without a traceback; tests and library callers can catch them like any exception.
"""

from __future__ import annotations


class MokminError(Exception):
    """An expected failure with a message for the user and a hint on how to fix it."""

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        if self.hint:
            return f"{self.message}\n→ {self.hint}"
        return self.message


class InputError(MokminError):
    """The user's input (a brief, a draft, a file) cannot be used as it is."""


class ModelError(MokminError):
    """The model file is missing, corrupt or cannot be assembled."""


class BackendError(MokminError):
    """A language-model backend failed (server refused, timed out, returned garbage)."""


class ConfigError(MokminError):
    """Settings or the city profile are invalid."""


class DocumentError(InputError):
    """A document cannot be read (unsupported format, encrypted, corrupt). Names the file."""

    def __init__(self, path, reason: str, hint: str | None = None):
        super().__init__(f"문서를 읽을 수 없습니다: {path} — {reason}", hint)
        self.path = str(path)
        self.reason = reason
