// Method: the reference rule passes 60 variants (360 bank runs with FIFO channels, several topologies, concurrent
// and sequential snapshots), graded by the lab's completeness, consistent-cut and conservation checkers. Wrong
// rules fail with feedback that names the run's seed and the property: never recording a channel's state (money
// destroyed), recording the marker's own channel too (the snapshot never completes), not recording the state at the
// first marker (never completes), and a wrong shape of answer. Every variant includes concurrent snapshots.
import { describe, expect, it } from 'vitest';
import { variantParams } from '../../exercises/grade';
import { enumerateSeeds } from '../../exercises/oracle-support';
import { code, describeCodeReferences, gradeText } from '../../exercises/test-support';
import { markerRuleExercise, type MarkerRuleParams } from './marker-rule';

describeCodeReferences([[markerRuleExercise, 60]]);

const reference = () => (markerRuleExercise.kind === 'code' ? markerRuleExercise.reference(variantParams(markerRuleExercise, 0)) : '');
const withBody = (body: string) => `${reference().slice(0, reference().indexOf('export function markerRule'))}export function markerRule(view: MarkerView, from: string): MarkerAnswer {\n${body}\n}\n`;

describe('Chandy and Lamport 1985 §3.2: wrong marker receiving rules fail, naming the run', () => {
  const seeds = enumerateSeeds(4);

  it('every variant runs concurrent snapshots on at least three topologies', () => {
    for (const seed of enumerateSeeds(200)) {
      const p = variantParams(markerRuleExercise, seed) as MarkerRuleParams;
      expect(p.runs.some((r) => r.snapshots.length === 2 && Math.abs((r.snapshots[1]?.atMs ?? 0) - (r.snapshots[0]?.atMs ?? 0)) <= 5)).toBe(true);
      expect(new Set(p.runs.map((r) => r.topology)).size).toBeGreaterThanOrEqual(3);
    }
  });

  it('the starter, which never records a channel, destroys money in a named run', async () => {
    const starter = markerRuleExercise.kind === 'code' ? markerRuleExercise.starter(variantParams(markerRuleExercise, 0)) : '';
    for (const seed of seeds) {
      const result = await gradeText(markerRuleExercise, seed, code(starter));
      expect(result.passed).toBe(false);
      expect(result.text).toContain('Case "the first marker, two other incoming channels"');
      expect(result.text).toMatch(/the money is conserved: In the run with seed \d+ .*: snapshot s\d records \d+ .* it destroys \d+/);
      expect(result.text).not.toContain('every node completes its part:');
    }
  });

  it('recording the marker\'s own channel too leaves the snapshot incomplete', async () => {
    const body = '  if (!view.recorded) return { recordState: true, recording: [...view.incoming] };\n  return { recordState: false, recording: view.recording.filter((n) => n !== from) };';
    for (const seed of seeds.slice(0, 2)) {
      const result = await gradeText(markerRuleExercise, seed, code(withBody(body)));
      expect(result.passed).toBe(false);
      expect(result.text).toMatch(/every node completes its part: In the run with seed \d+.*never completed/);
      expect(result.text).toContain('no second marker will ever come on the channel the first one arrived on');
    }
  });

  it('not recording the state at the first marker never completes', async () => {
    const body = '  return { recordState: false, recording: view.recording.filter((n) => n !== from) };';
    const result = await gradeText(markerRuleExercise, seeds[0] as number, code(withBody(body)));
    expect(result.passed).toBe(false);
    expect(result.text).toContain('Case "the first marker, two other incoming channels"');
    expect(result.text).toMatch(/every node completes its part: In the run with seed \d+/);
  });

  it('an answer of the wrong shape is named with the call that gave it', async () => {
    const result = await gradeText(markerRuleExercise, seeds[0] as number, code(withBody("  return { recordState: 'yes', recording: [] } as never;")));
    expect(result.passed).toBe(false);
    expect(result.text).toContain("returned recordState \"yes\"; it must be true or false");
    const again = await gradeText(markerRuleExercise, seeds[0] as number, code(withBody('  return { recordState: true, recording: [] };')));
    expect(again.text).toContain('asked to record the state again');
  });
});
