"""The ``rota`` command: validate a scenario, solve it, write the rota files and calendar feeds;
rerun a published rota after the scenario changed; or export the files again from a saved rota.json.

``rota serve`` runs the rota service instead (the ``api`` package, imported only then).

Exit codes: 0 solved (or valid, or exported), 1 no rota exists (the conflicting requirements and
tested suggestions are printed, and written to explanation.html), or none found in time, 2 invalid
input (scenario or rota.json, or a published rota that cannot be rerun against the scenario), 3 the
independent verifier rejected the solver's rota (a bug: please report it), 4 a rota was written but
some requirements could not be met (they are printed, each with why and tested suggestions where
the counts explain it, and listed in the files), 5 the time limit stopped the solver: the best rota
found was verified and written, not proven best.

Solving and rerunning go through :func:`rota_solver.application.run`, as the service's jobs do;
this module only reads the arguments, prints, and writes the files (rota, feeds) of the outcome.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import threading
import time
import unicodedata
from collections.abc import Sequence
from pathlib import Path

from pydantic import ValidationError

from calendars import write_feeds

from .application import Outcome, RerunRequest, SolveRequest, run
from .conflict import Explanation
from .errors import InvalidScenario
from .labels import Labels, labels_for
from .loading import load_scenario
from .outputs import write_explanation, write_outputs
from .progress import Progress
from .rerun import NOTICE_SCHOOL_DAYS, diff_text, held_sessions_changed
from .rota import Rota
from .scenario import Scenario
from .solve import SolveOptions, scenario_digest
from .term_calendar import calendar_warnings
from .timetable_import.command import add_parser as add_import_parser
from .timetable_import.command import run_import

EXIT_OK, EXIT_NO_ROTA, EXIT_INVALID, EXIT_VERIFIER, EXIT_UNMET = 0, 1, 2, 3, 4


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command == "serve":
        return _serve(args)
    if args.command == "worker":
        return _worker(args)
    if args.command == "import":
        return run_import(args)
    try:
        scenario = load_scenario(args.file)
    except InvalidScenario as exc:
        print(f"invalid scenario: {exc}", file=sys.stderr)
        return EXIT_INVALID
    for warning in calendar_warnings(scenario):
        print(warning, file=sys.stderr)
    if args.command == "validate":
        print(f"{args.file}: valid ({len(scenario.classes)} classes, {len(scenario.rules)} rules)")
        return EXIT_OK
    if args.command == "export":
        return _export(scenario, args)
    if args.command == "rerun":
        return _rerun(scenario, args)
    return _solve(scenario, args)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="rota", description="School library term rota.")
    commands = parser.add_subparsers(dest="command", required=True)
    validate = commands.add_parser("validate", help="check a scenario file and report every problem")
    validate.add_argument("file", type=Path, help="scenario YAML file")
    run = commands.add_parser(
        "solve", help="solve a scenario and write rota.json, rota.csv, rota.html and calendars/"
    )
    run.add_argument("file", type=Path, help="scenario YAML file")
    run.add_argument("--out", type=Path, default=Path("out"), help="output directory (default: out)")
    _solver_options(run, version_default="the day before term starts")
    again = commands.add_parser(
        "rerun",
        help="rerun a published rota after the scenario changed: keep what is near or past, move as little "
        "as possible, write the new files and what changed (changes.txt, changes.json)",
    )
    again.add_argument("file", type=Path, help="the changed scenario YAML file")
    again.add_argument("--published", type=Path, required=True, help="the published rota.json")
    again.add_argument("--out", type=Path, default=Path("out"), help="output directory (default: out)")
    again.add_argument(
        "--today", type=dt.date.fromisoformat, default=None, help="today's date, YYYY-MM-DD (default: today)"
    )
    again.add_argument(
        "--notice-days",
        type=int,
        default=NOTICE_SCHOOL_DAYS,
        help=f"school days' notice: nothing changes before the school day this many days after today "
        f"(default {NOTICE_SCHOOL_DAYS})",
    )
    again.add_argument(
        "--freeze",
        type=dt.date.fromisoformat,
        default=None,
        help="first date that may change, YYYY-MM-DD (default: from --today and --notice-days); "
        "before today only with --rewrite-past",
    )
    again.add_argument(
        "--rewrite-past",
        action="store_true",
        help="allow a --freeze date before today: sessions that already took place may change (the "
        "count is printed)",
    )
    _solver_options(again, version_default="midnight of --today in the school's timezone")
    export = commands.add_parser(
        "export", help="write rota.csv, rota.html and calendars/ (and rota.json) again from a saved rota.json"
    )
    export.add_argument("file", type=Path, help="scenario YAML file the rota was solved for")
    export.add_argument("--rota", type=Path, required=True, help="the rota.json written by rota solve")
    export.add_argument(
        "--out", type=Path, default=None, help="output directory (default: the rota.json's directory)"
    )
    add_import_parser(commands)
    serve = commands.add_parser(
        "serve",
        help="run the rota service: scenarios, background solves, rota versions and calendar feeds over HTTP",
        description="Settings come from ROTA_* environment variables (ROTA_ADMIN_TOKEN, ROTA_MODE, ...).",
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    serve.add_argument(
        "--workers",
        type=int,
        default=1,
        help="server processes sharing the port and the database (default 1); each runs "
        "ROTA_JOB_WORKERS solves at once, and a school still has one job at a time",
    )
    serve.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help="where the database (and the development admin token) live (default: ROTA_DATA_DIR, "
        "else ./rota-data)",
    )
    worker = commands.add_parser(
        "worker",
        help="run a task-queue worker for the rota service (needs ROTA_BROKER_URL and ROTA_DATABASE_URL)",
        description="Runs the jobs `rota serve` sends to the task queue when ROTA_BROKER_URL is set. "
        "Settings come from the same ROTA_* environment variables as `rota serve`.",
    )
    worker.add_argument(
        "--concurrency",
        type=int,
        default=1,
        help="jobs at once (default 1: in this process; more: that many child processes)",
    )
    worker.add_argument(
        "--queues",
        default="small,large",
        help="which queues to take jobs from, comma-separated (default small,large: both, in turn)",
    )
    return parser


def _solver_options(command: argparse.ArgumentParser, version_default: str) -> None:
    command.add_argument(
        "--time-limit", type=float, default=60.0, help="seconds the solver may search (default 60)"
    )
    command.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    command.add_argument(
        "--workers",
        type=int,
        default=1,
        help="threads for the weekly table's search; any number is reproducible (default 1)",
    )
    command.add_argument(
        "--version-time",
        type=_aware_datetime,
        default=None,
        help="timestamp of this rota version for the feeds' DTSTAMP, e.g. 2026-08-25T09:00+08:00 "
        f"(default: {version_default}, so the same inputs always give the same files)",
    )


def _serve(args: argparse.Namespace) -> int:
    """Run the service until interrupted; the service's packages are imported only here."""
    try:
        import uvicorn

        from api.errors import ServiceMisconfigured
        from api.main import configure_logging, create_app, prepare_server_process
        from api.settings import get_settings
    except ImportError as exc:
        print(
            f"rota serve needs the service's packages (fastapi, uvicorn, sqlalchemy, ...): {exc}",
            file=sys.stderr,
        )
        return EXIT_INVALID
    try:
        settings = get_settings()
    except ValidationError as exc:  # e.g. ROTA_MODE=prodution: one line per setting, no traceback
        for error in exc.errors():
            name = "ROTA_" + "_".join(str(part) for part in error["loc"]).upper()
            print(f"rota serve: {name}={error['input']!r}: {error['msg']}", file=sys.stderr)
        return EXIT_INVALID
    if args.data_dir is not None:
        settings = settings.model_copy(update={"data_dir": args.data_dir})
    try:
        settings.check()  # fail here, in one line, rather than in the server's start-up
    except ServiceMisconfigured as exc:
        print(f"rota serve: {exc}", file=sys.stderr)
        return EXIT_INVALID
    configure_logging()
    from api.web.first_run import first_run_link

    # Migrate once, before any worker starts (on a new SQLite file they would race to create its
    # tables, and the loser would die under a client's request); then the first-run link, if due.
    link = first_run_link(settings, args.host, args.port)
    if link is not None:
        print(f"rota serve: no admin account yet; create it (once) at\n    {link}", file=sys.stderr)
    if args.workers > 1:
        # Each process builds its app from the environment: hand it the data directory that way.
        os.environ["ROTA_DATA_DIR"] = str(settings.data_dir)
        app = "api.main:app_factory"
        uvicorn.run(app, factory=True, host=args.host, port=args.port, workers=args.workers)
    else:
        service = create_app(settings)
        prepare_server_process()
        uvicorn.run(service, host=args.host, port=args.port)
    return EXIT_OK


def _worker(args: argparse.Namespace) -> int:
    """Run a task-queue worker until stopped; the service's packages are imported only here."""
    try:
        from api.main import configure_logging
        from api.settings import get_settings
        from api.worker import run_worker
    except ImportError as exc:
        print(f"rota worker needs the service's packages (celery, sqlalchemy, ...): {exc}", file=sys.stderr)
        return EXIT_INVALID
    try:
        settings = get_settings()
    except ValidationError as exc:
        for error in exc.errors():
            name = "ROTA_" + "_".join(str(part) for part in error["loc"]).upper()
            print(f"rota worker: {name}={error['input']!r}: {error['msg']}", file=sys.stderr)
        return EXIT_INVALID
    if not settings.broker_url:
        print("rota worker: set ROTA_BROKER_URL, e.g. redis://127.0.0.1:6379/0", file=sys.stderr)
        return EXIT_INVALID
    if args.concurrency < 1:
        print("rota worker: --concurrency must be at least 1", file=sys.stderr)
        return EXIT_INVALID
    configure_logging()
    run_worker(settings, args.concurrency, [q for q in args.queues.split(",") if q])
    return EXIT_OK


def _aware_datetime(text: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO date and time: {text!r}") from None
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError(f"give a UTC offset, e.g. {text}+08:00")
    return moment


def _options(args: argparse.Namespace) -> SolveOptions:
    return SolveOptions(
        time_limit_seconds=args.time_limit,
        seed=args.seed,
        workers=args.workers,
        version_time=args.version_time,
    )


def _solve(scenario: Scenario, args: argparse.Namespace) -> int:
    ticker = _Ticker(labels_for(scenario.school.locale))
    with ticker:
        outcome = run(SolveRequest(scenario, _options(args)), progress=ticker.update)
    return _finish(scenario, outcome, args.out)


def _rerun(scenario: Scenario, args: argparse.Namespace) -> int:
    published = _read_rota(args.published)
    if published is None:
        return EXIT_INVALID
    request = RerunRequest(
        scenario,
        published,
        today=args.today,
        freeze=args.freeze,
        notice_school_days=args.notice_days,
        options=_options(args),
        rewrite_past=args.rewrite_past,
    )
    ticker = _Ticker(labels_for(scenario.school.locale))
    with ticker:
        outcome = run(request, progress=ticker.update)
    code = _finish(scenario, outcome, args.out)
    if outcome.has_rota and outcome.diff is not None:
        text = diff_text(scenario, outcome.diff)
        (args.out / "changes.txt").write_text(text, encoding="utf-8")
        changes = outcome.diff.model_dump_json(indent=2) + "\n"
        (args.out / "changes.json").write_text(changes, encoding="utf-8")
        print(f"wrote {args.out / 'changes.txt'} and {args.out / 'changes.json'}")
        today = args.today or dt.datetime.now(scenario.school.tz).date()
        if args.rewrite_past and outcome.diff.freeze < today:
            held = held_sessions_changed(outcome.diff, today)
            print(f"--rewrite-past: {held} session(s) that already took place (before {today}) change")
        print()
        print(text, end="")
    return code


def _finish(scenario: Scenario, outcome: Outcome, out: Path) -> int:
    """Print the outcome, write the files of a verified rota (or the explanation); the exit code."""
    if outcome.kind == "cannot_rerun":
        print(outcome.message, file=sys.stderr)
        return outcome.exit_code
    if outcome.kind == "no_rota":
        _print_no_rota(scenario, outcome.explanation, outcome.message, out)
        return outcome.exit_code
    if outcome.kind == "verifier_failed":
        hidden = outcome.hidden_violations
        print(f"VERIFIER FOUND {len(hidden)} VIOLATION(S) (a solver bug, please report):", file=sys.stderr)
        for violation in hidden[:20]:
            print(f"  - {violation.rule}: {violation.message}", file=sys.stderr)
        return outcome.exit_code
    rota = outcome.rota
    if rota is None:  # stopped before any rota, or cancelled
        print(outcome.message, file=sys.stderr)
        return outcome.exit_code
    written = write_outputs(scenario, rota, out)
    feeds = write_feeds(scenario, rota, out)
    _print_summary(scenario, rota)
    _print_written(scenario, written, feeds)
    if outcome.kind == "stopped_at_limit":
        print(outcome.message, file=sys.stderr)
    labels = labels_for(scenario.school.locale)
    print(labels.format("cli_verified_unmet" if rota.unmet else "cli_verified"))
    return outcome.exit_code


def _read_rota(path: Path) -> Rota | None:
    """A saved rota.json, or None after printing why it cannot be read."""
    try:
        return Rota.model_validate_json(path.read_bytes())
    except OSError as exc:
        print(f"invalid rota: cannot read {path}: {exc.strerror or exc}", file=sys.stderr)
    except ValidationError as exc:
        print(f"invalid rota: {path}: {_first_error(exc)}", file=sys.stderr)
    return None


def _export(scenario: Scenario, args: argparse.Namespace) -> int:
    rota = _read_rota(args.rota)
    if rota is None:
        return EXIT_INVALID
    if rota.scenario_digest != scenario_digest(scenario):
        print(
            f"invalid rota: {args.rota} was solved for another scenario than {args.file} "
            "(or before it was changed); run rota solve again",
            file=sys.stderr,
        )
        return EXIT_INVALID
    out: Path = args.out if args.out is not None else args.rota.parent
    written = write_outputs(scenario, rota, out)
    feeds = write_feeds(scenario, rota, out)
    _print_written(scenario, written, feeds)
    return EXIT_OK


def _first_error(exc: ValidationError) -> str:
    """A pydantic error in one line: the first problem, and how many there are."""
    errors = exc.errors(include_url=False)
    if not errors:
        return "not a rota"
    first = errors[0]
    where = ".".join(str(part) for part in first["loc"])
    message = " ".join(str(first["msg"]).split())
    more = f" (and {len(errors) - 1} more problem(s))" if len(errors) > 1 else ""
    return f"{where + ': ' if where else ''}{message}{more}"


def _print_written(scenario: Scenario, written: list[Path], feeds: list[Path]) -> None:
    labels = labels_for(scenario.school.locale)
    for path in written:
        print(labels.format("cli_wrote", path=path))
    calendars = [p for p in feeds if p.suffix == ".ics"]
    if feeds:
        print(
            labels.format(
                "cli_wrote_feeds", folder=feeds[0].parent, count=len(calendars), index=feeds[-1].name
            )
        )


def _print_summary(scenario: Scenario, rota: Rota) -> None:
    """The solve in the school's language: stages, counts, the penalty terms, each class's rules."""
    lines, unmet = summary_lines(scenario, rota)
    print("\n".join(lines))
    if unmet:
        print("\n".join(unmet), file=sys.stderr)


def summary_lines(scenario: Scenario, rota: Rota) -> tuple[list[str], list[str]]:
    """The summary ``rota solve`` prints, every word in the school's language (names, not ids):
    the lines for stdout, and those about unmet requirements for stderr."""
    labels = labels_for(scenario.school.locale)
    report = rota.report
    lines = [
        labels.format(
            "cli_result",
            school=rota.school,
            status=labels.status(report.status),
            objective=report.objective,
            # Over every weekly table when known; the stages' own bounds only for a rerun.
            bound=report.best_bound if report.whole_term_bound is None else report.whole_term_bound,
            build=f"{report.build_seconds:.2f}",
            solve=f"{report.solve_seconds:.2f}",
        )
    ]
    for stage in report.stages:
        lines.append(
            "  "
            + labels.format(
                "cli_stage",
                stage=labels.stage(stage.name),
                status=labels.status(stage.status),
                objective=stage.objective,
                seconds=f"{stage.seconds:.2f}",
            )
        )
        lines.append("    " + labels.proof(stage.proof, stage.proves))
    lines.append(
        labels.format(
            "cli_counts",
            sessions=len(rota.sessions),
            weeks=rota.teaching_weeks,
            made_up=sum(1 for s in rota.sessions if s.origin == "makeup"),
            activities=len(rota.activities),
            lost=len(rota.lost),
        )
    )
    names = _bearer_names(scenario)
    for term in report.terms:
        if term.units:
            who = labels.join(
                [labels.format("cli_bearer", name=names.get(k, k), count=v) for k, v in term.bearers.items()]
            )
            if term.name == "Unmet":  # requirements, not the gap days their penalty counts
                title = labels.penalty(term.name)
                line = labels.format("cli_unmet_term", title=title, count=len(term.bearers), cost=term.cost)
                who = ""  # the unmet list below names each one
            else:
                line = labels.format(
                    "cli_term",
                    title=labels.penalty(term.name),
                    units=term.units,
                    weight=term.weight,
                    cost=term.cost,
                )
            lines.append("  " + line + (labels.format("in_brackets", text=who) if who else ""))
    columns = ("required", "on_makeup_days", "planned", "lost", "made_up", "extra_returns", "held")
    heads = [labels.heading(key) for key in ("class", "rule", *columns)]
    lines.append(
        "  " + _pad(heads[0], 12) + " " + _pad(heads[1], 18) + "".join(_right(h, 9) for h in heads[2:])
    )
    rules = {r.id: r.name or r.id for r in scenario.rules}
    for row in rota.summaries:
        figures = tuple(getattr(row, column) for column in columns)
        lines.append(
            "  "
            + _pad(scenario.school_class(row.class_id).label, 12)
            + " "
            + _pad(rules.get(row.rule_id, row.rule_id), 18)
            + "".join(_right(str(n), 9) for n in figures)
        )
    unmet = []
    if rota.unmet:
        unmet.append(labels.format("cli_unmet", count=len(rota.unmet)))
        for item in rota.unmet:
            unmet.append(f"  - {item.message}")
            if item.explanation is not None:
                unmet.append(f"    {item.explanation.text}")
                unmet += [f"    -> {suggestion.text}" for suggestion in item.explanation.suggestions]
    return lines, unmet


def _bearer_names(scenario: Scenario) -> dict[str, str]:
    """Who bears a penalty, by the id the report keys it with: classes, staff, helper groups."""
    names = {c.id: c.label for c in scenario.classes}
    names.update({m.id: m.name or m.id for m in scenario.staff})
    names.update({g.id: g.name or g.id for g in scenario.helper_groups})
    names.update({a.id: a.name or a.id for a in scenario.activities})
    return names


def _print_no_rota(scenario: Scenario, explanation: Explanation | None, message: str, out: Path) -> None:
    """Each conflict with its figures, the tested suggestions under it, and a printable page."""
    print("No rota exists: these requirements cannot all be met together.", file=sys.stderr)
    if explanation is None:
        print(f"  - {message}", file=sys.stderr)
        return
    for conflict in explanation.conflicts:
        print(f"  - {conflict.text}", file=sys.stderr)
        for suggestion in conflict.suggestions:
            alone = "" if suggestion.solves else " (another conflict remains)"
            print(f"    -> {suggestion.text}{alone}", file=sys.stderr)
    if explanation.note:
        print(f"  {explanation.note}", file=sys.stderr)
    print(f"wrote {write_explanation(scenario, explanation, out)}", file=sys.stderr)


def _columns(text: str) -> int:
    """Width in a terminal, where a Chinese character takes two columns."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    """Left-align in a terminal."""
    return text + " " * max(0, width - _columns(text))


def _right(text: str, width: int) -> str:
    """Right-align in a terminal."""
    return " " * max(0, width - _columns(text)) + text


class _Ticker:
    """Prints a progress line every second once a solve has run longer than a second."""

    def __init__(self, labels: Labels) -> None:
        self._labels = labels
        self._latest: Progress | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._started = 0.0
        self._printed = False

    def update(self, progress: Progress) -> None:
        self._latest = progress

    def __enter__(self) -> _Ticker:
        self._started = time.monotonic()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        if self._printed:
            print(file=sys.stderr)

    def _run(self) -> None:
        while not self._stop.wait(1.0):
            elapsed = time.monotonic() - self._started
            latest = self._latest
            words = self._labels
            if latest is None:
                best = words.format("cli_no_rota_yet")
            elif latest.objective is None or latest.bound is None:
                best = words.stage(latest.stage)
            else:
                best = words.format(
                    "cli_best",
                    stage=words.stage(latest.stage),
                    objective=f"{latest.objective:g}",
                    bound=f"{latest.bound:g}",
                )
            line = words.format("cli_solving", seconds=f"{elapsed:4.0f}", best=best)
            print(f"\r{line}   ", end="", file=sys.stderr, flush=True)
            self._printed = True


if __name__ == "__main__":
    raise SystemExit(main())
