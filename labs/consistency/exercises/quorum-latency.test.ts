// Method: the reference passes every variant; over 2,000 seeds the grader accepts exactly the latency an oracle
// recomputes another way (the first reply time by which at least k replies have arrived, found by counting rather
// than sorting) and no other reply time; every listed mistake gets its own feedback.
import { describe, expect, it } from 'vitest';
import { grade, variantParams } from '../../exercises/grade';
import { MARKDOWN_IN_FEEDBACK, enumerateSeeds, feedbackTexts } from '../../exercises/oracle-support';
import { gradeText, itExplainsEveryMistake, itPassesEveryVariant, numeric } from '../../exercises/test-support';
import { quorumLatency, type QuorumLatencyParams } from './quorum-latency';

const SEEDS = enumerateSeeds(2000);

/** The earliest reply time t such that at least k replies have arrived by t. */
function oracleLatency(latencies: number[], k: number): number {
  return Math.min(...latencies.filter((t) => latencies.filter((u) => u <= t).length >= k));
}

describe('Dynamo §4.5 quorum latency: an operation ends at its R-th (or W-th) reply', () => {
  itPassesEveryVariant([quorumLatency]);
  itExplainsEveryMistake([quorumLatency], SEEDS.slice(0, 500));

  it('exactly one reply time passes on each of 2,000 variants: the oracle\'s', async () => {
    const ops = new Set<string>();
    for (const [i, seed] of SEEDS.entries()) {
      const p = variantParams(quorumLatency, seed) as QuorumLatencyParams;
      ops.add(p.op);
      expect(new Set(p.latenciesMs).size).toBe(p.n);
      const oracle = oracleLatency(p.latenciesMs, p.op === 'read' ? p.r : p.w);
      expect((await grade(quorumLatency, seed, numeric(oracle))).passed, `seed ${seed}`).toBe(true);
      if (i % 10 !== 0) continue;
      for (const t of [...p.latenciesMs, oracle - 1, oracle + 1]) {
        expect((await grade(quorumLatency, seed, numeric(t))).passed, `seed ${seed}: ${t}`).toBe(t === oracle);
      }
    }
    expect(ops).toEqual(new Set(['read', 'write']));
  });

  it('waiting for every replica, the fastest reply and the mean are each explained; a unit is accepted', async () => {
    let seen = 0;
    for (const seed of SEEDS.slice(0, 200)) {
      const p = variantParams(quorumLatency, seed) as QuorumLatencyParams;
      const k = p.op === 'read' ? p.r : p.w;
      if (k === 1 || k === p.n) continue;
      seen++;
      expect((await gradeText(quorumLatency, seed, numeric(Math.max(...p.latenciesMs)))).text).toContain('slowest replica');
      expect((await gradeText(quorumLatency, seed, numeric(Math.min(...p.latenciesMs)))).text).toContain('fastest reply');
      const answer = oracleLatency(p.latenciesMs, k);
      expect((await grade(quorumLatency, seed, { kind: 'numeric', value: `${answer} ms` })).passed).toBe(true);
    }
    expect(seen).toBeGreaterThan(50);
  });

  it('the prompt states N, R, W, the operation and every reply time; feedback has no markdown', () => {
    for (const seed of SEEDS.slice(0, 100)) {
      const p = variantParams(quorumLatency, seed) as QuorumLatencyParams;
      const text = quorumLatency.prompt(p).text;
      expect(text).toContain(`N = ${p.n}`);
      expect(text).toContain(`R = ${p.r} and W = ${p.w}`);
      for (const t of p.latenciesMs) expect(text).toContain(`: ${t} ms`);
      for (const f of feedbackTexts(quorumLatency, p)) expect(f).not.toMatch(MARKDOWN_IN_FEEDBACK);
    }
  });
});
