"""Model backends behind one small protocol (see ``base``).

``create_backend`` picks one from the settings. The vendor SDKs are imported only
by the backend that needs them, and only when it is created.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..config import Settings
from .base import Backend, Completion, Message, Usage
from .mock import MockBackend

if TYPE_CHECKING:  # prompts import backends.base: a runtime import here would be circular
    from ..brief.prompts import PromptSet

__all__ = ["Backend", "Completion", "Message", "MockBackend", "Usage", "create_backend"]


def create_backend(settings: Settings, prompts: PromptSet | None = None) -> Backend:
    """The embedded model, or an OpenAI-compatible endpoint, as the settings say.

    ``prompts`` gives the embedded model its re-ask template (an endpoint re-asks through instructor).
    """
    if settings.uses_embedded:
        from ._embedded import EmbeddedBackend

        return EmbeddedBackend(settings, prompts)
    from ._openai import OpenAIBackend

    return OpenAIBackend(settings)
