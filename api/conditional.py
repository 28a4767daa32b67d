"""HTTP's conditional requests and content coding for the feeds, on plain header values, so the
feed routes and the feeds' fast path (:mod:`api.feed_fast_path`) answer alike."""

from __future__ import annotations

import datetime as dt
import email.utils

CACHE_CONTROL = "max-age=300"
GZIP_MINIMUM_BYTES = 1024
"""Bodies at least this large are sent gzipped to clients that accept it."""
PRIVATE = {"Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex, nofollow"}
"""The token is in every address: no Referer to other sites, no search engine."""


def accepts_gzip(accept_encoding: str | None) -> bool:
    """Whether ``Accept-Encoding`` names gzip (or ``*``) with a quality above 0."""
    for item in (accept_encoding or "").split(","):
        coding, _, params = item.strip().partition(";")
        if coding.strip().lower() not in ("gzip", "x-gzip", "*"):
            continue
        quality = params.strip().lower().removeprefix("q=")
        try:
            return not params.strip() or float(quality) > 0
        except ValueError:
            return False
    return False


def not_modified(
    if_none_match: str | None, if_modified_since: str | None, etag: str, last_modified: dt.datetime
) -> bool:
    """RFC 9110 section 13.2.2: If-None-Match decides when present (weak comparison), else
    If-Modified-Since (ignored when it cannot be parsed)."""
    if if_none_match is not None:
        tags = [tag.strip().removeprefix("W/") for tag in if_none_match.split(",")]
        return any(tag == "*" or tag == etag.removeprefix("W/") for tag in tags)
    if if_modified_since is None:
        return False
    try:
        since = email.utils.parsedate_to_datetime(if_modified_since)
    except (TypeError, ValueError, IndexError, OverflowError):
        return False
    if since.tzinfo is None:  # "-0000": UTC by RFC 5322
        since = since.replace(tzinfo=dt.UTC)
    return last_modified <= since
