"""The dated stage's one extension point: a layer of fixed parts and prices laid over its inputs.

A plain solve has no layer. A rerun lays the published rota over the stage (see
``rota_solver.rerun.keep.PublishedLayer``): what is settled before the freeze date leaves the model,
the rest may move only from that date on, and every change to a published thing is priced.
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol

from ..rota import ActivityEvent, DatedSession, Unmet
from .items import Item


class TermLayer(Protocol):
    """What a layer tells the dated stage's inputs; every method is a pure function of its arguments.
    (How it prices changes in the model is :class:`rota_solver.term.model.ChangePrices`.)"""

    @property
    def freeze(self) -> dt.date:
        """Nothing is placed before this date."""
        ...

    def fit_items(self, items: list[Item], held: list[DatedSession]) -> list[Item]:
        """The items still to place, with only the spots the layer allows."""
        ...

    def settled_unmet(self, items: list[Item]) -> list[Unmet]:
        """Unmet requirements that stand as they are: their chance has passed."""
        ...

    def fit_displaceable(
        self, displaceable: dict[str, list[str]], held: list[DatedSession]
    ) -> dict[str, list[str]]:
        """The sessions that may still give way to an item."""
        ...

    def settled_activities(self) -> list[ActivityEvent]:
        """Activities and shifts that stand as they are."""
        ...
