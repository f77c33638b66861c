/**
 * Writes a ModelData to disk, optionally moving large initializers into an
 * external data file beside the model (as exporters do for models over 2 GB;
 * ORT resolves the location relative to the model file).
 */
import { open, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { encodeModel, type ModelData, type TensorData } from './model-proto.js';

export interface WriteModelOptions {
  /** File name (same folder) for initializers of at least `externalThreshold` bytes. */
  externalDataFile?: string;
  externalThreshold?: number;
}

const ALIGNMENT = 64;

export async function writeModel(
  modelPath: string,
  model: ModelData,
  options: WriteModelOptions = {},
): Promise<void> {
  const location = options.externalDataFile;
  if (!location) {
    await writeFile(modelPath, encodeModel(model));
    return;
  }
  if (path.basename(location) !== location)
    throw new Error(`external data file must be a bare name: ${location}`);
  const threshold = options.externalThreshold ?? 1024;
  const handle = await open(path.join(path.dirname(modelPath), location), 'w');
  let offset = 0;
  const initializers: TensorData[] = [];
  try {
    for (const t of model.graph.initializers) {
      if (t.raw.length < threshold) {
        initializers.push(t);
        continue;
      }
      const padding = (ALIGNMENT - (offset % ALIGNMENT)) % ALIGNMENT;
      if (padding) await handle.write(new Uint8Array(padding), 0, padding, offset);
      offset += padding;
      await handle.write(t.raw, 0, t.raw.length, offset);
      initializers.push({ ...t, external: { location, offset, length: t.raw.length } });
      offset += t.raw.length;
    }
  } finally {
    await handle.close();
  }
  await writeFile(modelPath, encodeModel({ ...model, graph: { ...model.graph, initializers } }));
}
