"""A school's scenario: upload a new version, read one back, or only check one.

The body is the scenario file as ``rota validate`` reads it: YAML (``Content-Type:
application/yaml`` or ``text/yaml``) or JSON (``application/json``). An invalid one is answered
with 422 and every problem with its field path and line, as the command line prints them.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response, status

from rota_solver import InvalidScenario, Scenario, ScenarioProblem, calendar_warnings, parse_scenario

from .. import storage
from ..deps import MAX_NUMBER, AdminDep, SchoolSlug, SessionDep, require_admin
from ..schemas import UNAUTHORIZED, ProblemReport, Responses, ScenarioVersion, ValidationResult, error

_YAML_TYPES = frozenset({"application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml", "text/plain"})
_JSON_TYPES = frozenset({"application/json"})

ScenarioFormat = Literal["yaml", "json"]


class ScenarioText:
    """The request body as scenario text and its format."""

    def __init__(self, text: str, fmt: ScenarioFormat) -> None:
        self.text = text
        self.format: ScenarioFormat = fmt


async def scenario_body(request: Request) -> ScenarioText:
    """Read the body as UTF-8 scenario text; 415 for other content types, 422 if not UTF-8."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    fmt: ScenarioFormat
    if media_type in _JSON_TYPES:
        fmt = "json"
    elif media_type in _YAML_TYPES or not media_type:
        fmt = "yaml"
    else:
        raise HTTPException(
            status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
            detail="send the scenario as Content-Type: application/yaml or application/json, "
            f"not {media_type}",
        )
    raw = await request.body()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidScenario([ScenarioProblem("", "the body is not UTF-8 text")]) from None
    return ScenarioText(text, fmt)


ScenarioBody = Annotated[ScenarioText, Depends(scenario_body)]

_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "The scenario file, as `rota validate` reads it.",
        "content": {
            "application/yaml": {"schema": {"type": "string"}},
            "text/yaml": {"schema": {"type": "string"}},
            "application/json": {
                "schema": {"type": "object", "required": sorted(Scenario.model_json_schema()["required"])}
            },
        },
    }
}
_INVALID = error(422, "The scenario is invalid: every problem, with its line.", ProblemReport)
_TOO_BIG = error(413, "The body is larger than the service accepts.")
_NOT_FOUND = error(404, "No such school or version.")
_NOT_SCENARIO = error(415, "Not YAML or JSON.")
_SCENARIO_TEXT: Responses = {
    200: {
        "content": {"application/yaml": {}, "application/json": {}},
        "description": "The scenario text as it was submitted.",
    }
}

router = APIRouter(
    tags=["scenarios"],
    dependencies=[Depends(require_admin)],
    responses=UNAUTHORIZED,
)


@router.put(
    "/schools/{school}/scenario",
    status_code=status.HTTP_201_CREATED,
    openapi_extra=_BODY,
    responses=_INVALID | _TOO_BIG | _NOT_SCENARIO,
    summary="Store a new version of the school's scenario (creates the school on first upload)",
)
def put_scenario(
    school: SchoolSlug, body: ScenarioBody, session: SessionDep, who: AdminDep, response: Response
) -> ScenarioVersion:
    info = storage.save_scenario(session, school, body.text, body.format, who)
    version = ScenarioVersion.of(info)
    response.headers["Location"] = version.url
    return version


@router.get(
    "/schools/{school}/scenario",
    response_class=Response,
    responses=_SCENARIO_TEXT | _NOT_FOUND,
    summary="The school's scenario text: the latest version, or `?version=N`",
)
def get_scenario(
    school: SchoolSlug,
    session: SessionDep,
    version: Annotated[
        int | None, Query(ge=1, le=MAX_NUMBER, description="Version number; the latest if left out.")
    ] = None,
) -> Response:
    if version is None:
        info = storage.latest_scenario(session, school)
    else:
        info = storage.scenario_version(session, school, version)
    media_type = "application/json" if info.format == "json" else "application/yaml; charset=utf-8"
    headers = {"X-Scenario-Version": str(info.number)}
    return Response(info.text, media_type=media_type, headers=headers)


@router.post(
    "/scenarios/validate",
    openapi_extra=_BODY,
    responses=_INVALID | _TOO_BIG | _NOT_SCENARIO,
    summary="Check a scenario without storing it",
)
def validate_scenario(body: ScenarioBody) -> ValidationResult:
    scenario = parse_scenario(body.text)
    return ValidationResult(valid=True, classes=len(scenario.classes), warnings=calendar_warnings(scenario))
