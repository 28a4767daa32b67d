"""The words the feeds print, per locale, on top of :func:`rota_solver.labels.labels_for`.

Weekday, kind, grade and date words come from the rota's own labels, so a feed says 借阅 where
the printed rota says 借阅; this module adds only what a calendar needs besides: feed titles,
event descriptions and the index page.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from rota_solver.labels import Labels, labels_for


@dataclass(frozen=True)
class FeedWords:
    """Printed words for one locale's feeds. Patterns use ``{placeholders}``."""

    labels: Labels
    title_separator: str
    rota_title: str
    """Suffix of the title of a feed of sessions: 图书馆安排 / Library rota."""
    duty_title: str
    """Suffix of the title of a person's feed: 图书馆值班 / Library duty."""
    calendar_description: str
    """``{title}``, ``{term}`` (name and dates) become the feed's title and term."""
    lower_kinds: bool
    """Whether kind words are lower-cased after a class name (Class 3-2 borrowing)."""
    makeup_suffix: str
    cancelled_prefix: str
    """Before the SUMMARY of an event a rerun cancelled: several calendar apps ignore STATUS."""
    returns_what: str
    makeup_day: str
    """``{weekday}``: the timetable a make-up school day follows."""
    class_line: str
    homeroom: str
    rule_line: str
    week_line: str
    week_line_labelled: str
    kind_line: str
    staff_line: str
    participants_line: str
    bring: str
    returns_note: str
    makeup_note: str
    day_notes: Mapping[str, str]
    """What a special day means, by day kind; ``{weekday}`` for make-up days."""
    index: Mapping[str, str]
    """Words of the index page."""

    def kind(self, kind: str) -> str:
        word = self.labels.kind(kind)
        return word.lower() if self.lower_kinds else word


_ZH = FeedWords(
    labels=labels_for("zh-CN"),
    title_separator=" · ",
    rota_title="图书馆安排",
    duty_title="图书馆值班",
    calendar_description="{title}：{term}。由图书馆轮流安排表生成，每12小时更新。",
    lower_kinds=False,
    makeup_suffix="补课",
    cancelled_prefix="已取消：",
    returns_what="还书",
    makeup_day="调休上课（按{weekday}课表）",
    class_line="班级：{name}",
    homeroom="（班主任：{teacher}）",
    rule_line="安排：{name}",
    week_line="第{week}教学周",
    week_line_labelled="第{week}教学周（{label}）",
    kind_line="类型：{kind}",
    staff_line="值班：{names}",
    participants_line="参加：{names}",
    bring="请带借阅证和要归还的图书",
    returns_note="期末还书：本学期借的图书请全部归还",
    makeup_note="补课：补上本学期缺的一次课",
    day_notes=MappingProxyType(
        {
            "holiday": "节假日：不上课，无图书馆安排",
            "closure": "停课：无图书馆安排",
            "stocktake": "图书清点：停止借阅",
            "makeup": "调休上课：按{weekday}课表上课",
        }
    ),
    index=MappingProxyType(
        {
            "title": "{school} · 图书馆日历订阅",
            "intro": "下面每个日历文件（.ics）都是一份订阅日历：班主任订阅本班的日历，"
            "图书管理员订阅自己的值班日历，日历软件会每12小时自动更新一次。",
            "how": "如何订阅",
            "how_serve": "把 calendars 文件夹放到学校的网站服务器上（任何网站服务器都可以），"
            "每个文件就有了自己的网址，例如 {url}。",
            "example_url": "https://学校网站/calendars/{file}",
            "how_webcal": "在日历软件里选择“订阅日历”或“从网址添加”，粘贴这个网址；"
            "把开头的 {https} 换成 {webcal} 后点击，可以直接打开日历软件订阅。",
            "how_file": "直接点击下面的文件链接只会导入一次，以后不会自动更新。",
            "group_library": "全校",
            "group_grade": "年级",
            "group_class": "班级",
            "group_room": "地点",
            "group_staff": "值班人员",
            "group_helpers": "小小图书管理员",
            "col_title": "日历",
            "col_file": "文件",
            "col_events": "事件数",
            "version": "版本时间（UTC）：{time}",
        }
    ),
)

_EN = FeedWords(
    labels=labels_for("en"),
    title_separator=" · ",
    rota_title="Library rota",
    duty_title="Library duty",
    calendar_description="{title}: {term}. Made from the library rota and refreshed every 12 hours.",
    lower_kinds=True,
    makeup_suffix="make-up",
    cancelled_prefix="Cancelled: ",
    returns_what="return all books",
    makeup_day="Make-up school day ({weekday} timetable)",
    class_line="Class: {name}",
    homeroom=" (homeroom teacher: {teacher})",
    rule_line="Activity: {name}",
    week_line="Teaching week {week}",
    week_line_labelled="Teaching week {week} ({label})",
    kind_line="Kind: {kind}",
    staff_line="On duty: {names}",
    participants_line="Taking part: {names}",
    bring="Bring library cards and books to return",
    returns_note="Final returns: every book borrowed this term comes back",
    makeup_note="Make-up session for one lost this term",
    day_notes=MappingProxyType(
        {
            "holiday": "Holiday: no school, no library sessions",
            "closure": "School closed: no library sessions",
            "stocktake": "Library stocktake: no borrowing",
            "makeup": "Make-up school day: {weekday} timetable",
        }
    ),
    index=MappingProxyType(
        {
            "title": "{school} · Library calendars",
            "intro": "Each calendar file (.ics) below is a subscription calendar: a homeroom teacher "
            "subscribes to the class's calendar, a librarian or helper team to their duties, and "
            "calendar apps refresh it every 12 hours.",
            "how": "How to subscribe",
            "how_serve": "Put the calendars folder on the school's web server (any web server will do); "
            "each file then has its own address, for example {url}.",
            "example_url": "https://your-school.example/calendars/{file}",
            "how_webcal": "In the calendar app choose “Subscribe” or “Add from URL” and paste that "
            "address; with {https} changed to {webcal} a click opens the calendar app to subscribe.",
            "how_file": "Clicking a file link below imports it once: it will not refresh.",
            "group_library": "Whole school",
            "group_grade": "Grades",
            "group_class": "Classes",
            "group_room": "Rooms",
            "group_staff": "Staff",
            "group_helpers": "Helper teams",
            "col_title": "Calendar",
            "col_file": "File",
            "col_events": "Events",
            "version": "Version time (UTC): {time}",
        }
    ),
)

_BY_LOCALE: Mapping[str, FeedWords] = MappingProxyType({"zh-CN": _ZH, "en": _EN})


def feed_words(locale: str) -> FeedWords:
    """The feed words for ``locale`` (``zh-CN`` or ``en``); raises ``KeyError`` for others."""
    try:
        return _BY_LOCALE[locale]
    except KeyError:
        raise KeyError(f"no feed words for locale {locale!r}; known: {', '.join(_BY_LOCALE)}") from None
