import { describe, expect, it } from 'vitest';
import { statementName } from './statement-names.js';

describe('statementName', () => {
  it('names a parameterised statement by its text, the same name every time', () => {
    const a = statementName({ sql: 'SELECT * FROM users WHERE id = $1', args: ['x'] });
    expect(a).toMatch(/^easel_[\w-]{24}$/);
    expect(statementName({ sql: 'SELECT * FROM users WHERE id = $1', args: ['y'] })).toBe(a);
    expect(statementName({ sql: 'SELECT * FROM users WHERE email = $1', args: ['x'] })).not.toBe(a);
  });

  it('leaves statements without parameters unnamed (simple protocol: transaction control, migrations)', () => {
    expect(statementName({ sql: 'BEGIN', args: [] })).toBeUndefined();
    expect(
      statementName({ sql: 'CREATE TABLE a (x int); CREATE TABLE b (y int);', args: [] }),
    ).toBeUndefined();
  });
});
