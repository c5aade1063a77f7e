/**
 * Histories and sequential models: the vocabulary shared by the consistency checkers, the replicated stores that
 * record histories, the Jepsen reader and the chapter's figures and exercises.
 *
 * A history is what clients saw, never what replicas did: each operation has an invocation and, if the client
 * learned its outcome, a response. This is the setting of Herlihy and Wing (1990, §2) and of Jepsen's histories:
 *
 * - `ok`: the operation took effect and returned `output`.
 * - `fail`: the operation certainly did not take effect (the system said so before doing anything). A checker
 *   drops it.
 * - `info`: indeterminate. The client never learned the outcome (a timeout, a crash): the operation may or may not
 *   have taken effect, at any time after its invocation, and its output is unknown. A checker treats its response
 *   as arriving at +∞ and may leave it out.
 *
 * A sequential model says what one operation does to a state, in the style of Porcupine's `model.go`: a pure
 * `step(state, input, output)` that answers whether `output` is a legal result of `input` in `state` and, if so,
 * the state after it.
 */

/** Whether the client learned the outcome of an operation; see the module comment. */
export type OpStatus = 'ok' | 'fail' | 'info';

/**
 * One operation as a client saw it.
 *
 * - `id`: unique within its history (the recorders number operations 0, 1, 2, … in invocation order).
 * - `client`: the process that issued it. A client issues one operation at a time (its operations do not overlap),
 *   so a client's operations, by `invokeMs`, are its session order.
 * - `input`: what was asked (the model's input type), e.g. `{ f: 'write', value: 3 }`.
 * - `output`: what came back, for `ok` operations; `undefined` for `fail` and `info`.
 * - `invokeMs`, `returnMs`: global simulated time of the call and of the response. `returnMs` is `undefined` for
 *   `info` (the response never came); for `fail` it is when the refusal arrived. Where times tie, a response at
 *   the instant of another operation's call came first: that operation follows it in real time (the
 *   linearizability checker's module comment says why, and how it reads two operations that take no time).
 */
export interface Operation<I = unknown, O = unknown> {
  id: number;
  client: string;
  input: I;
  output?: O;
  status: OpStatus;
  invokeMs: number;
  returnMs?: number;
}

/** A history: operations in any order (checkers sort by time themselves). */
export type History<I = unknown, O = unknown> = Operation<I, O>[];

/** What `Model.step` answers: whether the output is legal here, and the state after the operation if so. */
export type StepOutcome<S> = { legal: true; state: S } | { legal: false };

/**
 * A sequential specification of a data type.
 *
 * - `init()`: the initial state (a register's may be unset: `undefined` or `null`, as the model documents).
 * - `step(state, input, output)`: is `output` a legal result of `input` applied to `state`, and what state follows.
 *   `output` is `undefined` for an indeterminate (`info`) operation: then any output is allowed and the model
 *   returns the state the operation would leave. Must be pure (never mutate `state`).
 * - `key(state)`: a name for the state in the checkers' caches of explored configurations (Lowe's cache in the
 *   linearizability checker, its like in the sequential one), which prune a path when the same operations were
 *   already placed, leading to a state with the same key. So the key must be injective: different states must give
 *   different keys. If two different states shared a key, the checker would treat the second as already explored and
 *   skip it, and a history that only that state could complete would be reported as a violation (with a constant
 *   key, each set of operations is tried in one state only, so linearizations are missed, and the violation reported
 *   looks like the fault of `step` or of the history when it is the key's). Equal states should also give equal keys
 *   (a canonical form: sorted fields, no incidental order), or the cache never recognises them and the search, still
 *   correct, explores the same futures again and may run out of budget. The default, `JSON.stringify`, is injective
 *   for plain JSON values (no `undefined` fields, `NaN` or `Infinity`, which it writes like other values) and
 *   canonical when equal states are built with their fields in one order.
 * - `partition(history)`: optional P-compositionality (Herlihy and Wing 1990, §3.3 locality; Horn and Kroening
 *   2015): split a history into independent sub-histories (per key) that are checked separately.
 * - `describeOperation(input, output)`, `describeState(state)`: plain words for explanations and figures,
 *   e.g. `write 3`, `read → 1`, `value 3`.
 */
export interface Model<S = unknown, I = unknown, O = unknown> {
  name: string;
  init(): S;
  step(state: S, input: I, output: O | undefined): StepOutcome<S>;
  key?(state: S): string;
  partition?(history: History<I, O>): History<I, O>[];
  describeOperation(input: I, output: O | undefined): string;
  describeState(state: S): string;
  /**
   * Optional: true when the operation, in every state where `step` finds it legal, leaves that state unchanged (a
   * read, a compare-and-set that answered false). The linearizability checker then places such an operation as
   * soon as it is legal and never backtracks over that choice, which is sound only if this holds in every state.
   * Leave it out when unsure: the checker is then slower, never wrong.
   */
  readOnly?(input: I, output: O | undefined): boolean;
}
