"""What the commands share: the model options, a few others, error handling and logging.

Every command that talks to a model takes the same ``model_options``; their values go
to ``Settings.resolve`` unchanged (flags win over ``SUMMARIZE_*``/``OPENAI_*`` variables,
which win over defaults). Library errors become one ``error: ...`` line on stderr and
the exit code of their class (``reports_errors``); nothing here decides anything else.
"""

from __future__ import annotations

import datetime as dt
import logging
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import click

from ..config import INSTRUCTOR_MODES, Settings
from ..errors import SummarizeError

__all__ = [
    "model_command",
    "model_options",
    "parse_date",
    "published_option",
    "quiet_option",
    "reports_errors",
    "settings_from",
    "setup_logging",
    "strict_grounding_option",
]

P = ParamSpec("P")
R = TypeVar("R")
Decorator = Callable[[Callable[..., Any]], Callable[..., Any]]


def reports_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn library errors into a message on stderr and the error's exit code."""

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except SummarizeError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            sys.exit(130)

    return wrapper


def parse_date(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date like 2023-12-11") from None


def setup_logging(verbose: int) -> None:
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    # instructor logs every failed attempt at ERROR; our own error line says what matters
    logging.getLogger("instructor").setLevel(logging.DEBUG if verbose > 1 else logging.CRITICAL)


def settings_from(no_cache: bool, flags: dict[str, Any], **more: Any) -> Settings:
    """The settings a command's model options (and ``more``, such as ``strict_grounding``) ask for."""
    return Settings.resolve(use_cache=not no_cache, **flags, **more)


_MODEL_OPTIONS: list[Decorator] = [
    click.option(
        "--model", "-m", help="Model name; 'embedded' for the built-in model. [env: SUMMARIZE_MODEL]"
    ),
    click.option(
        "--model-path",
        type=click.Path(path_type=Path, dir_okay=False),
        help="A GGUF file for the embedded backend. [env: SUMMARIZE_MODEL_PATH]",
    ),
    click.option(
        "--base-url", help="OpenAI-compatible endpoint, e.g. http://127.0.0.1:8000/v1. [env: OPENAI_BASE_URL]"
    ),
    click.option("--api-key", help="API key for the endpoint. [env: OPENAI_API_KEY]"),
    click.option(
        "--mode",
        type=click.Choice(INSTRUCTOR_MODES),
        help="How structured output is requested from an endpoint (default tools). [env: SUMMARIZE_MODE]",
    ),
    click.option("--timeout", type=float, help="Seconds to wait for one answer. [env: SUMMARIZE_TIMEOUT]"),
    click.option(
        "--max-retries", type=int, help="Re-asks after an invalid answer. [env: SUMMARIZE_MAX_RETRIES]"
    ),
    click.option(
        "--http-retries", type=int, help="Retries after 429, 5xx or a timeout. [env: SUMMARIZE_HTTP_RETRIES]"
    ),
    click.option(
        "--max-tokens", type=int, help="Most tokens one answer may use. [env: SUMMARIZE_MAX_TOKENS]"
    ),
    click.option(
        "--max-chars",
        "max_article_chars",
        type=int,
        help="Cut longer articles at a paragraph boundary. [env: SUMMARIZE_MAX_ARTICLE_CHARS]",
    ),
    click.option(
        "--prompts-dir",
        type=click.Path(path_type=Path, file_okay=False),
        help="Other prompt templates (same file names), e.g. to eval a change. [env: SUMMARIZE_PROMPTS_DIR]",
    ),
    click.option("--no-cache", is_flag=True, help="Neither read nor write the answer cache."),
    click.option(
        "-v", "--verbose", count=True, show_default=False, help="-v for progress details, -vv for debug logs."
    ),
]


def options(*decorators: Decorator) -> Decorator:
    """Several click options as one decorator, in the order given (as ``--help`` lists them)."""

    def apply(func: Callable[..., Any]) -> Callable[..., Any]:
        for decorator in reversed(decorators):
            func = decorator(func)
        return func

    return apply


#: The options of every command that talks to a model (they end in ``no_cache``, ``verbose``
#: and ``**flags`` for ``settings_from``).
model_options = options(*_MODEL_OPTIONS)


def model_command(func: Callable[..., Any]) -> Callable[..., Any]:
    """A command that talks to a model: the model options, and library errors as exit codes."""
    return model_options(reports_errors(func))


published_option = click.option(
    "--published",
    callback=parse_date,
    metavar="YYYY-MM-DD",
    help="Publication date: resolves weekdays and 'yesterday' to ISO dates.",
)
strict_grounding_option = click.option(
    "--strict-grounding", is_flag=True, help="Drop incidents with no quote found in the article."
)


def quiet_option(what: str) -> Decorator:
    return click.option("--quiet", "-q", is_flag=True, help=what)
