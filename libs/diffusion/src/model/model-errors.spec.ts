import { cp, mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataType, GraphBuilder, writeModel } from '../onnx/index.js';
import { writeTestModel } from '../test-model/index.js';
import { ModelError, SdModel } from './index.js';

let root: string;
let pristine: string;
let n = 0;

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'easel-model-errors-'));
  pristine = path.join(root, 'pristine');
  await writeTestModel(pristine, { unetExternalData: 'weights.pb' });
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A fresh copy of the test model to break. */
async function copy(): Promise<string> {
  const dir = path.join(root, `case-${n++}`);
  await cp(pristine, dir, { recursive: true });
  return dir;
}

async function loadError(dir: string, options = {}): Promise<ModelError> {
  const err = await SdModel.load(dir, options).then(
    async (m) => {
      await m.release();
      return null;
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ModelError);
  return err as ModelError;
}

describe('SdModel.load errors name the file', () => {
  it('missing folder or model_index.json', async () => {
    expect(await loadError(path.join(root, 'nope'))).toMatchObject({ code: 'missing_file' });
    const dir = await copy();
    await unlink(path.join(dir, 'model_index.json'));
    const err = await loadError(dir);
    expect(err.code).toBe('missing_file');
    expect(err.message).toContain(path.join(dir, 'model_index.json'));
  });

  it('corrupt model_index.json', async () => {
    const dir = await copy();
    await writeFile(path.join(dir, 'model_index.json'), '{"_class_name": ');
    const err = await loadError(dir);
    expect(err.code).toBe('corrupt_model');
    expect(err.message).toContain('model_index.json');
  });

  it('unknown or unsupported layout', async () => {
    const dir = await copy();
    await writeFile(
      path.join(dir, 'model_index.json'),
      JSON.stringify({ _class_name: 'SomethingElse', transformer: [] }),
    );
    expect(await loadError(dir)).toMatchObject({
      code: 'unsupported',
      message: expect.stringMatching(/unknown layout/),
    });
    await writeFile(
      path.join(dir, 'model_index.json'),
      JSON.stringify({
        _class_name: 'StableDiffusionXLPipeline',
        unet: [],
        text_encoder: [],
        vae_decoder: [],
        tokenizer: [],
      }),
    );
    expect(await loadError(dir)).toMatchObject({ code: 'unsupported' });
  });

  it.each([
    ['unet/model.onnx', 'missing_file'],
    ['unet/weights.pb', 'corrupt_model'],
    ['text_encoder/model.onnx', 'missing_file'],
    ['vae_decoder/model.onnx', 'missing_file'],
    ['tokenizer/merges.txt', 'missing_file'],
    ['scheduler/scheduler_config.json', 'missing_file'],
  ])('missing %s', async (file, code) => {
    const dir = await copy();
    await unlink(path.join(dir, file));
    const err = await loadError(dir);
    expect(err.code).toBe(code);
    expect(err.message).toContain(code === 'missing_file' ? path.join(dir, file) : path.join(dir, 'unet'));
  });

  it.each(['unet/model.onnx', 'text_encoder/model.onnx', 'vae_encoder/model.onnx'])(
    'corrupt %s',
    async (file) => {
      const dir = await copy();
      await writeFile(path.join(dir, file), 'this is not a protobuf');
      const err = await loadError(dir);
      expect(err.code).toBe('corrupt_model');
      expect(err.message).toContain(path.join(dir, file));
    },
  );

  it('corrupt vocab.json', async () => {
    const dir = await copy();
    await writeFile(path.join(dir, 'tokenizer', 'vocab.json'), '[1, 2');
    const err = await loadError(dir);
    expect(err.code).toBe('corrupt_model');
    expect(err.message).toContain('vocab.json');
  });

  it('unexpected tensor names', async () => {
    const dir = await copy();
    const g = new GraphBuilder('text_encoder');
    g.input('tokens', DataType.INT32, ['batch', 77]);
    g.op('Identity', ['tokens'], {}, 'hidden');
    g.output('hidden', DataType.INT32, ['batch', 77]);
    await writeModel(path.join(dir, 'text_encoder', 'model.onnx'), g.toModel());
    const err = await loadError(dir);
    expect(err.code).toBe('bad_tensor');
    expect(err.message).toMatch(/expected inputs \[input_ids\].*the graph has inputs \[tokens\]/);
  });
});

describe('execution providers', () => {
  it('an unavailable provider is a clear error by default', async () => {
    const err = await loadError(pristine, { executionProviders: ['cuda'] });
    expect(err.code).toBe('provider_unavailable');
    expect(err.message).toMatch(/cuda is not available.*available: cpu/);
  });

  it('falls back to CPU with a log line when configured', async () => {
    const lines: string[] = [];
    const m = await SdModel.load(pristine, {
      executionProviders: ['cuda'],
      fallbackToCpu: true,
      log: (l) => lines.push(l),
    });
    await m.release();
    expect(lines[0]).toMatch(/execution provider cuda unavailable; falling back to cpu/);
  });
});
