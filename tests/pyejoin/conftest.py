"""The protocol package's tests run without Home Assistant."""

import pytest


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations() -> None:
    """Replace the Home Assistant fixture of tests/conftest.py: no hass here."""
