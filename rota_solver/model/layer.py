"""The weekly stage's one extension point: a layer of fixed parts and prices over its model.

A plain solve has no layer; a rerun lays the published rota over it
(``rota_solver.rerun.keep.PublishedLayer``).
"""

from __future__ import annotations

from typing import Protocol

from ..scenario import Scenario
from ..term_calendar import TermCalendar
from .builder import BuiltModel
from .variables import Cells


class WeeklyLayer(Protocol):
    def weekly_scenario(self, scenario: Scenario) -> Scenario:
        """The scenario as the weekly table is to see it."""
        ...

    def price_weekly_changes(self, built: BuiltModel, calendar: TermCalendar) -> bool:
        """Add the layer's prices (and hints) to the built weekly model; whether they settle its table
        as the layer's own (then the model's searches only confirm it)."""
        ...

    def own_cells(self, scenario: Scenario) -> Cells | None:
        """The cells of the layer's own table (every day set), whose model is enough when the layer
        settles its table; ``None`` if it has none, or it plainly does not hold in ``scenario``."""
        ...
