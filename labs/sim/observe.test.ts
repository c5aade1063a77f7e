// Method: run the same seeded system twice, once observed and once not, and compare: the observer must see
// exactly the reply events of the recorded trace (response, node, time, order) and leave the run byte-identical.
import { describe, expect, it } from 'vitest';
import { observeReplies } from './observe';
import { Simulation } from './simulation';
import { scripted } from './test-behaviors';
import type { Intervention } from './interventions';
import type { NodeBehavior } from './types';

// An echo server that answers each request after a network round trip through a peer, and a peer that bounces.
const server = scripted<string>({
  request: (input) => [{ type: 'send', to: 'b', message: String(input.request) }],
  message: (input) => [{ type: 'reply', response: { echoed: input.message } }],
});
const bouncer = scripted<string>({ message: (input) => [{ type: 'send', to: input.from, message: `${input.message}!` }] });
const interventions: Intervention[] = Array.from({ length: 20 }, (_, i) => ({ atMs: 5 * i, kind: 'request', node: 'a', request: `r${i}` }));

describe('observeReplies', () => {
  it('reports every reply the trace records, in order, and changes nothing else', () => {
    const plain = new Simulation({ seed: 5, nodes: { a: server, b: bouncer }, interventions });
    plain.runUntil(1000);
    const seen: { response: unknown; node: string; atMs: number }[] = [];
    const nodes = observeReplies<unknown, string>({ a: server as NodeBehavior<unknown, string>, b: bouncer as NodeBehavior<unknown, string> }, (response, node, atMs) => seen.push({ response, node, atMs }));
    const observed = new Simulation({ seed: 5, nodes, interventions });
    observed.runUntil(1000);
    expect(JSON.stringify(observed.trace())).toBe(JSON.stringify(plain.trace()));
    const replies = plain.trace().events.filter((e) => e.kind === 'reply');
    expect(replies).toHaveLength(20);
    expect(seen).toEqual(replies.map((e) => ({ response: (e as { response: unknown }).response, node: e.node, atMs: e.t })));
  });

  it('keeps a behavior shared by several nodes shared', () => {
    const nodes = observeReplies({ a: server, b: server, c: bouncer }, () => {});
    expect(nodes.a).toBe(nodes.b);
    expect(nodes.a).not.toBe(nodes.c);
  });
});
