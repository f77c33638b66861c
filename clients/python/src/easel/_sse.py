"""A Server-Sent Events parser (the WHATWG text/event-stream format) over a byte stream."""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO, Iterator, List, Optional


@dataclass(frozen=True)
class ServerSentEvent:
    event: str
    data: str
    id: Optional[str]


class SseParser:
    """Feed it lines (without their line ends); it returns an event when a blank line completes one."""

    def __init__(self) -> None:
        self._event = ""
        self._data: List[str] = []
        self._last_id: Optional[str] = None

    def line(self, line: str) -> Optional[ServerSentEvent]:
        if line == "":
            if not self._data:
                self._event = ""
                return None
            event = ServerSentEvent(self._event or "message", "\n".join(self._data), self._last_id)
            self._event, self._data = "", []
            return event
        if line.startswith(":"):
            return None  # a comment: the server's keep-alive
        field, _, value = line.partition(":")
        if value.startswith(" "):
            value = value[1:]
        if field == "event":
            self._event = value
        elif field == "data":
            self._data.append(value)
        elif field == "id" and "\0" not in value:
            self._last_id = value
        return None


def split_lines(chunks: Iterator[bytes]) -> Iterator[str]:
    """Lines of a UTF-8 stream ending in CRLF, LF or CR (a CR at a chunk's end waits for a possible LF)."""
    buffer = b""
    for chunk in chunks:
        buffer += chunk
        start = 0
        i = 0
        while i < len(buffer):
            byte = buffer[i]
            if byte == 0x0A or byte == 0x0D:
                if byte == 0x0D and i + 1 == len(buffer):
                    break  # maybe the first half of CRLF
                yield buffer[start:i].decode("utf-8", errors="replace")
                i += 2 if byte == 0x0D and buffer[i + 1] == 0x0A else 1
                start = i
            else:
                i += 1
        buffer = buffer[start:]
    if buffer.endswith(b"\r"):
        yield buffer[:-1].decode("utf-8", errors="replace")
    # anything else left is an unfinished line, dropped with its event


def read_events(stream: IO[bytes]) -> Iterator[ServerSentEvent]:
    """Events of a text/event-stream body, read as they arrive."""
    parser = SseParser()

    def chunks() -> Iterator[bytes]:
        while True:
            chunk = stream.readline()  # returns at each LF, so events are not held back
            if not chunk:
                return
            yield chunk

    for line in split_lines(chunks()):
        event = parser.line(line)
        if event is not None:
            yield event
