"""The networks, as the diffusers pipelines call them, answered by tools/parity/model-server.ts (the same
onnxruntime-node sessions Easel runs). Tensors cross as float32; everything else stays in torch here."""
import json
import os
import struct
import subprocess
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import torch

REPO = Path(__file__).resolve().parents[3]


class ModelServer:
    def __init__(self, model_dir: Path):
        node = os.environ.get("NODE", "node")
        self.proc = subprocess.Popen(
            [node, "--conditions=@easel/source", "--import", "./tools/db/register.mjs", "tools/parity/model-server.ts", str(model_dir)],
            cwd=REPO,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        self.calls = 0

    def call(self, op: str, tensors: dict = None, **fields):
        tensors = {k: v.detach().to(torch.float32).contiguous() for k, v in (tensors or {}).items()}
        header = dict(fields, op=op, tensors={k: list(v.shape) for k, v in tensors.items()})
        data = json.dumps(header).encode()
        self.proc.stdin.write(struct.pack("<I", len(data)) + data)
        for t in tensors.values():
            self.proc.stdin.write(t.numpy().astype("<f4").tobytes())
        self.proc.stdin.flush()
        (length,) = struct.unpack("<I", self._read(4))
        reply = json.loads(self._read(length))
        if not reply.pop("ok"):
            raise RuntimeError(f"model server: {reply['error']}")
        out = {}
        for name, shape in reply.pop("tensors", {}).items():
            n = int(np.prod(shape))
            out[name] = torch.from_numpy(np.frombuffer(self._read(4 * n), dtype="<f4").reshape(shape).copy())
        self.calls += 1
        return reply, out

    def _read(self, n: int) -> bytes:
        buf = self.proc.stdout.read(n)
        if len(buf) != n:
            code = self.proc.wait(timeout=10)
            raise RuntimeError(f"model server exited ({code}); it needs Node >= 22.12 as `node` on PATH, or NODE=/path/to/node")
        return buf

    def close(self):
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


class OnnxModels:
    """unet / vae / text_encoder / tokenizer shaped like the diffusers objects the pipelines call."""

    def __init__(self, server: ModelServer, upstream):
        self.server = server
        info, _ = server.call("info")
        self.in_channels = info["unetInChannels"]
        self.latent_channels = info["latentChannels"]
        self.vae_scale_factor = info["vaeScaleFactor"]
        self.scaling_factor = info["vaeScalingFactor"]
        self.native_size = info["nativeSize"]
        self.gaussian = upstream.DiagonalGaussianDistribution
        self.unet = SimpleNamespace(config=SimpleNamespace(in_channels=self.in_channels, time_cond_proj_dim=None))
        self.vae = SimpleNamespace(config=SimpleNamespace(scaling_factor=self.scaling_factor, latent_channels=self.latent_channels))

    def tokenize(self, text: str) -> torch.Tensor:
        """CLIPTokenizer(text, padding="max_length", max_length=77, truncation=True).input_ids, from Easel's
        tokenizer (checked against CLIP's in test/fixtures/oracle/clip_tokenizer.json)."""
        reply, _ = self.server.call("tokenize", text=text)
        return torch.tensor([reply["ids"]], dtype=torch.int64)

    def text_encoder(self, input_ids: torch.Tensor) -> torch.Tensor:
        _, out = self.server.call("encode_text", ids=input_ids.flatten().tolist(), batch=input_ids.shape[0])
        return out["hidden"]

    def unet_forward(self, sample: torch.Tensor, t: torch.Tensor, encoder_hidden_states: torch.Tensor) -> torch.Tensor:
        # The PyTorch UNet casts the timestep to float32 (time_proj); the ONNX graph takes it as given.
        _, out = self.server.call(
            "unet", {"sample": sample, "hidden": encoder_hidden_states}, t=float(t), shape=list(sample.shape)
        )
        return out["noise"]

    def vae_encode(self, image: torch.Tensor):
        """AutoencoderKL.encode(image).latent_dist: the graph returns the moments (quant_conv output)."""
        _, out = self.server.call("vae_encode", {"image": image}, shape=list(image.shape))
        return SimpleNamespace(latent_dist=self.gaussian(torch.cat([out["mean"], out["logvar"]], dim=1)))

    def vae_decode(self, latents: torch.Tensor) -> torch.Tensor:
        _, out = self.server.call("vae_decode", {"latents": latents}, shape=list(latents.shape))
        return out["image"]
