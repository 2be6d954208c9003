"""Tests for the Ejoin integration."""
