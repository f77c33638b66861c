import { describe, expect, it } from 'vitest';
import { GenerationEvents } from './generation-events.js';

describe('GenerationEvents', () => {
  it('keeps the latest progress and preview of a running generation until it finishes', () => {
    const events = new GenerationEvents();
    events.publish('a', { type: 'progress', step: 1, total: 4, preview: 'p1' });
    events.publish('a', { type: 'progress', step: 2, total: 4 });
    expect(events.latestProgress('a')).toEqual({ step: 2, total: 4 });
    expect(events.latestPreview('a')).toBe('p1');
    events.publish('a', { type: 'finished', status: 'succeeded' });
    expect(events.latestProgress('a')).toBeUndefined();
    expect(events.latestPreview('a')).toBeUndefined();
  });

  it('bounds what it keeps for generations it never sees finish (settled by another replica)', () => {
    const events = new GenerationEvents();
    for (let i = 0; i < 10_050; i++)
      events.publish(`g${i}`, { type: 'progress', step: 1, total: 2, preview: 'x' });
    expect(events.latestProgress('g0')).toBeUndefined();
    expect(events.latestProgress('g10049')).toEqual({ step: 1, total: 2 });
    expect(events.latestPreview('g9000')).toBeUndefined();
    expect(events.latestPreview('g10049')).toBe('x');
  });
});
