"""The words we print, per locale: weekday names, week labels, activity kinds, headings.

Everything a printed or exported rota shows in the school's language comes from here, so a
new locale is one more :class:`Labels` value and nothing else.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

from .scenario import WEEKDAYS

Locale = Literal["zh-CN", "en"]
LOCALES: tuple[Locale, ...] = ("zh-CN", "en")

#: Machine-readable CSV column ids, in column order; :meth:`Labels.column` prints them.
CSV_COLUMNS: tuple[str, ...] = (
    "date",
    "weekday",
    "start",
    "end",
    "teaching_week",
    "week_label",
    "class_id",
    "class_name",
    "grade",
    "kind",
    "rule_id",
    "room",
    "staff",
    "session_id",
)

_EN_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _frozen(mapping: dict[str, str]) -> Mapping[str, str]:
    return MappingProxyType(mapping)


@dataclass(frozen=True)
class Labels:
    """Printed words for one locale. Unknown keys print as given rather than failing."""

    locale: Locale
    html_lang: str
    weekdays: Mapping[str, str]
    weekdays_short: Mapping[str, str]
    kinds: Mapping[str, str]
    day_kinds: Mapping[str, str]
    statuses: Mapping[str, str]
    headings: Mapping[str, str]
    columns: Mapping[str, str]
    week_format: str
    """``{label}`` becomes the cycle week's letter."""
    every_week: str
    makeup_format: str
    """``{weekday}`` becomes the weekday whose timetable a make-up day follows."""
    teaching_weeks_format: str
    """``{numbers}`` becomes a list of teaching-week numbers."""
    number_separator: str
    list_separator: str
    range_separator: str
    colon: str

    def weekday(self, wd: str) -> str:
        return self.weekdays.get(wd, wd)

    def weekday_short(self, wd: str) -> str:
        return self.weekdays_short.get(wd, wd)

    def kind(self, kind: str) -> str:
        return self.kinds.get(kind, kind)

    def week(self, label: str) -> str:
        """Name of a cycle week: ``A`` -> A周 / Week A; empty (one-week cycle) -> every week."""
        return self.week_format.format(label=label) if label else self.every_week

    def day_kind(self, kind: str) -> str:
        return self.day_kinds.get(kind, kind)

    def follows(self, wd: str) -> str:
        """A make-up day's note: 按周一课表 / follows Monday."""
        return self.makeup_format.format(weekday=self.weekday(wd))

    def status(self, status: str) -> str:
        return self.statuses.get(status, status)

    def heading(self, key: str) -> str:
        return self.headings.get(key, key)

    def column(self, column_id: str) -> str:
        return self.columns.get(column_id, column_id)

    def teaching_weeks(self, numbers: list[int]) -> str:
        """第1、3、5周 / teaching weeks 1, 3, 5."""
        return self.teaching_weeks_format.format(numbers=self.number_separator.join(map(str, numbers)))

    def labelled(self, label: str, text: str) -> str:
        """``label: text`` with the locale's colon."""
        return f"{label}{self.colon}{text}"

    def join(self, items: list[str]) -> str:
        return self.list_separator.join(items)

    def date(self, day: dt.date) -> str:
        """A full date: 2026年9月7日 / 7 Sep 2026."""
        if self.locale == "zh-CN":
            return f"{day.year}年{day.month}月{day.day}日"
        return f"{day.day} {_EN_MONTHS[day.month - 1]} {day.year}"

    def date_short(self, day: dt.date) -> str:
        """A date without the year: 9月7日 / 7 Sep."""
        if self.locale == "zh-CN":
            return f"{day.month}月{day.day}日"
        return f"{day.day} {_EN_MONTHS[day.month - 1]}"

    def date_range(self, first: dt.date, last: dt.date) -> str:
        return f"{self.date(first)}{self.range_separator}{self.date(last)}"

    def short_range(self, first: dt.date, last: dt.date) -> str:
        return self.short_range_text(self.date_short(first), self.date_short(last))

    def short_range_text(self, first: str, last: str) -> str:
        return f"{first}{self.range_separator}{last}"


_ZH = Labels(
    locale="zh-CN",
    html_lang="zh-CN",
    weekdays=_frozen(
        dict(zip(WEEKDAYS, ("周一", "周二", "周三", "周四", "周五", "周六", "周日"), strict=True))
    ),
    weekdays_short=_frozen(dict(zip(WEEKDAYS, ("一", "二", "三", "四", "五", "六", "日"), strict=True))),
    kinds=_frozen(
        {
            "reading": "阅览",
            "borrowing": "借阅",
            "orientation": "入馆教育",
            "stocktake": "清点",
            "returns": "还书",
        }
    ),
    day_kinds=_frozen({"holiday": "节假日", "closure": "停课", "makeup": "调休上课"}),
    statuses=_frozen({"optimal": "最优（已证明）", "feasible": "可行"}),
    headings=_frozen(
        {
            "title": "图书馆轮流安排表",
            "term": "学期",
            "time": "时间",
            "legend": "图例",
            "summary": "各班安排汇总",
            "class": "班级",
            "rule": "安排",
            "required": "应安排",
            "planned": "已安排",
            "lost": "因假缺课",
            "calendar": "节假日、停课与调休",
            "date": "日期",
            "weekday": "星期",
            "day_kind": "类型",
            "name": "名称",
            "no_calendar": "本学期无节假日、停课或调休。",
            "report": "求解报告",
            "status": "结果",
            "objective": "总罚分",
            "best_bound": "罚分下界",
            "penalty": "软约束",
            "description": "说明",
            "weight": "每单位罚分",
            "units": "单位数",
            "cost": "罚分",
            "solve_time": "用时",
            "build": "建模",
            "solve": "求解",
            "seconds": "秒",
            "model_size": "模型规模",
            "variables": "变量",
            "constraints": "约束",
            "seed": "随机种子",
            "workers": "线程",
            "digest": "场景校验码",
            "empty_week": "本周无图书馆安排。",
        }
    ),
    columns=_frozen(
        {
            "date": "日期",
            "weekday": "星期",
            "start": "开始",
            "end": "结束",
            "teaching_week": "教学周",
            "week_label": "单双周",
            "class_id": "班级编号",
            "class_name": "班级",
            "grade": "年级",
            "kind": "活动",
            "rule_id": "安排编号",
            "room": "地点",
            "staff": "值班人员",
            "session_id": "编号",
        }
    ),
    week_format="{label}周",
    every_week="每周",
    makeup_format="按{weekday}课表",
    teaching_weeks_format="第{numbers}周",
    number_separator="、",
    list_separator="、",
    range_separator="—",
    colon="：",
)

_EN = Labels(
    locale="en",
    html_lang="en",
    weekdays=_frozen(
        dict(
            zip(
                WEEKDAYS,
                ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
                strict=True,
            )
        )
    ),
    weekdays_short=_frozen(
        dict(zip(WEEKDAYS, ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"), strict=True))
    ),
    kinds=_frozen(
        {
            "reading": "Reading",
            "borrowing": "Borrowing",
            "orientation": "Orientation",
            "stocktake": "Stocktake",
            "returns": "Returns",
        }
    ),
    day_kinds=_frozen({"holiday": "holiday", "closure": "closure", "makeup": "make-up day"}),
    statuses=_frozen({"optimal": "optimal (proven)", "feasible": "feasible"}),
    headings=_frozen(
        {
            "title": "Library rotation table",
            "term": "Term",
            "time": "Time",
            "legend": "Key",
            "summary": "Sessions per class",
            "class": "Class",
            "rule": "Activity",
            "required": "Required",
            "planned": "Planned",
            "lost": "Lost",
            "calendar": "Holidays, closures and make-up days",
            "date": "Date",
            "weekday": "Weekday",
            "day_kind": "Kind",
            "name": "Name",
            "no_calendar": "No holidays, closures or make-up days this term.",
            "report": "Solve report",
            "status": "Status",
            "objective": "Total penalty",
            "best_bound": "Best bound",
            "penalty": "Soft rule",
            "description": "Description",
            "weight": "Weight",
            "units": "Units",
            "cost": "Cost",
            "solve_time": "Time",
            "build": "build",
            "solve": "solve",
            "seconds": "s",
            "model_size": "Model size",
            "variables": "variables",
            "constraints": "constraints",
            "seed": "seed",
            "workers": "workers",
            "digest": "Scenario digest",
            "empty_week": "No library sessions this week.",
        }
    ),
    columns=_frozen(
        {
            "date": "Date",
            "weekday": "Weekday",
            "start": "Start",
            "end": "End",
            "teaching_week": "Teaching week",
            "week_label": "Week",
            "class_id": "Class id",
            "class_name": "Class",
            "grade": "Grade",
            "kind": "Activity",
            "rule_id": "Rule id",
            "room": "Room",
            "staff": "Staff",
            "session_id": "Session id",
        }
    ),
    week_format="Week {label}",
    every_week="Every week",
    makeup_format="follows {weekday}",
    teaching_weeks_format="teaching weeks {numbers}",
    number_separator=", ",
    list_separator=", ",
    range_separator=" – ",
    colon=": ",
)

_BY_LOCALE: Mapping[str, Labels] = MappingProxyType({"zh-CN": _ZH, "en": _EN})


def labels_for(locale: str) -> Labels:
    """The labels for ``locale`` (``zh-CN`` or ``en``); raises ``KeyError`` for others."""
    try:
        return _BY_LOCALE[locale]
    except KeyError:
        raise KeyError(f"no labels for locale {locale!r}; known: {', '.join(LOCALES)}") from None
