"""Client for the Easel image-generation API (standard library only)."""

from ._client import Easel, Pricing
from ._errors import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    AuthenticationError,
    ConflictError,
    EaselError,
    GenerationError,
    InsufficientCreditsError,
    InvalidRequestError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
    ServerError,
)
from ._generations import GenerateResult, Generations
from ._images import Image
from ._pages import Pager
from ._sse import ServerSentEvent, SseParser

__version__ = "0.1.0"

__all__ = [
    "Easel",
    "Pricing",
    "Generations",
    "GenerateResult",
    "Image",
    "Pager",
    "ServerSentEvent",
    "SseParser",
    "EaselError",
    "APIError",
    "InvalidRequestError",
    "AuthenticationError",
    "InsufficientCreditsError",
    "PermissionDeniedError",
    "NotFoundError",
    "ConflictError",
    "RateLimitedError",
    "ServerError",
    "APIConnectionError",
    "APITimeoutError",
    "GenerationError",
]
