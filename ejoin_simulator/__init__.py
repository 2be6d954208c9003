"""A stand-in for an Ejoin gateway: answers its HTTP API and pushes its reports.

For development, demos and end-to-end tests; see ``scripts/simulate --help``.
"""

from .model import Gateway, Port, Sim
from .server import RecordedRequest, Simulator

__all__ = ["Gateway", "Port", "RecordedRequest", "Sim", "Simulator"]
