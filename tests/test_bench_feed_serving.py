"""The feed-serving benchmark reads wrk's report: its rate and latency percentiles in their units,
and refuses a run in which requests failed rather than quote its rate."""

from __future__ import annotations

import pytest

from bench.feed_serving import read_wrk

REPORT = """\
Running 4s test @ http://127.0.0.1:40000/feeds/t/class-3-2.ics
  1 threads and 1 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   112.75us   60.10us   2.01ms   97.12%
    Req/Sec     9.06k   310.17     9.46k    80.49%
  Latency Distribution
     50%  101.00us
     75%  110.00us
     90%  127.00us
     99%    1.19ms
  36044 requests in 4.00s, 87.21MB read
Requests/sec:   9011.21
Transfer/sec:     21.80MB
"""


def test_the_rate_and_percentiles_are_read_in_their_units() -> None:
    loaded = read_wrk(REPORT)
    assert loaded.per_second == pytest.approx(9011.21)
    assert loaded.p50 == pytest.approx(101e-6)
    assert loaded.p99 == pytest.approx(1.19e-3)


def test_a_run_with_failed_requests_is_refused() -> None:
    failed = REPORT.replace("Requests/sec", "  Non-2xx or 3xx responses: 2253\nRequests/sec")
    with pytest.raises(RuntimeError, match="failed requests"):
        read_wrk(failed)
    with pytest.raises(RuntimeError, match="unreadable"):
        read_wrk("unable to connect to 127.0.0.1:1 Connection refused")
    with pytest.raises(RuntimeError, match="unreadable latency"):
        read_wrk(REPORT.replace("1.19ms", "1.19m"))
