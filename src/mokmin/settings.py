"""All of Mokmin's settings, in one place.

Values come, in increasing priority, from the defaults below, the settings file
(``$MOKMIN_HOME/settings.toml``, or the file named by ``MOKMIN_CONFIG``) and environment
variables prefixed ``MOKMIN_`` (nested fields use ``__``: ``MOKMIN_OPENAI__BASE_URL``).
Settings are built by :func:`load_settings`, never at import time.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from mokmin.errors import ConfigError


EgressPolicy = Literal["block", "mask", "allow"]


def default_home() -> Path:
    xdg = os.environ.get("XDG_DATA_HOME")
    base = Path(xdg) if xdg else Path.home() / ".local" / "share"
    return base / "mokmin"


class LlamaCppSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    model_path: Path | None = Field(
        default=None,
        description="GGUF file to load; empty means the embedded model in $MOKMIN_HOME/models.",
    )
    n_threads: int | None = Field(default=None, ge=1, description="CPU threads; empty = all cores.")
    n_ctx: int = Field(default=4096, ge=512, le=131072, description="Context length in tokens.")
    n_batch: int = Field(default=512, ge=32)
    seed: int = 0


class OpenAISettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    base_url: str = Field(default="http://127.0.0.1:8000/v1", description="Server URL ending in /v1.")
    model: str = Field(default="default", description="Model name the server expects.")
    api_key_env: str = Field(
        default="MOKMIN_OPENAI_API_KEY", description="Environment variable that holds the API key."
    )
    timeout: float = Field(default=120.0, gt=0, description="Seconds to wait for the server.")
    connect_timeout: float = Field(default=10.0, gt=0)
    max_retries: int = Field(default=3, ge=0, le=10)
    backoff: float = Field(default=0.5, ge=0, description="First retry delay in seconds (doubles).")
    is_local: bool = Field(
        default=False, description="Set true only for a server on this machine or inside the city network."
    )
    context_length: int = Field(default=8192, ge=512)
    egress: EgressPolicy | None = Field(
        default=None, description="Overrides the top-level egress policy for this backend; empty = inherit."
    )


class AuditSettings(BaseModel):
    """The audit log (see mokmin.guard.audit): where it lives and how much content it keeps."""

    model_config = ConfigDict(extra="forbid")

    dir: Path | None = Field(default=None, description="Audit log folder; empty = $MOKMIN_HOME/audit.")
    store_input: Literal["masked", "hash", "none"] = Field(
        default="masked",
        description="Input kept in a record: masked (personal data masked, cut at input_chars), hash, or none.",
    )
    store_output: bool = Field(default=False, description="Keep the full output text (default: hash only).")
    input_chars: int = Field(default=2000, ge=0, le=1_000_000, description="Masked input kept, in characters.")
    fsync: bool = Field(default=True, description="Flush every record to disk before returning.")


class WebSettings(BaseModel):
    """The web server (``mokmin serve``): address, sessions, the model queue and citizen limits."""

    model_config = ConfigDict(extra="forbid")

    host: str = Field(default="127.0.0.1", description="Address to listen on (0.0.0.0 = every interface).")
    port: int = Field(default=8080, ge=1, le=65535)
    session_hours: float = Field(default=12.0, gt=0, le=24 * 30, description="Staff sign-in lifetime.")
    cookie_secure: Literal["auto", "always", "never"] = Field(
        default="auto", description="Secure cookies: auto = when the request came over HTTPS."
    )
    queue_size: int = Field(default=32, ge=1, le=10_000, description="Model requests waiting at most.")
    queue_per_client: int = Field(default=2, ge=1, le=100, description="Waiting requests per client.")
    citizen_per_minute: int = Field(default=10, ge=1, le=10_000, description="Citizen questions per minute.")
    max_upload_mb: int = Field(default=50, ge=1, le=2048)
    trust_proxy: bool = Field(
        default=False, description="Take the client address from X-Forwarded-For (only behind your own proxy)."
    )


class MinwonSettings(BaseModel):
    """The 민원 desk (see mokmin.minwon): what it keeps and what it accepts."""

    model_config = ConfigDict(extra="forbid")

    keep_original: bool = Field(
        default=False,
        description="Also keep the unmasked complaint text (shown only to staff with the right role); "
        "default: complaints are stored with personal data masked.",
    )
    max_chars: int = Field(default=20_000, ge=200, le=1_000_000, description="Longest complaint accepted.")


class Settings(BaseSettings):
    """Mokmin's settings. ``home`` holds the model, databases and indexes."""

    model_config = SettingsConfigDict(
        env_prefix="MOKMIN_", env_nested_delimiter="__", extra="forbid", validate_default=True
    )

    home: Path = Field(default_factory=default_home, description="Data directory (MOKMIN_HOME).")
    backend: Literal["llamacpp", "openai"] = "llamacpp"
    profile: Path | None = Field(default=None, description="City profile TOML; empty = bundled 당진시.")
    temperature: float = Field(default=0.0, ge=0.0, le=2.0, description="Drafting temperature.")
    max_tokens: int = Field(default=700, ge=16, le=8192, description="Upper bound on generated tokens.")
    llamacpp: LlamaCppSettings = Field(default_factory=LlamaCppSettings)
    openai: OpenAISettings = Field(default_factory=OpenAISettings)
    egress: EgressPolicy = Field(
        default="mask",
        description="Prompts to a non-local backend: block (never send), mask (personal data masked "
        "and restored in the answer) or allow (sent as is, audited).",
    )
    audit: AuditSettings = Field(default_factory=AuditSettings)
    minwon: MinwonSettings = Field(default_factory=MinwonSettings)
    web: WebSettings = Field(default_factory=WebSettings)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, _TomlFileSource(settings_cls))

    @property
    def models_dir(self) -> Path:
        return self.home / "models"


class _TomlFileSource(PydanticBaseSettingsSource):
    """Reads the settings file; its path may itself come from the environment."""

    def __init__(self, settings_cls: type[BaseSettings]):
        super().__init__(settings_cls)
        self._data = _read_settings_file(settings_file_path())

    def get_field_value(self, field: Any, field_name: str) -> tuple[Any, str, bool]:
        return self._data.get(field_name), field_name, False

    def __call__(self) -> dict[str, Any]:
        return dict(self._data)


def settings_file_path() -> Path:
    explicit = os.environ.get("MOKMIN_CONFIG")
    if explicit:
        return Path(explicit)
    home = os.environ.get("MOKMIN_HOME")
    return (Path(home) if home else default_home()) / "settings.toml"


def _read_settings_file(path: Path) -> dict[str, Any]:
    if not path.is_file():
        if os.environ.get("MOKMIN_CONFIG"):
            raise ConfigError(
                f"설정 파일을 찾을 수 없습니다: {path}",
                "MOKMIN_CONFIG가 가리키는 경로를 확인하세요.",
            )
        return {}
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(
            f"설정 파일을 읽을 수 없습니다: {path} ({exc})",
            "TOML 문법을 확인하세요. 예: backend = \"llamacpp\"",
        ) from exc


def load_settings(**overrides: Any) -> Settings:
    """Build the settings from defaults, the settings file, the environment and ``overrides``."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()
        )
        raise ConfigError(
            f"설정 값이 올바르지 않습니다: {problems}",
            f"설정 파일({settings_file_path()})이나 MOKMIN_ 환경 변수를 고치세요.",
        ) from exc
