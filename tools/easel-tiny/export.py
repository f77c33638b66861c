"""Stage 3: export a checkpoint (EMA weights) to the diffusers ONNX layout under --out.

Usage: python3 export.py --ckpt DIR --out models/easel-tiny
Writes text_encoder/, unet/, vae_decoder/, vae_encoder/ (model.onnx + config.json), tokenizer/,
scheduler/, model_index.json, easel.json, tokenizer-cases.json and reference.json (PyTorch outputs on
fixed inputs, for checking the ONNX graphs from Node).
"""
from __future__ import annotations

import os

os.environ.setdefault('OMP_WAIT_POLICY', 'PASSIVE')

import argparse
import json

import numpy as np
import torch

import clip_bpe
import nets
import train
import world

OPSET = 17
SCHEDULER = {
    '_class_name': 'PNDMScheduler', 'num_train_timesteps': 1000, 'beta_start': 0.00085, 'beta_end': 0.012,
    'beta_schedule': 'scaled_linear', 'steps_offset': 1, 'set_alpha_to_one': False, 'skip_prk_steps': True,
    'clip_sample': False, 'prediction_type': 'epsilon', 'trained_betas': None, 'timestep_spacing': 'leading',
}
TOKENIZER_CASES = [
    'a large red circle on the left on a blue background',
    'two yellow stars on black',
    'a small green square in the top right corner on an orange background',
    'A Purple  RING at the bottom, with a white background!',
    '',
    'a cat 42 &amp; dogs',
]


def dump(path: str, obj: dict) -> None:
    with open(path, 'w') as f:
        json.dump(obj, f, indent=2)
        f.write('\n')


class VaeEncoderGraph(torch.nn.Module):
    def __init__(self, enc):
        super().__init__()
        self.enc = enc

    def forward(self, sample):
        return self.enc(sample)


def export(module, args, path, inputs, outputs, dynamic):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    torch.onnx.export(module, args, path, input_names=inputs, output_names=outputs, dynamic_axes=dynamic,
                      opset_version=OPSET, do_constant_folding=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument('--ckpt', required=True)
    ap.add_argument('--out', required=True)
    ap.add_argument('--raw', action='store_true', help='export raw weights instead of EMA')
    args = ap.parse_args()
    torch.set_num_threads(2)
    out = args.out
    tok = clip_bpe.Tokenizer.for_words(world.vocabulary_words())
    vae_enc, vae_dec, scaling = train.load_vae(args.ckpt)
    text, unet = train.build(tok.vocab_size)
    modules = torch.nn.ModuleDict({'text': text, 'unet': unet})
    state = torch.load(f'{args.ckpt}/latest.pt')
    modules.load_state_dict(state['model'] if args.raw else state['ema'])
    for m in (text, unet, vae_enc, vae_dec):
        m.eval()
    dim = train.TEXT_DIM

    os.makedirs(f'{out}/tokenizer', exist_ok=True)
    tok.save(f'{out}/tokenizer')
    dump(f'{out}/tokenizer-cases.json', {
        'note': 'caption -> ids from tools/easel-tiny/clip_bpe.py (CLIP rules); the pipeline tokenizer must agree',
        'cases': [{'text': t, 'tokens': tok.tokenize(t), 'input_ids': tok.encode(t)} for t in TOKENIZER_CASES],
    })
    os.makedirs(f'{out}/scheduler', exist_ok=True)
    dump(f'{out}/scheduler/scheduler_config.json', SCHEDULER)

    g = torch.Generator().manual_seed(7)
    ids = torch.tensor([tok.encode(TOKENIZER_CASES[0]), tok.encode('')], dtype=torch.int32)
    sample = torch.randn(2, 4, 8, 8, generator=g)
    timestep = torch.tensor([501], dtype=torch.int64)
    image = torch.rand(1, 3, 64, 64, generator=g) * 2 - 1
    with torch.no_grad():
        hidden, pooled = text(ids)
        eps = unet(sample, timestep, hidden)
        decoded = vae_dec(sample[:1] / scaling)
        params = vae_enc(image)

    export(text, (ids,), f'{out}/text_encoder/model.onnx', ['input_ids'], ['last_hidden_state', 'pooler_output'],
           {'input_ids': {0: 'batch'}, 'last_hidden_state': {0: 'batch'}, 'pooler_output': {0: 'batch'}})
    export(unet, (sample, timestep, hidden), f'{out}/unet/model.onnx',
           ['sample', 'timestep', 'encoder_hidden_states'], ['out_sample'],
           {'sample': {0: 'batch', 2: 'height', 3: 'width'}, 'timestep': {0: 'steps'},
            'encoder_hidden_states': {0: 'batch'}, 'out_sample': {0: 'batch', 2: 'height', 3: 'width'}})
    export(vae_dec, (sample[:1] / scaling,), f'{out}/vae_decoder/model.onnx', ['latent_sample'], ['sample'],
           {'latent_sample': {0: 'batch', 2: 'height', 3: 'width'}, 'sample': {0: 'batch', 2: 'height', 3: 'width'}})
    export(VaeEncoderGraph(vae_enc), (image,), f'{out}/vae_encoder/model.onnx', ['sample'], ['latent_parameters'],
           {'sample': {0: 'batch', 2: 'height', 3: 'width'}, 'latent_parameters': {0: 'batch', 2: 'height', 3: 'width'}})

    vae_cfg = {'_class_name': 'AutoencoderKL', 'in_channels': 3, 'out_channels': 3, 'latent_channels': 4,
               'block_out_channels': [24, 48, 96, 96], 'sample_size': 64, 'scaling_factor': round(scaling, 5),
               'note': 'easel-tiny VAE: 64x64x3 <-> 4x8x8 (downsampling 8 = 2^(len(block_out_channels)-1))'}
    dump(f'{out}/vae_decoder/config.json', vae_cfg)
    dump(f'{out}/vae_encoder/config.json', vae_cfg)
    dump(f'{out}/unet/config.json', {'_class_name': 'UNet2DConditionModel', 'in_channels': 4, 'out_channels': 4,
                                     'sample_size': 8, 'cross_attention_dim': dim,
                                     'parameters': nets.count(unet), 'trained_steps': state['step']})
    dump(f'{out}/text_encoder/config.json', {'_class_name': 'CLIPTextModel', 'hidden_size': dim,
                                             'max_position_embeddings': 77, 'vocab_size': tok.vocab_size,
                                             'num_hidden_layers': len(text.layers),
                                             'bos_token_id': tok.bos_id, 'eos_token_id': tok.eos_id})
    dump(f'{out}/model_index.json', {
        '_class_name': 'OnnxStableDiffusionPipeline', '_diffusers_version': '0.21.0',
        'feature_extractor': [None, None], 'requires_safety_checker': False, 'safety_checker': [None, None],
        'scheduler': ['diffusers', 'PNDMScheduler'], 'text_encoder': ['diffusers', 'OnnxRuntimeModel'],
        'tokenizer': ['transformers', 'CLIPTokenizer'], 'unet': ['diffusers', 'OnnxRuntimeModel'],
        'vae_decoder': ['diffusers', 'OnnxRuntimeModel'], 'vae_encoder': ['diffusers', 'OnnxRuntimeModel'],
    })
    # The worker's engine descriptor (libs/contracts EngineDescriptor fields; the id comes from WORKER_ENGINES).
    dump(f'{out}/easel.json', {
        'name': 'Easel Tiny (demo/test model)',
        'description': ('Small demo and test model trained by tools/easel-tiny on a procedural world: one or two '
                        'shapes (' + ', '.join(world.SHAPES) + ') in ' + ', '.join(world.COLOUR_NAMES)
                        + ', small or large, on the left/right/top/bottom/center or in a corner, on a coloured '
                        'background. Example: "a large red circle on the left on a blue background", '
                        '"two yellow stars on black". 64x64 only.'),
        'nativeWidth': 64, 'nativeHeight': 64, 'sizeMultiple': 64, 'minSize': 64, 'maxSize': 64, 'maxPixels': 4096,
        'modes': ['text-to-image', 'image-to-image', 'inpaint', 'interpolate'],
        'defaultSteps': 20, 'defaultCfgScale': 5.0, 'defaultSampler': 'dpmpp_2m',
    })

    dump(f'{out}/eval-cases.json', {
        'note': ('Evaluation set of tools/eval-tiny.ts: single-shape captions whose (colour, shape, position) '
                 'combination was never drawn in training; judged by tools/easel-tiny/judge.py rules'),
        'palette': world.COLOURS, 'anchors': world.POSITIONS,
        'heldOut': [list(t) for t in sorted(world.HELD_OUT)],
        'cases': world.eval_cases(),
    })

    def flat(t):
        return [round(float(v), 7) for v in t.reshape(-1).tolist()]

    dump(f'{out}/reference.json', {
        'note': 'PyTorch outputs on fixed inputs, to check the ONNX graphs (tools/easel-tiny/verify-onnx.mjs)',
        'text_encoder': {'input_ids': ids.reshape(-1).tolist(), 'shape': list(ids.shape),
                         'last_hidden_state': flat(hidden), 'pooler_output': flat(pooled)},
        'unet': {'sample': flat(sample), 'shape': list(sample.shape), 'timestep': 501, 'out_sample': flat(eps)},
        'vae_decoder': {'latent_sample': flat(sample[:1] / scaling), 'sample': flat(decoded)},
        'vae_encoder': {'sample': flat(image), 'latent_parameters': flat(params)},
    })
    print('exported to', out, 'step', state['step'], 'scaling', scaling)


if __name__ == '__main__':
    main()
