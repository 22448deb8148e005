"""``summarize cache`` and ``summarize model``: the answer cache and the embedded model's weights."""

from __future__ import annotations

import json

import click

from ..brief.cache import AnswerCache
from ..config import Settings
from .options import reports_errors

__all__ = ["cache", "model"]


@click.group()
def cache() -> None:
    """Inspect or empty the answer cache."""


@cache.command("stats")
@reports_errors
def cache_stats() -> None:
    """Where the cache is, how many answers it holds, its size."""
    with AnswerCache(Settings.resolve().cache_dir / "answers") as store:
        click.echo(json.dumps(store.stats(), indent=2))


@cache.command("clear")
@reports_errors
def cache_clear() -> None:
    """Remove every cached answer."""
    with AnswerCache(Settings.resolve().cache_dir / "answers") as store:
        removed = store.clear()
    click.echo(f"removed {removed} cached answers", err=True)


@click.group()
def model() -> None:
    """The embedded model's weights."""


@model.command("path")
@reports_errors
def model_path() -> None:
    """Assemble and verify the embedded GGUF if needed, then print its path."""
    from ..backends.weights import ensure_default_model

    settings = Settings.resolve()
    click.echo(str(settings.model_path or ensure_default_model(settings.models_dir)))
