"""Tests of the gateway simulator, driven through the project's own protocol client."""
