"""Model backends behind one small protocol (see ``base``), chosen by ``registry``.

``create_backend`` picks one from the settings. The vendor SDKs are imported only by
the backend that needs them, and only when it is created.
"""

from .base import AsyncBackend, Backend, Completion, Message, Reask, Usage
from .mock import MockBackend
from .registry import EMBEDDED, create_backend, is_serial

__all__ = [
    "EMBEDDED",
    "AsyncBackend",
    "Backend",
    "Completion",
    "Message",
    "MockBackend",
    "Reask",
    "Usage",
    "create_backend",
    "is_serial",
]
