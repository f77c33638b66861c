"""Checks the scheduler code the harness loads against test/fixtures/oracle/schedulers.json (runs recorded with
diffusers 0.40.0.dev0 and a toy model, see that folder's README): set_timesteps, init_noise_sigma, step and, for
img2img, get_timesteps + set_begin_index + add_noise. Where 0.27.2 and 0.40 differ on purpose the run is listed."""
import importlib
import json
import math

import numpy as np
import torch

from .bridge import REPO

CLASSES = {
    "DDIM": ("scheduling_ddim", "DDIMScheduler"),
    "PNDM": ("scheduling_pndm", "PNDMScheduler"),
    "EulerDiscrete": ("scheduling_euler_discrete", "EulerDiscreteScheduler"),
    "EulerAncestralDiscrete": ("scheduling_euler_ancestral_discrete", "EulerAncestralDiscreteScheduler"),
    "LMSDiscrete": ("scheduling_lms_discrete", "LMSDiscreteScheduler"),
    "DPMSolverMultistep": ("scheduling_dpmsolver_multistep", "DPMSolverMultistepScheduler"),
    "DPMSolverMultistepKarras": ("scheduling_dpmsolver_multistep", "DPMSolverMultistepScheduler"),
    "HeunDiscrete": ("scheduling_heun_discrete", "HeunDiscreteScheduler"),
    "KDPM2Discrete": ("scheduling_k_dpm_2_discrete", "KDPM2DiscreteScheduler"),
    "KDPM2AncestralDiscrete": ("scheduling_k_dpm_2_ancestral_discrete", "KDPM2AncestralDiscreteScheduler"),
    "DDPM": ("scheduling_ddpm", "DDPMScheduler"),
}
STOCHASTIC = {"EulerAncestralDiscrete", "KDPM2AncestralDiscrete", "DDPM"}


def make(run):
    module, cls = CLASSES[run["scheduler"]]
    scheduler_cls = getattr(importlib.import_module(f"diffusers.schedulers.{module}"), cls)
    return scheduler_cls(**run["constructor_kwargs"])


def model(x_in, t):
    return x_in * 0.1 + 0.01 * math.sin(float(t) / 100.0)


def run_loop(s, sample, timesteps, stochastic):
    g = torch.Generator("cpu").manual_seed(7) if stochastic else None
    for t in timesteps:
        eps = model(s.scale_model_input(sample, t), t)
        sample = s.step(eps, t, sample, **({"generator": g} if g is not None else {})).prev_sample
    return sample


def check(upstream):
    oracle = json.loads((REPO / "test" / "fixtures" / "oracle" / "schedulers.json").read_text())
    worst = {}
    for run in oracle["runs"]:
        s = make(run)
        s.set_timesteps(run["num_inference_steps"])
        assert np.allclose(s.timesteps.numpy().astype(np.float64), run["timesteps"], rtol=0, atol=1e-3), run["scheduler"]
        sample = torch.randn([1, 4, 8, 8], generator=torch.Generator("cpu").manual_seed(42)) * s.init_noise_sigma
        out = run_loop(s, sample, s.timesteps, run["scheduler"] in STOCHASTIC)
        diff = float(np.abs(out.flatten().numpy() - np.array(run["final_sample"], dtype=np.float32)).max())
        key = f"{run['scheduler']}"
        worst[key] = max(worst.get(key, 0.0), diff)
    for run in oracle["img2img"]:
        s = make(run)
        s.set_timesteps(run["num_inference_steps"])
        n = run["num_inference_steps"]
        init_timestep = min(int(n * run["strength"]), n)
        t_start = max(n - init_timestep, 0)
        timesteps = s.timesteps[t_start * s.order :]
        if hasattr(s, "set_begin_index"):
            s.set_begin_index(t_start * s.order)
        original = torch.arange(256, dtype=torch.float32).reshape(1, 4, 8, 8) / 128 - 1
        noise = torch.randn([1, 4, 8, 8], generator=torch.Generator("cpu").manual_seed(123))
        noisy = s.add_noise(original, noise, timesteps[:1])
        out = run_loop(s, noisy, timesteps, False)
        diff = float(np.abs(out.flatten().numpy() - np.array(run["final_sample"], dtype=np.float32)).max())
        key = f"img2img {run['scheduler']}"
        worst[key] = max(worst.get(key, 0.0), diff)
    return worst
