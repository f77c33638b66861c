"""urllib with the API's auth, typed errors, a timeout per try and retries with backoff and jitter."""

from __future__ import annotations

import http.client
import json
import random
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from http.client import HTTPResponse
from typing import Any, Dict, Mapping, Optional

from ._errors import APIConnectionError, APIError, APITimeoutError, EaselError, api_error

DEFAULT_BASE_URL = "http://localhost:3000"


@dataclass
class RetryPolicy:
    max_retries: int = 2
    initial_delay: float = 0.5
    max_delay: float = 8.0
    #: A Retry-After longer than this is not waited for: the error goes to the caller.
    max_retry_after: float = 60.0


def retryable_status(status: int, idempotent: bool) -> bool:
    """429 always (the API answers it before doing anything); 5xx and 408 when sending twice is harmless."""
    return status == 429 or (idempotent and (status == 408 or status >= 500))


def retry_delay(retry: int, retry_after: Optional[float], policy: RetryPolicy) -> Optional[float]:
    """Seconds before retry number ``retry`` (0-based); None: do not retry."""
    if retry_after is not None:
        if retry_after > policy.max_retry_after:
            return None
        return retry_after + random.random() * min(1.0, retry_after * 0.1)
    base = min(policy.max_delay, policy.initial_delay * 2.0**retry)
    return base / 2 + random.random() * base / 2


class _NoRedirectErrors(urllib.request.HTTPErrorProcessor):
    """Hand every status back as a response, so errors are parsed in one place."""

    def http_response(self, request, response):  # type: ignore[no-untyped-def]
        return response

    https_response = http_response


class Transport:
    def __init__(
        self,
        api_key: Optional[str],
        base_url: str,
        timeout: float,
        max_retries: int,
        headers: Optional[Mapping[str, str]] = None,
    ) -> None:
        self.api_key = api_key
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.retry = RetryPolicy(max_retries=max_retries)
        self.headers = dict(headers or {})
        self._opener = urllib.request.build_opener(_NoRedirectErrors())

    def url(self, path: str, query: Optional[Mapping[str, Any]] = None) -> str:
        url = path if "://" in path else f"{self.base_url}{path}"
        params = {k: str(v).lower() if isinstance(v, bool) else str(v) for k, v in (query or {}).items() if v is not None}
        if params:
            url += ("&" if "?" in url else "?") + urllib.parse.urlencode(params)
        return url

    def json(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self.send(method, path, **kwargs)
        with response:
            body = response.read()
        return json.loads(body) if body else None

    def send(
        self,
        method: str,
        path: str,
        *,
        query: Optional[Mapping[str, Any]] = None,
        body: Any = None,
        headers: Optional[Mapping[str, str]] = None,
        idempotent: Optional[bool] = None,
        timeout: Optional[float] = None,
        max_retries: Optional[int] = None,
        anonymous: bool = False,
        stream: bool = False,
    ) -> HTTPResponse:
        """The successful response (unread; the caller closes it), after retries."""
        idempotent = method != "POST" if idempotent is None else idempotent
        retries = self.retry.max_retries if max_retries is None else max_retries
        retry = 0
        while True:
            retry_after: Optional[float] = None
            try:
                response = self._attempt(method, path, query, body, headers, timeout, anonymous)
                if 200 <= response.status < 300:
                    if not stream:
                        # Read the body under the timeout too; a connection that drops mid-body is retried.
                        try:
                            data = response.read()
                        except (http.client.HTTPException, OSError) as error:
                            raise APIConnectionError(f"{method} {path}: the answer was cut off") from error
                        finally:
                            response.close()
                        return _Buffered(response, data)  # type: ignore[return-value]
                    return response
                failure: EaselError = _error_from(response)
                retry_after = failure.retry_after if isinstance(failure, APIError) else None
                can_retry = retryable_status(response.status, idempotent)
            except APITimeoutError as error:
                failure, can_retry = error, idempotent  # a timed-out POST may have been processed
            except APIConnectionError as error:
                failure, can_retry = error, idempotent or _refused(error)
            delay = retry_delay(retry, retry_after, self.retry) if can_retry and retry < retries else None
            if delay is None:
                raise failure
            time.sleep(delay)
            retry += 1

    def _attempt(self, method, path, query, body, headers, timeout, anonymous) -> HTTPResponse:  # type: ignore[no-untyped-def]
        all_headers: Dict[str, str] = {} if anonymous else {"accept": "application/json", **self.headers}
        all_headers.update(headers or {})
        if self.api_key and not anonymous:
            all_headers["authorization"] = f"Bearer {self.api_key}"
        data = None
        if body is not None:
            data = json.dumps(body).encode("utf-8")
            all_headers["content-type"] = "application/json"
        request = urllib.request.Request(self.url(path, query), data=data, method=method, headers=all_headers)
        limit = self.timeout if timeout is None else timeout
        try:
            response: HTTPResponse = self._opener.open(request, timeout=limit)
            return response
        except (socket.timeout, TimeoutError) as error:
            raise APITimeoutError(f"no answer from {method} {path} within {limit} s") from error
        except urllib.error.URLError as error:
            if isinstance(error.reason, (socket.timeout, TimeoutError)):
                raise APITimeoutError(f"no answer from {method} {path} within {limit} s") from error
            raise APIConnectionError(f"could not reach {self.url(path)}: {error.reason}") from error
        except (ConnectionError, OSError) as error:
            raise APIConnectionError(f"connection to {self.url(path)} failed: {error}") from error


class _Buffered:
    """A response whose body was read already (so retries cover the whole transfer)."""

    def __init__(self, response: HTTPResponse, data: bytes) -> None:
        self.status = response.status
        self.headers = response.headers
        self._data = data

    def read(self) -> bytes:
        return self._data

    def close(self) -> None:
        pass

    def __enter__(self) -> "_Buffered":
        return self

    def __exit__(self, *exc: object) -> None:
        pass


def _error_from(response: HTTPResponse) -> APIError:
    try:
        text = response.read()
    except (OSError, ConnectionError):
        text = b""
    finally:
        response.close()
    try:
        body = json.loads(text) if text else None
    except ValueError:
        body = None  # a proxy's HTML page, say
    headers = {k.lower(): v for k, v in response.headers.items()}
    return api_error(response.status, body, headers, f"HTTP {response.status} {response.reason or ''}".strip())


def _refused(error: BaseException) -> bool:
    cause = error.__cause__
    reason = getattr(cause, "reason", cause)
    return isinstance(reason, ConnectionRefusedError) or isinstance(reason, socket.gaierror)
