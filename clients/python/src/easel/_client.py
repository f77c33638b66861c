"""The Easel API client."""

from __future__ import annotations

import os
from typing import Any, Dict, List, Mapping, Optional, cast

from ._account import Auth, Billing, Keys
from ._generations import GenerateResult, Generations
from ._http import DEFAULT_BASE_URL, Transport
from ._pages import Pager
from ._types import Balance, Engine, LedgerEntry, PricingQuote


class Pricing:
    def __init__(self, transport: Transport) -> None:
        self._t = transport

    def quote(
        self,
        *,
        width: Optional[int] = None,
        height: Optional[int] = None,
        steps: Optional[int] = None,
        samples: Optional[int] = None,
        frames: Optional[int] = None,
    ) -> PricingQuote:
        query = {"width": width, "height": height, "steps": steps, "samples": samples, "frames": frames}
        return cast(PricingQuote, self._t.json("GET", "/api/pricing/quote", query=query))


class Easel:
    """
    >>> client = Easel(api_key=os.environ["EASEL_API_KEY"], base_url="https://easel.example")
    >>> result = client.generate(engine="easel-tiny", prompt="a red circle on blue")
    >>> result.images[0].save("circle.png")
    """

    def __init__(
        self,
        api_key: Optional[str] = None,
        base_url: Optional[str] = None,
        *,
        timeout: float = 60.0,
        max_retries: int = 2,
        headers: Optional[Mapping[str, str]] = None,
    ) -> None:
        """``api_key`` and ``base_url`` default to EASEL_API_KEY and EASEL_BASE_URL (else localhost:3000).
        ``timeout``: seconds per try; ``max_retries``: tries after the first on 429, 5xx and network errors."""
        self.api_key = api_key if api_key is not None else os.environ.get("EASEL_API_KEY")
        self.base_url = base_url or os.environ.get("EASEL_BASE_URL") or DEFAULT_BASE_URL
        self._options: Dict[str, Any] = {"timeout": timeout, "max_retries": max_retries, "headers": dict(headers or {})}
        self._t = Transport(self.api_key, self.base_url, timeout, max_retries, headers)
        self.generations = Generations(self._t)
        self.keys = Keys(self._t)
        self.auth = Auth(self._t)
        self.billing = Billing(self._t)
        self.pricing = Pricing(self._t)

    def with_options(self, **options: Any) -> "Easel":
        """A client like this one with some options changed, e.g. ``with_options(api_key=access_token)``."""
        merged: Dict[str, Any] = {"api_key": self.api_key, "base_url": self.base_url, **self._options, **options}
        return Easel(**merged)

    def generate(self, **params: Any) -> GenerateResult:
        """Generates and waits: ``result.images`` (bytes, ``save()``) and ``result.seeds``.
        See ``generations.generate``."""
        return self.generations.generate(**params)

    def balance(self) -> Balance:
        return cast(Balance, self._t.json("GET", "/api/balance"))

    def ledger(self, *, limit: Optional[int] = None, cursor: Optional[str] = None) -> Pager[LedgerEntry]:
        """Credit movements, newest first: ``for entry in client.ledger()``."""
        return Pager(lambda q: cast(Dict[str, Any], self._t.json("GET", "/api/ledger", query=q)), limit, cursor)

    def engines(self) -> List[Engine]:
        return cast(List[Engine], self._t.json("GET", "/api/engines")["data"])
