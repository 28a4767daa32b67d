"""Library rota: a school library's term rota, built with CP-SAT and checked by an independent verifier.

Typical use::

    from rota_solver import load_scenario, solve, verify

    scenario = load_scenario("scenarios/demo_school.yaml")
    rota = solve(scenario)
    assert verify(scenario, rota) == []
"""

from .application import EXIT_CODES, Outcome, OutcomeKind, RerunRequest, SolveRequest, run
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
from .loading import load_scenario, parse_scenario
from .model.hard_rules import HARD_RULES
from .model.soft_rules import SOFT_RULES
from .outputs import write_outputs
from .progress import Progress
from .rota import Rota
from .scenario import Scenario
from .solve import SolveOptions, solve
from .term_calendar import TermCalendar, build_term_calendar
from .verify import Violation, verify

__all__ = [
    "EXIT_CODES",
    "HARD_RULES",
    "SOFT_RULES",
    "CannotRerun",
    "InvalidScenario",
    "NoRotaExists",
    "NoSolutionInTime",
    "Outcome",
    "OutcomeKind",
    "Progress",
    "RerunRequest",
    "Rota",
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
    "load_scenario",
    "parse_scenario",
    "run",
    "solve",
    "verify",
    "write_outputs",
]
