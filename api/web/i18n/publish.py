"""Messages of the publish pages (publishing, the change form, a rerun's changes): key -> (en, zh-CN)."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # publishing
    "publish.button": ("Publish version {n}", "发布第 {n} 版"),
    "publish.button_hint": (
        "Publishing sends this version to every subscribed calendar: calendar apps pick it up within a "
        "few hours.",
        "发布后，所有订阅的日历都会改为显示这一版，日历软件会在几个小时内更新。",
    ),
    "publish.is_published": (
        "This version is published: the teachers' calendars show it.",
        "此版本已发布，教师订阅的日历显示的就是它。",
    ),
    # a rerun's changes
    "publish.changes.title": ("What version {n} changes", "第 {n} 版的变化"),
    "publish.changes.based_on": (
        "Version {n} is a rerun of version {based_on}, the version that was published when it started.",
        "第 {n} 版是在第 {based_on} 版（开始重新排班时已发布的版本）的基础上重新排出的。",
    ),
    "publish.changes.frozen": (
        "Nothing before {freeze} changes: every session up to then stays exactly as published.",
        "{freeze}之前的安排都不变，与已发布的版本完全相同。",
    ),
    "publish.changes.counts_caption": ("Changes by kind", "各类变化的次数"),
    "publish.changes.kind": ("Kind", "类型"),
    "publish.changes.count": ("Number", "次数"),
    "publish.changes.moved": ("moved to another time", "改期"),
    "publish.changes.changed": ("other staff or room", "调整值班或场地"),
    "publish.changes.cancelled": ("cancelled", "取消"),
    "publish.changes.added": ("added", "新增"),
    "publish.changes.jump": ("Changes grouped", "分组查看"),
    "publish.changes.school_language": (
        "The changes are listed in the school's language, as the teachers' calendars say them.",
        "变化按学校的语言列出，与教师日历中的说法一致。",
    ),
    "publish.changes.rota_link": ("See rota version {n}", "查看第 {n} 版排班表"),
    "publish.changes.not_rerun": (
        "Version {n} was solved afresh, not rerun against a published version: it has no list of changes.",
        "第 {n} 版是重新计算的，不是在已发布版本的基础上重新排班，所以没有变化清单。",
    ),
    "publish.changes.newer_published": (
        "Version {published} is published now, not version {based_on} this rerun started from: publishing "
        "this version replaces version {published}, and the changes above are counted against version "
        "{based_on}.",
        "当前已发布的是第 {published} 版，而不是这次重新排班所基于的第 {based_on} 版：发布此版本将替换第 "
        "{published} 版，上面的变化是相对第 {based_on} 版而言的。",
    ),
    # the change form
    "publish.form.title": ("Changes during the term", "学期中的调整"),
    "publish.form.intro": (
        "When something changes during the term, enter it here. It is saved as the scenario's next version "
        "and a rerun starts at once: the published rota stays as it is up to the freeze date, and after it "
        "as little as possible moves. Then you see who is affected, before you publish.",
        "学期中有变化时，在这里填写。调整会保存为排班条件的新版本，并立即开始重新排班：冻结日期之前的"
        "安排保持不变，之后尽量少改动。发布之前，您可以先看到哪些班级和人员受到影响。",
    ),
    "publish.form.published_now": ("Published now: version {n}.", "当前已发布：第 {n} 版。"),
    "publish.form.needs_published": (
        "A rerun starts from the published rota, and nothing is published yet. Solve and publish a rota "
        "version first; changes entered then are rerun against it.",
        "重新排班要以已发布的排班表为基础，但目前还没有发布任何版本。请先排班并发布一个版本，"
        "之后填写的调整会在它的基础上重新排班。",
    ),
    "publish.form.to_rotas": ("Go to the rota versions", "前往排班表版本"),
    "publish.form.draft": (
        "The set-up pages hold a draft that is not yet a valid scenario. A change made here starts from "
        "that draft, so it can be saved only once the draft's problems are fixed.",
        "基础设置中有一份尚未完成的草稿。这里的调整以草稿为基础，草稿中的问题改好之后才能保存。",
    ),
    "publish.form.to_setup": ("Go to the set-up pages", "前往基础设置"),
    "publish.form.running": (
        "A run of this school is still going. Wait until it ends, then enter the change.",
        "本校还有一次运算正在进行，请等它结束后再填写调整。",
    ),
    "publish.form.running_link": ("See its progress", "查看进度"),
    "publish.form.saved_not_started": (
        "The change is saved as scenario version {n}, but the rerun could not start: {detail}",
        "调整已保存为第 {n} 版排班条件，但重新排班未能开始：{detail}",
    ),
    "publish.form.problems": (
        "The change does not fit the scenario (in the words of rota validate):",
        "这项调整与排班条件不符（rota validate 的说明）：",
    ),
    "publish.form.submit": ("Save and rerun", "保存并重新排班"),
    "publish.form.error_summary": (
        "The change was not saved: see the fields marked below.",
        "调整没有保存：请查看下面标出的项目。",
    ),
    "publish.lesson.title": ("A lesson moved onto a library slot", "课程调到了图书馆时段"),
    "publish.lesson.hint": (
        "From the date given, the class has this lesson at that time every week and cannot come to the "
        "library then.",
        "从所填日期起，该班每周这个时间都有这节课，不能来图书馆。",
    ),
    "publish.lesson.class": ("Class", "班级"),
    "publish.lesson.day": ("Weekday", "星期"),
    "publish.lesson.period": ("Lesson period", "节次"),
    "publish.lesson.by_times": ("none: the times below", "不选：按下面的时间"),
    "publish.lesson.times_hint": (
        "Choose a period, or give the lesson's start and end times instead.",
        "选择节次，或者改为填写这节课的开始和结束时间。",
    ),
    "publish.lesson.start": ("Starts", "开始时间"),
    "publish.lesson.end": ("Ends", "结束时间"),
    "publish.lesson.what": ("Lesson, e.g. PE", "课程，例如：体育"),
    "publish.lesson.since": ("From (first date)", "起始日期"),
    "publish.leave.title": ("A leave", "请假"),
    "publish.leave.hint": (
        "The staff member is away on every school day from the first day to the last.",
        "该人员从第一天到最后一天的每个上课日都不在岗。",
    ),
    "publish.leave.staff": ("Staff member", "人员"),
    "publish.first_day": ("First day", "第一天"),
    "publish.last_day": ("Last day", "最后一天"),
    "publish.room.title": ("A room closed", "场地关闭"),
    "publish.room.hint": (
        "Nothing takes place in the room from the first day to the last.",
        "从第一天到最后一天，该场地不安排任何活动。",
    ),
    "publish.room.room": ("Room", "场地"),
    "publish.room.reason": ("Reason, e.g. repairs", "原因，例如：维修"),
    "publish.freeze.legend": ("From when the rerun may change things", "从何时起可以调整"),
    "publish.freeze.notice_days": ("School days of notice", "提前通知的上课日天数"),
    "publish.freeze.notice_hint": (
        "Nothing changes before this many school days after today ({n} unless you change it).",
        "今天之后这么多个上课日之内的安排不变（默认 {n} 天）。",
    ),
    "publish.freeze.freeze": ("Or a freeze date", "或者指定冻结日期"),
    "publish.freeze.freeze_hint": (
        "Nothing before this date changes. Leave it empty to count the notice above from today.",
        "此日期之前的安排都不变。留空则从今天起按上面的天数计算。",
    ),
    "publish.choose": ("Choose…", "请选择…"),
    "publish.error.required": ("Fill this in.", "请填写此项。"),
    "publish.error.choose": ("Choose one of the list.", "请从列表中选择一项。"),
    "publish.error.date": ("Give a date as YYYY-MM-DD.", "请按 YYYY-MM-DD 的格式填写日期。"),
    "publish.error.time": ("Give a time as HH:MM.", "请按 HH:MM 的格式填写时间。"),
    "publish.error.notice": ("Give a whole number from 0 to {most}.", "请填写 0 到 {most} 之间的整数。"),
    "publish.error.order": (
        "The last day {last} is before the first day {first}.",
        "最后一天 {last} 早于第一天 {first}。",
    ),
    "publish.error.no_school_day": (
        "No school day of the term ({start} to {end}) falls in these dates.",
        "这段日期内没有本学期（{start} 至 {end}）的上课日。",
    ),
    "publish.error.freeze_past": (
        "The freeze date {freeze} is before today {today}: sessions from then on already took place and "
        "must not change; give a freeze date from today on.",
        "冻结日期 {freeze} 早于今天 {today}：那以后的课已经上过，不能再改；请填写今天或以后的日期。",
    ),
    "publish.error.date_range": (
        "Give a date from {first} to {last}.",
        "请填写 {first} 至 {last} 之间的日期。",
    ),
    # what the scenario already says
    "publish.current.title": ("Changes already in the scenario", "排班条件中已有的调整"),
    "publish.current.none": ("None yet.", "还没有。"),
    "publish.current.lessons": ("Dated lesson changes", "有日期的课程调整"),
    "publish.current.leaves": ("Days off", "请假"),
    "publish.current.closures": ("Room closures", "场地关闭"),
    "publish.current.when": ("When", "时间"),
    "publish.current.dates": ("Dates", "日期"),
    "publish.current.days": ("{n} day(s)", "{n} 天"),
    "publish.current.from_to": ("{first} to {last}", "{first} 至 {last}"),
    "publish.current.since": ("from {date}", "自 {date} 起"),
    "publish.current.until": ("until {date}", "至 {date}"),
}
