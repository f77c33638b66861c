// `npm run deploy:render [-- DIR]`: the rendered manifests as YAML on stdout (default: the example overlay).
import { stringify } from 'yaml';
import { renderKustomization } from './render.js';

const dir = process.argv[2] ?? 'deploy/kubernetes/overlays/example';
process.stdout.write(
  renderKustomization(dir)
    .map((o) => stringify(o))
    .join('---\n'),
);
