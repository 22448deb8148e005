"""The one way a command writes what it made: to stdout in a format it is told, or to files named.

Every command that writes a document picks the format from the document's registry
(``formats.Formats``): by name for stdout, by suffix for a file. File names are checked
before any work starts, so a typo costs nothing; each file is then written atomically and
said on stderr. Data goes to stdout, what happened to stderr.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

from ..errors import ConfigError
from ..formats.registry import Formats

__all__ = ["check_paths", "echo_document", "outputs_option", "write_documents"]

T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])


def outputs_option(*names: str, formats: Formats[Any], lead: str) -> Callable[[F], F]:
    """A repeatable FILE option (``outputs``) whose suffix picks the format; ``lead`` starts its help."""
    return click.option(
        *names,
        "outputs",
        multiple=True,
        metavar="FILE",
        type=click.Path(dir_okay=False, path_type=Path),
        help=f"{lead}, in the format its suffix names: "
        + ", ".join(f"{f.suffixes[0]} ({f.description})" for f in formats)
        + "; repeatable.",
    )


def check_paths(formats: Formats[T], paths: Sequence[Path], option: str) -> None:
    """Refuse, as a usage error of ``option``, a file whose suffix names no format of ``formats``."""
    for path in paths:
        try:
            formats.for_path(path)
        except ConfigError as exc:
            raise click.BadParameter(str(exc), param_hint=option) from None


def echo_document(formats: Formats[T], document: T, name: str) -> None:
    """``document`` on stdout in the format called ``name``."""
    click.echo(formats.get(name).render(document), nl=False)


def write_documents(formats: Formats[T], document: T, paths: Sequence[Path]) -> None:
    """``document`` into each of ``paths``, in the format its suffix names."""
    for path in paths:
        formats.write(document, path)
        click.echo(f"wrote {path}", err=True)
