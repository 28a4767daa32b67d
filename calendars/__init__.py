"""Calendar feeds of a solved rota: iCalendar files a homeroom teacher or librarian subscribes to.

Knows nothing of the solver: a pure function of (scenario, rota) to bytes::

    from calendars import build_feeds, write_feeds

    feeds = build_feeds(scenario, rota)          # library, grades, classes, rooms, staff, helpers
    write_feeds(scenario, rota, Path("out"))     # out/calendars/<key>.ics and index.html
"""

from .feed_file import Feed
from .feeds import build_feeds, write_feeds

__all__ = ["Feed", "build_feeds", "write_feeds"]
