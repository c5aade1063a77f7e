/**
 * Small behaviors for the simulator's own tests: a node that follows a script and remembers every input it saw.
 *
 * `scripted` builds a behavior from optional handlers per input type; its state is the list of inputs seen (with
 * the node's clock reading at each) plus what `init` was given, so a test can check what a node observed without
 * any checker. Handlers return effects only; the bookkeeping is done here.
 */
import type { Effect, Input, NodeBehavior, NodeId, StepContext } from './types';

/** One input as the node saw it, with its own clock reading at the time. */
export interface SeenInput {
  type: Input<unknown>['type'];
  clockMs: number;
  from?: NodeId;
  message?: unknown;
  msgId?: number;
  name?: string;
  payload?: unknown;
  request?: unknown;
}

export interface ScriptedState {
  /** What `init` got as `ctx.durable` (null when it got nothing). */
  durable: unknown;
  seen: SeenInput[];
}

/** Handlers, each optional, each returning the effects for one input. */
export interface Script<M> {
  start?: (ctx: StepContext, state: ScriptedState) => Effect<M>[];
  message?: (input: Extract<Input<M>, { type: 'message' }>, ctx: StepContext, state: ScriptedState) => Effect<M>[];
  timer?: (input: Extract<Input<M>, { type: 'timer' }>, ctx: StepContext, state: ScriptedState) => Effect<M>[];
  request?: (input: Extract<Input<M>, { type: 'request' }>, ctx: StepContext, state: ScriptedState) => Effect<M>[];
}

function seenInput<M>(input: Input<M>, clockMs: number): SeenInput {
  switch (input.type) {
    case 'message':
      return { type: 'message', clockMs, from: input.from, message: input.message, msgId: input.msgId };
    case 'timer':
      return input.payload === undefined ? { type: 'timer', clockMs, name: input.name } : { type: 'timer', clockMs, name: input.name, payload: input.payload };
    case 'request':
      return { type: 'request', clockMs, request: input.request };
    case 'start':
      return { type: 'start', clockMs };
  }
}

export function scripted<M = unknown>(script: Script<M> = {}): NodeBehavior<ScriptedState, M> {
  return {
    init: (ctx) => ({ durable: ctx.durable ?? null, seen: [] }),
    step(state, input, ctx) {
      const next: ScriptedState = { ...state, seen: [...state.seen, seenInput(input, ctx.nowMs)] };
      let effects: Effect<M>[] | undefined;
      switch (input.type) {
        case 'start':
          effects = script.start?.(ctx, next);
          break;
        case 'message':
          effects = script.message?.(input, ctx, next);
          break;
        case 'timer':
          effects = script.timer?.(input, ctx, next);
          break;
        case 'request':
          effects = script.request?.(input, ctx, next);
          break;
      }
      return { state: next, effects: effects ?? [] };
    },
  };
}

/** Effects that send `count` messages `{ n }` (n from 0) to `to` at once. */
export function sendMany(to: NodeId, count: number): Effect<{ n: number }>[] {
  return Array.from({ length: count }, (_, n) => ({ type: 'send' as const, to, message: { n } }));
}

/**
 * A node that sends `{ n }` to `to` every `everyMs` of its clock (the first at start), forever; a script for
 * partition and crash tests.
 */
export function ticker(to: NodeId, everyMs: number): NodeBehavior<ScriptedState, { n: number }> {
  return scripted<{ n: number }>({
    start: () => [{ type: 'setTimer', name: 'tick', delayMs: 0, payload: 0 }],
    timer: (input) => {
      const n = input.payload as number;
      return [
        { type: 'send', to, message: { n } },
        { type: 'setTimer', name: 'tick', delayMs: everyMs, payload: n + 1 },
      ];
    },
  });
}
