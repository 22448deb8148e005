"""Settings, resolved once: command-line flag > ``SUMMARIZE_*`` / ``OPENAI_*`` env var > default.

Everything downstream takes a frozen ``Settings`` so no module reads the
environment on its own. The API key is kept out of ``repr`` so it never ends up
in a log line or a traceback.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from platformdirs import user_cache_dir

from .errors import ConfigError

__all__ = ["INSTRUCTOR_MODES", "Settings", "default_cache_dir"]

#: instructor modes a user may pick for an OpenAI-compatible endpoint.
INSTRUCTOR_MODES = ("tools", "json", "json_schema", "md_json")

# field name -> (env var, parser). Flags win over these, these win over defaults.
_ENV: dict[str, tuple[str, Any]] = {
    "model": ("SUMMARIZE_MODEL", str),
    "model_path": ("SUMMARIZE_MODEL_PATH", Path),
    "base_url": ("OPENAI_BASE_URL", str),
    "api_key": ("OPENAI_API_KEY", str),
    "mode": ("SUMMARIZE_MODE", str),
    "temperature": ("SUMMARIZE_TEMPERATURE", float),
    "max_tokens": ("SUMMARIZE_MAX_TOKENS", int),
    "max_retries": ("SUMMARIZE_MAX_RETRIES", int),
    "http_retries": ("SUMMARIZE_HTTP_RETRIES", int),
    "timeout": ("SUMMARIZE_TIMEOUT", float),
    "n_ctx": ("SUMMARIZE_N_CTX", int),
    "n_threads": ("SUMMARIZE_THREADS", int),
    "cache_dir": ("SUMMARIZE_CACHE_DIR", Path),
    "models_dir": ("SUMMARIZE_MODELS_DIR", Path),
    "max_article_chars": ("SUMMARIZE_MAX_ARTICLE_CHARS", int),
    "reuse_prefix": ("SUMMARIZE_REUSE_PREFIX", "bool"),
    "prompts_dir": ("SUMMARIZE_PROMPTS_DIR", Path),
}

_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off"}


def _parse(var: str, raw: str, kind: Any) -> Any:
    if kind == "bool":
        if raw.lower() in _TRUE | _FALSE:
            return raw.lower() in _TRUE
        raise ConfigError(f"{var}={raw!r} is not a boolean (1/0, true/false)", var=var)
    try:
        return kind(raw)
    except ValueError as exc:
        raise ConfigError(f"{var}={raw!r} is not a valid {kind.__name__}", var=var) from exc


def default_cache_dir() -> Path:
    """The per-user cache directory (model weights and cached answers live here)."""
    return Path(user_cache_dir("summarize", appauthor=False))


@dataclass(frozen=True)
class Settings:
    """How to brief: which model, how to call it, where to cache."""

    #: ``None`` picks automatically: an OpenAI-compatible endpoint when ``base_url`` is set,
    #: else the embedded model. ``"embedded"`` forces the embedded model; any other name is
    #: sent to the endpoint (``backends.registry`` decides).
    model: str | None = None
    model_path: Path | None = None
    base_url: str | None = None
    mode: str = "tools"
    api_key: str | None = field(default=None, repr=False)
    temperature: float = 0.0
    max_tokens: int = 1024
    #: re-asks after an answer that fails validation
    max_retries: int = 2
    #: transport retries for 429 / 5xx / timeouts (with backoff, honouring Retry-After)
    http_retries: int = 3
    timeout: float = 120.0
    #: the embedded model's threads (``None``: one per CPU) and context window
    n_threads: int | None = None
    n_ctx: int = 8192
    cache_dir: Path = field(default_factory=default_cache_dir)
    #: where the embedded model's weights are assembled (kept apart from answers: 1.1 GB)
    models_dir: Path = field(default_factory=lambda: default_cache_dir() / "models")
    use_cache: bool = True
    strict_grounding: bool = False
    #: longer articles are cut at a paragraph boundary, and the brief says so
    max_article_chars: int = 20_000
    #: let llama.cpp reuse the evaluated prompt prefix between calls (off only to measure its saving)
    reuse_prefix: bool = True
    #: another directory of prompt templates (same file names), e.g. to eval a prompt change
    prompts_dir: Path | None = None

    def __post_init__(self) -> None:
        if self.mode not in INSTRUCTOR_MODES:
            raise ConfigError(
                f"unknown mode {self.mode!r}; choose one of {', '.join(INSTRUCTOR_MODES)}",
                mode=self.mode,
            )
        for name in ("max_tokens", "n_ctx", "max_article_chars"):
            if getattr(self, name) <= 0:
                raise ConfigError(f"{name} must be positive", **{name: getattr(self, name)})
        for name in ("max_retries", "http_retries"):
            if getattr(self, name) < 0:
                raise ConfigError(f"{name} must not be negative", **{name: getattr(self, name)})
        if self.timeout <= 0:
            raise ConfigError("timeout must be positive", timeout=self.timeout)
        if self.prompts_dir is not None and not (self.prompts_dir / "brief.system.j2").is_file():
            raise ConfigError(
                f"{self.prompts_dir} is not a prompts directory (no brief.system.j2)",
                prompts_dir=str(self.prompts_dir),
            )

    @classmethod
    def resolve(cls, environ: Mapping[str, str] | None = None, **flags: Any) -> Settings:
        """Build settings from flags (``None`` means "not given"), then env vars, then defaults."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        names = {f.name for f in fields(cls)}
        for name, value in flags.items():
            if name not in names:
                raise TypeError(f"unknown setting {name!r}")
            if value is not None:
                values[name] = value
        for name, (var, parse) in _ENV.items():
            raw = env.get(var)
            if name in values or raw is None or raw.strip() == "":
                continue
            values[name] = _parse(var, raw.strip(), parse)
        return cls(**values)
