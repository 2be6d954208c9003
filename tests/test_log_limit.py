"""The log limiter: each kind of oddity once an hour, few kinds, and nothing kept large."""

from __future__ import annotations

from custom_components.ejoin.log_limit import KINDS_KEPT, LogLimiter, cut

from .helpers import FakeClock


def test_a_kind_is_let_through_once_an_hour() -> None:
    """The same kind is said once; again only once an hour has passed since."""
    clock = FakeClock()
    limiter = LogLimiter(clock=clock.monotonic)

    said = [limiter.allow("foreign", "00:30:f1:0a:0b:0c") for _ in range(3)]
    clock.now += 3599
    said.append(limiter.allow("foreign", "00:30:f1:0a:0b:0c"))
    clock.now += 1
    said.append(limiter.allow("foreign", "00:30:f1:0a:0b:0c"))

    assert said == [True, False, False, False, True]


def test_other_kinds_are_let_through_and_forgotten_kinds_go() -> None:
    """Each kind counts on its own; a kind not seen for an hour is forgotten."""
    clock = FakeClock()
    limiter = LogLimiter(clock=clock.monotonic)
    assert limiter.allow("a")
    clock.now += 1800
    assert limiter.allow("b")
    clock.now += 1800

    assert limiter.allow("c")
    assert len(limiter) == 2  # "a" is forgotten, "b" and "c" remembered


def test_only_so_many_kinds_at_once() -> None:
    """A flood of kinds: the first few are said, the rest not until an hour passes."""
    clock = FakeClock()
    limiter = LogLimiter(clock=clock.monotonic)

    said = sum(limiter.allow("type", str(number)) for number in range(1000))
    clock.now += 3600

    assert said == KINDS_KEPT
    assert limiter.allow("type", "after an hour")


def test_kinds_are_kept_small_whatever_their_size() -> None:
    """Megabyte-sized kinds are remembered as short hashes: a few kilobytes in all."""
    limiter = LogLimiter()

    for number in range(100):
        limiter.allow("unknown type", f"{number}" + "x" * 1_000_000)

    assert len(limiter) == KINDS_KEPT
    assert limiter.bytes_kept < 8 * 1024


def test_clear_lets_every_kind_through_again() -> None:
    """After clear() the next of each kind is said again."""
    limiter = LogLimiter()
    assert limiter.allow("x")

    limiter.clear()

    assert limiter.allow("x")


def test_texts_are_cut_to_a_few_dozen_characters() -> None:
    """A text shown in a log line is cut, with an ellipsis saying so."""
    assert cut("x" * 100) == "x" * 39 + "…"
    assert cut("vol_sim") == "vol_sim"
