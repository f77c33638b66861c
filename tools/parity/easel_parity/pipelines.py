"""diffusers 0.27.2's StableDiffusionPipeline, StableDiffusionImg2ImgPipeline and StableDiffusionInpaintPipeline
__call__, step for step, for one prompt, one image and one torch.Generator, on OnnxModels. Each block names the
diffusers code it follows; the order of generator draws is the point, so nothing is reordered or merged."""
import inspect
import os
from dataclasses import dataclass
from typing import Optional

import PIL.Image
import torch

from .bridge import OnnxModels
from .kdiffusion import dpmpp_2s_ancestral_t2i


@dataclass
class Request:
    prompt: str
    negative_prompt: Optional[str]
    seed: int
    steps: int
    guidance_scale: float
    sampler: str
    width: int
    height: int
    init_image: Optional[PIL.Image.Image] = None
    strength: float = 0.8
    mask_image: Optional[PIL.Image.Image] = None


class Pipelines:
    def __init__(self, models: OnnxModels, upstream, scheduler_config: dict):
        self.m = models
        self.up = upstream
        self.scheduler_config = scheduler_config
        vae_scale_factor = models.vae_scale_factor
        # StableDiffusion*Pipeline.__init__
        self.image_processor = upstream.VaeImageProcessor(vae_scale_factor=vae_scale_factor)
        self.mask_processor = upstream.VaeImageProcessor(
            vae_scale_factor=vae_scale_factor, do_normalize=False, do_binarize=True, do_convert_grayscale=True
        )
        self.vae_scale_factor = vae_scale_factor

    # --- shared pieces -------------------------------------------------------------------------------------------

    def encode_prompt(self, req: Request, do_cfg: bool):
        """StableDiffusionPipeline.encode_prompt: cond from the prompt; uncond from the negative prompt or ""."""
        prompt_embeds = self.m.text_encoder(self.m.tokenize(req.prompt))
        negative_prompt_embeds = None
        if do_cfg:
            uncond = "" if req.negative_prompt is None else req.negative_prompt
            negative_prompt_embeds = self.m.text_encoder(self.m.tokenize(uncond))
        return prompt_embeds, negative_prompt_embeds

    def prepare_extra_step_kwargs(self, scheduler, generator, eta=0.0):
        accepted = set(inspect.signature(scheduler.step).parameters.keys())
        kwargs = {}
        if "eta" in accepted:
            kwargs["eta"] = eta
        if "generator" in accepted:
            kwargs["generator"] = generator
        return kwargs

    def retrieve_latents(self, encoder_output, generator):
        return encoder_output.latent_dist.sample(generator)

    def get_timesteps(self, scheduler, num_inference_steps, strength):
        """StableDiffusionImg2ImgPipeline.get_timesteps (the inpainting pipeline's is the same)."""
        init_timestep = min(int(num_inference_steps * strength), num_inference_steps)
        t_start = max(num_inference_steps - init_timestep, 0)
        timesteps = scheduler.timesteps[t_start * scheduler.order :]
        if hasattr(scheduler, "set_begin_index"):
            scheduler.set_begin_index(t_start * scheduler.order)
        return timesteps, num_inference_steps - t_start

    def denoise_step(self, scheduler, latents, t, prompt_embeds, do_cfg, guidance_scale, extra, extra_channels=None):
        latent_model_input = torch.cat([latents] * 2) if do_cfg else latents
        latent_model_input = scheduler.scale_model_input(latent_model_input, t)
        if extra_channels is not None:
            latent_model_input = torch.cat([latent_model_input, *extra_channels], dim=1)
        noise_pred = self.m.unet_forward(latent_model_input, t, prompt_embeds)
        if do_cfg:
            noise_pred_uncond, noise_pred_text = noise_pred.chunk(2)
            noise_pred = noise_pred_uncond + guidance_scale * (noise_pred_text - noise_pred_uncond)
        return scheduler.step(noise_pred, t, latents, **extra, return_dict=False)[0]

    def decode(self, latents):
        """vae.decode(latents / scaling_factor): the image before postprocess, [-1, 1] nominal."""
        return self.m.vae_decode(latents / self.m.vae.config.scaling_factor)

    def scheduler(self, sampler):
        scheduler = self.up.scheduler(sampler, self.scheduler_config)
        if sampler == "dpm2_a" and not os.environ.get("PARITY_DPM2A_AS_0272"):
            _draw_in_second_order_steps_only(scheduler)
        return scheduler

    def do_cfg(self, guidance_scale):
        return guidance_scale > 1 and self.m.unet.config.time_cond_proj_dim is None

    # --- StableDiffusionPipeline.__call__ -----------------------------------------------------------------------

    def text_to_image(self, req: Request, trace=None):
        generator = torch.Generator("cpu").manual_seed(req.seed)
        do_cfg = self.do_cfg(req.guidance_scale)
        prompt_embeds, negative_prompt_embeds = self.encode_prompt(req, do_cfg)
        if do_cfg:
            prompt_embeds = torch.cat([negative_prompt_embeds, prompt_embeds])
        if req.sampler == "dpmpp_2s_a":
            return dpmpp_2s_ancestral_t2i(self, req, generator, prompt_embeds, do_cfg, trace)

        scheduler = self.scheduler(req.sampler)
        scheduler.set_timesteps(req.steps, device="cpu")  # retrieve_timesteps
        timesteps = scheduler.timesteps
        # prepare_latents
        shape = (1, self.m.unet.config.in_channels, req.height // self.vae_scale_factor, req.width // self.vae_scale_factor)
        latents = self.up.randn_tensor(shape, generator=generator, device=torch.device("cpu"), dtype=prompt_embeds.dtype)
        latents = latents * scheduler.init_noise_sigma
        extra = self.prepare_extra_step_kwargs(scheduler, generator)
        for t in timesteps:
            latents = self.denoise_step(scheduler, latents, t, prompt_embeds, do_cfg, req.guidance_scale, extra)
            if trace is not None:
                trace.append((float(t), latents.clone()))
        return self.decode(latents)

    # --- StableDiffusionImg2ImgPipeline.__call__ ----------------------------------------------------------------

    def image_to_image(self, req: Request, trace=None):
        generator = torch.Generator("cpu").manual_seed(req.seed)
        do_cfg = self.do_cfg(req.guidance_scale)
        prompt_embeds, negative_prompt_embeds = self.encode_prompt(req, do_cfg)
        if do_cfg:
            prompt_embeds = torch.cat([negative_prompt_embeds, prompt_embeds])
        image = self.image_processor.preprocess(req.init_image)  # 4. Preprocess image (its own size)

        scheduler = self.scheduler(req.sampler)
        scheduler.set_timesteps(req.steps, device="cpu")  # 5. set timesteps
        timesteps, num_inference_steps = self.get_timesteps(scheduler, req.steps, req.strength)
        latent_timestep = timesteps[:1].repeat(1)

        # 6. prepare_latents: encode (a draw), scale, then noise (a draw) added at the first timestep
        image = image.to(dtype=prompt_embeds.dtype)
        init_latents = self.retrieve_latents(self.m.vae_encode(image), generator)
        init_latents = self.m.vae.config.scaling_factor * init_latents
        noise = self.up.randn_tensor(init_latents.shape, generator=generator, device=torch.device("cpu"), dtype=prompt_embeds.dtype)
        latents = scheduler.add_noise(init_latents, noise, latent_timestep)

        extra = self.prepare_extra_step_kwargs(scheduler, generator)
        for t in timesteps:
            latents = self.denoise_step(scheduler, latents, t, prompt_embeds, do_cfg, req.guidance_scale, extra)
            if trace is not None:
                trace.append((float(t), latents.clone()))
        return self.decode(latents)

    # --- StableDiffusionInpaintPipeline.__call__ ----------------------------------------------------------------

    def inpaint(self, req: Request, trace=None):
        generator = torch.Generator("cpu").manual_seed(req.seed)
        height, width = req.height, req.width
        do_cfg = self.do_cfg(req.guidance_scale)
        prompt_embeds, negative_prompt_embeds = self.encode_prompt(req, do_cfg)
        if do_cfg:
            prompt_embeds = torch.cat([negative_prompt_embeds, prompt_embeds])
        dtype = prompt_embeds.dtype
        cpu = torch.device("cpu")

        # 4. set timesteps
        scheduler = self.scheduler(req.sampler)
        scheduler.set_timesteps(req.steps, device="cpu")
        timesteps, num_inference_steps = self.get_timesteps(scheduler, req.steps, req.strength)
        if num_inference_steps < 1:
            raise ValueError("strength gives no denoising step")
        latent_timestep = timesteps[:1].repeat(1)
        is_strength_max = req.strength == 1.0

        # 5. Preprocess mask and image
        init_image = self.image_processor.preprocess(req.init_image, height=height, width=width)
        init_image = init_image.to(dtype=torch.float32)

        # 6. Prepare latent variables
        num_channels_latents = self.m.vae.config.latent_channels
        num_channels_unet = self.m.unet.config.in_channels
        return_image_latents = num_channels_unet == 4
        shape = (1, num_channels_latents, height // self.vae_scale_factor, width // self.vae_scale_factor)
        image_latents = None
        if return_image_latents or not is_strength_max:
            image = init_image.to(dtype=dtype)
            image_latents = self._encode_vae_image(image, generator)
        noise = self.up.randn_tensor(shape, generator=generator, device=cpu, dtype=dtype)
        latents = noise if is_strength_max else scheduler.add_noise(image_latents, noise, latent_timestep)
        latents = latents * scheduler.init_noise_sigma if is_strength_max else latents

        # 7. Prepare mask latent variables
        mask_condition = self.mask_processor.preprocess(req.mask_image, height=height, width=width)
        masked_image = init_image * (mask_condition < 0.5)
        # prepare_mask_latents: nearest interpolation to the latent grid, masked image encoded (a draw, every UNet)
        mask = torch.nn.functional.interpolate(mask_condition, size=(height // self.vae_scale_factor, width // self.vae_scale_factor))
        mask = mask.to(dtype=dtype)
        masked_image_latents = self._encode_vae_image(masked_image.to(dtype=dtype), generator)
        mask = torch.cat([mask] * 2) if do_cfg else mask
        masked_image_latents = torch.cat([masked_image_latents] * 2) if do_cfg else masked_image_latents

        extra = self.prepare_extra_step_kwargs(scheduler, generator)
        for i, t in enumerate(timesteps):
            channels = (mask, masked_image_latents) if num_channels_unet == 9 else None
            latents = self.denoise_step(scheduler, latents, t, prompt_embeds, do_cfg, req.guidance_scale, extra, channels)
            if num_channels_unet == 4:
                init_latents_proper = image_latents
                init_mask = mask.chunk(2)[0] if do_cfg else mask
                if i < len(timesteps) - 1:
                    noise_timestep = timesteps[i + 1]
                    init_latents_proper = scheduler.add_noise(init_latents_proper, noise, torch.tensor([noise_timestep]))
                latents = (1 - init_mask) * init_latents_proper + init_mask * latents
            if trace is not None:
                trace.append((float(t), latents.clone()))
        return self.decode(latents), init_image

    def _encode_vae_image(self, image, generator):
        image_latents = self.retrieve_latents(self.m.vae_encode(image), generator)
        return self.m.vae.config.scaling_factor * image_latents


def _draw_in_second_order_steps_only(scheduler):
    """KDPM2AncestralDiscreteScheduler 0.27.2 draws a noise tensor from the generator in every step() call, and
    uses it only in second-order steps; diffusers later (0.40.0.dev0, test/fixtures/oracle) draws only where it is
    used, and so does Easel. Without the generator a first-order step draws from torch's global RNG instead, so the
    pipeline's generator advances as in later diffusers, the rest of 0.27.2's code unchanged (fixture README:
    deliberate differences)."""
    step = scheduler.step

    def second_order_draws(model_output, timestep, sample, generator=None, return_dict=True):
        if scheduler.state_in_first_order:
            generator = None
        return step(model_output, timestep, sample, generator=generator, return_dict=return_dict)

    scheduler.step = second_order_draws
