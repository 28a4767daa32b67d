"""Issue 20 item 6: class data real schools have. Grades outside 1-12, no class sizes (a room that
does not count seats), and ids in Greek or Chinese, which get stable ASCII names in file names and
calendar UIDs."""

from __future__ import annotations

import re
from typing import Any

import pytest
from pydantic import ValidationError

from calendars import build_feeds
from calendars.feeds import event_uid, feed_key
from rota_solver.scenario import Scenario, ascii_slug
from tests.factories import rule, school_dict
from tests.model.helpers import solve_and_verify

CLASSES = [
    {"id": "Α1", "name": "Α1 (Reception)", "grade": 0},
    {"id": "一年级1班", "grade": 0},
    {"id": "13-1", "grade": 13},
]


def school(**overrides: Any) -> dict[str, Any]:
    """Three classes of unknown size, two of them in grade 0, reading in one 60-minute lunch slot a
    day in a room for two classes at once whose seats are not counted."""
    data: dict[str, Any] = {
        "classes": CLASSES,
        "rooms": [{"id": "βιβλιοθήκη", "classes_at_once": 2}],
        "rules": [
            rule(grades=[0, 13], room="βιβλιοθήκη", duration_minutes=60, frequency={"per_week": 3}),
        ],
        "staff": [{"id": "λ1", "role": "librarian"}],
        "grades": [{"number": 0, "name": "Reception"}, {"number": 13, "name": "Year 13"}],
    }
    return school_dict(**{**data, **overrides})


def test_classes_without_sizes_share_a_room_that_counts_no_seats() -> None:
    scenario = Scenario.model_validate(school())
    rota = solve_and_verify(scenario)
    # 9 sessions a week in 5 lunch slots: two classes must share the room, whatever their size.
    times = [s.start for s in rota.sessions]
    assert len(times) == 18 and len(set(times)) < len(times)


def test_a_room_that_counts_seats_needs_the_sizes_of_its_classes() -> None:
    data = school(rooms=[{"id": "βιβλιοθήκη", "seats": 40, "classes_at_once": 2}])
    with pytest.raises(ValidationError, match="class 'Α1' needs a size: rule 'reading' takes it to room"):
        Scenario.model_validate(data)
    sized = [{**c, "size": 20} for c in CLASSES]
    scenario = Scenario.model_validate({**data, "classes": sized})
    rota = solve_and_verify(scenario)
    # 40 seats hold two classes of 20: they share as before.
    assert len({s.start for s in rota.sessions}) < len(rota.sessions)


def test_ascii_ids_keep_their_names_and_others_get_stable_distinct_ones() -> None:
    assert [ascii_slug(i) for i in ("3-2", "lib_wang", "p5.x")] == ["3-2", "lib_wang", "p5.x"]
    assert feed_key("class", "3-2") == "class-3-2"
    assert event_uid("session.reading.3-2.w1.1", "d.invalid") == "session.reading.3-2.w1.1@d.invalid"
    assert ascii_slug("Α1") == "A1-d821c6ad"
    assert ascii_slug("α1") == "a1-3736510f"
    assert ascii_slug("一年级1班") == "1-59e13645"
    assert ascii_slug("Ελληνικά") == "Ellinika-08a6101b"


def test_feeds_of_a_school_with_greek_and_chinese_ids_are_ascii_named() -> None:
    scenario = Scenario.model_validate(school())
    rota = solve_and_verify(scenario)
    feeds = build_feeds(scenario, rota)
    names = [f.filename for f in feeds]
    assert {"class-A1-d821c6ad.ics", "class-1-59e13645.ics", "class-13-1.ics", "reception.ics"} <= set(names)
    assert all(re.fullmatch(r"[A-Za-z0-9_.\-]+\.ics", n) for n in names)
    assert len(set(names)) == len(names)
    library = next(f for f in feeds if f.kind == "library").ics.decode()
    uids = re.findall(r"^UID:(.*)\r$", library, flags=re.MULTILINE)
    assert len(uids) == 18 and len(set(uids)) == 18
    assert all(u.isascii() for u in uids)
    # The class feed holds that class's sessions, named as the rota names them.
    a1 = next(f for f in feeds if f.filename == "class-A1-d821c6ad.ics")
    assert a1.events == 6 and "Α1 (Reception)" in a1.ics.decode()
    # The same rota gives the same UIDs again.
    assert [f.ics for f in build_feeds(scenario, rota)] == [f.ics for f in feeds]


def test_ids_whose_ascii_names_meet_are_refused() -> None:
    clash = [*CLASSES, {"id": "A1-d821c6ad", "grade": 0}]
    with pytest.raises(ValidationError, match="same ASCII name 'A1-d821c6ad'"):
        Scenario.model_validate(school(classes=clash))


@pytest.mark.parametrize("bad", ["a b", "α/1", "👍", "x\u0000"])
def test_ids_are_still_letters_digits_and_dot_dash_underscore(bad: str) -> None:
    with pytest.raises(ValidationError, match="String should match pattern"):
        Scenario.model_validate(school(classes=[{**CLASSES[0], "id": bad}]))
