// Method: the reference passes 25 variants: 120 random cuts of four exchange runs each, half consistent, against
// the definition, and the snapshots Chandy-Lamport records on links that are not FIFO, at least one of them
// inconsistent in every variant (20 variants checked). The drawn cuts are checked against a brute-force oracle (closure under
// happened-before). Wrong tests fail with feedback naming the seed and the cut: comparing whole vectors for
// concurrency, comparing entries within one vector only, the inequality flipped, and always true (the starter).
// The feedback writes each frontier as the record the function received.
import { describe, expect, it } from 'vitest';
import { happensBefore } from '../../clocks/causality';
import { variantParams } from '../../exercises/grade';
import { enumerateSeeds } from '../../exercises/oracle-support';
import { code, describeCodeReferences, gradeText } from '../../exercises/test-support';
import { orphanMessages } from '../checkers';
import { cutTest, drawCuts, nonFifoSnapshots, type CutTestParams } from './cut-test';
import { smallRun } from './small-runs';

describeCodeReferences([[cutTest, 25]]);

const reference = () => (cutTest.kind === 'code' ? cutTest.reference(variantParams(cutTest, 0)) : '');
const withBody = (body: string) => `${reference().slice(0, reference().indexOf('export function isConsistent'))}export function isConsistent(frontier: Record<string, Vector>): boolean {\n  const nodes = Object.keys(frontier);\n${body}\n}\n`;

describe('Mattern 1989: consistency from the frontier\'s vector timestamps', () => {
  it('drawn cuts are balanced and their verdicts agree with closure under happened-before; every variant has an inconsistent snapshot', () => {
    for (const seed of enumerateSeeds(20)) {
      const p = variantParams(cutTest, seed) as CutTestParams;
      for (const x of p.exchanges) {
        const { events } = smallRun(x.seed, 5, ['a', 'b', 'c', 'd'].slice(0, x.nodes));
        const hb = happensBefore(events);
        const cuts = drawCuts(x);
        expect(cuts.filter((c) => c.consistent).length).toBe(15);
        expect(cuts.filter((c) => !c.consistent).length).toBe(15);
        for (const { cut, consistent } of cuts) {
          const inside = (e: { node: string; index: number }) => e.index <= (cut[e.node] ?? 0);
          const closed = events.every((f) => !inside(f) || events.every((e) => !hb(e.id, f.id) || inside(e)));
          expect(closed, `seed ${x.seed} cut ${JSON.stringify(cut)}`).toBe(consistent);
        }
      }
      expect(p.snapshotRuns.some((r) => nonFifoSnapshots(r).some((s) => orphanMessages(s).length > 0))).toBe(true);
    }
  });

  const seeds = enumerateSeeds(4);
  const wrong: [string, string, RegExp][] = [
    ['comparing whole vectors for concurrency', "  const leq = (x: Vector, y: Vector) => nodes.every((n) => (x[n] ?? 0) <= (y[n] ?? 0));\n  return nodes.every((p) => nodes.every((q) => p === q || !(leq(frontier[p], frontier[q]) && !leq(frontier[q], frontier[p]))));", /Case "one node knows of the other"/],
    ['comparing entries within one vector', '  return nodes.every((p) => nodes.every((q) => (frontier[p][q] ?? 0) <= (frontier[p][p] ?? 0)));', /Case "a receive without its send"/],
    ['the inequality flipped', '  return nodes.every((p) => nodes.every((q) => (frontier[p][q] ?? 0) >= (frontier[q][q] ?? 0)));', /Case "a message in flight"/],
    ['always true', '  return true;', /Case "a receive without its send"/],
  ];
  it.each(wrong)('%s fails, with a named cut of a named run', async (_name, body, singleCase) => {
    for (const seed of seeds) {
      const result = await gradeText(cutTest, seed, code(withBody(body)));
      expect(result.passed, `seed ${seed}`).toBe(false);
      expect(result.text).toMatch(singleCase);
      expect(result.text).toMatch(/random cuts of the exchange: In the exchange with seed \d+ \(\d nodes\), the cut \[[\d, ]+\] .* your test returned (true|false)\./);
    }
  });

  it('a test that accepts every cut is also caught on a snapshot recorded without FIFO', async () => {
    const result = await gradeText(cutTest, 0, code(withBody('  return true;')));
    expect(result.text).toMatch(/snapshots without FIFO: In the run with seed \d+ .*overtook the marker: sent after \w recorded, received before \w recorded, so the cut is not consistent; your test returned true\./);
  });

  it('feedback writes the frontier as the record the function received, not as arrays', async () => {
    const result = await gradeText(cutTest, 0, code(withBody('  return true;')));
    expect(result.text).toContain('Case "a receive without its send": isConsistent({ a: { a: 1, b: 0 }, b: { a: 2, b: 2 } }) returned true.');
    expect(result.text).toMatch(/has the frontier \{ a: \{ a: \d+, b: \d+, c: \d+/);
    expect(result.text).not.toMatch(/\w: \[\d/);
    // What the feedback prints is what the function was given: the printed text parses back to the same record.
    const printed = /isConsistent\((\{.*?\} \})\) returned/.exec(result.text)?.[1] as string;
    expect(JSON.parse(printed.replace(/(\w+):/g, '"$1":'))).toEqual({ a: { a: 1, b: 0 }, b: { a: 2, b: 2 } });
  });

  it('a non-boolean answer is named', async () => {
    const result = await gradeText(cutTest, 0, code(withBody('  return 1 as never;')));
    expect(result.text).toContain('returned 1; it must return true or false');
  });
});
