"""Constants shared by the Ejoin integration."""

from __future__ import annotations

from datetime import timedelta
import logging
from typing import Final

DOMAIN: Final = "ejoin"
LOGGER = logging.getLogger(__package__)

MANUFACTURER: Final = "Ejoin"
DEFAULT_PORT: Final = 80
REQUEST_TIMEOUT: Final = 10.0  # seconds, for every request to the gateway

CONF_WEBHOOK_ID: Final = "webhook_id"
CONF_REPORT_URL: Final = "report_url"
CONF_CONFIGURE_GATEWAY: Final = "configure_gateway"
CONF_REPORT_PERIOD: Final = "report_period"
CONF_ALL_SIMS: Final = "all_sims"

DEFAULT_REPORT_PERIOD: Final = 60
MIN_REPORT_PERIOD: Final = 60  # the gateway's own minimum

# A 64-port gateway reporting 32 SIM slots per port sends about 1.2 MB; anything far
# larger is not a gateway report.
MAX_REPORT_BYTES: Final = 4 * 1024 * 1024

UNKNOWN_REPORT_LOG_INTERVAL: Final = timedelta(hours=1)
