"""The running stack comes from test/sdk/python-client.spec.ts (npm test), which starts the API and a worker
and passes accounts in the environment. Run alone, the live tests are skipped and the unit tests still run."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any, Dict, Iterator, List

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from easel import Easel  # noqa: E402

STACK = json.loads(os.environ["EASEL_TEST_STACK"]) if os.environ.get("EASEL_TEST_STACK") else None
live = pytest.mark.skipif(STACK is None, reason="needs the running stack (EASEL_TEST_STACK; run through npm test)")


@pytest.fixture(scope="session")
def stack() -> Dict[str, Any]:
    assert STACK is not None
    return STACK


_accounts: List[Dict[str, Any]] = list(STACK["accounts"]) if STACK else []


@pytest.fixture
def account() -> Dict[str, Any]:
    """A fresh account per test: {key, email, password, credits}."""
    return _accounts.pop()


@pytest.fixture
def client(stack: Dict[str, Any], account: Dict[str, Any]) -> Iterator[Easel]:
    yield Easel(api_key=account["key"], base_url=stack["baseUrl"])
