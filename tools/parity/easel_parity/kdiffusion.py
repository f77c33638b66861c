"""DPM++ 2S ancestral, which diffusers 0.27.2 has no scheduler class for: k-diffusion's sample_dpmpp_2s_ancestral
(eta 1, s_noise 1), written out here, inside StableDiffusionPipeline's flow (prompt encoding, latents drawn first
and scaled by init_noise_sigma, CFG). The σ schedule is EulerDiscreteScheduler's (diffusers' class, so linspace
spacing and its σ interpolation); the model sees the schedule's timestep at σ_i and σ→t log-interpolation
(EulerDiscreteScheduler._sigma_to_t) at the midpoint σ; the ancestral noise comes from the pipeline's generator,
as Easel's dpmpp_2s_a does (k-diffusion itself uses torch's global RNG)."""
import numpy as np
import torch


def get_ancestral_step(sigma_from, sigma_to, eta=1.0):
    if not eta:
        return sigma_to, 0.0
    sigma_up = min(sigma_to, eta * (sigma_to**2 * (sigma_from**2 - sigma_to**2) / sigma_from**2) ** 0.5)
    sigma_down = (sigma_to**2 - sigma_up**2) ** 0.5
    return sigma_down, sigma_up


def dpmpp_2s_ancestral_t2i(pipes, req, generator, prompt_embeds, do_cfg, trace=None):
    euler = pipes.up.scheduler("euler", pipes.scheduler_config)
    euler.set_timesteps(req.steps, device="cpu")
    sigmas = euler.sigmas
    log_sigmas = np.log(np.array(((1 - euler.alphas_cumprod) / euler.alphas_cumprod) ** 0.5))
    shape = (1, pipes.m.unet.config.in_channels, req.height // pipes.vae_scale_factor, req.width // pipes.vae_scale_factor)
    x = pipes.up.randn_tensor(shape, generator=generator, device=torch.device("cpu"), dtype=prompt_embeds.dtype)
    x = x * euler.init_noise_sigma

    def denoise(x, sigma, t):
        x_in = torch.cat([x] * 2) if do_cfg else x
        x_in = x_in / ((sigma**2 + 1) ** 0.5)
        eps = pipes.m.unet_forward(x_in, t, prompt_embeds)
        if do_cfg:
            uncond, cond = eps.chunk(2)
            eps = uncond + req.guidance_scale * (cond - uncond)
        return x - sigma * eps

    sigma_fn = lambda t: t.neg().exp()  # noqa: E731
    t_fn = lambda sigma: sigma.log().neg()  # noqa: E731
    for i in range(len(sigmas) - 1):
        denoised = denoise(x, sigmas[i], euler.timesteps[i])
        sigma_down, sigma_up = get_ancestral_step(sigmas[i], sigmas[i + 1])
        if sigma_down == 0:
            d = (x - denoised) / sigmas[i]
            x = x + d * (sigma_down - sigmas[i])
        else:
            t, t_next = t_fn(sigmas[i]), t_fn(sigma_down)
            r = 1 / 2
            h = t_next - t
            s = t + r * h
            x_2 = (sigma_fn(s) / sigma_fn(t)) * x - (-h * r).expm1() * denoised
            t_mid = float(euler._sigma_to_t(np.array(sigma_fn(s).item()), log_sigmas))
            denoised_2 = denoise(x_2, sigma_fn(s), t_mid)
            x = (sigma_fn(t_next) / sigma_fn(t)) * x - (-h).expm1() * denoised_2
        if sigmas[i + 1] > 0:
            x = x + pipes.up.randn_tensor(x.shape, generator=generator, device=torch.device("cpu"), dtype=x.dtype) * sigma_up
        if trace is not None:
            trace.append((float(euler.timesteps[i]), x.clone()))
    return pipes.decode(x)
