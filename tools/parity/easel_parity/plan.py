"""The cases the harness makes references for: every sampler in text-to-image, image-to-image at several strengths,
4-channel inpainting with hard, soft and off-grid masks, 9-channel inpainting. 10 steps keep the suite quick."""
from .upstream import SAMPLERS

PROMPT = "a photo of a cat sitting on a red sofa, oil painting"
NEGATIVE = "blurry, low quality"
HARNESS = "Easel's reference harness tools/parity: diffusers 0.27.2 {pipeline} + {scheduler} code with PyTorch 1.13; ONNX graphs via onnxruntime-node"
MASKS = {"hard": "inputs/mask.png", "soft": "inputs/mask_soft.png", "unaligned": "inputs/mask_unaligned.png"}
ALL_SAMPLERS = ["ddim", "pndm", "euler", "euler_a", "lms", "dpmpp_2m", "dpmpp_2m_karras", "heun", "dpm2", "dpm2_a", "dpmpp_2s_a", "ddpm"]

IMG2IMG = {
    0.3: ["ddim", "euler", "dpmpp_2m_karras", "lms"],
    0.6: ["heun", "dpm2", "pndm", "ddpm"],
    0.9: ["euler_a", "dpm2_a", "dpmpp_2m", "lms"],
    1.0: ["euler", "heun", "ddim", "dpm2_a"],
}
INPAINT4 = [  # (mask, strength, sampler)
    ("hard", 0.75, "ddim"), ("hard", 0.75, "dpm2_a"), ("hard", 1.0, "euler_a"), ("hard", 1.0, "heun"), ("hard", 1.0, "dpmpp_2m"),
    ("soft", 0.75, "euler"), ("soft", 1.0, "lms"), ("soft", 1.0, "ddpm"),
    ("unaligned", 0.75, "dpmpp_2m_karras"), ("unaligned", 0.75, "pndm"), ("unaligned", 1.0, "euler"), ("unaligned", 1.0, "dpm2"),
]
INPAINT9 = [("hard", 1.0, "euler_a"), ("unaligned", 1.0, "ddim"), ("soft", 1.0, "heun"), ("hard", 0.6, "euler"), ("unaligned", 0.6, "dpm2_a"), ("soft", 0.6, "dpmpp_2m")]


def _args(sampler, seed, steps=10, cfg="7.5", negative=True):
    args = ["--prompt", PROMPT, "--seed", str(seed), "--steps", str(steps), "--cfg-scale", cfg, "--sampler", sampler]
    args += ["--width", "128", "--height", "128", "--threads", "1"]
    return args + (["--negative-prompt", NEGATIVE] if negative else [])


def _scheduler_label(sampler):
    if sampler == "dpmpp_2s_a":
        return "k-diffusion sample_dpmpp_2s_ancestral (our transcription; diffusers 0.27.2 has no such class) on EulerDiscreteScheduler's sigmas, noise from the pipeline's generator"
    module, cls, overrides = SAMPLERS[sampler]
    args = ", ".join(f"{k}={v}" for k, v in overrides.items())
    return f"{cls}({args})" if args else cls


def _case(case_id, model, args, compare, pipeline, sampler, note=""):
    source = HARNESS.format(pipeline=pipeline, scheduler=_scheduler_label(sampler)) + note
    if sampler == "dpm2_a":
        source += "; its unused first-order draws skipped, as later diffusers and Easel do (README: deliberate differences)"
    return {"id": case_id, "model": model, "args": args, "reference": f"ref/{case_id}.png", "tolerance": 2, "compare": compare, "reference_source": source}


def planned_cases():
    cases = []
    for sampler in ALL_SAMPLERS:
        cases.append(_case(f"t2i-{sampler}-s3", "tiny-sd", _args(sampler, 3), "whole-image", "StableDiffusionPipeline", sampler))
    cases.append(
        _case("t2i-euler-s4-cfg1", "tiny-sd", _args("euler", 4, cfg="1", negative=False), "whole-image", "StableDiffusionPipeline", "euler", "; guidance off (one UNet batch)")
    )
    for strength, samplers in IMG2IMG.items():
        for sampler in samplers:
            args = _args(sampler, 5) + ["--init-image", "inputs/init.png", "--strength", str(strength)]
            cases.append(_case(f"i2i-{sampler}-st{strength}-s5", "tiny-sd", args, "whole-image", "StableDiffusionImg2ImgPipeline", sampler))
    for model, channels, plan, seed in (("tiny-sd", 4, INPAINT4, 6), ("tiny-sd-inpaint", 9, INPAINT9, 7)):
        for mask, strength, sampler in plan:
            args = _args(sampler, seed) + ["--init-image", "inputs/init.png", "--strength", str(strength)]
            args += ["--mask", MASKS[mask], "--mask-source", "MASK_IMAGE_WHITE"]
            note = f" ({channels}-channel UNet, {mask} mask; the original pasted back outside the mask as Easel does)"
            cases.append(_case(f"inp{channels}-{sampler}-st{strength}-s{seed}-{mask}", model, args, "paste-back", "StableDiffusionInpaintPipeline", sampler, note))
    return cases


def write_unaligned_mask(path):
    """inputs/mask_unaligned.png: edges off the 8-pixel latent grid (an off-centre ellipse and a thin bar whose
    sides fall inside latent cells), white = repaint."""
    import numpy as np
    from PIL import Image

    yy, xx = np.mgrid[0:128, 0:128]
    ellipse = ((yy - 61.3) / 33.7) ** 2 + ((xx - 58.6) / 27.9) ** 2 <= 1
    bar = (yy >= 13) & (yy <= 18) & (xx >= 69) & (xx <= 117)
    Image.fromarray(np.where(ellipse | bar, 255, 0).astype(np.uint8), mode="L").save(path, optimize=True)
