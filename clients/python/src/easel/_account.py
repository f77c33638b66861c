"""Account resources: auth, keys, billing."""

from __future__ import annotations

import uuid
from typing import Any, Dict, List, Optional, cast
from urllib.parse import quote

from ._http import Transport
from ._pages import Pager
from ._types import ApiKey, CheckoutSession, CreatedApiKey, CreditPackList, Me


class Auth:
    def __init__(self, transport: Transport) -> None:
        self._t = transport

    def signup(self, *, email: str, password: str) -> Dict[str, Any]:
        """Creates an account (with the sign-up grant): ``{user, accessToken}``."""
        return cast(Dict[str, Any], self._t.json("POST", "/api/auth/signup", body={"email": email, "password": password}))

    def login(self, *, email: str, password: str) -> Dict[str, Any]:
        """A short-lived access token (``{accessToken}``), for ``keys`` (which refuse API keys)."""
        body = {"email": email, "password": password}
        return cast(Dict[str, Any], self._t.json("POST", "/api/auth/login", body=body, idempotent=True))

    def me(self) -> Me:
        return cast(Me, self._t.json("GET", "/api/me"))


class Keys:
    """API keys; the API takes a login access token for these, not an API key."""

    def __init__(self, transport: Transport) -> None:
        self._t = transport

    def create(self, name: str) -> CreatedApiKey:
        """The secret (``key``) is in this answer only."""
        return cast(CreatedApiKey, self._t.json("POST", "/api/keys", body={"name": name}))

    def list(self) -> List[ApiKey]:
        return cast(List[ApiKey], self._t.json("GET", "/api/keys")["data"])

    def revoke(self, key_id: str) -> None:
        self._t.json("DELETE", f"/api/keys/{quote(key_id, safe='')}")


class Billing:
    """Credit packs bought through Stripe Checkout; credits arrive when Stripe confirms the payment."""

    def __init__(self, transport: Transport) -> None:
        self._t = transport

    def packs(self) -> CreditPackList:
        """``{enabled, data}``: the packs on sale, and whether billing is enabled on this server."""
        return cast(CreditPackList, self._t.json("GET", "/api/billing/packs"))

    def checkout(self, pack_id: str, *, idempotency_key: Optional[str] = None) -> CheckoutSession:
        """A Checkout Session for one pack; send the user to ``url``. Retries reuse one Idempotency-Key."""
        key = idempotency_key or str(uuid.uuid4())
        session = self._t.json(
            "POST", "/api/billing/checkout", body={"packId": pack_id}, headers={"idempotency-key": key}, idempotent=True
        )
        return cast(CheckoutSession, session)

    def purchases(self, *, limit: Optional[int] = None, cursor: Optional[str] = None) -> Pager[Dict[str, Any]]:
        """Purchases, newest first, each with the ledger entries it caused (``first_page()["account"]``:
        the shortfall flag)."""
        return Pager(lambda q: cast(Dict[str, Any], self._t.json("GET", "/api/billing/purchases", query=q)), limit, cursor)
