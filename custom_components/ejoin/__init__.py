"""The Ejoin SIM gateway integration: multi-port GSM/4G gateways that push reports by webhook."""
