"""Model backends behind one small protocol (see ``base``).

``create_backend`` picks one from the settings. The vendor SDKs are imported only
by the backend that needs them, and only when it is created.
"""

from __future__ import annotations

from ..config import Settings
from .base import Backend, Completion, Message, Usage
from .mock import MockBackend

__all__ = ["Backend", "Completion", "Message", "MockBackend", "Usage", "create_backend"]


def create_backend(settings: Settings) -> Backend:
    """The embedded model, or an OpenAI-compatible endpoint, as the settings say."""
    if settings.uses_embedded:
        from ._embedded import EmbeddedBackend

        return EmbeddedBackend(settings)
    from ._openai import OpenAIBackend

    return OpenAIBackend(settings)
