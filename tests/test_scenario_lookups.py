"""A scenario's lookups (periods, bells, classes by id) are indexed once per scenario; a copy with
some of them replaced answers with its own, not the original's."""

from __future__ import annotations

import datetime as dt

from rota_solver.scenario import Period, SchoolClass
from tests.factories import tiny_school


def test_a_copy_with_new_periods_and_classes_looks_up_its_own() -> None:
    school = tiny_school()
    assert school.bell("p5", "mon") is not None and school.period("p5").start == dt.time(14, 0)
    assert school.school_class("1-1").size == 30  # both indexes are built before the copy

    copy = school.model_copy(
        update={
            "periods": [Period(id="p5", start=dt.time(9, 0), end=dt.time(9, 40), days=["tue"])],
            "classes": [SchoolClass(id="1-1", grade=1, size=12)],
        }
    )

    assert copy.period("p5").start == dt.time(9, 0)
    assert copy.bell("p5", "mon") is None and copy.bell("p5", "tue") == copy.period("p5")
    assert copy.school_class("1-1").size == 12
    # The original keeps its own.
    assert school.bell("p5", "mon") == school.period("p5") and school.school_class("1-1").size == 30
