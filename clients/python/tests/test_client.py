"""The Python client against the running stack (API and a worker process), started by npm test."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from conftest import live
from easel import (
    Easel,
    GenerationError,
    InsufficientCreditsError,
    InvalidRequestError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
)
from fault_proxy import FaultProxy

pytestmark = live

PNG = b"\x89PNG\r\n\x1a\n"
SLOW = {"width": 256, "height": 256, "steps": 150, "sampler": "euler"}


def test_generate_images_bytes_seeds_save_and_one_charge(stack, account, client, tmp_path):
    events = []
    result = client.generate(
        engine=stack["engine"], prompt="a red circle", steps=3, seed=1234, samples=2, on_event=events.append
    )
    assert result.generation["status"] == "succeeded"
    assert result.seeds[0] == 1234 and result.seeds == [a["seed"] for a in result.generation["artifacts"]]
    assert len(result.images) == 2 and result.images[0].data.startswith(PNG)
    saved = result.images[0].save(tmp_path / "circle.png")
    assert (tmp_path / "circle.png").read_bytes() == result.images[0].data and saved.endswith("circle.png")
    assert events[-1]["type"] == "succeeded"
    assert client.balance() == {"credits": account["credits"] - result.generation["cost"]}
    references = [entry["reference"] for entry in client.ledger(limit=1)]
    assert f"generation:{result.generation['id']}:debit" in references and len(references) == 2


def test_events_stream_progress_in_order_with_previews(stack, client):
    created = client.generations.create(
        engine=stack["engine"], prompt="a blue square", steps=40, width=128, height=128, preview=True
    )
    events = list(client.generations.events(created["id"]))
    kinds = [e["type"] for e in events]
    assert kinds[0] == "queued" and "started" in kinds and kinds[-1] == "succeeded"
    steps = [e["step"] for e in events if e["type"] == "progress"]
    assert steps == sorted(steps) and steps[-1] == 40
    assert any(e.get("preview") for e in events)
    assert len(events[-1]["generation"]["artifacts"]) == 1


def test_cancel_a_running_generation_refunds(stack, account, client):
    created = client.generations.create(engine=stack["engine"], prompt="slow", **SLOW)
    for event in client.generations.events(created["id"]):
        if event["type"] == "progress":
            break
    client.generations.cancel(created["id"])
    assert client.generations.wait(created["id"], timeout=30)["status"] == "canceled"
    assert client.balance()["credits"] == account["credits"]


def test_generate_raises_generation_error_when_canceled_elsewhere(stack, client):
    def cancel_on_start(event):
        if event["type"] == "started":
            client.generations.cancel(event["id"])

    with pytest.raises(GenerationError) as caught:
        client.generate(engine=stack["engine"], prompt="slow", on_event=cancel_on_start, **SLOW)
    assert caught.value.status == "canceled"


def test_list_pages_newest_first_and_delete(stack, client):
    first = client.generate(engine=stack["engine"], prompt="one", steps=2)
    second = client.generate(engine=stack["engine"], prompt="two", steps=2)
    ids = [g["id"] for g in client.generations.list(limit=1)]
    assert ids == [second.generation["id"], first.generation["id"]]
    client.generations.delete(first.generation["id"])
    with pytest.raises(NotFoundError):
        client.generations.download(first.generation["artifacts"][0])


def test_keys_with_a_login_token_and_refused_with_an_api_key(stack, account, client):
    token = client.auth.login(email=account["email"], password=account["password"])["accessToken"]
    owner = client.with_options(api_key=token)
    created = owner.keys.create("python")
    assert created["key"].startswith("esl_")
    assert client.with_options(api_key=created["key"]).auth.me()["email"] == account["email"]
    assert sorted(k["name"] for k in owner.keys.list()) == ["python", "test"]
    owner.keys.revoke(created["id"])
    with pytest.raises(PermissionDeniedError):
        client.keys.list()


def test_engines_and_pricing(stack, client):
    assert stack["engine"] in [e["id"] for e in client.engines()]
    assert client.pricing.quote(width=768, height=768, steps=50) == {"credits": 3}


def test_402_is_insufficient_credits_with_code_status_and_request_id(stack):
    poor = Easel(api_key=stack["poorKey"], base_url=stack["baseUrl"])
    with pytest.raises(InsufficientCreditsError) as caught:
        poor.generations.create(engine=stack["engine"], prompt="x")
    assert (caught.value.code, caught.value.status) == ("insufficient_credits", 402)
    assert caught.value.request_id
    assert poor.balance() == {"credits": 0}


def test_400_and_404_are_typed(stack, client):
    with pytest.raises(InvalidRequestError, match="steps"):
        client.generations.create(engine=stack["engine"], prompt="x", steps=0)
    with pytest.raises(NotFoundError):
        client.generations.get("00000000-0000-4000-8000-000000000000")


def test_429_rate_limited_with_retry_after_and_honoured_by_retries(stack, account):
    impatient = Easel(api_key=account["key"], base_url=stack["baseUrl"], max_retries=0)

    def hit(c):
        try:
            return c.balance()
        except RateLimitedError as error:
            return error

    with ThreadPoolExecutor(10) as pool:
        results = list(pool.map(lambda _: hit(impatient), range(30)))
    limited = [r for r in results if isinstance(r, RateLimitedError)]
    assert limited and limited[0].code == "rate_limited" and limited[0].status == 429
    assert limited[0].retry_after is not None and limited[0].retry_after >= 1
    patient = Easel(api_key=stack["rateKey"], base_url=stack["baseUrl"], max_retries=4)
    with ThreadPoolExecutor(10) as pool:
        assert all(isinstance(r, dict) for r in pool.map(lambda _: hit(patient), range(30)))


@pytest.mark.parametrize("fault", ["503-after-forward", "drop-after-forward"])
def test_create_retried_after_a_fault_charges_once(stack, account, fault):
    proxy = FaultProxy(stack["baseUrl"])
    try:
        client = Easel(api_key=account["key"], base_url=proxy.url)
        proxy.fail_next("POST", "/api/generations", fault)
        result = client.generate(engine=stack["engine"], prompt="once", steps=2)
        posts = [s for s in proxy.seen if s[0] == "POST"]
        assert [p[2] for p in posts] == [fault, None]
        assert posts[0][3]["idempotency-key"] == posts[1][3]["idempotency-key"]
        assert [g["id"] for g in client.generations.list()] == [result.generation["id"]]
        assert client.balance()["credits"] == account["credits"] - result.generation["cost"]
    finally:
        proxy.close()


def test_billing_packs_checkout_retried_once_payment_and_purchases(stack, account):
    proxy = FaultProxy(stack["baseUrl"])
    try:
        client = Easel(api_key=account["key"], base_url=proxy.url)
        packs = client.billing.packs()
        assert packs["enabled"] and [p["id"] for p in packs["data"]][0] == "credits-1000"
        proxy.fail_next("POST", "/api/billing/checkout", "503-after-forward")
        session = client.billing.checkout("credits-1000")
        posts = [s for s in proxy.seen if s[0] == "POST"]
        assert [p[2] for p in posts] == ["503-after-forward", None]
        assert posts[0][3]["idempotency-key"] == posts[1][3]["idempotency-key"]
        assert [p["stripeCheckoutSessionId"] for p in client.billing.purchases()] == [session["id"]]
        pay = urllib.request.Request(f"{stack['stripeUrl']}/_test/sessions/{session['id']}/pay", method="POST")
        urllib.request.urlopen(pay, timeout=10).close()
        deadline = time.monotonic() + 20
        while client.balance()["credits"] != account["credits"] + 1000:
            assert time.monotonic() < deadline, "the purchase was never credited"
            time.sleep(0.1)
        page = client.billing.purchases().first_page()
        assert page["data"][0]["status"] == "paid" and page["account"]["flagged"] is False
    finally:
        proxy.close()


INTERRUPTED_SCRIPT = """
import os, sys
from easel import Easel
client = Easel(api_key=os.environ["KEY"], base_url=os.environ["BASE"])
def show(event):
    print(event["type"], event["id"], flush=True)
try:
    client.generate(engine=os.environ["ENGINE"], prompt="slow", width=256, height=256, steps=150,
                    sampler="euler", on_event=show)
except KeyboardInterrupt:
    print("interrupted", flush=True)
    sys.exit(130)
"""


def test_ctrl_c_inside_generate_cancels_the_generation(stack, account):
    env = {**os.environ, "KEY": account["key"], "BASE": stack["baseUrl"], "ENGINE": stack["engine"],
           "PYTHONPATH": os.path.join(os.path.dirname(__file__), "..", "src")}
    child = subprocess.Popen([sys.executable, "-c", INTERRUPTED_SCRIPT], env=env, stdout=subprocess.PIPE, text=True)
    generation_id = None
    for line in child.stdout:
        kind, generation_id = line.split()
        if kind == "progress":
            break
    child.send_signal(signal.SIGINT)
    rest = child.stdout.read()
    assert child.wait(timeout=30) == 130 and "interrupted" in rest
    client = Easel(api_key=account["key"], base_url=stack["baseUrl"])
    assert client.generations.wait(generation_id, timeout=30)["status"] == "canceled"
    assert client.balance()["credits"] == account["credits"]


def test_an_event_stream_cut_mid_way_is_reopened_without_repeats(stack, account):
    proxy = FaultProxy(stack["baseUrl"])
    try:
        client = Easel(api_key=account["key"], base_url=proxy.url)
        created = client.generations.create(engine=stack["engine"], prompt="cut", steps=40, width=128, height=128)
        proxy.fail_next("GET", r"/api/generations/[^/]+/events", "cut-after-first-chunk")
        events = list(client.generations.events(created["id"]))
        opened = [s for s in proxy.seen if s[1].endswith("/events")]
        assert [s[2] for s in opened] == ["cut-after-first-chunk", None]
        kinds = [e["type"] for e in events]
        assert kinds.count("queued") == 1 and kinds[-1] == "succeeded"
        steps = [e["step"] for e in events if e["type"] == "progress"]
        assert steps == sorted(set(steps))
    finally:
        proxy.close()
