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

from .rules import RuleId
from .scenario import WEEKDAYS

Locale = Literal["zh-CN", "en"]
LOCALES: tuple[Locale, ...] = ("zh-CN", "en")

#: Machine-readable CSV column ids, in column order; :meth:`Labels.column` prints them.
#:
#: ``row_type``      ``session`` (a dated library session), ``activity`` (an activity, meeting,
#:                   event or stocktake shift) or ``day`` (a holiday, closure, make-up or stocktake day).
#: ``date``          ISO date.
#: ``weekday``       The date's own weekday, ``mon`` .. ``sun``.
#: ``follows``       Weekday timetable the day follows (differs on make-up days); empty on days off.
#: ``start``/``end`` Local ``HH:MM`` at the school; empty for all-day events and day rows.
#: ``teaching_week`` 1-based teaching week, and ``week_label`` its A/B week; empty when unknown.
#: ``class_id``, ``class_name``, ``grade``: the class, or several joined with ``"; "``.
#: ``kind``          Session kind (reading, borrowing, returns), activity kind (orientation, meeting,
#:                   stocktake, ...) or day kind (holiday, closure, makeup, stocktake).
#: ``origin``        For sessions: ``pattern``, ``makeup`` or ``returns``; empty otherwise.
#: ``rule_id``       Grade rule a session serves; ``activity_id`` the scenario activity (``stocktake``
#:                   for shifts); ``name`` the printed rule, activity or day name.
#: ``room``          Room name; empty when held elsewhere.
#: ``staff``         Staff and helper groups on duty, ``"; "``-joined.
#: ``participants``  An activity's helper groups, teacher groups and staff taking part, ``"; "``-joined.
#: ``id``            Stable id of the session or activity; empty for day rows.
CSV_COLUMNS: tuple[str, ...] = (
    "row_type",
    "date",
    "weekday",
    "follows",
    "start",
    "end",
    "teaching_week",
    "week_label",
    "class_id",
    "class_name",
    "grade",
    "kind",
    "origin",
    "rule_id",
    "activity_id",
    "name",
    "room",
    "staff",
    "participants",
    "id",
)

_EN_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_EN_MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_ZH_NUMBERS = ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二")


def _frozen(mapping: dict[str, str]) -> Mapping[str, str]:
    return MappingProxyType(mapping)


def _rule_names(names: dict[RuleId, str]) -> Mapping[str, str]:
    # Keyed by RuleId, so a misspelt rule cannot get a name.
    return MappingProxyType({rule_id.value: name for rule_id, name in names.items()})


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
    penalties: Mapping[str, str]
    """Printed names of the solver's penalty terms (PreferredDays, MakeupSessions, ...)."""
    penalty_descriptions: Mapping[str, str]
    """The terms' one-sentence descriptions; missing ones print the report's own (English) text."""
    rules: Mapping[str, str]
    """Printed names of the hard rules, by the rule id the model, verifier and explainer share."""
    stages: Mapping[str, str]
    """Printed names of the solve stages (weekly_pattern, term_dates)."""
    proofs: Mapping[str, str]
    """What a stage's status proves, by the stage report's ``proof`` id (weekly_optimal, ...)."""
    sentences: Mapping[str, str]
    """Translations of the solver's fixed English sentences; others print as given."""
    formats: Mapping[str, str]
    """Short patterns with ``{placeholders}``; see :meth:`format`."""
    month_names: tuple[str, ...]
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

    def penalty(self, name: str) -> str:
        return self.penalties.get(name, name)

    def penalty_description(self, name: str, given: str) -> str:
        """The term's description in the school's language, else ``given`` (the report's)."""
        return self.penalty_descriptions.get(name, given)

    def rule(self, rule_id: str) -> str:
        """A hard rule's printed name; an unknown id prints as given."""
        return self.rules.get(rule_id, rule_id)

    def stage(self, name: str) -> str:
        return self.stages.get(name, name)

    def proof(self, proof_id: str, given: str = "") -> str:
        """What a stage proves, by its ``proof`` id; ``given`` (an old rota's text) when unknown."""
        return self.proofs.get(proof_id) or self.translate(given)

    def translate(self, sentence: str) -> str:
        """One of the solver's fixed sentences in the school's language; others as given."""
        return self.sentences.get(sentence.strip(), sentence)

    def format(self, key: str, **values: object) -> str:
        """Fill the locale's pattern ``key`` (e.g. ``count``: 共3次 / 3 times)."""
        return self.formats.get(key, key).format(**values)

    def month(self, month: int) -> str:
        """Heading of a month of the term: 九月份 / September."""
        return self.month_names[month - 1]

    def grade(self, grade: int, name: str | None = None) -> str:
        """All classes of a grade: the school's own ``name`` for it, else 五年级 / Grade 5, and
        学前班 / Reception for grade 0."""
        if name:
            return name
        if grade == 0:
            return self.format("grade_zero")
        number = _ZH_NUMBERS[grade - 1] if self.locale == "zh-CN" and 1 <= grade <= 12 else str(grade)
        return self.format("grade", number=number)

    def time_range(self, start: str, end: str) -> str:
        return f"{start}–{end}"

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

    def date_weekday(self, day: dt.date) -> str:
        """A date with its own weekday: 9月20日（周日） / 20 Sep (Sun)."""
        wd = WEEKDAYS[day.weekday()]
        if self.locale == "zh-CN":
            return f"{self.date_short(day)}（{self.weekday(wd)}）"
        return f"{self.date_short(day)} ({self.weekday_short(wd)})"

    def date_range(self, first: dt.date, last: dt.date) -> str:
        return f"{self.date(first)}{self.range_separator}{self.date(last)}"

    def short_range(self, first: dt.date, last: dt.date) -> str:
        return self.short_range_text(self.date_short(first), self.date_short(last))

    def month_range(self, first: dt.date, last: dt.date) -> str:
        """Dates without the year, the month once when both share it: 9月1日—3日 / 1–3 Sep."""
        if first == last:
            return self.date_short(first)
        if (first.year, first.month) != (last.year, last.month):
            return self.short_range(first, last)
        if self.locale == "zh-CN":
            return f"{self.date_short(first)}{self.range_separator}{last.day}日"
        return f"{first.day}–{self.date_short(last)}"

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
            "returns": "还书",
            "orientation": "入馆教育",
            "meeting": "例会",
            "repair": "图书修补",
            "teachers_reading": "教师阅览",
            "competition": "比赛",
            "event": "活动",
            "exhibition": "展览",
            "stocktake": "图书清点",
        }
    ),
    day_kinds=_frozen(
        {"holiday": "节假日", "closure": "停课", "makeup": "调休上课", "stocktake": "图书清点"}
    ),
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
            "on_makeup_days": "调休日加课",
            "planned": "按表应上",
            "lost": "缺课",
            "made_up": "补课",
            "extra_returns": "加开还书",
            "held": "实际上课",
            "summary_sums": "应安排 + 调休日加课 = 按表应上；按表应上 − 缺课 + 补课 + 加开还书 = 实际上课",
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
            "stage": "求解阶段",
            "stages_note": "两个阶段依次求解，合起来不保证整体最优：换一张每周轮流表也许能减少补课。",
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
            "overview": "学期安排总览",
            "what": "事项",
            "details": "班级、人员与说明",
            "nothing_this_month": "本月无特别安排。",
            "unmet": "未能满足的要求",
            "fix": "可以这样解决",
            "no_rota": "无法排出轮流表",
            "no_rota_intro": "以下要求无法同时满足。按任意一条建议修改学校设置后重新求解即可"
            "（每条建议都已试算过）。",
            "conflict": "冲突",
            "involved": "涉及的要求",
            "suggestions": "建议（已试算）",
            "no_suggestion": "没有找到图书管理员能直接修改的设置；请与教务处商量课表。",
            "resolves_this_one": "（可解决这一冲突，但还有其他冲突）",
            "all_met": "所有要求均已满足。",
            "unmet_gap": "两次课间隔过长，没有空位补课",
            "unmet_returns": "期末还书时段未能安排",
            "unmet_activity": "活动未能安排",
            "unmet_stocktake_shift": "清点值班未能安排",
            "makeup_sessions": "补课",
            "displaced": "让位于活动的课",
            "staff_away": "值班人员请假停课",
            "room_closed": "场馆关闭停课",
            "returns_sessions": "期末还书",
            "loans_due": "借阅截止",
            "loans_due_note": "所借图书最迟当天归还，当天起只还不借",
            "stocktake_shifts": "清点值班",
            "all_day": "全天",
            "whole_school": "全校",
            "all_helpers": "全体图书管理员",
            "solver_said": "求解器说明",
        }
    ),
    columns=_frozen(
        {
            "row_type": "行类型",
            "date": "日期",
            "weekday": "星期",
            "follows": "按课表",
            "start": "开始",
            "end": "结束",
            "teaching_week": "教学周",
            "week_label": "单双周",
            "class_id": "班级编号",
            "class_name": "班级",
            "grade": "年级",
            "kind": "活动",
            "origin": "来源",
            "rule_id": "安排编号",
            "activity_id": "活动编号",
            "name": "名称",
            "room": "地点",
            "staff": "值班人员",
            "participants": "参加人员",
            "id": "编号",
        }
    ),
    penalties=_frozen(
        {
            "PreferredDays": "偏好日",
            "PreferredWindows": "偏好时段",
            "SameSlotEveryWeek": "每周同一时段",
            "SpreadOverWeek": "分散到一周",
            "BalancedStaffLoad": "值班均衡",
            "MakeupSessions": "补课",
            "DisplacedSessions": "让位于活动",
            "ExtraReturnsSessions": "额外还书时段",
            "JointActivityTime": "合办活动时间",
            "LessonsTaken": "占用课时",
            "ChangedSessions": "变更",
            "ChangedDuties": "更换值班人员",
            "ActivityRhythm": "定期活动错开节奏",
            "Unmet": "未满足",
        }
    ),
    penalty_descriptions=_frozen(
        {
            "PreferredDays": "安排在该安排非偏好日的一节课。",
            "PreferredWindows": "安排在该安排非偏好时段的一节课。",
            "SameSlotEveryWeek": "某班本轮的课与上一轮不在同一星期、同一时段。",
            "SpreadOverWeek": "同一班级同一天第一节之外的每节课。",
            "BalancedStaffLoad": "每个轮换周期内，同一职责最忙与最闲人员的值班次数之差。",
            "MakeupSessions": "为使各班两次课的间隔不超过上限而增加的一节补课。",
            "DisplacedSessions": "因活动（入馆教育、活动日）而让出的一节常规课。",
            "ExtraReturnsSessions": "期末还书另占一个时段，而没有用该班最后一次借阅的时段。",
            "JointActivityTime": (
                "几个班同时参加的一次活动，找不到这些班都没有图书馆课、值班人员也有空的时间。"
            ),
            "LessonsTaken": "在图书馆可以占用的课（如阅读课）上安排的一节课。",
            "ChangedSessions": "重新排班改动的已发布安排（改期、换人或换场地、取消、新增），与变更清单一致。",
            "ChangedDuties": "已发布的课时间不变，但换了值班人员。",
            "ActivityRhythm": "定期活动的某一次没有和其他各次同在每周期的同一周、同一星期几"
            "（因放假或冲突）。",
            "Unmet": "未能满足的要求（活动、还书、清点值班或间隔），每项计一次；"
            "间隔每超出一天罚分增加：见未满足清单。",
        }
    ),
    rules=_rule_names(
        {
            RuleId.SESSION_ON_SCHOOL_DAY: "在上课日",
            RuleId.TIMES_IN_SCHOOL_TIMEZONE: "学校时区的时间",
            RuleId.RULE_MATCHES_SESSION: "符合安排",
            RuleId.SESSION_IN_ALLOWED_WINDOW: "在允许的时段",
            RuleId.CLASS_NOT_BUSY: "班级没有别的课",
            RuleId.CLASS_ONE_SESSION_AT_A_TIME: "班级同一时间只在一处",
            RuleId.ROOM_CAPACITY: "场地容量",
            RuleId.ROOM_OPEN: "场地开放",
            RuleId.FREQUENCY: "次数",
            RuleId.SPACING: "间隔天数",
            RuleId.STAFFING: "值班人数",
            RuleId.STAFF_AVAILABLE: "值班人员有空",
            RuleId.STAFF_ONE_PLACE_AT_A_TIME: "值班人员同一时间只在一处",
            RuleId.STAFF_DAILY_CAP: "每日值班上限",
            RuleId.HELPERS_OWN_CLASS_FREE: "图书管理员小组本班空闲",
            RuleId.NO_DUPLICATE_SESSION_IDS: "编号不重复",
            RuleId.GAP_LIMIT: "最长间隔",
            RuleId.RETURNS_BEFORE_DUE: "到期日当天或之前还书",
            RuleId.NO_BORROWING_DURING_STOCKTAKE: "清点期间不借阅",
            RuleId.ACTIVITY_PLACED: "活动已安排",
            RuleId.SUMMARY_ADDS_UP: "汇总数字对得上",
            RuleId.TABLE_KEPT: "课表每节都有着落",
            RuleId.PINNED_SESSION_KEPT: "固定的课留在原处",
        }
    ),
    stages=_frozen(
        {
            "weekly_pattern": "每周轮流表",
            "weekly_staff": "值班分配",
            "term_dates": "学期日程",
            "explaining": "查找原因",
        }
    ),
    proofs=_frozen(
        {
            "weekly_optimal": "已证明每周轮流表对各班的偏好最优，且在这张表下值班已尽量均衡。",
            "weekly_limit": "求解时限已到：轮流表满足全部硬性规则，但未证明最优。",
            "weekly_limit_duties_shared": "求解时限已到：轮流表满足全部硬性规则，但未证明最优；"
            "时限到之前值班已分配完毕。",
            "term_optimal": "在每周轮流表固定的前提下，学期日程的补课、让位课（及未满足的要求）已证明最少。",
            "term_limit": "求解时限已到：学期日程有效，但未证明补课最少。",
        }
    ),
    sentences=_frozen(
        {
            "The weekly rotation table is proven best for the weekly wishes.": (
                "已证明每周轮流表对每周的软约束最优。"
            ),
            "The time limit ended the search: the table keeps every hard rule but is not proven best.": (
                "求解时限已到：轮流表满足全部硬性规则，但未证明最优。"
            ),
            "With the weekly table fixed, the dated plan has the fewest make-up and displaced sessions "
            "(and unmet requirements) possible.": (
                "在每周轮流表固定的前提下，学期日程的补课、让位课（及未满足的要求）已证明最少。"
            ),
            "The time limit ended the dated stage: its plan is valid but not proven to need the fewest "
            "make-ups.": "求解时限已到：学期日程有效，但未证明补课最少。",
        }
    ),
    formats=_frozen(
        {
            "month_weeks": "第{first}—{last}周",
            "month_week": "第{first}周",
            "count": "共{count}次",
            "times_on": "{weekday}{count}次",
            "for_lost": "补{date}",
            "grade": "{number}年级",
            "grade_zero": "学前班",
            "away": "{names}请假",
            "unmet_count": "{title}（{count}项）",
            "entry_separator": "；",
            "in_brackets": "（{text}）",
            # The command line's summary of a solve (rota solve, rota rerun).
            "cli_result": "{school}：{status}，总罚分 {objective}（下界 {bound}），"
            "建模 {build} 秒，求解 {solve} 秒",
            "cli_stage": "{stage}：{status}，罚分 {objective}，{seconds} 秒",
            "cli_counts": "{weeks} 个教学周共 {sessions} 节课（其中补课 {made_up} 节），"
            "活动与清点值班 {activities} 项；停上的常规课 {lost} 节",
            "cli_term": "{title}：{units} × {weight} = {cost}",
            "cli_unmet_term": "{title}：{count}项，罚分{cost}",
            "cli_bearer": "{name}×{count}",
            "cli_unmet": "{count} 项要求未能满足：",
            "cli_verified": "校验：每节课都满足全部硬性规则",
            "cli_verified_unmet": "校验：除上面列出的未满足要求外，全部硬性规则都满足",
            "cli_wrote": "已写入 {path}",
            "warning_no_makeup_data": "警告：节假日数据（holidays {version}）没有 {country} {years} 年的"
            "调休上班日，日历会漏掉那几天；请在场景的 term 下写上 makeup_days，例如 "
            "makeup_days: [{{date: YYYY-MM-DD, follows: mon, name: 春节调休}}]",
            "cli_solving": "正在求解…… {seconds} 秒，{best}",
            "cli_no_rota_yet": "尚无可行解",
            "cli_best": "{stage}：目前最好罚分 {objective}，下界 {bound}",
            "cli_wrote_feeds": "已写入 {folder}/（{count} 个日历订阅和 {index}）",
        }
    ),
    month_names=tuple(f"{n}月份" for n in _ZH_NUMBERS),
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
            "returns": "Returns",
            "orientation": "Orientation",
            "meeting": "Meeting",
            "repair": "Book repair",
            "teachers_reading": "Teachers' reading",
            "competition": "Competition",
            "event": "Event",
            "exhibition": "Exhibition",
            "stocktake": "Stocktake",
        }
    ),
    day_kinds=_frozen(
        {"holiday": "Holiday", "closure": "Closure", "makeup": "Make-up day", "stocktake": "Stocktake"}
    ),
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
            "on_makeup_days": "Make-up days",
            "planned": "Planned",
            "lost": "Lost",
            "made_up": "Made up",
            "extra_returns": "Extra returns",
            "held": "Held",
            "summary_sums": "Required + make-up days = planned; "
            "planned − lost + made up + extra returns = held",
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
            "stage": "Stage",
            "stages_note": "The stages are solved one after the other and are not proven jointly best: "
            "a different weekly table might need fewer make-ups.",
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
            "overview": "Term overview",
            "what": "What",
            "details": "Classes, people and notes",
            "nothing_this_month": "Nothing special this month.",
            "unmet": "Requirements not met",
            "fix": "To fix",
            "no_rota": "No rota exists",
            "no_rota_intro": "These requirements cannot all be met together. Make any one of the suggested "
            "changes to the school's settings and solve again (each was tried and works).",
            "conflict": "Conflict",
            "involved": "Requirements involved",
            "suggestions": "Suggestions (tested)",
            "no_suggestion": "No setting the librarian controls resolves it; talk to the academic office "
            "about the timetable.",
            "resolves_this_one": " (resolves this conflict; another remains)",
            "all_met": "Every requirement is met.",
            "unmet_gap": "too long between two sessions, and no free slot for a make-up",
            "unmet_returns": "final returns session could not be placed",
            "unmet_activity": "could not be placed",
            "unmet_stocktake_shift": "stocktake shift could not be staffed",
            "makeup_sessions": "Make-up sessions",
            "displaced": "Sessions giving way to activities",
            "staff_away": "Sessions cancelled, staff away",
            "room_closed": "Sessions cancelled, room closed",
            "returns_sessions": "Final returns",
            "loans_due": "Loans due",
            "loans_due_note": "all books back by the end of this day; from it on, returns only, no borrowing",
            "stocktake_shifts": "Stocktake shifts",
            "all_day": "all day",
            "whole_school": "whole school",
            "all_helpers": "all helper groups",
            "solver_said": "Solver",
        }
    ),
    columns=_frozen(
        {
            "row_type": "Row type",
            "date": "Date",
            "weekday": "Weekday",
            "follows": "Follows",
            "start": "Start",
            "end": "End",
            "teaching_week": "Teaching week",
            "week_label": "Week",
            "class_id": "Class id",
            "class_name": "Class",
            "grade": "Grade",
            "kind": "Activity",
            "origin": "Origin",
            "rule_id": "Rule id",
            "activity_id": "Activity id",
            "name": "Name",
            "room": "Room",
            "staff": "Staff",
            "participants": "Participants",
            "id": "Id",
        }
    ),
    penalties=_frozen(
        {
            "PreferredDays": "Preferred days",
            "PreferredWindows": "Preferred windows",
            "SameSlotEveryWeek": "Same slot every week",
            "SpreadOverWeek": "Spread over the week",
            "BalancedStaffLoad": "Balanced staff load",
            "MakeupSessions": "Make-up sessions",
            "DisplacedSessions": "Displaced sessions",
            "ExtraReturnsSessions": "Extra returns sessions",
            "JointActivityTime": "Joint activity time",
            "LessonsTaken": "Lessons taken",
            "ChangedSessions": "Changes",
            "ChangedDuties": "Changed duties",
            "ActivityRhythm": "Activity off its rhythm",
            "Unmet": "Unmet requirements",
        }
    ),
    penalty_descriptions=_frozen(
        {
            "ChangedSessions": "A published event the rerun moved, gave other staff or room, cancelled or "
            "added, as listed in the changes.",
            "Unmet": "Requirements left unmet (activities, returns, stocktake shifts, gaps), counted once "
            "each; a gap's penalty grows with each day past its limit: see the unmet list.",
        }
    ),
    rules=_rule_names(
        {
            RuleId.SESSION_ON_SCHOOL_DAY: "On a school day",
            RuleId.TIMES_IN_SCHOOL_TIMEZONE: "Times in the school's timezone",
            RuleId.RULE_MATCHES_SESSION: "Session matches its rule",
            RuleId.SESSION_IN_ALLOWED_WINDOW: "In an allowed window",
            RuleId.CLASS_NOT_BUSY: "Class not busy",
            RuleId.CLASS_ONE_SESSION_AT_A_TIME: "Class in one place at a time",
            RuleId.ROOM_CAPACITY: "Room capacity",
            RuleId.ROOM_OPEN: "Room open",
            RuleId.FREQUENCY: "Frequency",
            RuleId.SPACING: "Spacing",
            RuleId.STAFFING: "Staffing",
            RuleId.STAFF_AVAILABLE: "Staff available",
            RuleId.STAFF_ONE_PLACE_AT_A_TIME: "Staff in one place at a time",
            RuleId.STAFF_DAILY_CAP: "Daily duty cap",
            RuleId.HELPERS_OWN_CLASS_FREE: "Helpers' own class free",
            RuleId.NO_DUPLICATE_SESSION_IDS: "Unique ids",
            RuleId.GAP_LIMIT: "Gap limit",
            RuleId.RETURNS_BEFORE_DUE: "Returns by the day loans are due",
            RuleId.NO_BORROWING_DURING_STOCKTAKE: "No borrowing during stocktake",
            RuleId.ACTIVITY_PLACED: "Activity placed",
            RuleId.SUMMARY_ADDS_UP: "Summary adds up",
            RuleId.TABLE_KEPT: "Every table session held or lost",
            RuleId.PINNED_SESSION_KEPT: "Pinned sessions kept in place",
        }
    ),
    stages=_frozen(
        {
            "weekly_pattern": "Weekly rotation table",
            "weekly_staff": "Duties",
            "term_dates": "Term dates",
            "explaining": "Explaining",
        }
    ),
    proofs=_frozen(
        {
            "weekly_optimal": "The weekly rotation table is proven best for the classes' wishes, and its "
            "duties then proven as evenly shared as that table allows.",
            "weekly_limit": "The time limit ended the search: the table keeps every hard rule but is not "
            "proven best.",
            "weekly_limit_duties_shared": "The time limit ended the search: the table keeps every hard rule "
            "but is not proven best. Its duties were shared out before the limit.",
            "term_optimal": "With the weekly table fixed, the dated plan has the fewest make-up and "
            "displaced sessions (and unmet requirements) possible.",
            "term_limit": "The time limit ended the dated stage: its plan is valid but not proven to need "
            "the fewest make-ups.",
        }
    ),
    sentences=_frozen({}),
    formats=_frozen(
        {
            "month_weeks": "weeks {first}–{last}",
            "month_week": "week {first}",
            "count": "{count} times",
            "times_on": "{weekday} ×{count}",
            "for_lost": "for {date}",
            "grade": "Grade {number}",
            "grade_zero": "Reception",
            "away": "{names} away",
            "unmet_count": "{title} ({count})",
            "entry_separator": "; ",
            "in_brackets": " ({text})",
            # The command line's summary of a solve (rota solve, rota rerun).
            "cli_result": "{school}: {status}, penalty {objective} (bound {bound}), build {build} s, "
            "solve {solve} s",
            "cli_stage": "{stage}: {status}, penalty {objective}, {seconds} s",
            "cli_counts": "{sessions} sessions over {weeks} teaching weeks ({made_up} make-ups), "
            "{activities} activities and shifts; {lost} pattern sessions lost",
            "cli_term": "{title}: {units} × {weight} = {cost}",
            "cli_unmet_term": "{title}: {count}, penalty {cost}",
            "cli_bearer": "{name} ×{count}",
            "cli_unmet": "{count} requirement(s) could not be met:",
            "cli_verified": "verifier: every hard rule holds on every dated session",
            "cli_verified_unmet": "verifier: every hard rule holds, except the requirements listed as unmet "
            "above",
            "cli_wrote": "wrote {path}",
            "warning_no_makeup_data": "warning: the holiday data (holidays {version}) has no official "
            "make-up working days (调休) for {country} in {years}, so the calendar would miss them; "
            "add them under term: as makeup_days, e.g. "
            "makeup_days: [{{date: YYYY-MM-DD, follows: mon, name: ...}}]",
            "cli_solving": "solving... {seconds} s, {best}",
            "cli_no_rota_yet": "no rota yet",
            "cli_best": "{stage}: best penalty {objective}, bound {bound}",
            "cli_wrote_feeds": "wrote {folder}/ ({count} calendar feeds and {index})",
        }
    ),
    month_names=_EN_MONTH_NAMES,
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
