// Stripe's request encoding: application/x-www-form-urlencoded with bracketed keys
// (`line_items[0][price_data][currency]=usd`, `metadata[k]=v`), as the stripe SDK writes it.

export type FormValue = string | FormValue[] | { [key: string]: FormValue };

export function parseStripeForm(text: string): Record<string, FormValue> {
  const root: Record<string, FormValue> = {};
  for (const pair of text.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const rawKey = eq < 0 ? pair : pair.slice(0, eq);
    const rawValue = eq < 0 ? '' : pair.slice(eq + 1);
    const key = decode(rawKey);
    const value = decode(rawValue);
    const path = keyPath(key);
    if (!path) throw new Error(`malformed parameter name: ${key}`);
    assign(root, path, value);
  }
  return arrays(root) as Record<string, FormValue>;
}

function decode(text: string): string {
  return decodeURIComponent(text.replace(/\+/g, ' '));
}

/** `a[b][0]` → ['a', 'b', '0']; null when the brackets do not balance. */
function keyPath(key: string): string[] | null {
  const match = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(key);
  if (!match) return null;
  const rest = [...match[2].matchAll(/\[([^[\]]*)\]/g)].map((m) => m[1]);
  return [match[1], ...rest];
}

function assign(target: Record<string, FormValue>, path: string[], value: string): void {
  let node: Record<string, FormValue> = target;
  for (let i = 0; i < path.length - 1; i++) {
    const next = node[path[i]];
    if (next === undefined || typeof next === 'string') node[path[i]] = {};
    node = node[path[i]] as Record<string, FormValue>;
  }
  node[path[path.length - 1]] = value;
}

/** Objects whose keys are 0..n-1 become arrays (the SDK indexes arrays). */
function arrays(value: FormValue): FormValue {
  if (typeof value === 'string' || Array.isArray(value)) return value;
  const keys = Object.keys(value);
  const converted = Object.fromEntries(keys.map((k) => [k, arrays(value[k])]));
  const indexed = keys.length > 0 && keys.every((k, i) => k === String(i));
  return indexed ? keys.map((k) => converted[k]) : converted;
}
