"""The ``summarize`` command (``summarize.cli:main``)."""

from .main import main

__all__ = ["main"]
