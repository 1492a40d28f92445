"""bench/run.py reads wrk's report: requests/s, the 99th percentile in any unit, and every kind of failure."""

import math

from bench.run import parse_wrk

REPORT = """Running 5s test @ http://127.0.0.1:40000/deputies/
  2 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   180.12ms   40.10ms 400.00ms   70.00%
    Req/Sec    22.10      5.00    30.00     60.00%
  Latency Distribution
     50%  170.00ms
     75%  200.00ms
     90%  250.00ms
     99%    1.20s
  221 requests in 5.01s, 13.50MB read
{extra}Requests/sec:     44.11
Transfer/sec:      2.69MB
"""


def test_a_clean_run():
    assert parse_wrk(REPORT.format(extra="")) == (44.11, 1200.0, 0)


def test_error_answers_and_socket_errors_count_as_errors():
    extra = "  Socket errors: connect 0, read 1, write 0, timeout 3\n  Non-2xx or 3xx responses: 2\n"
    assert parse_wrk(REPORT.format(extra=extra)) == (44.11, 1200.0, 6)


def test_nothing_answered_is_an_infinite_p99_not_zero():
    out = REPORT.format(extra="  Socket errors: connect 0, read 0, write 0, timeout 8\n")
    out = out.replace("221 requests", "0 requests").replace("1.20s", "0.00us").replace("44.11", "0.00")
    rps, p99, errors = parse_wrk(out)
    assert (rps, errors) == (0.0, 8) and math.isinf(p99)
