/**
 * Tensors kept in GPU memory between session runs (ONNX Runtime's "gpu-buffer" location, WebGPU provider).
 * onnxruntime-node has no API to create or read a GPU buffer from JS (Tensor.getData on one throws
 * "not implemented"), but a session whose outputs are preferred on the GPU returns them there, and any session
 * on the same device takes them as inputs. So an upload is one run of an Identity graph with GPU outputs, and a
 * download one run with CPU outputs.
 */
import { InferenceSession, type Tensor } from 'onnxruntime-node';
import { DataType, encodeModel, GraphBuilder } from '../onnx/index.js';

type FloatType = 'float32' | 'float16';

export class DeviceTensors {
  private readonly sessions = new Map<string, Promise<InferenceSession>>();

  /** A copy of `tensor` in GPU memory. It stays valid while referenced; dispose() frees it early. */
  async upload(tensor: Tensor): Promise<Tensor> {
    return this.copy(tensor, 'gpu-buffer');
  }

  /** A CPU copy of a GPU tensor. */
  async download(tensor: Tensor): Promise<Tensor> {
    return this.copy(tensor, 'cpu');
  }

  async release(): Promise<void> {
    const sessions = await Promise.all(this.sessions.values());
    this.sessions.clear();
    await Promise.all(sessions.map((s) => s.release()));
  }

  private async copy(tensor: Tensor, to: 'gpu-buffer' | 'cpu'): Promise<Tensor> {
    const type = tensor.type;
    if (type !== 'float32' && type !== 'float16') throw new TypeError(`device copy of a ${type} tensor`);
    const session = await this.session(type, tensor.dims.length, to);
    return (await session.run({ x: tensor })).y;
  }

  private session(type: FloatType, rank: number, to: 'gpu-buffer' | 'cpu'): Promise<InferenceSession> {
    const key = `${type}/${rank}/${to}`;
    let session = this.sessions.get(key);
    if (!session) {
      const g = new GraphBuilder('device_copy');
      const elem = type === 'float32' ? DataType.FLOAT : DataType.FLOAT16;
      const dims = Array.from({ length: rank }, (_, i) => `d${i}`);
      g.op('Identity', [g.input('x', elem, dims)], {}, 'y');
      g.output('y', elem, dims);
      session = InferenceSession.create(encodeModel(g.toModel()), {
        executionProviders: ['webgpu'],
        preferredOutputLocation: to,
        logSeverityLevel: 3,
      });
      this.sessions.set(key, session);
    }
    return session;
  }
}
