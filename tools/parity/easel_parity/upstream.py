"""The diffusers code the harness runs: an installed diffusers 0.27.2 (`pip install diffusers==0.27.2`), else the
upstream source files under $DIFFUSERS_SRC (a folder holding `diffusers/`, e.g. `src/` of a v0.27.2 checkout),
imported one by one with the stand-ins of shims.py instead of diffusers' package __init__ files."""
import ast
import importlib
import importlib.abc
import importlib.util
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import numpy as np
import torch

WANTED_VERSION = "0.27.2"

# Easel sampler → diffusers module, class and from_config overrides (libs/diffusion/src/schedulers/index.ts).
SAMPLERS = {
    "ddim": ("scheduling_ddim", "DDIMScheduler", {}),
    "pndm": ("scheduling_pndm", "PNDMScheduler", {}),
    "euler": ("scheduling_euler_discrete", "EulerDiscreteScheduler", {}),
    "euler_a": ("scheduling_euler_ancestral_discrete", "EulerAncestralDiscreteScheduler", {}),
    "lms": ("scheduling_lms_discrete", "LMSDiscreteScheduler", {}),
    "dpmpp_2m": ("scheduling_dpmsolver_multistep", "DPMSolverMultistepScheduler", {}),
    "dpmpp_2m_karras": ("scheduling_dpmsolver_multistep", "DPMSolverMultistepScheduler", {"use_karras_sigmas": True}),
    "heun": ("scheduling_heun_discrete", "HeunDiscreteScheduler", {}),
    "dpm2": ("scheduling_k_dpm_2_discrete", "KDPM2DiscreteScheduler", {}),
    "dpm2_a": ("scheduling_k_dpm_2_ancestral_discrete", "KDPM2AncestralDiscreteScheduler", {}),
    "ddpm": ("scheduling_ddpm", "DDPMScheduler", {}),
}


@dataclass
class Upstream:
    source: str
    randn_tensor: object
    VaeImageProcessor: type
    DiagonalGaussianDistribution: type

    def scheduler(self, sampler: str, config: dict):
        module, cls, overrides = SAMPLERS[sampler]
        scheduler_cls = getattr(importlib.import_module(f"diffusers.schedulers.{module}"), cls)
        return scheduler_cls.from_config(config, **overrides)

    def scheduler_label(self, sampler: str) -> str:
        _, cls, overrides = SAMPLERS[sampler]
        args = ", ".join(f"{k}={v}" for k, v in overrides.items())
        return f"{cls}({args})" if args else cls


class _SourceFinder(importlib.abc.MetaPathFinder):
    """diffusers.<a>.<b> → <root>/diffusers/<a>/<b>.py (packages themselves come from shims.install)."""

    def __init__(self, root: Path):
        self.root = root

    def find_spec(self, fullname, path=None, target=None):
        if not fullname.startswith("diffusers."):
            return None
        file = self.root.joinpath(*fullname.split(".")).with_suffix(".py")
        return importlib.util.spec_from_file_location(fullname, file) if file.is_file() else None


def _class_from_file(file: Path, name: str, namespace: dict):
    """Runs one class definition of an upstream file whose imports we cannot satisfy (models/autoencoders/vae.py)."""
    tree = ast.parse(file.read_text())
    node = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == name)
    exec(compile(ast.Module(body=[node], type_ignores=[]), str(file), "exec"), namespace)
    return namespace[name]


def load() -> Upstream:
    try:
        import diffusers  # noqa: F401
    except ImportError:
        diffusers = None
    if diffusers is not None:
        if diffusers.__version__ != WANTED_VERSION and not os.environ.get("PARITY_ANY_DIFFUSERS"):
            raise SystemExit(
                f"installed diffusers is {diffusers.__version__}, the references are {WANTED_VERSION} "
                "(pip install diffusers==0.27.2, or PARITY_ANY_DIFFUSERS=1 to compare anyway)"
            )
        from diffusers.image_processor import VaeImageProcessor
        from diffusers.models.autoencoders.vae import DiagonalGaussianDistribution
        from diffusers.utils.torch_utils import randn_tensor

        return Upstream(f"installed diffusers {diffusers.__version__}", randn_tensor, VaeImageProcessor, DiagonalGaussianDistribution)

    src = os.environ.get("DIFFUSERS_SRC")
    if not src or not Path(src, "diffusers", "schedulers").is_dir():
        raise SystemExit(
            "diffusers is not installed and DIFFUSERS_SRC does not name a folder holding diffusers/ "
            "(see tools/parity/README.md: pip install diffusers==0.27.2, or point DIFFUSERS_SRC at src/ of its v0.27.2 tag)"
        )
    from . import shims

    shims.install()
    sys.meta_path.insert(0, _SourceFinder(Path(src)))
    from diffusers.image_processor import VaeImageProcessor
    from diffusers.utils.torch_utils import randn_tensor

    namespace = {"torch": torch, "np": np, "Optional": Optional, "randn_tensor": randn_tensor}
    gaussian = _class_from_file(Path(src, "diffusers", "models", "autoencoders", "vae.py"), "DiagonalGaussianDistribution", namespace)
    return Upstream(f"diffusers source files under {src}", randn_tensor, VaeImageProcessor, gaussian)
