"""The ``summarize`` command group: one subcommand per job, each a thin layer over one library call."""

from __future__ import annotations

import click

from .batch import batch
from .brief import brief
from .daily import daily
from .evaluate import eval_command
from .maintenance import cache, model

__all__ = ["main"]


@click.group(
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100, "show_default": True}
)
@click.version_option(package_name="summarize")
def main() -> None:
    """Structured, source-grounded incident briefs from security-incident news.

    Runs the embedded model by default (no key, no network); point --base-url /
    OPENAI_BASE_URL at any OpenAI-compatible endpoint to use another model.
    """


for _command in (brief, batch, daily, eval_command, cache, model):
    main.add_command(_command)
