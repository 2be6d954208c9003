"""Exceptions raised by the Ejoin protocol package.

Every message is built by this package and is free of credentials: the gateway takes its
password in the URL, so text from aiohttp (which quotes URLs) is scrubbed before it is used.
"""

from __future__ import annotations


class EjoinError(Exception):
    """Root of every error this package raises."""


class EjoinConnectionError(EjoinError):
    """The gateway could not be reached, or the connection broke."""


class EjoinNoAnswerError(EjoinConnectionError):
    """No answer came, but the request may have reached the gateway.

    The connection broke, or the time ran out, after the request may have been sent:
    the gateway may have carried it out. Only an error of this class (or of its
    subclass) leaves that open; a plain :class:`EjoinConnectionError` means the
    connection was never made, so nothing was sent.
    """


class EjoinTimeoutError(EjoinNoAnswerError):
    """The gateway did not answer in time (the request may have reached it)."""


class EjoinAuthenticationError(EjoinError):
    """The gateway rejected the username or password."""


class EjoinCommandError(EjoinError):
    """The gateway answered, but refused the request."""

    def __init__(self, code: int | None, reason: str) -> None:
        """Keep the gateway's own code and reason next to the message."""
        super().__init__(f"gateway refused the request: {reason} (code {code})")
        self.code = code
        self.reason = reason


class EjoinMalformedReplyError(EjoinError):
    """The gateway answered with something that is not what its API describes."""


class EjoinMalformedReportError(EjoinError):
    """A pushed report is not a JSON object with a report type."""
