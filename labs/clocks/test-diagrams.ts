/** Small hand-drawn diagrams shared by the clocks tests. */
import type { ProcessEvent } from './causality';

/** p sends to q, q answers: p1 local, p2 send, q1 local, q2 receive p2, q3 send, p3 receive q3. */
export const pingPong: ProcessEvent[] = [
  { id: 'p1', node: 'p', index: 1, kind: 'local' },
  { id: 'p2', node: 'p', index: 2, kind: 'send' },
  { id: 'p3', node: 'p', index: 3, kind: 'receive', from: 'q3' },
  { id: 'q1', node: 'q', index: 1, kind: 'local' },
  { id: 'q2', node: 'q', index: 2, kind: 'receive', from: 'p2' },
  { id: 'q3', node: 'q', index: 3, kind: 'send' },
];
