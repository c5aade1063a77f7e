/**
 * Exercise: where does anycast send a client? A small graph of autonomous systems with link round-trip times,
 * and PoPs announcing one prefix from their own ASes: which PoP does BGP route a client AS to (shortest AS path,
 * RFC 4271 §9.1.2.2 (a), ties to the lowest neighbour AS number, standing in for (f)), and is it the PoP with the
 * lowest RTT? One option per (PoP, yes or no), exactly one right. Graded by the lab's `anycastRouting`; the test
 * holds it to a brute force over every simple path. Variants are drawn so that about half of them send the client
 * somewhere other than the fastest PoP, and the lowest RTT is never tied.
 */
import type { PlotOutput } from '../../display/outputs';
import { defineExercise, type ChoiceOption } from '../../exercises/types';
import { anycastRouting, randomAsGraph, type AnycastRoute, type AsGraph, type Pop } from '../anycast';

export interface AnycastPickParams {
  graph: AsGraph;
  pops: Pop[];
  clientAs: number;
}

/** The lab's route for the variant's client. */
export function clientRoute(p: AnycastPickParams): AnycastRoute {
  return anycastRouting(p.graph, p.pops).find((r) => r.clientAs === p.clientAs) as AnycastRoute;
}

/** The lowest RTT from one AS to another over any path (Dijkstra), to keep the fastest PoP untied. */
function rttTo(graph: AsGraph, from: number, to: number): number {
  const dist = new Map<number, number>(graph.ases.map((a) => [a, Infinity]));
  dist.set(from, 0);
  const open = new Set(graph.ases);
  while (open.size > 0) {
    let u = -1;
    for (const a of open) if (u < 0 || (dist.get(a) as number) < (dist.get(u) as number)) u = a;
    open.delete(u);
    for (const l of graph.links) {
      const v = l.a === u ? l.b : l.b === u ? l.a : undefined;
      if (v !== undefined && (dist.get(u) as number) + l.rttMs < (dist.get(v) as number)) dist.set(v, (dist.get(u) as number) + l.rttMs);
    }
  }
  return dist.get(to) as number;
}

/** The links as the prompt lists them, in order of their lower and then higher AS number. */
function linkLines(graph: AsGraph): string {
  return graph.links
    .map((l) => ({ a: Math.min(l.a, l.b), b: Math.max(l.a, l.b), rttMs: l.rttMs }))
    .sort((x, y) => x.a - y.a || x.b - y.b)
    .map((l) => `- AS ${l.a} — AS ${l.b}: ${l.rttMs} ms`)
    .join('\n');
}

/**
 * The figure's frame, fixed so that label sizes can be reckoned in data units: the narrowest column (390 px) is the
 * tightest case, so labels placed apart there are apart at every wider width too (only x stretches with width).
 */
const FRAME = { xDomain: [-1.35, 1.35], yDomain: [-1.25, 1.3], height: 360, margin: 10, narrowWidth: 390 } as const;
const PX_PER_X = (FRAME.narrowWidth - 2 * FRAME.margin) / (FRAME.xDomain[1] - FRAME.xDomain[0]);
const PX_PER_Y = (FRAME.height - 2 * FRAME.margin) / (FRAME.yDomain[1] - FRAME.yDomain[0]);

/** A box in data units, centre and half-sizes. */
export interface LabelBox { x: number; y: number; halfWidth: number; halfHeight: number }

/**
 * The box a text of `chars` characters takes, centred at (x, y) `dyPx` pixels lower, at `fontPx` with a halo of
 * `haloPx`: an upper bound on glyph widths (0.62 em a character) so that boxes that do not meet here do not meet drawn.
 */
export function textBox(x: number, y: number, chars: number, fontPx: number, haloPx: number, dyPx = 0): LabelBox {
  return {
    x,
    y: y - dyPx / PX_PER_Y,
    halfWidth: (chars * 0.62 * fontPx + 2 * haloPx) / 2 / PX_PER_X,
    halfHeight: (1.2 * fontPx + 2 * haloPx) / 2 / PX_PER_Y,
  };
}

export const boxesMeet = (a: LabelBox, b: LabelBox): boolean =>
  Math.abs(a.x - b.x) < a.halfWidth + b.halfWidth && Math.abs(a.y - b.y) < a.halfHeight + b.halfHeight;

const LINK_FONT_PX = 10;
const NODE_FONT_PX = 12;
const HALO_PX = 1.5;
const NODE_LABEL_DY = -14;
/** Fractions along a link where its RTT may be written, nearest the middle first. */
const LABEL_FRACTIONS = [0.5, 0.42, 0.58, 0.34, 0.66, 0.27, 0.73, 0.21, 0.79];

/**
 * Where to write each link's RTT: a fraction along the link, the same for every variant drawn from the same graph,
 * chosen so that no two RTT labels meet, and, where the graph allows it, none covers an AS's dot or name. A search
 * over the fractions (each link nearest its middle first), backing up when a link has nowhere left to go.
 */
export function placeLinkLabels(
  links: readonly { x1: number; y1: number; x2: number; y2: number; chars: number }[],
  obstacles: readonly LabelBox[],
): LabelBox[] {
  const candidates = links.map((l) => LABEL_FRACTIONS.map((t) => textBox(l.x1 + t * (l.x2 - l.x1), l.y1 + t * (l.y2 - l.y1), l.chars, LINK_FONT_PX, HALO_PX)));
  const search = (avoid: readonly LabelBox[]): LabelBox[] | undefined => {
    const chosen: LabelBox[] = [];
    const open = candidates.map((c) => c.filter((box) => !avoid.some((o) => boxesMeet(box, o))));
    let steps = 0;
    const place = (i: number): boolean => {
      if (i === open.length) return true;
      for (const box of open[i] as LabelBox[]) {
        if (++steps > 50_000) return false;
        if (chosen.some((c) => boxesMeet(c, box))) continue;
        chosen.push(box);
        if (place(i + 1)) return true;
        chosen.pop();
      }
      return false;
    };
    return place(0) ? chosen : undefined;
  };
  const placed = search(obstacles) ?? search([]);
  if (placed === undefined) throw new Error('asGraphFigure: no placement keeps the link labels apart');
  return placed;
}

const ROLE_COLOURS: Record<string, string> = { 'PoP': '#d95f02', 'the client': '#1b9e77', 'transit': '#999999' };

/**
 * The AS graph as a figure: ASes on a circle in order of number, links with their RTTs written along them, PoPs and
 * the client's AS coloured and named. The prompt's list of links is the same information, for reading without it.
 */
export function asGraphFigure(p: AnycastPickParams): PlotOutput {
  const sorted = [...p.graph.ases].sort((a, b) => a - b);
  const at = new Map(sorted.map((asn, i) => {
    const angle = (2 * Math.PI * i) / sorted.length - Math.PI / 2;
    return [asn, { x: Math.round(100 * Math.cos(angle)) / 100, y: Math.round(-100 * Math.sin(angle)) / 100 }];
  }));
  const popAt = new Map(p.pops.map((pop) => [pop.asn, pop.id]));
  const nodes = sorted.map((asn) => ({
    ...(at.get(asn) as { x: number; y: number }),
    label: popAt.has(asn) ? `AS ${asn}: ${popAt.get(asn)}` : asn === p.clientAs ? `AS ${asn}: client` : `AS ${asn}`,
    role: popAt.has(asn) ? 'PoP' : asn === p.clientAs ? 'the client' : 'transit',
  }));
  const ends = p.graph.links.map((l) => {
    const a = at.get(Math.min(l.a, l.b)) as { x: number; y: number };
    const b = at.get(Math.max(l.a, l.b)) as { x: number; y: number };
    return { x1: a.x, y1: a.y, x2: b.x, y2: b.y, rtt: `${l.rttMs} ms` };
  });
  const obstacles = nodes.flatMap((n) => [
    { x: n.x, y: n.y, halfWidth: 9 / PX_PER_X, halfHeight: 9 / PX_PER_Y },
    textBox(n.x, n.y, n.label.length, NODE_FONT_PX, HALO_PX, NODE_LABEL_DY),
  ]);
  const boxes = placeLinkLabels(ends.map((e) => ({ ...e, chars: e.rtt.length })), obstacles);
  const round = (v: number) => Math.round(1000 * v) / 1000;
  const links = ends.map((e, i) => ({ ...e, mx: round((boxes[i] as LabelBox).x), my: round((boxes[i] as LabelBox).y) }));
  const roles = Object.keys(ROLE_COLOURS);
  return {
    kind: 'plot',
    marks: [
      { mark: 'link', data: links, options: { x1: 'x1', y1: 'y1', x2: 'x2', y2: 'y2', stroke: '#bbbbbb', strokeWidth: 1.5 } },
      // Each RTT on a white halo, where placeLinkLabels found room for it; the halo hides the links it crosses.
      { mark: 'text', data: links, options: { x: 'mx', y: 'my', text: 'rtt', fill: '#333333', stroke: 'white', strokeWidth: 2 * HALO_PX + 1, paintOrder: 'stroke', fontSize: LINK_FONT_PX } },
      { mark: 'dot', data: nodes, options: { x: 'x', y: 'y', fill: 'role', r: 7, stroke: 'white', strokeWidth: 1.5 } },
      { mark: 'text', data: nodes, options: { x: 'x', y: 'y', text: 'label', dy: NODE_LABEL_DY, fontSize: NODE_FONT_PX, fontWeight: 'bold', fill: '#222222', stroke: 'white', strokeWidth: 3, paintOrder: 'stroke' } },
    ],
    options: {
      x: { axis: null, domain: [...FRAME.xDomain] },
      y: { axis: null, domain: [...FRAME.yDomain] },
      marginTop: FRAME.margin,
      marginBottom: FRAME.margin,
      marginLeft: FRAME.margin,
      marginRight: FRAME.margin,
      color: { domain: roles, range: roles.map((r) => ROLE_COLOURS[r]), legend: true },
      height: FRAME.height,
    },
    caption: `The AS graph: each link with its round-trip time. Orange ASes host a PoP; the green one is the client's, AS ${p.clientAs}.`,
  };
}

const optionId = (pop: string, fastest: boolean) => `${pop}:${fastest ? 'fastest' : 'slower'}`;

export const anycastPick = defineExercise({
  id: 'cdn/anycast-pick',
  title: 'Which PoP does anycast pick?',
  kind: 'choice',
  multiple: false,
  generate(rng): AnycastPickParams {
    const wantDetour = rng.chance(0.5);
    for (;;) {
      const { graph, pops } = randomAsGraph({ seed: rng.int(1, 1_000_000_000), ases: 7, extraLinks: rng.int(2, 4), pops: 3, rttMsMin: 4, rttMsMax: 60 });
      const hosts = new Set(pops.map((pop) => pop.asn));
      const clients = graph.ases.filter((a) => !hosts.has(a));
      const clientAs = rng.pick(clients);
      const p = { graph: { ases: [...graph.ases], links: graph.links.map((l) => ({ ...l })) }, pops, clientAs };
      const route = clientRoute(p);
      if (route.pop === null || route.asPathLength < 2) continue;
      const rtts = pops.map((pop) => rttTo(graph, clientAs, pop.asn)).sort((a, b) => a - b);
      if ((rtts[1] as number) - (rtts[0] as number) < 3) continue;
      if ((route.pop !== route.fastestPop) === wantDetour) return p;
    }
  },
  prompt: (p) => ({
    text: `Three PoPs announce the same anycast prefix: ${p.pops.map((pop) => `**${pop.id}** from AS ${pop.asn}`).join(', ')}. The ASes are linked as follows (round-trip time of each link):\n\n${linkLines(p.graph)}\n\nEvery AS runs BGP with no policies: it selects the route with the **shortest AS path** among those its neighbours offer (a route already through itself is ignored), and breaks ties by the **lowest neighbour AS number**. A PoP's own AS uses its own route. Which PoP do packets from a client in **AS ${p.clientAs}** reach, and is it the PoP with the lowest round-trip time from AS ${p.clientAs} (over any path, adding link RTTs)?`,
    figures: [asGraphFigure(p)],
  }),
  options: (p) => p.pops.flatMap((pop): ChoiceOption[] => [
    { id: optionId(pop.id, true), label: `${pop.id}, and it is the lowest-RTT PoP` },
    { id: optionId(pop.id, false), label: `${pop.id}, but another PoP has a lower RTT` },
  ]),
  correct: (p) => {
    const route = clientRoute(p);
    return [optionId(route.pop as string, route.pop === route.fastestPop)];
  },
  explain: (p, id) => {
    const route = clientRoute(p);
    const [pop, kind] = id.split(':');
    if (id === optionId(route.pop as string, route.pop === route.fastestPop)) return `Right: the selected path ${route.asPath.join(' → ')} has ${route.asPathLength} AS hops and ${route.rttMs} ms.`;
    if (pop === route.pop) return kind === 'fastest' ? `BGP does pick ${pop}, but ${route.fastestPop} is faster, ${route.fastestRttMs} ms against ${route.rttMs} ms.` : `BGP picks ${pop}, and no PoP is faster: ${route.rttMs} ms is the lowest RTT.`;
    if (pop === route.fastestPop) return `${pop} is the lowest-RTT PoP, but BGP counts AS hops, not milliseconds: its path is not the shortest.`;
    return `BGP does not select a path to ${pop}: count the AS hops from AS ${p.clientAs} to each PoP.`;
  },
  hints: (p) => [`Find the fewest AS hops from AS ${p.clientAs} to any PoP's AS first; only paths of that length compete.`, 'For the RTT, add the link times along each path; the fastest path may take more hops.'],
  solution: (p) => {
    const route = clientRoute(p);
    return {
      text: `**${route.pop}**, ${route.pop === route.fastestPop ? 'which is also the lowest-RTT PoP' : `though **${route.fastestPop}** has a lower RTT`}. BGP selects the path ${route.asPath.map((a) => `AS ${a}`).join(' → ')}: ${route.asPathLength} AS hops, ${route.rttMs} ms. The lowest-RTT path is ${route.fastestPath.map((a) => `AS ${a}`).join(' → ')} to ${route.fastestPop}, ${route.fastestRttMs} ms${route.fastestPath.length - 1 !== route.asPathLength ? `, ${route.fastestPath.length - 1} hops` : ''}. An AS path counts networks crossed, not their distance, so anycast sends clients to the PoP that is near in the routing graph, which need not be the one near in time; operators steer it with peering and path prepending, and measure it.`,
    };
  },
});
