"""What a feed is: one calendar file someone subscribes to.

The bottom of the package: :mod:`calendars.index` lists feeds and :mod:`calendars.feeds` builds
them, and both import :class:`Feed` from here, never from each other's side.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

FeedKind = Literal["class", "staff", "helpers", "room", "grade", "library"]


@dataclass(frozen=True)
class Feed:
    """One calendar file: a feed someone subscribes to."""

    key: str
    """``class-3-2``, ``staff-lib_wang``, ``helpers-helpers_5_1``, ``room-stacks``, ``grade-3`` or
    ``library``."""
    kind: FeedKind
    filename: str
    """``key + ".ics"``."""
    title: str
    """Display name in the school's language, e.g. 阳光小学 · 三年级2班 · 图书馆安排."""
    ics: bytes
    """The iCalendar file: UTF-8, CRLF line endings, lines folded at 75 octets."""
    events: int
    """Number of VEVENTs."""
