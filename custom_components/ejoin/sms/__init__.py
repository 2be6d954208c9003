"""SMS: what was received (once each), what the gateway's store holds, what is sent."""
