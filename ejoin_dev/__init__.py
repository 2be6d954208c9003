"""Run the integration for real: a Home Assistant process, the simulator, their APIs.

``scripts/develop`` and the end-to-end tests (``tests_e2e``) build on this package;
the integration itself never imports it.
"""
