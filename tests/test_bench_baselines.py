"""The benchmark's baselines: the FET export is a well-formed .fet of the weekly problem, and FET (when
installed) places it; the greedy table never places more than the weekly rules require."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from bench.baselines.fet import export_fet, fet_available, run_fet
from bench.baselines.greedy import greedy_rota
from bench.synthetic import synthetic_school


def test_fet_export_holds_every_session_of_the_cycle() -> None:
    scenario = synthetic_school(24, seed=1)
    export = export_fet(scenario)
    root = ET.fromstring(export.xml)
    activities = root.findall("./Activities_List/Activity")
    assert len(activities) == len(export.activities) == greedy_rota(scenario).required
    assert len(root.findall("./Days_List/Day")) == 10  # A and B weeks, Monday to Friday
    # Every class with lessons in the library slots is unavailable then.
    assert root.findall("./Time_Constraints_List/ConstraintStudentsSetNotAvailableTimes")
    # Reading twice a week: the two sessions at least two days apart.
    spacing = root.findall("./Time_Constraints_List/ConstraintMinDaysBetweenActivities")
    assert spacing and all(el.findtext("MinDays") == "2" for el in spacing)


@pytest.mark.skipif(not fet_available(), reason="FET (fet-cl) is not installed")
def test_fet_places_a_small_school() -> None:
    result = run_fet(synthetic_school(12), time_limit=30)
    assert result.status == "solved"
    assert result.placed == result.required


def test_greedy_places_no_more_than_required() -> None:
    result = greedy_rota(synthetic_school(48, seed=3))
    assert 0 < result.placed <= result.required
    assert result.penalty >= 0
