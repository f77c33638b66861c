// A small reader for the parts of schema.prisma that decide the SQL schema (models, fields, attributes,
// enums). Used by the schema/migration agreement test; Prisma's own DMMF needs its wasm engine glue.

export interface SchemaAttribute {
  name: string; // "id", "db.Uuid", "@map" for block attributes
  args: string; // raw text between the parentheses, '' when none
}

export interface SchemaField {
  name: string;
  type: string;
  optional: boolean;
  list: boolean;
  attributes: SchemaAttribute[];
}

export interface SchemaModel {
  name: string;
  fields: SchemaField[];
  blockAttributes: SchemaAttribute[];
}

export interface SchemaEnum {
  name: string;
  dbName: string;
  values: string[];
}

export interface PrismaSchema {
  models: SchemaModel[];
  enums: SchemaEnum[];
}

/** Splits on top-level commas (outside brackets, parentheses and quotes). */
export function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"' && text[i - 1] !== '\\') quoted = !quoted;
    if (!quoted && (c === '(' || c === '[')) depth++;
    if (!quoted && (c === ')' || c === ']')) depth--;
    if (!quoted && depth === 0 && c === ',') {
      parts.push(current.trim());
      current = '';
    } else {
      current += c;
    }
  }
  if (current.trim()) parts.push(current.trim());
  return parts;
}

/** Named argument (`onDelete: Cascade`), or the first positional one when `key` is null. */
export function attributeArg(args: string, key: string | null): string | undefined {
  for (const part of splitTopLevel(args)) {
    const named = /^(\w+)\s*:\s*([\s\S]*)$/.exec(part);
    if (key === null && !named) return part;
    if (key !== null && named?.[1] === key) return named[2].trim();
  }
  return undefined;
}

export function unquote(text: string): string {
  return text.replace(/^"(.*)"$/s, '$1');
}

function parseAttributes(text: string): SchemaAttribute[] {
  const attributes: SchemaAttribute[] = [];
  let i = 0;
  while ((i = text.indexOf('@', i)) !== -1) {
    const block = text[i + 1] === '@';
    const match = /^@{1,2}([\w.]+)/.exec(text.slice(i));
    if (!match) break;
    i += match[0].length;
    let args = '';
    if (text[i] === '(') {
      let depth = 0;
      let quoted = false;
      const start = i + 1;
      for (; i < text.length; i++) {
        if (text[i] === '"' && text[i - 1] !== '\\') quoted = !quoted;
        if (quoted) continue;
        if (text[i] === '(') depth++;
        if (text[i] === ')' && --depth === 0) break;
      }
      args = text.slice(start, i);
      i++;
    }
    attributes.push({ name: block ? `@${match[1]}` : match[1], args });
  }
  return attributes;
}

function stripComment(line: string): string {
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '"' && line[i - 1] !== '\\') quoted = !quoted;
    if (!quoted && line[i] === '/' && line[i + 1] === '/') return line.slice(0, i);
  }
  return line;
}

export function readPrismaSchema(text: string): PrismaSchema {
  const schema: PrismaSchema = { models: [], enums: [] };
  const blocks = /^(model|enum)\s+(\w+)\s*\{([\s\S]*?)^\}/gm;
  for (const [, kind, name, body] of text.matchAll(blocks)) {
    const lines = body
      .split('\n')
      .map((l) => stripComment(l).trim())
      .filter(Boolean);
    if (kind === 'enum') {
      const map = lines.flatMap(parseAttributes).find((a) => a.name === '@map');
      const values = lines
        .filter((l) => !l.startsWith('@@'))
        .map((l) => {
          const valueMap = parseAttributes(l).find((a) => a.name === 'map');
          return valueMap ? unquote(valueMap.args) : l.split(/\s+/)[0];
        });
      schema.enums.push({ name, dbName: map ? unquote(map.args) : name, values });
      continue;
    }
    const model: SchemaModel = { name, fields: [], blockAttributes: [] };
    for (const line of lines) {
      if (line.startsWith('@@')) {
        model.blockAttributes.push(...parseAttributes(line));
        continue;
      }
      const field = /^(\w+)\s+(\w+)(\[\])?(\?)?\s*(.*)$/.exec(line);
      if (!field) throw new Error(`schema.prisma: cannot read field line in model ${name}: ${line}`);
      model.fields.push({
        name: field[1],
        type: field[2],
        list: field[3] !== undefined,
        optional: field[4] !== undefined,
        attributes: parseAttributes(field[5]),
      });
    }
    schema.models.push(model);
  }
  return schema;
}
