"""Messages of the solve pages (start a solve, its live progress, the result, suggestions):
key -> (en, zh-CN)."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # The solve page
    "solve.title": ("Solve", "排班运算"),
    "solve.scenario": ("What will be solved", "要排的内容"),
    "solve.scenario_version": (
        "Scenario version {n}, saved {when} by {who}.",
        "第 {n} 版排班条件,{when} 由 {who} 保存。",
    ),
    "solve.no_scenario": (
        "There is no valid scenario to solve yet: describe the school on the set-up pages first.",
        "还没有可以运算的有效排班条件:请先在基础设置中描述学校。",
    ),
    "solve.draft_problems": (
        "The set-up pages hold changes that are not yet valid. Solving uses the last valid version, {n}.",
        "基础设置中有尚未生效(仍有问题)的修改。运算将使用最近的有效版本:第 {n} 版。",
    ),
    "solve.draft_link": ("Fix the set-up", "去修改基础设置"),
    "solve.time_limit": (
        "Time limit: {seconds} s for the whole run (the service's setting; the solver stops at it "
        "with the best rota it has found).",
        "时限:整次运算 {seconds} 秒(服务的设置;到时即停止,并给出已找到的最佳排班表)。",
    ),
    "solve.start": ("Solve now", "开始排班"),
    "solve.saved": (
        "Saved as scenario version {n} — solve again to see the result.",
        "已保存为第 {n} 版排班条件 — 请重新排班查看结果。",
    ),
    "solve.unchanged": (
        "That change is already in scenario version {n}: nothing was saved.",
        "第 {n} 版排班条件中已经有这项修改,没有保存新版本。",
    ),
    "solve.running_now": ("A run is in progress", "正在运算"),
    "solve.running_link": ("Watch its progress", "查看进度"),
    "solve.recent": ("Recent runs", "最近的运算"),
    "solve.no_jobs": ("No runs yet.", "还没有运算记录。"),
    "solve.col.started": ("Started (UTC)", "开始时间(UTC)"),
    "solve.col.scenario": ("Scenario version", "排班条件版本"),
    "solve.col.kind": ("Kind", "类型"),
    "solve.col.status": ("Status", "状态"),
    "solve.col.seconds": ("Seconds", "用时(秒)"),
    "solve.col.result": ("Result", "结果"),
    "solve.jobs_caption": ("The school's recent runs, newest first", "本校最近的运算,最新的在前"),
    "solve.kind.solve": ("solve", "排班"),
    "solve.kind.rerun": ("rerun", "调整重排"),
    "solve.rota_link": ("Rota version {n}", "第 {n} 版排班表"),
    "solve.job_link": ("Details", "详情"),
    "solve.busy_title": ("A run is already in progress", "已有运算在进行"),
    "solve.busy": (
        "This school already has a run queued or in progress; one runs at a time.",
        "本校已有一次运算在排队或进行中;每次只能进行一次运算。",
    ),
    # Job states, phases and outcomes, in words
    "solve.status.queued": ("waiting to start", "等待开始"),
    "solve.status.running": ("running", "运算中"),
    "solve.status.succeeded": ("finished", "已完成"),
    "solve.status.failed": ("ended without a rota", "未得到排班表"),
    "solve.status.cancelled": ("cancelled", "已取消"),
    "solve.phase.queued": ("Waiting for a free solver.", "正在等待空闲的运算程序。"),
    "solve.phase.building": ("Reading the scenario and building the model.", "正在读取排班条件并建立模型。"),
    "solve.phase.weekly_pattern": (
        "Finding the weekly rotation table (which class comes when).",
        "正在寻找每周轮流表(各班何时来)。",
    ),
    "solve.phase.weekly_staff": ("Sharing out the duties among the staff.", "正在分配值班人员。"),
    "solve.phase.term_dates": (
        "Laying the term out on its dates: holidays, make-up sessions, activities.",
        "正在排出整个学期的日程:节假日、补课、活动。",
    ),
    "solve.phase.explaining": (
        "Working out why some requirements cannot be met, and testing changes that would help.",
        "正在找出无法满足的原因,并测试可行的修改。",
    ),
    "solve.phase.verifying": (
        "Checking the rota with the independent verifier.",
        "正在用独立校验程序检查排班表。",
    ),
    "solve.phase.done": ("Done.", "完成。"),
    "solve.phase.requeued": (
        "The process running it stopped; waiting to start again.",
        "运行它的进程已停止,正在等待重新开始。",
    ),
    "solve.phase.other": ("Stage: {phase}.", "阶段:{phase}。"),
    "solve.outcome.solved": ("A rota was found and verified.", "已找到排班表并通过校验。"),
    "solve.outcome.solved_with_unmet": (
        "A rota was found and verified; some requirements could not be met and are listed.",
        "已找到排班表并通过校验;部分要求无法满足,已列出。",
    ),
    "solve.outcome.stopped_at_limit": (
        "The time limit stopped the solver.",
        "到达时限,运算已停止。",
    ),
    "solve.outcome.no_rota": (
        "No rota exists: these requirements cannot all be met together.",
        "不存在排班表:以下要求无法同时满足。",
    ),
    "solve.outcome.cannot_rerun": (
        "The published rota cannot be rerun with this scenario.",
        "无法用这版排班条件对已发布的排班表进行调整重排。",
    ),
    "solve.outcome.verifier_failed": (
        "The independent verifier rejected the rota the solver found (a fault of ours: please report "
        "it with the scenario). Nothing was stored.",
        "独立校验程序拒绝了求解得到的排班表(这是程序的错误,请连同排班条件一起报告)。没有保存任何结果。",
    ),
    "solve.outcome.none": ("The run ended without a rota.", "运算结束,没有得到排班表。"),
    # The progress page
    "solve.job.title": ("Run of scenario version {n}", "第 {n} 版排班条件的运算"),
    "solve.job.status": ("Status: {status}", "状态:{status}"),
    "solve.job.progress_label": ("Time used of the limit", "已用时间 / 时限"),
    "solve.job.seconds_of": ("{elapsed} s of {limit} s", "{elapsed} 秒 / {limit} 秒"),
    "solve.job.figures": (
        "Best penalty so far: {best}; no rota in this stage can score below {bound}.",
        "目前最好的罚分:{best};本阶段任何排班表的罚分都不会低于 {bound}。",
    ),
    "solve.job.best_only": ("Best penalty so far: {best}.", "目前最好的罚分:{best}。"),
    "solve.job.no_figures": ("No rota found yet in this stage.", "本阶段还没有找到排班表。"),
    "solve.job.cancel": ("Cancel this run", "取消本次运算"),
    "solve.job.refresh": ("Refresh", "刷新"),
    "solve.job.no_js": (
        "This page refreshes itself every few seconds while the run goes on.",
        "运算进行时,本页每隔几秒自动刷新。",
    ),
    "solve.job.cancelled": (
        "The run was cancelled; nothing was stored.",
        "本次运算已取消,没有保存任何结果。",
    ),
    "solve.job.failed_reason": ("What the service said: {error}", "服务给出的原因:{error}"),
    "solve.job.raise_limit": (
        "No rota was found within the time limit. A larger school may need a longer limit "
        "(ROTA_JOB_TIME_LIMIT_SECONDS).",
        "在时限内没有找到排班表。规模较大的学校可能需要更长的时限(ROTA_JOB_TIME_LIMIT_SECONDS)。",
    ),
    "solve.job.cut_short": ("Stages the time limit cut short: {stages}.", "被时限截断的阶段:{stages}。"),
    "solve.job.to_rota": ("See the rota", "查看排班表"),
    "solve.job.again": ("Back to solving", "返回排班运算"),
    "solve.job.other_school": ("This run belongs to another school.", "这次运算属于另一所学校。"),
    # Conflicts and suggestions
    "solve.conflicts": ("Why there is no rota", "为什么没有排班表"),
    "solve.conflict_n": ("Conflict {n}", "冲突 {n}"),
    "solve.conflict.requirements": ("The requirements involved:", "涉及的要求:"),
    "solve.conflict.not_minimal": (
        "Not proven to be the smallest such set in the time available: the figures still stand.",
        "在可用时间内未能证明这是最小的冲突集合,但其中的数字成立。",
    ),
    "solve.suggestions": ("Changes that were tested by solving again", "经重新运算测试过的修改"),
    "solve.no_suggestions": (
        "No single change was found that resolves this; the set-up pages can change any requirement.",
        "没有找到能单独解决这一问题的修改;可以在基础设置中修改任何要求。",
    ),
    "solve.suggestion.apply": ("Apply: {text}", "采用:{text}"),
    "solve.suggestion.solves": (
        "Tested: with this change alone the school has a rota.",
        "已测试:只做这一项修改,就能排出排班表。",
    ),
    "solve.suggestion.partly": (
        "Tested: this resolves this conflict, but another one remains.",
        "已测试:这能解决这一冲突,但还有别的冲突。",
    ),
    "solve.suggestion.change": ("Sets {path} to {value}", "将 {path} 设为 {value}"),
    "solve.suggestion.note": (
        "Applying a change saves it as a new scenario version; the rota changes only when you solve again.",
        "采用修改会保存为新版本的排班条件;重新排班后排班表才会改变。",
    ),
    "solve.apply.refused_title": ("The change was not applied", "修改未被采用"),
    "solve.apply.bad_path": (
        "The change names a field the scenario does not have ({path}); nothing was saved.",
        "该修改指向排班条件中不存在的字段({path});没有保存任何内容。",
    ),
    "solve.apply.bad_value": (
        "The change's value is not valid JSON; nothing was saved.",
        "该修改的值不是有效的 JSON;没有保存任何内容。",
    ),
    "solve.apply.stale": (
        "The scenario has changed at {path} since this suggestion was made for version {n}; nothing "
        "was saved. Solve again for fresh suggestions.",
        "这条建议是针对第 {n} 版排班条件提出的,之后 {path} 已有改动;没有保存任何内容。"
        "请重新排班以获得新的建议。",
    ),
    "solve.apply.unknown_version": (
        "Scenario version {n}, which this suggestion was made for, does not exist.",
        "这条建议所针对的第 {n} 版排班条件不存在。",
    ),
    "solve.apply.invalid": (
        "With this change the scenario would not be valid; nothing was saved:",
        "做这项修改后排班条件将无效,因此没有保存:",
    ),
    "solve.apply.draft_title": ("The change is in the set-up draft", "修改已写入草稿"),
    "solve.apply.draft": (
        "The change is in your set-up draft, which still has problems to fix before it can be solved.",
        "修改已写入基础设置的草稿,但草稿中还有问题需要修正后才能运算。",
    ),
    # The result page
    "solve.result.title": ("Rota version {n}", "第 {n} 版排班表"),
    "solve.result.made": (
        "Solved from scenario version {scenario} on {when}.",
        "由第 {scenario} 版排班条件于 {when} 求得。",
    ),
    "solve.result.rerun_of": (
        "A rerun of version {n}: {total} change(s) from the freeze date {freeze}.",
        "对第 {n} 版的调整重排:冻结日期 {freeze} 之后共 {total} 处改动。",
    ),
    "solve.result.published": (
        "This version is published: the teachers' calendars show it.",
        "此版本已发布:教师订阅的日历显示的就是它。",
    ),
    "solve.result.not_published": (
        "Not published: the calendars do not show it yet.",
        "尚未发布:日历中还看不到它。",
    ),
    "solve.result.publish": ("Publish this rota", "发布此排班表"),
    "solve.result.views": ("Look at it", "查看"),
    "solve.result.view.week": ("The weekly table", "每周轮流表"),
    "solve.result.view.month": ("The term month by month", "按月查看学期"),
    "solve.result.view.class": ("By class", "按班级"),
    "solve.result.view.staff": ("By staff member", "按工作人员"),
    "solve.result.view.list": ("All rota versions", "所有排班表版本"),
    "solve.result.view.changes": ("What changed", "改动内容"),
    "solve.result.proof": ("What is proven", "证明了什么"),
    "solve.result.optimal": (
        "This rota is proven the best for the school's wishes: no rota with a lower penalty exists "
        "(penalty {objective}).",
        "已证明这是最符合学校意愿的排班表:不存在罚分更低的排班表(罚分 {objective})。",
    ),
    "solve.result.feasible": (
        "This rota keeps every rule but is not proven the best: its penalty is {objective}, and no "
        "rota can score below {bound}, so at most {gap} penalty points could still be saved.",
        "这张排班表遵守所有规则,但未被证明是最好的:它的罚分是 {objective},任何排班表的罚分都不低于 "
        "{bound},因此最多还能减少 {gap} 分。",
    ),
    "solve.result.stagewise": (
        "Each stage is proven the best: the weekly table for the school's wishes, then the term's dates "
        "for that table (penalty {objective}). Over the whole term no rota can score below {bound}, so "
        "another weekly table might save at most {gap} penalty points.",
        "每个阶段都已证明是最好的:先是最符合学校意愿的每周课表,再是这张课表下的学期日期(罚分 {objective})。"
        "就整个学期而言,任何排班表的罚分都不低于 {bound},因此换一张每周课表最多还能减少 {gap} 分。",
    ),
    "solve.result.stages": ("Stage by stage", "各阶段"),
    "solve.result.stage": ("{stage}: {status}.", "{stage}:{status}。"),
    "solve.result.verified": (
        "Every rule was checked by the independent verifier before the rota was stored.",
        "保存之前,独立校验程序已检查过每条规则。",
    ),
    "solve.result.wishes": ("What each wish cost", "各项意愿的代价"),
    "solve.result.wishes_caption": (
        "The penalty, wish by wish: weight × times the rota falls short = cost (total {total})",
        "逐项罚分:权重 × 未满足次数 = 代价(合计 {total})",
    ),
    "solve.result.col.wish": ("Wish", "意愿"),
    "solve.result.col.weight": ("Weight", "权重"),
    "solve.result.col.units": ("Times short", "未满足次数"),
    "solve.result.col.cost": ("Cost", "代价"),
    "solve.result.col.bearers": ("Who bears it", "由谁承担"),
    "solve.result.no_one": ("no one", "无"),
    "solve.result.total": ("Total", "合计"),
    "solve.result.bearer": ("{name} ({count})", "{name}({count})"),
    "solve.result.more_bearers": ("all {n}", "全部 {n} 个"),
    "solve.result.counts": ("The term in numbers", "学期概况"),
    "solve.result.counts_text": (
        "{sessions} dated sessions over {weeks} teaching weeks, {made_up} of them make-up sessions; "
        "{activities} activities and shifts; {lost} sessions of the weekly table fall on days "
        "without them (holidays, closures and the like).",
        "{weeks} 个教学周共 {sessions} 次排定的活动课,其中补课 {made_up} 次;活动与值班 {activities} 项;"
        "每周轮流表中有 {lost} 次因节假日、停课等原因没有上。",
    ),
    "solve.result.lost_by": ("Lost sessions by reason", "未上课次数(按原因)"),
    "solve.result.lost_cause.day_off": ("holidays and closures", "节假日和停课"),
    "solve.result.lost_cause.outside_term": ("outside the term", "学期之外"),
    "solve.result.lost_cause.staff_away": ("staff away", "工作人员不在"),
    "solve.result.lost_cause.room_closed": ("room closed", "场地关闭"),
    "solve.result.lost_cause.stocktake": ("the stocktake", "图书清点"),
    "solve.result.lost_cause.activity": ("activities", "活动"),
    "solve.result.lost_cause.pattern_change": ("the rerun's new table", "重排后的新轮流表"),
    "solve.result.short": ("Classes with fewer sessions than planned", "活动课少于计划的班级"),
    "solve.result.short_caption": (
        "Classes that hold fewer sessions than their weekly table planned over the term",
        "整个学期实际上课次数少于每周轮流表计划次数的班级",
    ),
    "solve.result.col.class": ("Class", "班级"),
    "solve.result.col.rule": ("Rule", "规则"),
    "solve.result.col.planned": ("Planned", "计划"),
    "solve.result.col.held": ("Held", "实际"),
    "solve.result.col.lost": ("Lost", "未上"),
    "solve.result.col.made_up": ("Made up", "补课"),
    "solve.result.none_short": (
        "Every class holds every session it was planned.",
        "每个班级都上满了计划的次数。",
    ),
    "solve.result.unmet": ("What could not be met", "无法满足的要求"),
    "solve.result.all_met": ("Every requirement is met.", "所有要求都已满足。"),
    "solve.result.unmet_intro": (
        "The rota stands, but these requirements could not be met:",
        "排班表有效,但以下要求无法满足:",
    ),
    "solve.result.unmet_kind.gap": ("Gap between sessions", "两次活动课间隔"),
    "solve.result.unmet_kind.returns": ("Final returns session", "期末还书"),
    "solve.result.unmet_kind.activity": ("Activity", "活动"),
    "solve.result.unmet_kind.stocktake_shift": ("Stocktake shift", "清点值班"),
}
