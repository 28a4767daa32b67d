"""Library rota: a school library's term rota, built with CP-SAT and checked by an independent verifier.

Typical use::

    from rota_solver import load_scenario, solve, verify

    scenario = load_scenario("scenarios/demo_school.yaml")
    rota = solve(scenario)
    assert verify(scenario, rota) == []
"""

from .application import EXIT_CODES, Outcome, OutcomeKind, RerunRequest, SolveRequest, run
from .conflict import Explanation
from .control import RunControl
from .errors import (
    CannotRerun,
    InvalidScenario,
    NoRotaExists,
    NoSolutionInTime,
    RotaError,
    RunCancelled,
    ScenarioProblem,
)
from .html_document import html_document
from .labels import Labels, labels_for
from .loading import load_scenario, parse_scenario
from .model.hard_rules import HARD_RULES
from .model.soft_rules import SOFT_RULES
from .outputs import write_outputs
from .printable import compile_printable_template, printable_html
from .progress import Progress
from .rerun import NOTICE_SCHOOL_DAYS, RotaDiff, diff_text
from .rerun.words import diff_sections, page_title
from .rota import Rota
from .scenario import Pin, Scenario
from .solve import SolveOptions, scenario_digest, solve
from .table_csv import rota_csv
from .term_calendar import TermCalendar, build_term_calendar, calendar_warnings
from .timetable_import import IMPORT_FORMATS, ImportOptions, ImportProblem, import_timetable
from .verify import Violation, verify

__all__ = [
    "EXIT_CODES",
    "HARD_RULES",
    "IMPORT_FORMATS",
    "NOTICE_SCHOOL_DAYS",
    "SOFT_RULES",
    "CannotRerun",
    "Explanation",
    "ImportOptions",
    "ImportProblem",
    "InvalidScenario",
    "Labels",
    "NoRotaExists",
    "NoSolutionInTime",
    "Outcome",
    "OutcomeKind",
    "Pin",
    "Progress",
    "RerunRequest",
    "Rota",
    "RotaDiff",
    "RotaError",
    "RunCancelled",
    "RunControl",
    "Scenario",
    "ScenarioProblem",
    "SolveOptions",
    "SolveRequest",
    "TermCalendar",
    "Violation",
    "build_term_calendar",
    "calendar_warnings",
    "compile_printable_template",
    "diff_sections",
    "diff_text",
    "html_document",
    "import_timetable",
    "labels_for",
    "load_scenario",
    "page_title",
    "parse_scenario",
    "printable_html",
    "rota_csv",
    "run",
    "scenario_digest",
    "solve",
    "verify",
    "write_outputs",
]
