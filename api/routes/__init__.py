"""The service's routes, one module per resource: scenarios, solve jobs, reruns, rotas, and the public
feeds."""

from __future__ import annotations

from fastapi import APIRouter

from . import feeds, imports, jobs, reruns, rotas, scenarios

ROUTERS: tuple[APIRouter, ...] = (
    scenarios.router, imports.router, jobs.router, reruns.router, rotas.router, feeds.router,
)  # fmt: skip

__all__ = ["ROUTERS"]
