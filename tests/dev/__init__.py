"""Tests of the development tools behind scripts/develop and the end-to-end tests."""
