"""Errors the service raises on purpose (the HTTP layer maps them to status codes)."""

from __future__ import annotations


class ServiceError(Exception):
    """Base of the service's own errors."""


class ServiceMisconfigured(ServiceError, RuntimeError):
    """The settings cannot be used as they are (e.g. production without an admin token)."""


class NotFound(ServiceError, LookupError):
    """A school, version, job or publication does not exist; ``what`` names it for a message."""

    def __init__(self, what: str) -> None:
        self.what = what
        super().__init__(f"{what} not found")


class Conflict(ServiceError, RuntimeError):
    """The request clashes with the school's state: most often it already has a job queued or
    running (``running_job`` is its id), or a rerun finds nothing published (``running_job`` empty)."""

    def __init__(self, message: str, running_job: str = "") -> None:
        self.running_job = running_job
        super().__init__(message)
