"""``at_each_moment``: the groups of intervals running at one moment that are not inside another
group, compared with that definition computed the plain way on generated intervals."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from rota_solver.model.overlap import at_each_moment

Interval = tuple[int, int, int, int, int]  # day, start, end, term, weight


@st.composite
def intervals(draw: st.DrawFn) -> list[Interval]:
    count = draw(st.integers(0, 14))
    found: list[Interval] = []
    for term in range(count):
        day = draw(st.integers(0, 2))
        start = draw(st.integers(0, 12))
        end = draw(st.integers(start + 1, 14))
        found.append((day, start, end, term, draw(st.integers(0, 3))))
    return found


def plainly(items: list[Interval]) -> set[frozenset[tuple[int, int]]]:
    """Every moment's running set, less those strictly inside another of the same day."""
    groups: set[tuple[int, frozenset[tuple[int, int]]]] = set()
    for day, start, _, _, _ in items:
        running = frozenset((t, w) for d, s, e, t, w in items if d == day and s <= start < e)
        groups.add((day, running))
    return {g for day, g in groups if not any(d == day and g < other for d, other in groups)}


@settings(max_examples=400, deadline=None)
@given(intervals())
def test_the_groups_are_the_moments_not_inside_another(items: list[Interval]) -> None:
    found = at_each_moment(items)
    assert len({frozenset(g) for g in found}) == len(found)  # no group twice
    assert {frozenset(g) for g in found} == plainly(items)


def test_a_short_lesson_inside_a_long_one_is_one_group_with_it() -> None:
    # 8-10 holds 9-10; 11-12 starts after both have ended.
    assert at_each_moment([(0, 8, 10, "a", 1), (0, 9, 10, "b", 1), (0, 11, 12, "c", 1)]) == [
        [("a", 1), ("b", 1)],
        [("c", 1)],
    ]
