/** Quick-start code for a key: curl, the TypeScript SDK, and a Stability v1 client pointed at this server. */
export function snippets(
  origin: string,
  key: string,
  engine: string,
): { id: string; label: string; code: string }[] {
  return [
    {
      id: 'curl',
      label: 'curl',
      code: [
        `curl -H "Authorization: Bearer ${key}" ${origin}/api/balance`,
        '',
        `curl -X POST ${origin}/api/generations \\`,
        `  -H "Authorization: Bearer ${key}" -H "Content-Type: application/json" \\`,
        `  -H "Prefer: wait=60" \\`,
        `  -d '{"engine":"${engine}","prompt":"a large red circle on the left on a blue background"}'`,
      ].join('\n'),
    },
    {
      id: 'typescript',
      label: 'TypeScript (@easel/sdk)',
      code: [
        `import { Easel } from '@easel/sdk';`,
        `import { writeFile } from 'node:fs/promises';`,
        '',
        `const easel = new Easel({ apiKey: '${key}', baseUrl: '${origin}' });`,
        `const { images, seeds } = await easel.generate({`,
        `  engine: '${engine}',`,
        `  prompt: 'a large red circle on the left on a blue background',`,
        `});`,
        `await writeFile('image.png', images[0].bytes);`,
        `console.log('seed', seeds[0]);`,
      ].join('\n'),
    },
    {
      id: 'stability',
      label: 'Stability v1 (Python)',
      code: [
        `# Any Stability REST v1 client works: point it at ${origin}/v1`,
        `import base64, requests`,
        '',
        `response = requests.post(`,
        `    "${origin}/v1/generation/${engine}/text-to-image",`,
        `    headers={"Authorization": "Bearer ${key}", "Accept": "application/json"},`,
        `    json={"text_prompts": [{"text": "two yellow stars on black"}], "steps": 20},`,
        `)`,
        `response.raise_for_status()`,
        `for i, artifact in enumerate(response.json()["artifacts"]):`,
        `    open(f"image-{i}.png", "wb").write(base64.b64decode(artifact["base64"]))`,
      ].join('\n'),
    },
  ];
}
