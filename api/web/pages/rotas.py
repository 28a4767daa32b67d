"""The rotas pages (being written)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/app/s/{school}", include_in_schema=False)
