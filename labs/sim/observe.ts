/**
 * Reading what nodes answer without recording a trace. Large experiments turn trace recording off for speed, yet
 * still need every reply (a lookup's result, a get's value); `observeReplies` wraps their behaviors so that each
 * `reply` effect a step returns is also handed to a callback, with the node that replied and its clock reading.
 * The wrapper changes nothing else: the same states and the same effects, in the same order, so a run with the
 * observer is the run without it. It sits outside the algorithm, as a checker does, never inside a node.
 */
import type { NodeBehavior, NodeId } from './types';

/** Called for every reply, in the order the simulator runs the steps: the response, the node, its clock. */
export type ReplyObserver = (response: unknown, node: NodeId, atMs: number) => void;

/** The same behaviors, each also reporting its replies to `onReply`. Behaviors shared by several nodes stay shared. */
export function observeReplies<S, M>(behaviors: Record<NodeId, NodeBehavior<S, M>>, onReply: ReplyObserver): Record<NodeId, NodeBehavior<S, M>> {
  const wrapped = new Map<NodeBehavior<S, M>, NodeBehavior<S, M>>();
  const wrap = (behavior: NodeBehavior<S, M>): NodeBehavior<S, M> => ({
    init: behavior.init,
    step(state, input, ctx) {
      const result = behavior.step(state, input, ctx);
      for (const effect of result.effects ?? []) if (effect.type === 'reply') onReply(effect.response, ctx.id, ctx.nowMs);
      return result;
    },
  });
  const out: Record<NodeId, NodeBehavior<S, M>> = {};
  for (const [name, behavior] of Object.entries(behaviors)) {
    if (!wrapped.has(behavior)) wrapped.set(behavior, wrap(behavior));
    out[name] = wrapped.get(behavior) as NodeBehavior<S, M>;
  }
  return out;
}
