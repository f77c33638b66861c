"""Finished images as bytes, and image inputs as the API takes them."""

from __future__ import annotations

import base64
import os
from dataclasses import dataclass
from typing import Union

ImageInput = Union[bytes, bytearray, memoryview, str, "os.PathLike[str]"]


@dataclass(frozen=True)
class Image:
    index: int
    seed: int
    width: int
    height: int
    content_type: str
    finish_reason: str
    data: bytes

    def save(self, path: Union[str, "os.PathLike[str]"]) -> str:
        """Writes the bytes to ``path`` and returns it."""
        with open(path, "wb") as file:
            file.write(self.data)
        return os.fspath(path)


def image_to_base64(value: ImageInput) -> str:
    """Bytes are encoded; a path (str or PathLike) to an existing file is read; other text is taken as base64."""
    if isinstance(value, (bytes, bytearray, memoryview)):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, os.PathLike) or (isinstance(value, str) and len(value) < 4096 and os.path.isfile(value)):
        with open(value, "rb") as file:
            return base64.b64encode(file.read()).decode("ascii")
    text = str(value)
    return text.split(",", 1)[1] if text.startswith("data:") and "," in text else text
