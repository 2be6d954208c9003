"""Decode the JSON bodies gateways send, with the JSON loader the caller prefers.

Gateways send UTF-8, sometimes after a byte order mark or followed by NULs. Used alone,
the package reads JSON with the standard library; an application with a faster loader
(Home Assistant's ``json_loads``, which is ``orjson.loads``) passes it as ``loads``.
Whatever the loader, a body gets the same reading, or is refused with
:class:`.EjoinMalformedReportError` for the same reason.
"""

from __future__ import annotations

from collections.abc import Callable
import json
from typing import Any, Final

from .exceptions import EjoinMalformedReportError

type JsonLoader = Callable[[bytes | str], Any]
"""Reads a JSON document from text or UTF-8 bytes; raises ValueError when it is not JSON.

``json.loads``, ``orjson.loads`` and Home Assistant's ``json_loads`` are such loaders.
"""

_BOM: Final = b"\xef\xbb\xbf"
_PADDING_BYTES: Final = b"\x00 \t\r\n"
_PADDING: Final = "\ufeff\x00 \t\r\n"


def load_json_object(
    body: bytes | bytearray | str, *, loads: JsonLoader = json.loads
) -> Any:
    """Decode a JSON body as gateways send it (UTF-8, maybe with a BOM or trailing NULs).

    The bytes go to the loader as they are, saving a copy of the body, unless the loader
    is the standard library's: given bytes, it would guess UTF-16 or UTF-32 and take
    UTF-8-encoded surrogates, where a gateway's body is UTF-8 or nothing. Any other
    loader must read bytes as UTF-8 and refuse what is not, as orjson does.
    """
    if isinstance(body, bytes | bytearray):
        trimmed = bytes(body).strip(_PADDING_BYTES)
        if (
            loads is json.loads
            or trimmed.startswith(_BOM)
            or trimmed.endswith(_BOM)  # padding among BOMs: read the way text is
        ):
            try:
                body = trimmed.decode("utf-8-sig")
            except UnicodeDecodeError:
                raise EjoinMalformedReportError("body is not UTF-8 text") from None
        else:
            return _loaded(trimmed, loads)
    return _loaded(body.strip(_PADDING), loads)


def _loaded(document: bytes | str, loads: JsonLoader) -> Any:
    """Run the loader; tell a body that is not UTF-8 from one that is not JSON.

    What a faster loader refuses but the standard library reads (NaN and Infinity,
    integers beyond what orjson takes, nesting past 1024 levels) is read by the
    standard library: a body gets the same reading whichever loader is passed, and
    only a body that is refused pays for a second attempt.
    """
    try:
        return loads(document)
    # ValueError: also an integer too large for the loader; RecursionError: nesting
    # too deep for the standard library (orjson refuses it with a ValueError).
    except (ValueError, RecursionError):
        pass
    if isinstance(document, bytes):
        try:
            document = document.decode()
        except UnicodeDecodeError:
            raise EjoinMalformedReportError("body is not UTF-8 text") from None
    if loads is not json.loads:
        try:
            return json.loads(document)
        except (ValueError, RecursionError):
            pass
    raise EjoinMalformedReportError("body is not JSON")
