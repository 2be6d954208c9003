"""Tests of the protocol package, with no Home Assistant involved."""
