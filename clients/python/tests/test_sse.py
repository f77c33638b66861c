"""The SSE parser and the retry policy, without a server."""

from __future__ import annotations

import io

from easel._errors import parse_retry_after
from easel._http import RetryPolicy, retry_delay, retryable_status
from easel._sse import read_events, split_lines


def test_events_split_anywhere_with_crlf_cr_and_lf():
    text = b'event: progress\r\ndata: {"step":1}\r\n\r\n: keep-alive\n\nevent: done\rdata: a\rdata: b\r\r'
    for cut in range(len(text) + 1):
        lines = list(split_lines(iter([text[:cut], text[cut:]])))
        assert lines == ["event: progress", 'data: {"step":1}', "", ": keep-alive", "", "event: done", "data: a", "data: b", ""]


def test_read_events_types_data_and_an_unfinished_event_dropped():
    stream = io.BytesIO('id: 7\nevent: queued\ndata: {}\n\ndata: h\u00e9llo\n\nevent: progress\ndata: {"st'.encode())
    events = list(read_events(stream))
    assert [(e.event, e.data, e.id) for e in events] == [("queued", "{}", "7"), ("message", "h\u00e9llo", "7")]


def test_retry_policy():
    policy = RetryPolicy()
    assert retryable_status(429, False) and not retryable_status(503, False)
    assert retryable_status(503, True) and not retryable_status(402, True)
    assert 0.25 <= retry_delay(0, None, policy) <= 0.5
    assert retry_delay(30, None, policy) <= policy.max_delay
    assert 3 <= retry_delay(0, 3, policy) <= 3.3
    assert retry_delay(0, 61, policy) is None
    assert parse_retry_after("2") == 2
    assert parse_retry_after("Thu, 01 Jan 2026 00:00:05 GMT", now=1767225600) == 5
    assert parse_retry_after("soon") is None
