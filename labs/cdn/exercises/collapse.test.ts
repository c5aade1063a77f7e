// Method: every variant's flash crowds are checked to do what the exercise claims: misses overlap while a fetch is
// in flight (the reference collapses at least one request in each run), and the origin answers some fetches with
// errors. The in-flight count is held to the lab's two collapsers: one fetch per key with collapseRequests, more
// with noCollapsing. The reference source passes 10 variants. Wrong collapsers fail with the run, the request or
// the key and the numbers: no collapsing (fetches in flight against the bound, and the totals), answering only the
// first waiter and never clearing the pending entry (requests never answered), one list for all keys (a request
// answered with another key, recorded by the cache), every time in their feedback rounded to a tenth of a millisecond.
// The prompt states the rule the checker holds collapsers to, in the chapter's words.
import { describe, expect, it } from 'vitest';
import { variantParams } from '../../exercises/grade';
import { enumerateSeeds } from '../../exercises/oracle-support';
import { code, describeCodeReferences, gradeText } from '../../exercises/test-support';
import type { Trace } from '../../sim/trace';
import { collapseRequests, noCollapsing, runCdn } from '../edge';
import { collapseExercise, crowdOptions, fetchesInFlight, formatMs, roundTimes, type CollapseParams } from './collapse';

describeCodeReferences([[collapseExercise, 10]]);

describe('request collapsing in flash crowds', () => {
  it('every run collapses, sees origin errors, and the in-flight count separates the lab\'s two collapsers', () => {
    for (const seed of enumerateSeeds(12)) {
      const p = variantParams(collapseExercise, seed) as CollapseParams;
      for (const r of p.runs) {
        const collapsed = runCdn(crowdOptions(r, collapseRequests));
        expect(collapsed.requests.filter((q) => q.outcome === 'collapsed').length, `seed ${r.seed}`).toBeGreaterThan(5);
        expect(collapsed.requests.some((q) => q.outcome === 'error')).toBe(true);
        expect(collapsed.metrics.unanswered).toBe(0);
        expect(fetchesInFlight(collapsed.trace as Trace).most).toBe(1);
        expect(fetchesInFlight(runCdn(crowdOptions(r, noCollapsing)).trace as Trace).most).toBeGreaterThan(1);
      }
    }
  });

  const reference = collapseExercise.kind === 'code' ? collapseExercise.reference(variantParams(collapseExercise, 0)) : '';
  const replace = (from: string, to: string) => {
    expect(reference).toContain(from);
    return reference.replace(from, to);
  };
  const wrong: [string, string, RegExp][] = [
    ['no collapsing', replace('if (waiting !== undefined) return { state: { ...state, [key]: [...waiting, requestId] }, fetch: false };', 'if (waiting !== undefined) return { state: { ...state, [key]: [...waiting, requestId] }, fetch: true };').replace('return { state: rest, answer: answered };', 'return { state: answered.length > 1 ? { ...rest, [key]: answered.slice(1) } : rest, answer: answered.slice(0, 1) };'),
      /one fetch per key in flight: In the flash crowd with seed \d+.*, \w+ had \d+ fetches for \/o\/\d in flight at once \(at \d+(\.\d)? ms\); the bound is one\. Its caches sent \d+ fetches upstream in all, against \d+ with one fetch per key in flight\./],
    ['answering only the first waiter', replace('return { state: rest, answer: answered };', 'return { state: rest, answer: answered.slice(0, 1) };'),
      /every request answered exactly once: In the flash crowd with seed \d+.*, request r\d+ for \/o\/\d at \w+ \([\d.]+ ms\) was never answered; \d+ of \d+ requests were never answered\./],
    ['never clearing the pending entry', replace('return { state: rest, answer: answered };', 'return { state: { ...rest, [key]: [] }, answer: answered };'),
      /every request answered exactly once: In the flash crowd with seed \d+.*was never answered; \d+ of \d+ requests were never answered\./],
    ['one pending list for all keys', `${reference.slice(0, reference.indexOf('// Waiting'))}
export function createCollapser(): Collapser<string[] | null> {
  return {
    name: 'mine',
    init: () => null,
    onMiss: (state, key, requestId) => (state === null ? { state: [requestId], fetch: true } : { state: [...state, requestId], fetch: false }),
    onResponse: (state, key) => ({ state: null, answer: state ?? [] }),
  };
}
`, /every request answered exactly once: In the flash crowd with seed \d+.*: collapser "mine": onResponse\(\/o\/\d\) answered "r\d+", (a request for \/o\/\d|which is not a waiting request)/],
  ];
  it.each(wrong)('%s fails, naming the run and what went wrong', async (_name, source, message) => {
    for (const seed of enumerateSeeds(2)) {
      const result = await gradeText(collapseExercise, seed, code(source));
      expect(result.passed, `seed ${seed}`).toBe(false);
      expect(result.text).toMatch(message);
      expect(result.text, 'every time rounded to a tenth of a millisecond').not.toMatch(/\d\.\d{2,} ?ms/);
    }
  });

  it('rounds every time in feedback to a tenth of a millisecond', async () => {
    // Seed 0's first crowd has a request at 599 ms that the arrival sum makes 599.0000000000001.
    const never = replace('return { state: rest, answer: answered };', 'return { state: { ...rest, [key]: [] }, answer: answered };');
    expect((await gradeText(collapseExercise, 0, code(never))).text).toMatch(/request r\d+ for \/o\/\d at \w+ \(599 ms\) was never answered/);
    expect(roundTimes('at 353.19999999999993 ms, sent at 347.99999999999994 ms (599.0000000000001 ms); 3.25 MB')).toBe('at 353.2 ms, sent at 348 ms (599 ms); 3.25 MB');
    expect([formatMs(0.05), formatMs(12), formatMs(631.5000000000002)]).toEqual(['0.1', '12', '631.5']);
  });

  it('the prompt states the rule the checker enforces: the fetch a request joins, or the one it starts', () => {
    const text = collapseExercise.prompt(variantParams(collapseExercise, 0)).text;
    expect(text).toContain('a request that finds a fetch for its key in flight waits for that fetch and is answered by it (it is *collapsed*); a request that finds none starts a fetch and is answered by that fetch.');
    expect(text).toContain('No request is answered by a fetch sent after it arrived if a fetch was already in flight when it arrived, nor by a fetch sent before it arrived that it did not join.');
    expect(text).not.toMatch(/or sent after it/);
  });

  it('the starter fails both checks', async () => {
    const starter = collapseExercise.kind === 'code' ? collapseExercise.starter(variantParams(collapseExercise, 0)) : '';
    const result = await gradeText(collapseExercise, 0, code(starter));
    expect(result.score).toBe(0);
  });
});
