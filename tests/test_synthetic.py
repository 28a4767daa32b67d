"""The synthetic school generator: deterministic, valid, the sizes asked for, and solvable."""

from __future__ import annotations

import pytest

from bench.synthetic import synthetic_district, synthetic_school, synthetic_school_data
from rota_solver.scenario import Scenario
from rota_solver.solve import SolveOptions, solve
from rota_solver.verify import verify


def test_same_seed_gives_the_same_scenario() -> None:
    first = synthetic_school(48, seed=3).model_dump_json()
    assert synthetic_school(48, seed=3).model_dump_json() == first
    assert synthetic_school(48, seed=4).model_dump_json() != first


@pytest.mark.parametrize("classes", [12, 24, 48, 72, 120, 240])
def test_sizes_are_valid_schools_of_that_many_classes(classes: int) -> None:
    scenario = synthetic_school(classes)
    assert len(scenario.classes) == classes
    assert sorted({c.grade for c in scenario.classes}) == [1, 2, 3, 4, 5, 6]
    reading_rooms = [r for r in scenario.rooms if r.id.startswith("reading_room")]
    assert 1 <= len(reading_rooms) <= 3
    assert 1 <= len([m for m in scenario.staff if m.role == "librarian"]) <= 4
    assert scenario.helper_groups and all(
        scenario.school_class(g.class_id).grade >= 5 for g in scenario.helper_groups
    )
    # Every class is under exactly one rule: lower grades read twice a week, upper ones borrow A/B.
    for school_class in scenario.classes:
        rules = [r for r in scenario.rules if school_class in scenario.rule_classes(r)]
        assert len(rules) == 1
        frequency = rules[0].frequency
        assert (frequency.per_week, frequency.every_weeks) == (
            (2, None) if school_class.grade <= 2 else (None, 2)
        )
    assert scenario.stocktake is not None
    assert {a.id for a in scenario.activities} >= {"orientation", "reading_month_day", "teachers_reading"}


def test_timetables_fill_about_a_quarter_of_the_reading_periods() -> None:
    scenario = synthetic_school(120, seed=1)
    reading = next(r for r in scenario.rules if r.kind == "reading")
    periods = {p for w in reading.windows for p in scenario.window(w).periods or []}
    lower = [c for c in scenario.classes if c.grade <= 2]
    busy = sum(1 for c in lower for b in c.busy if b.period in periods)
    share = busy / (len(lower) * len(periods) * 5)
    assert 0.2 <= share <= 0.3


def test_rooms_and_librarians_can_be_set() -> None:
    scenario = synthetic_school(60, rooms=3, librarians=4)
    assert len([r for r in scenario.rooms if r.id.startswith("reading_room")]) == 3
    assert len(scenario.staff) == 4
    with pytest.raises(ValueError, match="reading rooms"):
        synthetic_school_data(60, rooms=4)
    with pytest.raises(ValueError, match="classes"):
        synthetic_school_data(2)
    with pytest.raises(ValueError, match="country"):
        synthetic_school_data(24, country="XX")


@pytest.mark.parametrize("country", ["CN", "GB", "US"])
def test_each_country_has_its_holidays(country: str) -> None:
    from rota_solver.term_calendar import build_term_calendar

    scenario = synthetic_school(12, country=country)
    assert scenario.term.holiday_country == country
    calendar = build_term_calendar(scenario)
    assert calendar.days
    assert scenario.school.locale == ("zh-CN" if country == "CN" else "en")


def test_district_holds_schools_of_varied_sizes() -> None:
    district = synthetic_district(6, seed=2)
    assert len(district) == 6
    assert len({len(s.classes) for s in district}) > 1
    assert [s.model_dump_json() for s in district] == [
        s.model_dump_json() for s in synthetic_district(6, seed=2)
    ]
    assert all(isinstance(s, Scenario) for s in district)


@pytest.mark.parametrize(("classes", "seed", "country"), [(12, 0, "CN"), (12, 1, "GB"), (24, 2, "CN")])
def test_small_generated_schools_solve_and_verify(classes: int, seed: int, country: str) -> None:
    scenario = synthetic_school(classes, seed=seed, country=country)
    rota = solve(scenario, SolveOptions(time_limit_seconds=30, workers=1, seed=0))
    assert rota.report.status == "optimal"
    assert rota.unmet == []
    assert verify(scenario, rota) == []
