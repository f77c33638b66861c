"""Typed errors: branch on the class or on ``code`` (the API's stable ``name``)."""

from __future__ import annotations

import email.utils
import time
from typing import TYPE_CHECKING, Any, Mapping, Optional

if TYPE_CHECKING:
    from ._types import Generation


class EaselError(Exception):
    """Base of every error the client raises."""


class APIError(EaselError):
    """An error answer from the API."""

    def __init__(
        self,
        message: str,
        *,
        status: int,
        code: str,
        request_id: Optional[str],
        retry_after: Optional[float],
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        #: The API's stable machine code, e.g. ``insufficient_credits``.
        self.code = code
        self.request_id = request_id
        #: Seconds the API asked to wait (Retry-After), when it sent one.
        self.retry_after = retry_after

    def __str__(self) -> str:
        request = f" (request {self.request_id})" if self.request_id else ""
        return f"{self.message} [{self.code}]{request}"


class InvalidRequestError(APIError):
    pass


class AuthenticationError(APIError):
    pass


class InsufficientCreditsError(APIError):
    pass


class PermissionDeniedError(APIError):
    pass


class NotFoundError(APIError):
    pass


class ConflictError(APIError):
    pass


class RateLimitedError(APIError):
    pass


class ServerError(APIError):
    pass


class APIConnectionError(EaselError):
    """The API could not be reached, or the connection dropped before an answer."""


class APITimeoutError(EaselError):
    """No answer within the timeout."""


class GenerationError(EaselError):
    """``generate`` / ``wait``: the generation finished without images (failed or canceled)."""

    def __init__(self, generation: Generation) -> None:
        error = generation.get("error") or {}
        super().__init__(error.get("message") or f"generation {generation['id']} was {generation['status']}")
        self.generation = generation
        self.status: str = generation["status"]
        self.code: str = error.get("name") or generation["status"]


_BY_STATUS = {
    400: InvalidRequestError,
    413: InvalidRequestError,
    415: InvalidRequestError,
    422: InvalidRequestError,
    401: AuthenticationError,
    402: InsufficientCreditsError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    429: RateLimitedError,
}


def parse_retry_after(value: Optional[str], now: Optional[float] = None) -> Optional[float]:
    """Retry-After as seconds: delta-seconds or an HTTP date; None when absent or unreadable."""
    if value is None or not value.strip():
        return None
    try:
        return float(value.strip())
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError):
        return None
    return max(0.0, when - (time.time() if now is None else now))


def api_error(status: int, body: Any, headers: Mapping[str, str], fallback: str) -> APIError:
    body = body if isinstance(body, dict) else {}
    code = body.get("name") if isinstance(body.get("name"), str) else _code_for_status(status)
    message = body.get("message") if isinstance(body.get("message"), str) and body.get("message") else fallback
    request_id = headers.get("x-request-id") or (body.get("id") if isinstance(body.get("id"), str) else None)
    cls = _BY_STATUS.get(status, ServerError if status >= 500 else APIError)
    return cls(
        message,
        status=status,
        code=code,
        request_id=request_id,
        retry_after=parse_retry_after(headers.get("retry-after")),
    )


def _code_for_status(status: int) -> str:
    return {429: "rate_limited", 503: "service_unavailable", 404: "not_found", 401: "unauthorized"}.get(
        status, "server_error" if status >= 500 else "http_error"
    )
