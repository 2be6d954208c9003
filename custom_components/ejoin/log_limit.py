"""Say something odd once, not every time it happens, and never at length.

Reports, status reads and SMS store pages come again every period, odd or not, and
anyone on the network can post to the webhook. A :class:`LogLimiter` lets a kind of
oddity through once an hour at most, remembers a bounded number of kinds, and keeps
of each only a short hash: whatever a stranger sends, the log and the memory stay
small. :func:`cut` shortens a text for a log line (the protocol package's
``shortened`` does the same for any value it describes).
"""

from __future__ import annotations

from collections.abc import Callable
import hashlib
import sys
import time
from typing import Final

# How long a kind is remembered once said: it is said again after an hour.
FORGET_AFTER: Final = 3600.0
# Kinds remembered at once; beyond them nothing new is said until one is forgotten.
KINDS_KEPT: Final = 64
# A kind is kept as a hash of this many bytes, whatever its size.
_DIGEST_BYTES: Final = 8


def cut(text: str, limit: int = 40) -> str:
    """Return text cut to ``limit`` characters (an ellipsis says it was), for a log line."""
    return text if len(text) <= limit else f"{text[: limit - 1]}…"


class LogLimiter:
    """Tells whether a kind of oddity may be logged now: once an hour, few kinds."""

    def __init__(
        self,
        *,
        kinds: int = KINDS_KEPT,
        forget_after: float = FORGET_AFTER,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """Remember up to ``kinds`` kinds, each for ``forget_after`` seconds."""
        self._kinds = kinds
        self._forget_after = forget_after
        self._clock = clock
        # When each kind was last let through, oldest first.
        self._said: dict[bytes, float] = {}

    def allow(self, *kind: object) -> bool:
        """Whether to log this kind now; if so, it is not let through for an hour."""
        now = self._clock()
        self._forget(now)
        key = _digest(kind)
        if key in self._said or len(self._said) >= self._kinds:
            return False
        self._said[key] = now
        return True

    def clear(self) -> None:
        """Forget every kind: the next of each is logged again."""
        self._said.clear()

    def __len__(self) -> int:
        """Tell how many kinds are remembered."""
        return len(self._said)

    @property
    def bytes_kept(self) -> int:
        """Roughly how many bytes the remembered kinds take (for tests and support)."""
        return sys.getsizeof(self._said) + sum(
            sys.getsizeof(key) + sys.getsizeof(said_at)
            for key, said_at in self._said.items()
        )

    def _forget(self, now: float) -> None:
        """Drop the kinds said longer ago than ``forget_after``."""
        while self._said:
            oldest, said_at = next(iter(self._said.items()))
            if now - said_at < self._forget_after:
                return
            del self._said[oldest]


def _digest(kind: tuple[object, ...]) -> bytes:
    """Return a short hash of a kind: the kind itself may be large."""
    text = repr(kind).encode("utf-8", "backslashreplace")
    return hashlib.blake2b(text, digest_size=_DIGEST_BYTES).digest()
