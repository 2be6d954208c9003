"""Tests of what reports and replies carry (pyejoin.models)."""

from __future__ import annotations

from datetime import datetime

import pytest

from pyejoin import CallRecord, TaskStatus

from .payloads import utc


@pytest.mark.parametrize(
    ("answered", "ended", "seconds"),
    [
        (None, None, 0),
        (utc(2024, 1, 1, 0, 0, 0), None, 0),
        (None, utc(2024, 1, 1, 0, 0, 9), 0),
        (utc(2024, 1, 1, 0, 0, 0), utc(2024, 1, 1, 0, 1, 30), 90),
        (utc(2024, 1, 1, 0, 0, 10), utc(2024, 1, 1, 0, 0, 0), 0),
    ],
)
def test_call_duration(
    answered: datetime | None, ended: datetime | None, seconds: int
) -> None:
    """Talk time runs from answer to end, never negative."""
    call = CallRecord(type="cdr", answered_at=answered, ended_at=ended)

    assert call.duration_seconds == seconds
    assert call.finished is (ended is not None)


def test_task_status_accepted() -> None:
    """A task status is accepted only with code 0."""
    assert TaskStatus(task_id=1, code=0, reason="OK").accepted is True
    assert TaskStatus(task_id=1, code=13, reason="Duplicated Task Id").accepted is False
