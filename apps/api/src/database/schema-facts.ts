// Both sides of the schema/migration agreement check, reduced to comparable one-line facts:
// what schema.prisma says the database holds, and what PostgreSQL's catalog says it holds.
import type pg from 'pg';

import {
  attributeArg,
  type PrismaSchema,
  type SchemaAttribute,
  type SchemaField,
  type SchemaModel,
  splitTopLevel,
  unquote,
} from './prisma-schema.reader.js';

const SCALAR_TYPES: Record<string, string> = {
  String: 'text',
  Int: 'integer',
  BigInt: 'bigint',
  Boolean: 'boolean',
  DateTime: 'timestamp(3) without time zone',
  Float: 'double precision',
  Decimal: 'numeric(65,30)',
  Json: 'jsonb',
  Bytes: 'bytea',
};

const NATIVE_TYPES: Record<string, (args: string) => string> = {
  Uuid: () => 'uuid',
  Text: () => 'text',
  VarChar: (n) => (n ? `character varying(${n})` : 'character varying'),
  Char: (n) => `character(${n || 1})`,
  Timestamptz: (p) => `timestamp(${p || 3}) with time zone`,
  Timestamp: (p) => `timestamp(${p || 3}) without time zone`,
  Date: () => 'date',
  Integer: () => 'integer',
  SmallInt: () => 'smallint',
  BigInt: () => 'bigint',
  JsonB: () => 'jsonb',
  Json: () => 'json',
  Boolean: () => 'boolean',
  DoublePrecision: () => 'double precision',
  Real: () => 'real',
  Decimal: (a) => `numeric(${a.replace(/\s/g, '')})`,
};

const ACTIONS: Record<string, string> = {
  Cascade: 'CASCADE',
  Restrict: 'RESTRICT',
  NoAction: 'NO ACTION',
  SetNull: 'SET NULL',
  SetDefault: 'SET DEFAULT',
};
const PG_ACTIONS: Record<string, string> = {
  c: 'CASCADE',
  r: 'RESTRICT',
  a: 'NO ACTION',
  n: 'SET NULL',
  d: 'SET DEFAULT',
};

const attr = (attributes: SchemaAttribute[], name: string) => attributes.find((a) => a.name === name);
const tableOf = (m: SchemaModel) => unquote(attr(m.blockAttributes, '@map')?.args ?? m.name);
const columnOf = (f: SchemaField) =>
  unquote(attributeArg(attr(f.attributes, 'map')?.args ?? '', null) ?? f.name);
const listOf = (text: string | undefined) => splitTopLevel((text ?? '').replace(/^\[|\]$/g, ''));
const mapArg = (a: SchemaAttribute | undefined) => {
  const map = a && attributeArg(a.args, 'map');
  return map === undefined ? undefined : unquote(map);
};

function defaultFact(field: SchemaField): string {
  const value = attributeArg(attr(field.attributes, 'default')?.args ?? '', null);
  if (value === undefined || /^(uuid|cuid|nanoid|ulid)\(/.test(value)) return 'none';
  if (value === 'now()') return 'CURRENT_TIMESTAMP';
  if (value === 'autoincrement()') return 'nextval';
  const generated = /^dbgenerated\("(.*)"\)$/s.exec(value);
  if (generated) return generated[1];
  if (value.startsWith('"')) return `'${unquote(value)}'`;
  if (/^-?[\d.]+$/.test(value) || value === 'true' || value === 'false') return value;
  return `'${value}'`; // an enum value
}

/** Facts schema.prisma implies about the PostgreSQL schema (public). */
export function factsFromPrismaSchema(schema: PrismaSchema): Set<string> {
  const facts = new Set<string>();
  const enums = new Map(schema.enums.map((e) => [e.name, e]));
  const models = new Map(schema.models.map((m) => [m.name, m]));
  for (const e of schema.enums) facts.add(`enum ${e.dbName} (${e.values.join(', ')})`);

  for (const model of schema.models) {
    const table = tableOf(model);
    const column = (fieldName: string) => {
      const f = model.fields.find((x) => x.name === fieldName);
      if (!f) throw new Error(`schema.prisma: ${model.name} has no field ${fieldName}`);
      return columnOf(f);
    };
    const indexColumns = (args: string) =>
      listOf(attributeArg(args, 'fields') ?? attributeArg(args, null))
        .map((item) => {
          const [, name, options] = /^(\w+)(?:\((.*)\))?$/.exec(item) ?? [];
          return `${column(name)}${options && /sort:\s*Desc/.test(options) ? ' DESC' : ''}`;
        })
        .join(', ');
    facts.add(`table ${table}`);

    for (const field of model.fields) {
      const target = models.get(field.type);
      if (target) {
        const relation = attr(field.attributes, 'relation');
        const fields = relation && attributeArg(relation.args, 'fields');
        if (!relation || !fields) continue; // the back-relation side has no columns
        const cols = listOf(fields).map(column);
        const refs = listOf(attributeArg(relation.args, 'references')).map((name) =>
          columnOf(target.fields.find((f) => f.name === name)!),
        );
        const onDelete = attributeArg(relation.args, 'onDelete') ?? (field.optional ? 'SetNull' : 'Restrict');
        const onUpdate = attributeArg(relation.args, 'onUpdate') ?? 'Cascade';
        const name = mapArg(relation) ?? `${table}_${cols.join('_')}_fkey`;
        facts.add(
          `foreign key ${name} on ${table} (${cols.join(', ')}) references ${tableOf(target)} (${refs.join(', ')}) ` +
            `on delete ${ACTIONS[onDelete]} on update ${ACTIONS[onUpdate]}`,
        );
        continue;
      }
      const col = columnOf(field);
      const native = field.attributes.find((a) => a.name.startsWith('db.'));
      let type: string;
      if (native) {
        const build = NATIVE_TYPES[native.name.slice(3)];
        if (!build)
          throw new Error(`schema.prisma: native type @${native.name} is not known to schema-facts.ts`);
        type = build(native.args.trim());
      } else if (enums.has(field.type)) {
        type = enums.get(field.type)!.dbName;
      } else {
        type = SCALAR_TYPES[field.type] ?? `unknown type ${field.type}`;
      }
      if (field.list) type += '[]';
      facts.add(
        `column ${table}.${col} ${type} ${field.optional ? 'NULL' : 'NOT NULL'} default ${defaultFact(field)}`,
      );
      const id = attr(field.attributes, 'id');
      if (id) facts.add(`primary key ${mapArg(id) ?? `${table}_pkey`} on ${table} (${col})`);
      const unique = attr(field.attributes, 'unique');
      if (unique) facts.add(`unique index ${mapArg(unique) ?? `${table}_${col}_key`} on ${table} (${col})`);
    }

    for (const block of model.blockAttributes) {
      const cols = () => indexColumns(block.args);
      const plain = () => cols().replace(/ DESC/g, '').split(', ').join('_');
      if (block.name === '@id')
        facts.add(`primary key ${mapArg(block) ?? `${table}_pkey`} on ${table} (${cols()})`);
      if (block.name === '@unique') {
        facts.add(`unique index ${mapArg(block) ?? `${table}_${plain()}_key`} on ${table} (${cols()})`);
      }
      if (block.name === '@index')
        facts.add(`index ${mapArg(block) ?? `${table}_${plain()}_idx`} on ${table} (${cols()})`);
    }
  }
  return facts;
}

const unquoteIdent = (s: string) => s.replace(/"/g, '');

function normalizeDefault(expr: string | null): string {
  if (expr === null) return 'none';
  if (expr.startsWith('nextval(')) return 'nextval';
  return expr.replace(/^\((-?[\d.]+)\)$/, '$1').replace(/::[\w\s."]+(\[\])?$/, '');
}

/** Facts PostgreSQL's catalog reports for the public schema (Prisma's bookkeeping table excluded). */
export async function factsFromDatabase(db: pg.ClientBase): Promise<Set<string>> {
  const facts = new Set<string>();
  const scope = `n.nspname = 'public' AND c.relname <> '_prisma_migrations'`;

  const enums = await db.query<{ name: string; labels: string[] }>(`
    SELECT t.typname AS name, array_agg(e.enumlabel ORDER BY e.enumsortorder)::text[] AS labels
      FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace
     WHERE n.nspname = 'public' GROUP BY t.typname`);
  for (const e of enums.rows) facts.add(`enum ${e.name} (${e.labels.join(', ')})`);

  const columns = await db.query<{
    t: string;
    col: string;
    type: string;
    notnull: boolean;
    def: string | null;
  }>(`
    SELECT c.relname AS t, a.attname AS col, format_type(a.atttypid, a.atttypmod) AS type,
           a.attnotnull AS notnull, pg_get_expr(d.adbin, d.adrelid) AS def
      FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
     WHERE ${scope} AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped`);
  for (const c of columns.rows) {
    facts.add(`table ${c.t}`);
    facts.add(
      `column ${c.t}.${c.col} ${unquoteIdent(c.type)} ${c.notnull ? 'NOT NULL' : 'NULL'} default ${normalizeDefault(c.def)}`,
    );
  }

  const indexes = await db.query<{ t: string; name: string; def: string; uniq: boolean; pk: boolean }>(`
    SELECT c.relname AS t, i.relname AS name, pg_get_indexdef(x.indexrelid) AS def,
           x.indisunique AS uniq, x.indisprimary AS pk
      FROM pg_index x JOIN pg_class c ON c.oid = x.indrelid JOIN pg_class i ON i.oid = x.indexrelid
      JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE ${scope}`);
  for (const i of indexes.rows) {
    const cols = unquoteIdent(/\(([^()]*)\)\s*$/.exec(i.def)?.[1] ?? i.def);
    const kind = i.pk ? 'primary key' : i.uniq ? 'unique index' : 'index';
    facts.add(`${kind} ${i.name} on ${i.t} (${cols})`);
  }

  const fks = await db.query<{
    name: string;
    t: string;
    rt: string;
    cols: string[];
    refs: string[];
    del: string;
    upd: string;
  }>(`
    SELECT k.conname AS name, c.relname AS t, r.relname AS rt, k.confdeltype AS del, k.confupdtype AS upd,
           (SELECT array_agg(a.attname ORDER BY o) FROM unnest(k.conkey) WITH ORDINALITY AS u(num, o)
              JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.num)::text[] AS cols,
           (SELECT array_agg(a.attname ORDER BY o) FROM unnest(k.confkey) WITH ORDINALITY AS u(num, o)
              JOIN pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = u.num)::text[] AS refs
      FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_class r ON r.oid = k.confrelid
      JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE ${scope} AND k.contype = 'f'`);
  for (const f of fks.rows) {
    facts.add(
      `foreign key ${f.name} on ${f.t} (${f.cols.join(', ')}) references ${f.rt} (${f.refs.join(', ')}) ` +
        `on delete ${PG_ACTIONS[f.del]} on update ${PG_ACTIONS[f.upd]}`,
    );
  }
  return facts;
}

/** Human-readable differences; empty when the two agree. */
export function diffFacts(fromSchema: Set<string>, fromDatabase: Set<string>): string[] {
  return [
    ...[...fromSchema]
      .filter((f) => !fromDatabase.has(f))
      .map((f) => `in schema.prisma, not in the database: ${f}`),
    ...[...fromDatabase]
      .filter((f) => !fromSchema.has(f))
      .map((f) => `in the database, not in schema.prisma: ${f}`),
  ].sort();
}
