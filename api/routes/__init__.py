"""The service's routes, one module per resource: scenarios, solve jobs, reruns, rotas, and the public
feeds."""

from __future__ import annotations

from fastapi import APIRouter

from . import feeds, jobs, reruns, rotas, scenarios

ROUTERS: tuple[APIRouter, ...] = (scenarios.router, jobs.router, reruns.router, rotas.router, feeds.router)

__all__ = ["ROUTERS"]
