// Lets each test file's worker answer the runner between tests. Vitest's worker reports progress to the main
// process over an RPC channel whose calls time out after a fixed 60 s, not configurable in vitest 3. Our
// simulation tests are synchronous: a file of them can keep the worker's event loop busy for minutes on a slow or
// busy machine, the runner's answer then waits unread past the 60 s, and the run fails although every test passed.
// One turn of the event loop after each test reads the answers, so only a single test longer than 60 s could
// still cause that, and no test here comes near it.
import { afterEach } from 'vitest';

afterEach(() => new Promise<void>((resolve) => setImmediate(resolve)));
