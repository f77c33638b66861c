"""The API's JSON shapes (keys as the API sends them), for type checkers."""

from __future__ import annotations

from typing import Any, Dict, List, Literal, Optional, TypedDict

GenerationStatus = Literal["queued", "running", "succeeded", "failed", "canceled"]
GenerationMode = Literal["text-to-image", "image-to-image", "inpaint", "outpaint", "interpolate"]


class Artifact(TypedDict):
    index: int
    seed: int
    width: int
    height: int
    finishReason: str
    contentType: str
    url: str


class Progress(TypedDict):
    step: int
    total: int


class Generation(TypedDict):
    id: str
    status: GenerationStatus
    engine: str
    mode: GenerationMode
    cost: int
    progress: Optional[Progress]
    error: Optional[Dict[str, str]]
    params: Dict[str, Any]
    artifacts: List[Artifact]
    animation: Optional[Artifact]
    createdAt: str
    startedAt: Optional[str]
    finishedAt: Optional[str]
    imagesDeletedAt: Optional[str]
    timings: Optional[Dict[str, Optional[float]]]


class CreatedGeneration(TypedDict):
    id: str
    status: GenerationStatus
    cost: int
    createdAt: str


class Balance(TypedDict):
    credits: int


class LedgerEntry(TypedDict):
    id: str
    amount: int
    kind: str
    reference: str
    balanceAfter: int
    createdAt: str


class ApiKey(TypedDict):
    id: str
    name: str
    prefix: str
    createdAt: str
    lastUsedAt: Optional[str]


class CreatedApiKey(TypedDict):
    id: str
    name: str
    prefix: str
    key: str
    createdAt: str


class EngineWorker(TypedDict):
    executionProviders: List[str]


class _EngineBase(TypedDict):
    id: str
    name: str
    description: str
    type: str
    nativeWidth: int
    nativeHeight: int
    sizeMultiple: int
    minSize: int
    maxSize: int
    maxPixels: int
    modes: List[GenerationMode]
    samplers: List[str]
    defaultSampler: str
    defaultSteps: int
    defaultCfgScale: float


class Engine(_EngineBase, total=False):
    #: The workers serving it now, when the API knows them.
    workers: List[EngineWorker]


class PricingQuote(TypedDict):
    credits: int


class Me(TypedDict):
    id: str
    email: str
    credits: int


class CreditPack(TypedDict):
    id: str
    name: str
    credits: int
    amount: int
    currency: str


class CreditPackList(TypedDict):
    enabled: bool
    data: List[CreditPack]


class CheckoutSession(TypedDict):
    id: str
    url: str


class _EventBase(TypedDict):
    type: str
    id: str


class GenerationEvent(_EventBase, total=False):
    """One lifecycle event: ``type`` is queued, started, progress, succeeded, failed or canceled.

    progress events carry ``step``, ``total`` (and ``preview``, a base64 PNG, when asked for); the
    terminal ones carry the whole ``generation``."""

    step: int
    total: int
    preview: str
    generation: Generation
