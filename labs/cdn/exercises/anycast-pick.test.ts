// Method: the grader (the lab's anycastRouting) is held on 1,500 variants to a brute force over every simple path
// from the client's AS: the fewest AS hops to any PoP's AS, ties broken by walking to the lowest-numbered neighbour
// one hop nearer, and the lowest RTT over all paths. Exactly one option is correct in every variant, both answers
// (the fastest PoP, another one) occur, and each wrong option explains itself. The prompt's figure draws the graph,
// and on 400 variants no two of its RTT labels meet at a phone's width (390 px), widths reckoned from characters.
import { describe, expect, it } from 'vitest';
import { grade, variantParams } from '../../exercises/grade';
import { enumerateSeeds, feedbackTexts, MARKDOWN_IN_FEEDBACK } from '../../exercises/oracle-support';
import { choice, itPassesEveryVariant } from '../../exercises/test-support';
import type { AsGraph } from '../anycast';
import { anycastPick, asGraphFigure, clientRoute, type AnycastPickParams } from './anycast-pick';

const SEEDS = enumerateSeeds(1500);

function simplePaths(graph: AsGraph, from: number): { path: number[]; rttMs: number }[] {
  const out: { path: number[]; rttMs: number }[] = [];
  const walk = (path: number[], rttMs: number) => {
    out.push({ path, rttMs });
    const at = path[path.length - 1] as number;
    for (const l of graph.links) {
      const next = l.a === at ? l.b : l.b === at ? l.a : undefined;
      if (next !== undefined && !path.includes(next)) walk([...path, next], rttMs + l.rttMs);
    }
  };
  walk([from], 0);
  return out;
}

function oracle(p: AnycastPickParams): { pop: string; fastest: string } {
  const popAt = new Map(p.pops.map((pop) => [pop.asn, pop.id]));
  const hops = (from: number) => Math.min(...simplePaths(p.graph, from).filter((x) => popAt.has(x.path.at(-1) as number)).map((x) => x.path.length - 1));
  let at = p.clientAs;
  while (!popAt.has(at)) {
    const d = hops(at);
    const neighbours = p.graph.links.flatMap((l) => (l.a === at ? [l.b] : l.b === at ? [l.a] : [])).filter((n) => hops(n) === d - 1);
    at = Math.min(...neighbours);
  }
  const toPops = simplePaths(p.graph, p.clientAs).filter((x) => popAt.has(x.path.at(-1) as number)).sort((a, b) => a.rttMs - b.rttMs);
  return { pop: popAt.get(at) as string, fastest: popAt.get(toPops[0]?.path.at(-1) as number) as string };
}

describe('RFC 4271 §9.1.2.2: anycast follows the shortest AS path, not the lowest RTT', () => {
  itPassesEveryVariant([anycastPick]);

  it('the lab\'s routing agrees with a brute force over simple paths on 1,500 variants', () => {
    let detours = 0;
    for (const seed of SEEDS) {
      const p = variantParams(anycastPick, seed) as AnycastPickParams;
      const route = clientRoute(p);
      const expected = oracle(p);
      expect({ pop: route.pop, fastest: route.fastestPop }, `seed ${seed}`).toEqual(expected);
      if (expected.pop !== expected.fastest) detours++;
      expect(anycastPick.kind === 'choice' && anycastPick.correct(p)).toHaveLength(1);
    }
    expect(detours / SEEDS.length).toBeGreaterThan(0.35);
    expect(detours / SEEDS.length).toBeLessThan(0.65);
  });

  it('every other option fails and says why, without markdown', async () => {
    for (const seed of enumerateSeeds(15)) {
      const p = variantParams(anycastPick, seed) as AnycastPickParams;
      if (anycastPick.kind !== 'choice') throw new Error('choice');
      const right = anycastPick.correct(p)[0];
      for (const option of anycastPick.options(p)) {
        const result = await grade(anycastPick, seed, choice(option.id));
        expect(result.passed).toBe(option.id === right);
        expect(result.checks[0]?.feedback.length).toBeGreaterThan(20);
      }
      for (const text of feedbackTexts(anycastPick, p)) expect(text).not.toMatch(MARKDOWN_IN_FEEDBACK);
    }
  });

  it('the prompt\'s figure draws every AS and link once, and names the PoPs and the client', () => {
    for (const seed of enumerateSeeds(20)) {
      const p = variantParams(anycastPick, seed) as AnycastPickParams;
      const figure = asGraphFigure(p);
      const dots = figure.marks.find((m) => m.mark === 'dot')?.data as { label: string; role: string }[];
      expect(dots).toHaveLength(p.graph.ases.length);
      expect(figure.marks.find((m) => m.mark === 'link')?.data).toHaveLength(p.graph.links.length);
      for (const pop of p.pops) expect(dots.map((d) => d.label)).toContain(`AS ${pop.asn}: ${pop.id}`);
      expect(dots.filter((d) => d.role === 'the client').map((d) => d.label)).toEqual([`AS ${p.clientAs}: client`]);
      expect((figure.options?.color as { domain: string[] }).domain).toEqual(expect.arrayContaining([...new Set(dots.map((d) => d.role))]));
    }
  });

  it('the figure\'s RTT labels never meet at 390 px, on 400 variants (0.6 em a character, 10 px text, 12 px lines)', () => {
    let crossing = 0;
    for (const seed of enumerateSeeds(400)) {
      const p = variantParams(anycastPick, seed) as AnycastPickParams;
      const figure = asGraphFigure(p);
      const options = { marginLeft: 20, marginRight: 20, marginTop: 20, marginBottom: 20, ...(figure.options as { x: { domain: number[] }; y: { domain: number[] }; height: number }) };
      const pxX = (390 - options.marginLeft - options.marginRight) / (options.x.domain[1]! - options.x.domain[0]!);
      const pxY = (options.height - options.marginTop - options.marginBottom) / (options.y.domain[1]! - options.y.domain[0]!);
      const links = figure.marks.find((m) => m.mark === 'link')!.data as { x1: number; y1: number; x2: number; y2: number; mx: number; my: number; rtt: string }[];
      const boxes = links.map((l) => ({ x: l.mx * pxX, y: l.my * pxY, w: l.rtt.length * 6, h: 12 }));
      for (const [i, a] of boxes.entries()) {
        // On its own link, between the ends.
        const l = links[i]!;
        const t = Math.abs(l.x2 - l.x1) > Math.abs(l.y2 - l.y1) ? (l.mx - l.x1) / (l.x2 - l.x1) : (l.my - l.y1) / (l.y2 - l.y1);
        expect(t).toBeGreaterThan(0.15);
        expect(t).toBeLessThan(0.85);
        expect(Math.abs(l.x1 + t * (l.x2 - l.x1) - l.mx) + Math.abs(l.y1 + t * (l.y2 - l.y1) - l.my)).toBeLessThan(0.01);
        for (const b of boxes.slice(i + 1)) {
          const meet = Math.abs(a.x - b.x) < (a.w + b.w) / 2 && Math.abs(a.y - b.y) < (a.h + b.h) / 2;
          expect(meet, `seed ${seed}: "${l.rtt}" at (${l.mx}, ${l.my})`).toBe(false);
        }
      }
      // Links that cross are common, so the test covers the case the labels used to collide in.
      if (links.some((a, i) => links.slice(i + 1).some((b) => segmentsCross(a, b)))) crossing++;
    }
    expect(crossing).toBeGreaterThan(200);
  });
});

function segmentsCross(a: { x1: number; y1: number; x2: number; y2: number }, b: { x1: number; y1: number; x2: number; y2: number }): boolean {
  const side = (px: number, py: number, s: typeof a) => Math.sign((s.x2 - s.x1) * (py - s.y1) - (s.y2 - s.y1) * (px - s.x1));
  return side(b.x1, b.y1, a) * side(b.x2, b.y2, a) < 0 && side(a.x1, a.y1, b) * side(a.x2, a.y2, b) < 0;
}
