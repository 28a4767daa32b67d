"""What a process keeps parsed between requests: stored scenario and rota versions never change
and their models are frozen, so a 120-class school's text (100-150 ms to parse) is parsed once per
process, not on every page view, and not at all by the process that stored it (storage hands
what it has just saved to :func:`remember_scenario` and :func:`remember_rota`). Keyed by content
(a digest), so two apps in one process (as in the tests) never see each other's versions under
the same row id."""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from rota_solver import Rota, Scenario, parse_scenario

_T = TypeVar("_T")


class Memo:
    """A small least-recently-used map, safe across the threads that serve requests."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, make: Callable[[], _T]) -> _T:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                found: _T = self._items[key]
                return found
        value = make()
        self.put(key, value)
        return value

    def put(self, key: Hashable, value: Any) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)


PARSED = Memo(16)
"""Parsed scenarios, rotas and term calendars, by kind and digest."""


def text_digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def scenario_of(text: str, digest: str | None = None) -> Scenario:
    """The stored scenario ``text`` parsed (``digest``: its row's digest, if known)."""
    return PARSED.get(("scenario", digest or text_digest(text)), lambda: parse_scenario(text))


def rota_of(text: str) -> Rota:
    """The stored rota JSON ``text`` parsed."""
    return PARSED.get(("rota", text_digest(text)), lambda: Rota.model_validate_json(text))


def remember_scenario(digest: str, scenario: Scenario) -> None:
    """``scenario``, just stored with ``digest``: the first page showing it need not parse it."""
    PARSED.put(("scenario", digest), scenario)


def remember_rota(text: str, rota: Rota) -> None:
    """``rota``, just stored as the JSON ``text``."""
    PARSED.put(("rota", text_digest(text)), rota)
