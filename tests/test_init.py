"""Tests that Home Assistant finds and reads the integration."""

import json
from pathlib import Path

from awesomeversion import AwesomeVersion
from homeassistant.core import HomeAssistant
from homeassistant.loader import async_get_integration

from custom_components.ejoin.const import DOMAIN

MANIFEST = Path(__file__).parent.parent / "custom_components" / DOMAIN / "manifest.json"


async def test_home_assistant_loads_the_repository_integration(
    hass: HomeAssistant,
) -> None:
    """Home Assistant's loader finds this repository's integration, not a stand-in."""
    manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))

    integration = await async_get_integration(hass, DOMAIN)

    assert integration.pkg_path == "custom_components.ejoin"
    assert Path(integration.file_path) == MANIFEST.parent
    assert integration.name == manifest["name"]
    assert integration.version == AwesomeVersion(manifest["version"])
    assert integration.dependencies == ["webhook"]
    assert integration.config_flow is True
    assert integration.iot_class == "local_push"
