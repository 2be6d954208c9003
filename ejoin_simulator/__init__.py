"""A stand-in for an Ejoin gateway: answers its HTTP API and pushes its reports.

For development, demos and end-to-end tests; see ``scripts/simulate --help``.
"""

from .model import Port, Sim
from .recorded import RecordedRequest
from .reports import Gateway
from .server import Simulator

__all__ = ["Gateway", "Port", "RecordedRequest", "Sim", "Simulator"]
