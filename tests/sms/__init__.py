"""Tests of the SMS package: the record of seen SMS, the store, sending."""
