"""Constants shared by the Ejoin integration."""

from typing import Final

DOMAIN: Final = "ejoin"
