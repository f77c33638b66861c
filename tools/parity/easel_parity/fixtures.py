"""Cases of test/fixtures/diffusers-parity/cases.json → requests for the pipelines, and the picture each gives."""
import json
import shlex
from pathlib import Path

import numpy as np
import PIL.Image
import torch

from . import upstream as upstream_mod
from .bridge import REPO, ModelServer, OnnxModels
from .pipelines import Pipelines, Request

PARITY_DIR = REPO / "test" / "fixtures" / "diffusers-parity"


def load_cases():
    return json.loads((PARITY_DIR / "cases.json").read_text())


def case_by_id(case_id):
    for case in load_cases():
        if case["id"] == case_id:
            return case
    from .plan import planned_cases

    for case in planned_cases():
        if case["id"] == case_id:
            return case
    raise SystemExit(f"no case {case_id}")


def parse_args(args):
    """The `easel-diffuse generate` arguments the cases use."""
    values = {}
    it = iter(args)
    for flag in it:
        if not flag.startswith("--"):
            raise ValueError(f"unexpected argument {flag!r} in {shlex.join(args)}")
        values[flag[2:]] = next(it)
    return values


def request_for(case):
    a = parse_args(case["args"])
    init = PIL.Image.open(PARITY_DIR / a["init-image"]) if "init-image" in a else None
    mask = PIL.Image.open(PARITY_DIR / a["mask"]) if "mask" in a else None
    if mask is not None and a.get("mask-source", "MASK_IMAGE_WHITE") != "MASK_IMAGE_WHITE":
        raise ValueError("the harness handles MASK_IMAGE_WHITE masks")
    return Request(
        prompt=a["prompt"],
        negative_prompt=a.get("negative-prompt"),
        seed=int(a["seed"]),
        steps=int(a["steps"]),
        guidance_scale=float(a["cfg-scale"]),
        sampler=a["sampler"],
        width=int(a["width"]),
        height=int(a["height"]),
        init_image=init,
        strength=float(a.get("strength", "1.0" if mask is not None else "0.8")),
        mask_image=mask,
    )


def soft_mask(mask_image, width, height):
    """Easel's paste-back mask: grey / 255 of the mask at the output size, not binarized."""
    grey = np.asarray(mask_image.convert("L").resize((width, height), PIL.Image.Resampling.LANCZOS), dtype=np.float32)
    return torch.from_numpy(grey / 255.0)[None, None]


class Harness:
    def __init__(self):
        self.upstream = upstream_mod.load()
        self.servers = {}

    def pipelines(self, model):
        if model not in self.servers:
            folder = PARITY_DIR / model
            server = ModelServer(folder)
            config = json.loads((folder / "scheduler" / "scheduler_config.json").read_text())
            self.servers[model] = (server, Pipelines(OnnxModels(server, self.upstream), self.upstream, config))
        return self.servers[model][1]

    def render(self, case, trace=None):
        pipes = self.pipelines(case["model"])
        req = request_for(case)
        if req.mask_image is not None:
            decoded, init = pipes.inpaint(req, trace)
            if case["compare"] == "paste-back":
                # Easel's default: the original pasted back outside the (soft) mask, before clamping.
                m = soft_mask(req.mask_image, req.width, req.height)
                decoded = m * decoded + (1 - m) * init
        elif req.init_image is not None:
            decoded = pipes.image_to_image(req, trace)
        else:
            decoded = pipes.text_to_image(req, trace)
        return pipes.image_processor.postprocess(decoded, output_type="pil", do_denormalize=[True])[0]

    def close(self):
        for server, _ in self.servers.values():
            server.close()


def max_diff(image, reference_path):
    a = np.asarray(image.convert("RGB"), dtype=np.int16)
    b = np.asarray(PIL.Image.open(reference_path).convert("RGB"), dtype=np.int16)
    if a.shape != b.shape:
        raise ValueError(f"sizes differ: {a.shape} vs {b.shape}")
    return int(np.abs(a - b).max())


def write_planned(harness, ids):
    from .plan import planned_cases, write_unaligned_mask

    write_unaligned_mask(PARITY_DIR / "inputs" / "mask_unaligned.png")
    cases = load_cases()
    by_id = {c["id"]: i for i, c in enumerate(cases)}
    for case in planned_cases():
        if ids and case["id"] not in ids:
            continue
        image = harness.render(case)
        image.save(PARITY_DIR / case["reference"], optimize=True)
        if case["id"] in by_id:
            cases[by_id[case["id"]]] = case
        else:
            by_id[case["id"]] = len(cases)
            cases.append(case)
        print(f"wrote {case['reference']}", flush=True)
    (PARITY_DIR / "cases.json").write_text(json.dumps(cases, indent=1, ensure_ascii=False) + "\n")
