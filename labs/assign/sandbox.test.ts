/**
 * The sandboxed regrader, tested the way an instructor uses it: real submission files (JSON text, written here by
 * `submission`) through `gradeSubmissions`, hostile ones among them. Harm is checked from outside the sandbox: a file
 * that must not exist afterwards, a local server that must see no connection, a secret in this process's environment
 * that must not appear in any result. Runaway answers never end on their own, so any time limit stops them and the
 * tests assert the recorded outcome, never a duration. Batches share one call (one pool) where their limits agree.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { bookRegistry } from '../catalog';
import { referenceAnswer, variantParams, variantSeed } from '../exercises/grade';
import type { Answer } from '../exercises/types';
import type { Manifest } from './manifest';
import { regradeFolder } from './regrade-folder';
import { gradeSubmissions, type GradedSubmission } from './sandbox';

/**
 * A name swapped for a link between a check by name and the open: `lstat` of a name in this map reports the regular
 * file it maps to (what stood there when checked), while opening the name meets the link that replaced it.
 */
const swappedAfterCheck = vi.hoisted(() => new Map<string, string>());
vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>();
  const lstat = ((file: string, ...rest: unknown[]) => (actual.lstat as (...a: unknown[]) => unknown)(swappedAfterCheck.get(String(file)) ?? file, ...rest)) as typeof actual.lstat;
  return { ...actual, lstat, default: { ...actual, lstat } };
});

const ASSIGNMENT = 'cs451-2026-hw3';
const CODE_A = 'clocks/vector-clock';
const CODE_B = 'dht/jump-hash';
const CHOICE = 'intro/seed-replay';
const NUMERIC = 'intro/count-drops';
const STRUCTURED = 'clocks/vector-timestamp';

const manifest: Manifest = {
  id: ASSIGNMENT,
  title: 'Clocks and hashing',
  exercises: [CHOICE, NUMERIC, STRUCTURED, CODE_A, CODE_B].map((id) => ({ id, points: 2 })),
  due: '2026-12-04T23:59',
  timeZone: 'America/Toronto',
};

type Answers = Record<string, Answer | { answer: Answer; seed: number; best?: number }>;

/** A submission file as the book exports it; `seed` defaults to the assigned one, `best` to 0. */
function submission(learnerId: string | undefined, answers: Answers, extraEntries: Record<string, unknown> = {}): string {
  const entries: Record<string, unknown> = { ...extraEntries };
  if (learnerId !== undefined) entries.learner = { v: 1, learnerId, assignmentId: ASSIGNMENT };
  for (const [exerciseId, given] of Object.entries(answers)) {
    const spec = 'kind' in given ? { answer: given } : given;
    const seed = 'seed' in spec ? spec.seed : variantSeed({ exerciseId, learnerId, assignmentId: ASSIGNMENT });
    const best = 'best' in spec && spec.best !== undefined ? spec.best : 0;
    entries[`exercise:${exerciseId}`] = { v: 1, exerciseId, seed, answer: spec.answer, attempts: 1, best, revealed: false, updatedAt: '2026-11-20T10:00:00.000Z' };
  }
  return JSON.stringify({ format: 'happens-before-progress', version: 1, exportedAt: '2026-11-20T10:00:00.000Z', entries });
}

let reference: (exerciseId: string, learnerId: string) => Answer;
let scratch: string;
let server: net.Server;
let port: number;
let connections = 0;
const SECRET = `env-secret-${process.pid}-never-seen`;

beforeAll(async () => {
  const registry = await bookRegistry();
  reference = (exerciseId, learnerId) => {
    const def = registry.get(exerciseId)!;
    return referenceAnswer(def, variantParams(def, variantSeed({ exerciseId, learnerId, assignmentId: ASSIGNMENT })));
  };
  scratch = mkdtempSync(path.join(os.tmpdir(), 'hb-sandbox-'));
  writeFileSync(path.join(scratch, 'secret.txt'), 'FILE-SECRET-CONTENT');
  process.env.HB_SANDBOX_TEST_SECRET = SECRET;
  server = net.createServer((socket) => {
    connections++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as net.AddressInfo).port;
});

afterAll(() => {
  server?.close();
  delete process.env.HB_SANDBOX_TEST_SECRET;
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

const byFile = (rows: GradedSubmission[], file: string) => rows.find((row) => row.file === file)!;
const scoreOf = (row: GradedSubmission, exerciseId: string) => row.exercises.find((e) => e.exerciseId === exerciseId)!.result.score;
const code = (source: string): Answer => ({ kind: 'code', source });

/**
 * Every way learner code might reach this machine, tried in turn: the names a module sees, the grader's objects'
 * constructors (the classic vm escape), and dynamic import. `getProcess()` returns the first `process` it finds.
 */
const ESCAPES = `
const tried: string[] = [];
function getProcess(): any {
  const routes: (() => any)[] = [
    () => (globalThis as any).process,
    () => (require as any).constructor.constructor('return process')(),
    () => (exports as any).constructor.constructor('return process')(),
    () => (require as any).__proto__.constructor('return process')(),
    () => (Object.getPrototypeOf(async function () {}) as any).constructor('return process')(),
    () => (globalThis as any).constructor.constructor('return process')(),
  ];
  for (const route of routes) {
    try { const p = route(); if (p && typeof p === 'object') return p; } catch (e) { tried.push(String(e)); }
  }
  return undefined;
}
function getGlobal(): any {
  for (const route of [() => (require as any).constructor.constructor('return globalThis')(), () => (exports as any).constructor.constructor('return globalThis')()]) {
    try { const g = route(); if (g) return g; } catch (e) { tried.push(String(e)); }
  }
  return globalThis;
}
function loadModule(name: string): any {
  try { return require(name); } catch (e) { tried.push(String(e)); }
  const p = getProcess();
  try { return p?.getBuiltinModule?.(name); } catch (e) { tried.push(String(e)); }
  try { return p?.mainModule?.require(name); } catch (e) { tried.push(String(e)); }
  return undefined;
}
`;

/** A code answer for CODE_B whose module does `action` when loaded, then exports a wrong jumpHash. */
const hostile = (action: string) => code(`${ESCAPES}\n${action}\nexport function jumpHash(key: bigint, buckets: number): number { return 0; }\n`);

const allText = (rows: GradedSubmission[]) => JSON.stringify(rows);

/** Every file graded under the default limits, in one call: one pool of children, both cores busy to the end. */
let rows: GradedSubmission[];
/** Alongside: one submission answering every code exercise in the book with its reference, graded in the hardened child. */
let everyCode: { manifest: Manifest; row: GradedSubmission };
beforeAll(async () => {
  const registry = await bookRegistry();
  const codeManifest: Manifest = { ...manifest, exercises: registry.list().filter((def) => def.kind === 'code').map((def) => ({ id: def.id, points: 1 })) };
  const answers = Object.fromEntries(codeManifest.exercises.map(({ id }) => [id, reference(id, 'ref')]));
  const [graded, [row]] = await Promise.all([
    gradeSubmissions([...claimFiles(), ...harmFiles(), ...badFiles()], manifest),
    gradeSubmissions([{ name: 'every-code-reference.json', text: submission('ref', answers) }], codeManifest, { concurrency: 1 }),
  ]);
  rows = graded;
  everyCode = { manifest: codeManifest, row };
});

function claimFiles(): { name: string; text: string }[] {
  const right = (learner: string) => Object.fromEntries(manifest.exercises.map(({ id }) => [id, reference(id, learner)]));
  const files = [
    { name: 'alice.json', text: submission('alice', right('alice')) },
    {
      name: 'bob-wrong.json',
      text: submission('bob', {
        [CHOICE]: { answer: { kind: 'choice', selected: ['different'] }, seed: variantSeed({ exerciseId: CHOICE, learnerId: 'bob', assignmentId: ASSIGNMENT }), best: 1 },
        [NUMERIC]: { answer: { kind: 'numeric', value: -1 }, seed: variantSeed({ exerciseId: NUMERIC, learnerId: 'bob', assignmentId: ASSIGNMENT }), best: 1 },
        [STRUCTURED]: { answer: { kind: 'structured', text: '[0, 0, 0]' }, seed: variantSeed({ exerciseId: STRUCTURED, learnerId: 'bob', assignmentId: ASSIGNMENT }), best: 1 },
        [CODE_A]: { answer: code("export function vectorTick(): never { throw new Error('not yet'); }\nexport function vectorReceive(): never { throw new Error('not yet'); }\nexport function compare(): never { throw new Error('not yet'); }\n"), seed: variantSeed({ exerciseId: CODE_A, learnerId: 'bob', assignmentId: ASSIGNMENT }), best: 1 },
        [CODE_B]: { answer: code("export function jumpHash(): never { throw new Error('not yet'); }\n"), seed: variantSeed({ exerciseId: CODE_B, learnerId: 'bob', assignmentId: ASSIGNMENT }), best: 1 },
      }),
    },
    // Carol answers the default variant (seed 0) of the structured exercise, with that variant's right answer.
    { name: 'carol-easy-variant.json', text: submission('carol', { [STRUCTURED]: { answer: reference(STRUCTURED, ''), seed: 0 } }) },
  ];
  return files;
}

describe('regrading: grades for the assigned variant, whatever the file claims', () => {
  it("passes the reference answer of every code exercise in the book: hardening the child's realm leaves the graders working", () => {
    expect(everyCode.manifest.exercises.length).toBeGreaterThanOrEqual(20);
    expect(everyCode.row.exercises.filter((e) => e.result.score !== 1).map((e) => [e.exerciseId, e.result.checks])).toEqual([]);
  });

  it('gives full marks to the reference answers of every kind, two code exercises among them', () => {
    const alice = byFile(rows, 'alice.json');
    expect(alice.problem).toBeUndefined();
    expect(alice.learnerId).toBe('alice');
    expect(alice.exercises.map((e) => [e.exerciseId, e.result.score])).toEqual(manifest.exercises.map(({ id }) => [id, 1]));
  });

  it("ignores the file's best scores: wrong answers claiming 1.0 get 0, with their feedback", () => {
    const bob = byFile(rows, 'bob-wrong.json');
    for (const e of bob.exercises) expect(e.result.score, e.exerciseId).toBe(0);
    for (const e of bob.exercises) expect(e.result.checks.some((c) => !c.passed && c.feedback.length > 0), e.exerciseId).toBe(true);
  });

  it('grades an answer stored for another seed for the assigned seed, and says so', () => {
    const carol = byFile(rows, 'carol-easy-variant.json');
    const graded = carol.exercises.find((e) => e.exerciseId === STRUCTURED)!;
    expect(graded.answeredSeed).toBe(0);
    expect(graded.assignedSeed).toBe(variantSeed({ exerciseId: STRUCTURED, learnerId: 'carol', assignmentId: ASSIGNMENT }));
    expect(graded.result.seed).toBe(graded.assignedSeed);
    expect(graded.result.checks.find((c) => c.name === 'variant')?.feedback).toMatch(/given for variant 0.*graded for variant/);
    // Unanswered exercises are rows too, in manifest order.
    expect(carol.exercises.map((e) => e.exerciseId)).toEqual(manifest.exercises.map(({ id }) => id));
    expect(carol.exercises.find((e) => e.exerciseId === CHOICE)!.result.checks[0].feedback).toBe('No answer was given.');
  });
});

const written = () => path.join(scratch, 'written-by-learner.txt');
const spawned = () => path.join(scratch, 'spawned-by-learner.txt');

function harmFiles(): { name: string; text: string }[] {
  const secretFile = path.join(scratch, 'secret.txt');
  const harm: Record<string, string> = {
    'read-file': `
      const fs = loadModule('fs');
      let got = '';
      for (const f of [${JSON.stringify(secretFile)}, '/etc/hostname']) { try { got += fs?.readFileSync(f, 'utf8'); } catch (e) { tried.push(String(e)); } }
      try { got += String(await import(${JSON.stringify(`file://${secretFile}`)})); } catch (e) { tried.push(String(e)); }
      throw new Error('LEAK:' + got + tried.join('|'));`,
    'write-file': `
      const fs = loadModule('fs');
      try { fs?.writeFileSync(${JSON.stringify(written())}, 'x'); } catch (e) { tried.push(String(e)); }
      throw new Error(tried.join('|'));`,
    spawn: `
      const cp = loadModule('child_process');
      try { cp?.execFileSync('/bin/sh', ['-c', 'echo x > ${spawned()}']); } catch (e) { tried.push(String(e)); }
      try { cp?.spawnSync('/bin/sh', ['-c', 'echo x > ${spawned()}']); } catch (e) { tried.push(String(e)); }
      throw new Error(tried.join('|'));`,
    network: `
      for (const f of [(globalThis as any).fetch, getGlobal()?.fetch]) {
        try { await f?.('http://127.0.0.1:${port}/'); } catch (e) { tried.push(String(e)); }
      }
      const netModule = loadModule('net');
      try {
        await new Promise((resolve, reject) => {
          const socket = netModule.connect(${port}, '127.0.0.1', resolve);
          socket.on('error', reject);
        });
      } catch (e) { tried.push(String(e)); }
      throw new Error(tried.join('|'));`,
    environment: `
      const p = getProcess();
      throw new Error('LEAK:' + JSON.stringify(p?.env ?? {}) + JSON.stringify((globalThis as any).process?.env ?? {}));`,
    'constructor-escape': `
      const leaked = (require as any).constructor.constructor('return process')();
      throw new Error('LEAK:' + JSON.stringify(leaked?.env));`,
  };
  const files = Object.entries(harm).map(([name, action]) => ({ name: `${name}.json`, text: submission(name, { [CODE_B]: hostile(action), [NUMERIC]: reference(NUMERIC, name) }) }));
  // Tampering with built-ins in exercise 1 (its own realm and every grader object it is handed) and exercise 2.
  const tamper = `
    const patch = (target: any) => {
      for (const t of [target, target && Object.getPrototypeOf(target), target?.constructor, target?.constructor?.prototype]) {
        try { t.map = () => []; } catch {}
        try { t.min = () => 1; t.max = () => 1; } catch {}
      }
    };
    patch(Math); patch(Array.prototype); patch(Object.prototype); patch(require); patch(exports);
    try { Math.min = () => 1; (Array.prototype as any).map = () => []; } catch {}
  `;
  files.push({
    name: 'tamperer.json',
    text: submission('tamperer', {
      [CODE_A]: code(`${tamper}\nexport function vectorTick(v: any, n: any) { patch(v); patch(n); return v; }\nexport function vectorReceive(v: any, n: any, m: any) { patch(v); patch(m); return v; }\nexport function compare(a: any, b: any) { patch(a); patch(b); return 'equal'; }\n`),
      [CODE_B]: code(`${tamper}\n${(reference(CODE_B, 'tamperer') as { source: string }).source}`),
      [NUMERIC]: { kind: 'numeric', value: 1e9 },
      [STRUCTURED]: { kind: 'structured', text: '[0]' },
    }),
  });
  files.push({ name: 'zz-after-tamperer.json', text: submission('zz', Object.fromEntries(manifest.exercises.map(({ id }) => [id, reference(id, 'zz')]))) });
  return files;
}

describe('hostile code answers do no harm, and each submission still gets a row', () => {
  it('cannot read a file, write one, start a process, reach the network or read the environment', () => {
    const text = allText(rows);
    expect(text).not.toContain('FILE-SECRET-CONTENT');
    expect(text).not.toContain(os.hostname());
    expect(text).not.toContain(SECRET);
    expect(existsSync(written())).toBe(false);
    expect(existsSync(spawned())).toBe(false);
    expect(connections).toBe(0);
    for (const name of ['read-file', 'write-file', 'spawn', 'network', 'environment', 'constructor-escape']) {
      const row = byFile(rows, `${name}.json`);
      expect(row.problem, name).toBeUndefined();
      expect(scoreOf(row, CODE_B), name).toBe(0);
      expect(scoreOf(row, NUMERIC), name).toBe(1);
    }
    expect(byFile(rows, 'constructor-escape.json').exercises.find((e) => e.exerciseId === CODE_B)!.result.checks[0].feedback).toMatch(/not allowed/);
  });

  it("cannot change the grader's built-ins for its next exercise or for another student", () => {
    const tamperer = byFile(rows, 'tamperer.json');
    expect(scoreOf(tamperer, CODE_A)).toBeLessThan(1);
    expect(scoreOf(tamperer, CODE_B)).toBe(1);
    expect(scoreOf(tamperer, NUMERIC)).toBe(0);
    expect(scoreOf(tamperer, STRUCTURED)).toBe(0);
    const next = byFile(rows, 'zz-after-tamperer.json');
    expect(next.exercises.map((e) => e.result.score)).toEqual([1, 1, 1, 1, 1]);
  });
});

describe('runaway answers are stopped and recorded, and grading goes on', () => {
  it('records the time limit, an exit, a promise that never settles and a huge output as results', async () => {
    const runaway = (learner: string, source: string) => ({ name: `${learner}.json`, text: submission(learner, { [CODE_B]: code(source), [NUMERIC]: reference(NUMERIC, learner) }) });
    const rows = await gradeSubmissions(
      [
        runaway('loop', 'export function jumpHash() { while (true) {} }\n'),
        runaway('loop-at-load', 'while (true) {}\nexport function jumpHash() { return 0; }\n'),
        runaway('exit', 'export function jumpHash() { (globalThis as any).process?.exit(0); throw 7; }\nconst p = (() => { try { return (require as any).constructor.constructor("return process")(); } catch { return undefined; } })();\np?.exit(0);\n'),
        runaway('never-settles', 'await new Promise(() => {});\nexport function jumpHash() { return 0; }\n'),
        runaway('huge-output', "throw new Error('x'.repeat(20_000_000));\nexport function jumpHash() { return 0; }\n"),
        runaway('throws-non-error', 'throw { not: "an error" };\nexport function jumpHash() { return 0; }\n'),
        // Exercise 1 returns, leaving a promise chain that never ends; exercise 2 must not pay for it.
        {
          name: 'spinner.json',
          text: submission('spinner', {
            [CODE_A]: code("const spin = (): Promise<void> => Promise.resolve().then(spin);\nexport function vectorTick(v: any) { spin(); return v; }\nexport function vectorReceive(v: any) { return v; }\nexport function compare() { return 'equal'; }\n"),
            [CODE_B]: reference(CODE_B, 'spinner'),
            [NUMERIC]: reference(NUMERIC, 'spinner'),
          }),
        },
      ],
      manifest,
      { limits: { timeMs: 1500 } },
    );
    const codeB = (file: string) => byFile(rows, file).exercises.find((e) => e.exerciseId === CODE_B)!;
    for (const file of ['loop.json', 'loop-at-load.json', 'never-settles.json']) {
      expect(codeB(file).stopped, file).toBe('time limit');
      expect(codeB(file).result.checks[0].feedback, file).toMatch(/ran for more than 1.5 s/);
    }
    expect(codeB('exit.json').result.score).toBe(0);
    expect(codeB('huge-output.json').result.checks[0].feedback.length).toBeLessThan(2100);
    expect(codeB('throws-non-error.json').result.checks[0].feedback).toMatch(/threw/);
    const spinner = byFile(rows, 'spinner.json');
    expect(scoreOf(spinner, CODE_A)).toBeLessThan(1);
    expect(spinner.exercises.find((e) => e.exerciseId === CODE_B)!.stopped).toBeUndefined();
    expect(scoreOf(spinner, CODE_B)).toBe(1);
    // The exercise after each runaway is graded by a fresh child.
    for (const row of rows) expect(scoreOf(row, NUMERIC), row.file).toBe(1);
  });

  it('records the memory limit when an answer allocates without end', async () => {
    const rows = await gradeSubmissions(
      [{ name: 'hog.json', text: submission('hog', { [CODE_B]: code('const kept: number[][] = [];\nwhile (true) kept.push(new Array(100_000).fill(1));\nexport function jumpHash() { return 0; }\n'), [NUMERIC]: reference(NUMERIC, 'hog') }) }],
      manifest,
      // Far more time than filling the heap takes, so the memory limit is what stops it.
      { limits: { memoryMb: 96, timeMs: 120_000 } },
    );
    const graded = rows[0].exercises.find((e) => e.exerciseId === CODE_B)!;
    expect(graded.stopped).toBe('memory limit');
    expect(graded.result.checks[0].feedback).toMatch(/memory limit \(96 MB\)/);
    expect(scoreOf(rows[0], NUMERIC)).toBe(1);
  });

  it('records the memory limit for memory outside the V8 heap: typed arrays, then a huge string', async () => {
    // At most 2 × the limit is allocated (16 MB at a time, each filled so its pages are resident), then the answer
    // touches its memory in a loop that never ends: only the resident-memory limit can stop it, however fast the
    // machine, and the heap flag alone would let it run into the time limit.
    const typedArrays = 'const kept: Uint8Array[] = [];\nfor (let i = 0; i < 16; i++) { const a = new Uint8Array(16 * 1024 * 1024); a.fill(1); kept.push(a); }\nfor (let round = 0; ; round++) for (const a of kept) a.fill(round & 255);\nexport function jumpHash() { return 0; }\n';
    const hugeString = "const s = 'x'.repeat(2 ** 28);\nlet n = 0;\nfor (;;) n += s.charCodeAt(n % s.length);\nexport function jumpHash() { return n; }\n";
    const rows = await gradeSubmissions(
      [
        { name: 'typed.json', text: submission('typed', { [CODE_B]: code(typedArrays), [NUMERIC]: reference(NUMERIC, 'typed') }) },
        { name: 'string.json', text: submission('string', { [CODE_B]: code(hugeString), [NUMERIC]: reference(NUMERIC, 'string') }) },
      ],
      manifest,
      { limits: { memoryMb: 128, timeMs: 120_000 } },
    );
    for (const row of rows) {
      const graded = row.exercises.find((e) => e.exerciseId === CODE_B)!;
      expect(graded.stopped, row.file).toBe('memory limit');
      expect(graded.result.checks[0].feedback, row.file).toMatch(/memory limit \(128 MB\)/);
      expect(scoreOf(row, NUMERIC), row.file).toBe(1);
    }
  });
});

const markupId = 'evil\u0000\u001b[31m<script>alert(1)</script>\r\n,"=cmd|\' /C calc\'!A0';

function badFiles(): { name: string; text: string }[] {
  const deep = `{"format":"happens-before-progress","version":1,"exportedAt":"2026-11-20T10:00:00.000Z","entries":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
  const huge = `{"format":"happens-before-progress","version":1,"exportedAt":"2026-11-20T10:00:00.000Z","entries":{},"pad":"${'x'.repeat(50 * 1024 * 1024)}"}`;
  const many: Record<string, unknown> = {};
  for (let i = 0; i < 10_000; i++) {
    const exerciseId = `intro/filler-${i}`;
    many[`exercise:${exerciseId}`] = { v: 1, exerciseId, seed: 0, answer: { kind: 'numeric', value: i }, attempts: 1, best: 1, revealed: false, updatedAt: '2026-11-20T10:00:00.000Z' };
  }
  return [
      { name: 'not-json.json', text: 'this is { not json' },
      { name: 'huge.json', text: huge },
      { name: 'deep.json', text: deep },
      { name: 'wrong-format.json', text: JSON.stringify({ format: 'something-else', entries: [] }) },
      { name: 'no-learner.json', text: submission(undefined, {}) },
      { name: 'unknown-exercise.json', text: submission('u1', {}, { 'exercise:intro/no-such-exercise': { v: 1, exerciseId: 'intro/no-such-exercise', seed: 0, answer: { kind: 'numeric', value: 1 }, attempts: 1, best: 1, revealed: false, updatedAt: '2026-11-20T10:00:00.000Z' } }) },
      { name: 'markup-id.json', text: submission(markupId, { [NUMERIC]: reference(NUMERIC, markupId) }) },
      {
        name: 'damaged-entry.json',
        text: submission('dmg', { [CHOICE]: reference(CHOICE, 'dmg') }, { [`exercise:${NUMERIC}`]: { v: 1, exerciseId: NUMERIC, seed: -5, answer: { kind: 'numeric', value: 1 }, attempts: 1, best: 1, revealed: false, updatedAt: 'yesterday' } }),
      },
      { name: 'many-entries.json', text: submission('many', { [NUMERIC]: reference(NUMERIC, 'many') }, many) },
  ];
}

describe('hostile files are rows with a reason', () => {
  it('refuses what is not a progress file, naming why', () => {
    expect(byFile(rows, 'not-json.json').problem).toMatch(/not valid JSON/);
    expect(byFile(rows, 'huge.json').problem).toMatch(/too large/);
    expect(byFile(rows, 'deep.json').problem).toMatch(/nested more than/);
    expect(byFile(rows, 'wrong-format.json').problem).toMatch(/not a Happens-Before progress file/);
    expect(byFile(rows, 'no-learner.json').problem).toMatch(/names no learner/);
    for (const file of ['not-json.json', 'huge.json', 'deep.json', 'wrong-format.json', 'no-learner.json']) expect(byFile(rows, file).exercises).toEqual([]);
  });

  it('grades the rest: an unknown exercise is ignored, an odd learner id is kept as data, 10,000 entries are read', () => {
    const unknown = byFile(rows, 'unknown-exercise.json');
    expect(unknown.problem).toBeUndefined();
    expect(unknown.exercises.map((e) => e.result.score)).toEqual([0, 0, 0, 0, 0]);
    const markup = byFile(rows, 'markup-id.json');
    expect(markup.learnerId).toBe(markupId);
    expect(scoreOf(markup, NUMERIC)).toBe(1);
    expect(JSON.parse(JSON.stringify(markup))).toEqual(markup);
    expect(scoreOf(byFile(rows, 'many-entries.json'), NUMERIC)).toBe(1);
    const damaged = byFile(rows, 'damaged-entry.json');
    expect(scoreOf(damaged, CHOICE)).toBe(1);
    expect(damaged.exercises.find((e) => e.exerciseId === NUMERIC)!.result.checks[0].feedback).toMatch(/^The answer in the file could not be read \(invalid seed/);
    expect(rows.map((row) => row.file)).toEqual([...rows.map((row) => row.file)].sort());
  });
});

describe('determinism', () => {
  it('gives identical output twice, in file-name order, whatever the concurrency (one, or the default when it is not a number)', async () => {
    const small: Manifest = { ...manifest, exercises: [{ id: NUMERIC, points: 1 }, { id: CODE_B, points: 1 }] };
    const files = ['dora', 'eve', 'al'].map((learner, i) => ({
      name: `${learner}.json`,
      text: submission(learner, i % 2 === 0 ? { [NUMERIC]: reference(NUMERIC, learner), [CODE_B]: reference(CODE_B, learner) } : { [NUMERIC]: { kind: 'numeric', value: 3 }, [CODE_B]: code('export const jumpHash = 1;\n') }),
    }));
    const once = await gradeSubmissions(files, small, { concurrency: 1 });
    const twice = await gradeSubmissions([...files].reverse(), small, { concurrency: Number.NaN });
    expect(once.map((row) => row.file)).toEqual(['al.json', 'dora.json', 'eve.json']);
    expect(once[0].exercises.map((e) => e.result.score)).toEqual([1, 1]);
    expect(JSON.stringify(twice)).toBe(JSON.stringify(once));
  });
});

describe('regrading a folder', () => {
  it('grades its .json files, makes a row of each one it cannot read, and lists what it ignored', async () => {
    const dir = path.join(scratch, 'class');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'b-student.json'), submission('b', { [NUMERIC]: reference(NUMERIC, 'b') }));
    writeFileSync(path.join(dir, 'README.txt'), 'notes');
    writeFileSync(path.join(dir, '.hidden.json'), '{}');
    mkdirSync(path.join(dir, 'a-folder.json'));
    symlinkSync(path.join(scratch, 'secret.txt'), path.join(dir, 'c-link.json'));
    writeFileSync(path.join(dir, 'd-huge.json'), '');
    truncateSync(path.join(dir, 'd-huge.json'), 64 * 1024 * 1024);
    writeFileSync(path.join(dir, 'e-empty.json'), '');
    const { submissions, ignored } = await regradeFolder(dir, manifest);
    expect(ignored).toEqual(['.hidden.json', 'README.txt']);
    expect(submissions.map((row) => [row.file, row.problem?.slice(0, 24)])).toEqual([
      ['a-folder.json', 'This is not a regular fi'],
      ['b-student.json', undefined],
      ['c-link.json', 'This is a link, not a su'],
      ['d-huge.json', 'This file is too large t'],
      ['e-empty.json', 'This is not a progress f'],
    ]);
    expect(scoreOf(submissions[1], NUMERIC)).toBe(1);
    expect(allText(submissions)).not.toContain('FILE-SECRET-CONTENT');
  });

  it('never follows a file swapped for a link after the folder was checked, and is not held by a named pipe', async () => {
    const dir = path.join(scratch, 'raced');
    mkdirSync(dir);
    // Another student's submission, outside the folder, that the link would hand in as this file.
    const elsewhere = path.join(scratch, 'elsewhere.json');
    writeFileSync(elsewhere, submission('victim', { [NUMERIC]: reference(NUMERIC, 'victim') }));
    const raced = path.join(dir, 'a-raced.json');
    symlinkSync(elsewhere, raced);
    swappedAfterCheck.set(raced, elsewhere);
    execFileSync('mkfifo', [path.join(dir, 'b-pipe.json')]);
    const { submissions } = await regradeFolder(dir, manifest);
    expect(submissions.map((row) => [row.file, row.problem])).toEqual([
      ['a-raced.json', 'This is a link, not a submission file; copy the file itself into the folder.'],
      ['b-pipe.json', 'This is not a regular file.'],
    ]);
  });
});
