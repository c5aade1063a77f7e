/**
 * Exercise: which properties are stable? Chandy and Lamport (1985, "Distributed snapshots: determining global
 * states of distributed systems", §5) built snapshots to detect stable properties: once true, true in every
 * later state, so that a snapshot, whose state may never have occurred but lies between the start and the end of
 * the run in reachability, can report them soundly. Each variant picks a few properties from a fixed list, some
 * stable and some not, each stated with the assumption that decides it (a passive process wakes only on a message;
 * tokens are never created); the learner selects every stable one.
 */
import { defineExercise } from '../../exercises/types';

interface Property {
  id: string;
  label: string;
  stable: boolean;
  /** Why it is or is not stable, shown when the option is selected (plain text). */
  why: string;
}

/** The list variants draw from. Every property states the system's rules it depends on. */
export const PROPERTIES: Property[] = [
  { id: 'terminated', stable: true, label: 'The computation has terminated: every process is passive and no message is in flight.', why: 'A passive process becomes active only by receiving a message, and none is in flight or can be sent by a passive process: nothing can ever happen again.' },
  { id: 'deadlock', stable: true, label: 'p and q are deadlocked: each waits for a resource the other holds, and no message in flight grants either.', why: 'A waiting process releases nothing, so neither wait can end: the cycle persists forever.' },
  { id: 'garbage', stable: true, label: 'Object x is garbage: no process holds a reference to it and none is in flight.', why: 'A reference can only be copied from one that exists; with none held and none in flight, no process can ever reach x again.' },
  { id: 'token-lost', stable: true, label: 'The token is lost: no process holds it and no message in flight carries it (tokens are never created).', why: 'Only a holder can pass the token on, and no one can create one: once it is nowhere, it stays nowhere.' },
  { id: 'sent-five', stable: true, label: 'At least five messages have been sent since the start.', why: 'The number of messages sent only grows: once it reaches five it never falls below.' },
  { id: 'crashed', stable: true, label: 'Process p has crashed (crashed processes never recover).', why: 'With no recovery, a crashed process stays crashed in every later state.' },
  { id: 'all-passive', stable: false, label: 'Every process is passive.', why: 'A message in flight can reach a passive process and make it active again; that is why termination also asks for empty channels.' },
  { id: 'no-message', stable: false, label: 'No message is in flight.', why: 'An active process can send a message at any moment.' },
  { id: 'balance', stable: false, label: 'Bank branch a holds at least 50 coins.', why: 'a can transfer money away at any moment.' },
  { id: 'holds-token', stable: false, label: 'Process p holds the token.', why: 'p can pass the token on.' },
  { id: 'waits', stable: false, label: 'q waits for a resource that p holds.', why: 'p may release the resource (it is not itself waiting), and q then proceeds.' },
  { id: 'in-flight-three', stable: false, label: 'Exactly three messages are in flight.', why: 'Messages arrive and new ones are sent: the count goes up and down.' },
];

export interface StablePropertiesParams {
  /** The ids of the properties shown, in display order. */
  shown: string[];
}

const byId = new Map(PROPERTIES.map((p) => [p.id, p]));
const shownProperties = (p: StablePropertiesParams) => p.shown.map((id) => byId.get(id) as Property);

export const stableProperties = defineExercise({
  id: 'snapshots/stable-properties',
  title: 'Which properties are stable?',
  kind: 'choice',
  multiple: true,
  generate(rng): StablePropertiesParams {
    const stable = rng.shuffle(PROPERTIES.filter((x) => x.stable)).slice(0, rng.int(2, 3));
    const unstable = rng.shuffle(PROPERTIES.filter((x) => !x.stable)).slice(0, rng.int(2, 3));
    return { shown: rng.shuffle([...stable, ...unstable]).map((x) => x.id) };
  },
  prompt: () => ({
    text: 'A property of global states is **stable** if, once it holds, it holds in every state the system can reach from there. A snapshot detects stable properties soundly: the recorded state may never have occurred, but it is reachable from the state when the snapshot began and can reach the state when it ended (Chandy and Lamport 1985). Which of these properties are stable? Select every one that is.',
  }),
  options: (p) => shownProperties(p).map((x) => ({ id: x.id, label: x.label })),
  correct: (p) => shownProperties(p).filter((x) => x.stable).map((x) => x.id),
  explain: (p, id) => {
    const x = byId.get(id);
    if (x === undefined || !p.shown.includes(id)) return '';
    return `${x.stable ? 'Stable' : 'Not stable'}: ${x.why}`;
  },
  hints: () => ['For each property, ask: once it is true, can any event (a send, a receive, a local step) make it false again?'],
  solution: (p) => ({
    text: `${shownProperties(p).map((x) => `- ${x.stable ? '**Stable**' : 'Not stable'}: ${x.label} ${x.why}`).join('\n')}\n\nA snapshot can report a property that is not stable, but the answer may be stale or even describe a state that never occurred; for a stable property, true in the snapshot means true from the snapshot's end on (Chandy and Lamport 1985, §5).`,
  }),
});
