"""Messages of the teachers pages: key -> (en, zh-CN)."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {}
