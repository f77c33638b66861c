"""Generations: create, get, list, cancel, delete, events (SSE), wait, generate."""

from __future__ import annotations

import http.client
import json
import socket
import time
import uuid
from dataclasses import dataclass
from typing import Any, Callable, Dict, Iterator, List, Optional, cast
from urllib.parse import quote

from ._errors import APIConnectionError, APITimeoutError, EaselError, GenerationError
from ._http import Transport, retry_delay
from ._images import Image, ImageInput, image_to_base64
from ._pages import Pager
from ._sse import read_events
from ._types import Artifact, CreatedGeneration, Generation, GenerationEvent

TERMINAL = ("succeeded", "failed", "canceled")

# snake_case parameter → the API's field
_FIELDS = {
    "engine": "engine",
    "prompt": "prompt",
    "mode": "mode",
    "negative_prompt": "negativePrompt",
    "width": "width",
    "height": "height",
    "steps": "steps",
    "cfg_scale": "cfgScale",
    "sampler": "sampler",
    "seed": "seed",
    "samples": "samples",
    "strength": "strength",
    "mask_source": "maskSource",
    "outpaint": "outpaint",
    "interpolation": "interpolation",
    "webhook_url": "webhookUrl",
    "preview": "preview",
}
_INTERPOLATION = {"to_prompt": "toPrompt", "to_seed": "toSeed", "frames": "frames", "frame_delay_ms": "frameDelayMs"}


@dataclass(frozen=True)
class GenerateResult:
    generation: Generation
    images: List[Image]
    seeds: List[int]
    #: The animated WebP of an ``interpolate`` generation.
    animation: Optional[Image]


def _path(generation_id: str) -> str:
    return f"/api/generations/{quote(generation_id, safe='')}"


def to_request(params: Dict[str, Any]) -> Dict[str, Any]:
    """snake_case keyword arguments → the API's JSON body (images base64)."""
    body: Dict[str, Any] = {}
    for name, value in params.items():
        if value is None:
            continue
        if name in ("init_image", "mask"):
            body["initImage" if name == "init_image" else "mask"] = image_to_base64(value)
        elif name == "interpolation" and isinstance(value, dict):
            body["interpolation"] = {_INTERPOLATION.get(k, k): v for k, v in value.items() if v is not None}
        elif name in _FIELDS:
            body[_FIELDS[name]] = value
        else:
            raise TypeError(f"unexpected generation parameter {name!r}")
    return body


class Generations:
    def __init__(self, transport: Transport) -> None:
        self._t = transport

    def create(self, *, idempotency_key: Optional[str] = None, **params: Any) -> CreatedGeneration:
        """Starts a generation (paid now, refunded if it fails or is canceled); retries reuse one Idempotency-Key."""
        key = idempotency_key or str(uuid.uuid4())
        created = self._t.json(
            "POST", "/api/generations", body=to_request(params), headers={"idempotency-key": key}, idempotent=True
        )
        return cast(CreatedGeneration, created)

    def get(self, generation_id: str) -> Generation:
        return cast(Generation, self._t.json("GET", _path(generation_id)))

    def list(self, *, limit: Optional[int] = None, cursor: Optional[str] = None) -> Pager[Generation]:
        """Your generations, newest first: ``for g in client.generations.list()``."""
        return Pager(lambda q: cast(Dict[str, Any], self._t.json("GET", "/api/generations", query=q)), limit, cursor)

    def cancel(self, generation_id: str) -> Generation:
        """Cancels a queued or running generation; its credits are refunded."""
        return cast(Generation, self._t.json("POST", f"{_path(generation_id)}/cancel", idempotent=True))

    def delete(self, generation_id: str) -> None:
        """Deletes the generation's images from storage (the ledger entries stay)."""
        self._t.json("DELETE", _path(generation_id))

    def events(self, generation_id: str, *, timeout: Optional[float] = None) -> Iterator[GenerationEvent]:
        """The lifecycle as Server-Sent Events, until it finishes; a dropped stream is reopened, nothing repeats."""
        queued = started = False
        last_step = -1
        failures = 0
        while True:
            response = self._t.send(
                "GET",
                f"{_path(generation_id)}/events",
                headers={"accept": "text/event-stream"},
                stream=True,
                timeout=timeout,
            )
            error: Optional[BaseException] = None
            try:
                with response:
                    for raw in read_events(response):
                        event = _parse_event(raw.event, raw.data)
                        if event is None:
                            continue
                        kind = event["type"]
                        if kind == "queued":
                            if queued:
                                continue
                            queued = True
                        elif kind == "started":
                            if started:
                                continue
                            started = True
                        elif kind == "progress":
                            if event["step"] <= last_step:
                                continue
                            last_step = event["step"]
                        failures = 0
                        yield event
                        if kind in TERMINAL:
                            return
            except socket.timeout as caught:
                raise APITimeoutError(f"no event from generation {generation_id} within {timeout} s") from caught
            except (OSError, ValueError, http.client.HTTPException) as caught:  # the connection dropped mid-stream
                error = caught
            if failures >= self._t.retry.max_retries:
                raise APIConnectionError(f"the event stream of generation {generation_id} kept dropping") from error
            time.sleep(retry_delay(failures, None, self._t.retry) or 0)
            failures += 1

    def wait(
        self,
        generation_id: str,
        *,
        timeout: Optional[float] = None,
        on_event: Optional[Callable[[GenerationEvent], None]] = None,
    ) -> Generation:
        """Blocks until the generation has finished (succeeded, failed or canceled) and returns it."""
        deadline = None if timeout is None else time.monotonic() + timeout
        for event in self.events(generation_id, timeout=timeout):
            if on_event is not None:
                on_event(event)
            if event["type"] in TERMINAL:
                return event["generation"]
            if deadline is not None and time.monotonic() > deadline:
                raise APITimeoutError(f"generation {generation_id} did not finish within {timeout} s")
        return self.get(generation_id)  # not reached: the stream ends on a terminal event

    def images(self, generation: Generation) -> List[Image]:
        return [self.download(artifact) for artifact in generation["artifacts"]]

    def download(self, artifact: Artifact) -> Image:
        """One artifact's bytes (its URL is signed: no credentials are sent with it)."""
        response = self._t.send("GET", artifact["url"], anonymous=True)
        with response:
            data = response.read()
        return Image(
            index=artifact["index"],
            seed=artifact["seed"],
            width=artifact["width"],
            height=artifact["height"],
            content_type=artifact["contentType"],
            finish_reason=artifact["finishReason"],
            data=data,
        )

    def generate(
        self,
        *,
        on_event: Optional[Callable[[GenerationEvent], None]] = None,
        timeout: Optional[float] = None,
        idempotency_key: Optional[str] = None,
        **params: Any,
    ) -> GenerateResult:
        """create + wait + download. Ctrl-C (KeyboardInterrupt) or the timeout cancels the generation (refunded)."""
        created = self.create(idempotency_key=idempotency_key, **params)
        try:
            generation = self.wait(created["id"], timeout=timeout, on_event=on_event)
        except (KeyboardInterrupt, APITimeoutError):
            try:
                self.cancel(created["id"])
            except EaselError:
                pass  # best effort; the interruption is what the caller sees
            raise
        if generation["status"] != "succeeded":
            raise GenerationError(generation)
        images = self.images(generation)
        animation_artifact = generation.get("animation")
        animation = self.download(animation_artifact) if animation_artifact else None
        return GenerateResult(generation, images, [image.seed for image in images], animation)


def _parse_event(kind: str, data: str) -> Optional[GenerationEvent]:
    try:
        body = json.loads(data)
    except ValueError:
        return None
    if kind == "queued" or kind == "started":
        return {"type": kind, "id": str(body.get("id"))}
    if kind == "progress":
        event: GenerationEvent = {"type": kind, "id": str(body.get("id")), "step": int(body["step"]), "total": int(body["total"])}
        if isinstance(body.get("preview"), str):
            event["preview"] = body["preview"]
        return event
    if kind in TERMINAL:
        return {"type": kind, "id": str(body.get("id")), "generation": body}
    return None  # an event type added later: skipped
