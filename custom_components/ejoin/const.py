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
CONF_LOCAL_ONLY: Final = (
    "local_only"  # the webhook takes posts from the local network only
)

DEFAULT_REPORT_PERIOD: Final = 60
MIN_REPORT_PERIOD: Final = 60  # the gateway's own minimum

# A 64-port gateway reporting 32 SIM slots per port sends about 1.2 MB; anything far
# larger is not a gateway report.
MAX_REPORT_BYTES: Final = 4 * 1024 * 1024

CONF_REDIAL_INTERVAL: Final = "redial_interval"
CONF_PUBLIC_IP_INTERVAL: Final = "public_ip_interval"
CONF_DEFAULT_RECIPIENTS: Final = "default_recipients"
CONF_CURRENCY: Final = "currency"  # ISO 4217 code of the SIMs' balance; none by default
# Whether the recorder keeps the texts and phone numbers the SMS and call event
# entities show; off by default, for privacy.
CONF_RECORD_TEXTS_AND_NUMBERS: Final = "record_texts_and_numbers"
DEFAULT_REDIAL_INTERVAL: Final = 60  # seconds between redials of one port
REDIAL_JITTER: Final = 0.25  # up to a quarter more, so redials do not look machine-made
DEFAULT_PUBLIC_IP_INTERVAL: Final = 300  # seconds between readings of public IPs
# The "SIM gateways" sidebar panel: shown while a loaded gateway has it on.
CONF_SHOW_PANEL: Final = "show_panel"
DEFAULT_SHOW_PANEL: Final = True
# How many received SMS the panel's inbox keeps for the gateway (0: none).
CONF_INBOX_SIZE: Final = "inbox_size"
DEFAULT_INBOX_SIZE: Final = 50
MAX_INBOX_SIZE: Final = 1000

ATTR_MODE: Final = "mode"
ATTR_SLOT: Final = "slot"
ATTR_NUMBERS: Final = "numbers"
ATTR_MESSAGE: Final = "message"
ATTR_DELIVERY_REPORT: Final = "delivery_report"

# Events on Home Assistant's bus; automations and the logbook use them.
EVENT_SMS_RECEIVED: Final = "ejoin_sms_received"
EVENT_SMS_DELIVERY_REPORT: Final = "ejoin_sms_delivery_report"
EVENT_SMS_SENT: Final = "ejoin_sms_sent"
EVENT_SMS_TASK_PROGRESS: Final = "ejoin_sms_task_progress"
EVENT_CALL: Final = "ejoin_call"

# How many received SMS (and delivery reports) are remembered to recognise a repeat,
# and for how long after Home Assistant first saw them. A gateway repeats a push within
# minutes; forgetting sooner could only make an old message look new, never hide one.
SEEN_SMS_LIMIT: Final = 2048
SEEN_SMS_MAX_AGE: Final = timedelta(days=30)
SMS_STORE_PAGE: Final = 100  # rows asked for in one read of the gateway's SMS store
SMS_STORE_MAX_PAGES: Final = 200  # a store larger than 20 000 rows is read over time
