"""Make sure the repository's own integration is the `custom_components` Python sees.

pytest-homeassistant-custom-component ships a testing `custom_components` package of its
own; importing ours first, before any `hass` fixture runs, keeps it from shadowing ours.
"""

import custom_components.ejoin  # noqa: F401
