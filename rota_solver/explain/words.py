"""Sentences about conflicts, in the school's language (zh-CN or en), with their figures.

Every sentence is built from the scenario's own names (class, rule, room, window and staff names)
and numbers; nothing here decides anything.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from ..labels import Labels, labels_for
from ..model.variables import GroupKey
from ..scenario import Availability, GradeRule, Scenario, minutes
from ..slots import Slot

LIST_MAX = 6
"""Items listed by name before "and N more"."""

_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "conflict": "These requirements cannot all be met together: {parts}.",
        "part_sep": "; ",
        "per_week": "{n} session(s) a week",
        "every_weeks": "1 session every {k} weeks",
        "demand": "{cls} needs {freq} of {rule} ({minutes} min, {room}, in {windows})",
        "spacing": "one class's {rule} sessions must be at least {days} days apart",
        "phases": "{rule} splits its {n} classes evenly over {k} weeks (at most {high} in a week)",
        "timetable": "{cls}'s timetable leaves {free} of its {total} library slots free{which}",
        "which": ": {slots}",
        "room": "{room} holds {k} class(es) at a time",
        "seats": "{room} has {seats} seats",
        "staffing": "each {rule} session needs {n} {role}(s)",
        "staff_member": "{name} is on duty only {hours}{cap}",
        "staff_helpers": "helper team {name} works only in {windows}{cap}",
        "cap": ", at most {cap} a day",
        "all_hours": "all day",
        "helper_class": "helper team {name} is never on duty while its class {cls} is busy ({busy}) or in "
        "the library",
        "no_lessons": "no lessons",
        "activity": "{what} must take place {when} in {windows} ({minutes} min)",
        "activity_all_day": "{what} must take place {when} (all day)",
        "before_first": ", before the class's first {rules} session",
        "in_weeks": "in teaching week(s) {weeks}",
        "in_month": "in month {month}",
        "between": "between {first} and {last}",
        "in_term": "during the term",
        "returns": "{cls}'s final returns session for {rule} must fall between {first} and {last}, "
        "in {windows}",
        "shift": "the stocktake shift on {date} ({window}) needs {staffing}",
        "staffing_list": "{n} {role}(s)",
        "what_for": "{activity} for {who}",
        "pin": "{cls}'s {rule} session is pinned to {day} {start}{week}",
        "pin_week": " in week {week}",
        # pre-checks
        "days_only_windows": "{cls} needs {freq} of {rule}{apart}, but {rule}'s windows ({windows}) exist "
        "only on {days}",
        "days_timetable": "{cls} needs {freq} of {rule}{apart}, but its timetable leaves {rule}'s windows "
        "({windows}) free only on {days} ({free} free slot(s))",
        "days_none": "{cls} needs {freq} of {rule}{apart}, but its timetable leaves no slot of {rule}'s "
        "windows ({windows}) free",
        "apart": ", at least {days} days apart",
        "no_day": "no day",
        "seats_short": "{cls} has {size} pupils, but {room}, where {rule} takes place, has only "
        "{seats} seats",
        "room_slots": "{room}: the {n} classes of {rules} need {demand} class session(s) {period}, but after "
        "class timetables the room has only {supply} ({slots} free slot(s) a week, on {days} in {windows}, "
        "x {k} class(es) at a time)",
        "a_week": "a week",
        "every_n_weeks": "every {k} weeks",
        "count_all": "; {core} of these classes already need more than that",
        "staff_cover": "each {rule} session needs {need} {role}(s), but at most {able} can work in any of "
        "its slots{who}",
        "who_blocked": " ({names})",
        "staff_hours": "the classes of {rules} need at least {demand} {role} duties a week ({room} holds "
        "{k} class(es) at a "
        "time), but {people} can do at most {supply}",
        "term_no_spot": "{what}; but of its {spots} possible slot(s), {reasons}",
        "no_spots_at_all": "{what}; but no school day in that time has {windows}",
        "activity_room": "{what}; but its {n} class(es) come together, and {room} {reasons}",
        "activity_seats": "has only {seats} seats for their {pupils} pupils",
        "activity_classes": "holds only {k} class(es) at a time",
        "reason_busy": "{cls} has lessons in {n}",
        "reason_staff": "{name} is away or off duty in {n}",
        "reason_staffing": "too few {role}s are free in {n}",
        "reason_room": "{room} is too small in {n}",
        "reason_teachers": "{name} is not free in {n}",
        "clash": "{what}; but each of its {spots} free slot(s) is taken by the weekly rota or another "
        "activity",
        "out_of_time": "{what}; the time limit ran out before it was placed: solve again with a longer "
        "limit to place it or learn why not",
        "gap": "{cls} waits {days} days for {rule} ({first} to {last}), but at most {limit} are allowed"
        "{lost}; no free slot of {windows} in between can take a make-up",
        "gap_lost": ": {n} session(s) lost ({reasons})",
        "unexplained": "No rota exists, but the conflict could not be narrowed down in {seconds:g} s: "
        "try allowing more windows or days, or fewer sessions per week.",
        "not_minimal": " (not proven to be the smallest such set in the time available)",
        # suggestions
        "s_window": "allow the {window} window for {rule}",
        "s_spacing": "let one class's {rule} sessions be {days} day(s) apart instead of {old}",
        "s_frequency": "reduce {rule} to {n} session(s) a week",
        "s_classes_at_once": "let {room} hold {n} classes at once instead of {old}",
        "s_window_days": "open the {window} window on {days} too",
        "s_move_room": "hold {rule} in {room} ({seats} seats) instead",
        "s_seats": "give {room} {n} seats instead of {old}",
        "s_staffing": "staff each {rule} session with {n} {role}(s) instead of {old}",
        "s_hours": "add {hours} to {name}'s duty hours",
        "s_cap": "let {name} take {n} duties a day instead of {old}",
        "s_helper_window": "let helper team {name} also work in the {window} window",
        "s_helper_class": "recruit helper team {name} from {cls} instead of {old}",
        "s_take_lesson": "let the library take {cls}'s {subject} lessons ({hours})",
        "s_activity_window": "allow the {window} window for {activity}",
        "s_activity_room": "hold {activity} in {room} ({seats} seats) instead",
        "s_activity_each_class": "give each class its own {activity} (at most {largest} pupils at once)",
        "s_activity_weeks": "allow {activity} in teaching week(s) {weeks}",
        "s_activity_end": "allow {activity} until {date}",
        "s_returns_days": "start the final returns {n} days before loans are due instead of {old}",
        "s_gap_days": "let a class wait up to {n} days between {rule} sessions instead of {old}",
        "s_shift_staffing": "staff each stocktake shift in {window} with {n} {role}(s) instead of {old}",
        "s_unpin": "unpin {cls}'s {rule} session from {day} {start}{week}",
    },
    "zh-CN": {
        "conflict": "以下要求无法同时满足：{parts}。",
        "part_sep": "；",
        "per_week": "每周{n}次",
        "every_weeks": "每{k}周1次",
        "demand": "{cls}需要{rule}{freq}（{minutes}分钟，{room}，{windows}）",
        "spacing": "同一班级的{rule}至少间隔{days}天",
        "phases": "{rule}的{n}个班级要平均分在{k}周里（每周最多{high}个）",
        "timetable": "{cls}的课表在其{total}个图书馆时段中只有{free}个空闲{which}",
        "which": "：{slots}",
        "room": "{room}同一时间只能容纳{k}个班级",
        "seats": "{room}只有{seats}个座位",
        "staffing": "每次{rule}需要{n}名{role}",
        "staff_member": "{name}只在{hours}值班{cap}",
        "staff_helpers": "图书管理员小组{name}只在{windows}值班{cap}",
        "cap": "，每天最多{cap}次",
        "all_hours": "全天",
        "helper_class": "图书管理员小组{name}在本班{cls}上课（{busy}）或在图书馆时不能值班",
        "no_lessons": "无课",
        "activity": "{what}必须{when}在{windows}进行（{minutes}分钟）",
        "activity_all_day": "{what}必须{when}进行（全天）",
        "before_first": "，并在该班第一次{rules}之前",
        "in_weeks": "在第{weeks}周",
        "in_month": "在{month}月",
        "between": "在{first}至{last}之间",
        "in_term": "在本学期内",
        "returns": "{cls}的{rule}最后一次还书必须在{first}至{last}之间，在{windows}",
        "shift": "{date}（{window}）的图书清点需要{staffing}",
        "staffing_list": "{n}名{role}",
        "what_for": "{who}的{activity}",
        "pin": "{cls}的{rule}固定在{week}{day} {start}",
        "pin_week": "{week}周",
        "days_only_windows": "{cls}需要{rule}{freq}{apart}，但{rule}的时段（{windows}）只在{days}有",
        "days_timetable": "{cls}需要{rule}{freq}{apart}，但课表只在{days}留出{rule}的时段（{windows}），"
        "共{free}个空闲时段",
        "days_none": "{cls}需要{rule}{freq}{apart}，但课表在{rule}的时段（{windows}）没有任何空闲",
        "apart": "，每次至少间隔{days}天",
        "no_day": "任何一天都没有",
        "seats_short": "{cls}有{size}名学生，但{rule}所在的{room}只有{seats}个座位",
        "room_slots": "{room}：{rules}的{n}个班级{period}需要{demand}班次，但排除各班课表后，该室只有"
        "{supply}班次（每周{days}{windows}中{slots}个空闲时段 × 同时{k}个班级）",
        "a_week": "每周",
        "every_n_weeks": "每{k}周",
        "count_all": "；其中{core}个班级就已超出",
        "staff_cover": "每次{rule}需要{need}名{role}，但任一时段最多只有{able}名能值班{who}",
        "who_blocked": "（{names}）",
        "staff_hours": "{rules}每周至少需要{demand}次{role}值班（{room}同时容纳{k}个班级），"
        "但{people}最多只能值{supply}次",
        "term_no_spot": "{what}；但在{spots}个可能的时段中，{reasons}",
        "no_spots_at_all": "{what}；但这段时间里没有一个上课日有{windows}",
        "activity_room": "{what}；但其{n}个班级一起参加，而{room}{reasons}",
        "activity_seats": "只有{seats}个座位，容纳不下{pupils}名学生",
        "activity_classes": "同一时间只能容纳{k}个班级",
        "reason_busy": "{cls}有{n}个时段在上课",
        "reason_staff": "{name}有{n}个时段不在岗",
        "reason_staffing": "{n}个时段没有足够的{role}",
        "reason_room": "{room}在{n}个时段容纳不下",
        "reason_teachers": "{name}有{n}个时段没空",
        "clash": "{what}；但它的{spots}个空闲时段都已被每周轮流安排或其他活动占用",
        "out_of_time": "{what}；排班时间已用完，尚未安排：请放宽时间限制后重新排班，以安排它或查明原因",
        "gap": "{cls}的{rule}要等{days}天（{first}至{last}），但最多只能间隔{limit}天{lost}；"
        "其间{windows}没有空闲时段可以补课",
        "gap_lost": "：{n}次课取消（{reasons}）",
        "unexplained": "无法排出轮流表，但在{seconds:g}秒内未能找出具体冲突："
        "请尝试开放更多时段或日期，或减少每周次数。",
        "not_minimal": "（在可用时间内未能证明这是最小的冲突集合）",
        "s_window": "允许{rule}使用{window}时段",
        "s_spacing": "把同一班级{rule}的间隔从{old}天改为{days}天",
        "s_frequency": "把{rule}减少到每周{n}次",
        "s_classes_at_once": "让{room}同时容纳{n}个班级（原为{old}个）",
        "s_window_days": "让{window}时段在{days}也开放",
        "s_move_room": "改在{room}（{seats}个座位）进行{rule}",
        "s_seats": "把{room}的座位从{old}个增加到{n}个",
        "s_staffing": "每次{rule}安排{n}名{role}（原为{old}名）",
        "s_hours": "让{name}在{hours}也能值班",
        "s_cap": "让{name}每天最多值班{n}次（原为{old}次）",
        "s_helper_window": "让图书管理员小组{name}也在{window}时段值班",
        "s_helper_class": "改从{cls}招募图书管理员小组{name}（原为{old}）",
        "s_take_lesson": "允许图书馆课占用{cls}的{subject}课（{hours}）",
        "s_activity_window": "允许{activity}使用{window}时段",
        "s_activity_room": "改在{room}（{seats}个座位）举行{activity}",
        "s_activity_each_class": "让每个班级分别参加{activity}（每次最多{largest}名学生）",
        "s_activity_weeks": "允许{activity}在第{weeks}周进行",
        "s_activity_end": "允许{activity}最晚在{date}进行",
        "s_returns_days": "把最后还书的时段从截止日前{old}天改为前{n}天",
        "s_gap_days": "允许同一班级两次{rule}之间最多间隔{n}天（原为{old}天）",
        "s_shift_staffing": "{window}时段的每次图书清点安排{n}名{role}（原为{old}名）",
        "s_unpin": "不再把{cls}的{rule}固定在{week}{day} {start}",
    },
}

_ROLES = {"zh-CN": {"librarian": "图书管理员", "helper": "图书管理员小组"}, "en": {}}


class Words:
    """Sentences for one scenario, in its school's language."""

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.locale = scenario.school.locale
        self.labels: Labels = labels_for(self.locale)
        self._w = _WORDS[self.locale]

    def say(self, key: str, **values: object) -> str:
        return self._w[key].format(**values)

    # --- names ---------------------------------------------------------------------------------
    def cls(self, class_id: str) -> str:
        return self.scenario.school_class(class_id).label

    def rule(self, rule: GradeRule) -> str:
        return rule.name or rule.id

    def rule_id(self, rule_id: str) -> str:
        return self.rule(next(r for r in self.scenario.rules if r.id == rule_id))

    def room(self, room_id: str) -> str:
        room = self.scenario.room(room_id)
        return room.name or room.id

    def window(self, window_id: str) -> str:
        window = self.scenario.window(window_id)
        start, end = self.scenario.window_span(window)
        name = window.name or window.id
        return f"{name} {start:%H:%M}–{end:%H:%M}"

    def windows(self, window_ids: Sequence[str]) -> str:
        return self.labels.join([self.window(w) for w in window_ids])

    def role(self, role: str) -> str:
        return _ROLES[self.locale].get(role, role)

    def person(self, person_id: str) -> str:
        member = next((m for m in self.scenario.staff if m.id == person_id), None)
        if member is not None:
            return member.name or member.id
        group = next(g for g in self.scenario.helper_groups if g.id == person_id)
        return group.name or group.id

    def freq(self, rule: GradeRule) -> str:
        if rule.frequency.every_weeks is not None:
            return self.say("every_weeks", k=rule.frequency.every_weeks)
        return self.say("per_week", n=rule.frequency.sessions)

    def days(self, days: Sequence[str]) -> str:
        return self.labels.join([self.labels.weekday(d) for d in days]) if days else self.say("no_day")

    def slot(self, slot: Slot) -> str:
        return f"{self.labels.weekday(slot.weekday)} {slot.start // 60:02d}:{slot.start % 60:02d}"

    def listing(self, items: Sequence[str]) -> str:
        """Up to LIST_MAX items by name, then how many more."""
        shown = list(items[:LIST_MAX])
        more = len(items) - len(shown)
        if more > 0:
            shown.append(f"+{more}")
        return self.labels.join(shown)

    def hours(self, availability: Sequence[Availability]) -> str:
        parts = []
        for hours in availability:
            days = self.days(hours.days) if hours.days is not None else ""
            if minutes(hours.start) == 0 and minutes(hours.end) >= 23 * 60 + 59:
                span = self.say("all_hours")
            else:
                span = f"{hours.start:%H:%M}–{hours.end:%H:%M}"
            parts.append(f"{days} {span}".strip())
        return self.labels.join(parts)

    def date(self, day: dt.date) -> str:
        return self.labels.date_short(day)

    def pin(self, key: GroupKey, say: str = "pin") -> str:
        """A pin's group ("pin", class, rule, week label, weekday, HH:MM) in words (``say``: "pin", or
        "s_unpin" for the suggestion to remove it); the week only when the cycle has several."""
        _, class_id, rule_id, week, day, start = key
        several = self.scenario.cycle_weeks > 1
        return self.say(
            say,
            cls=self.cls(class_id),
            rule=self.rule_id(rule_id),
            day=self.labels.weekday(day),
            start=start,
            week=self.say("pin_week", week=week) if several else "",
        )

    def conflict(self, details: Sequence[str]) -> str:
        return self.say("conflict", parts=self._w["part_sep"].join(details))


def group_order(key: GroupKey) -> tuple[int, tuple[str, ...]]:
    """Sort order of groups in a sentence: demand first, then what limits it."""
    kinds = (
        "activity",
        "returns",
        "stocktake_shift",
        "demand",
        "pin",
        "spacing",
        "phases",
        "timetable",
        "room",
        "seats",
        "staffing",
        "staff",
        "helper_class",
    )
    return (kinds.index(key[0]) if key[0] in kinds else len(kinds), key[1:])
