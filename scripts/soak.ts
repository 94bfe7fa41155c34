/**
 * Soak: many users against the real bridge (real codex app-server per user, response validation on) and the
 * scripted fake model, for a bounded time, with faults injected: clients that hang up mid-stream and codex
 * processes killed with SIGKILL. At the end it checks, prints figures, and exits non-zero on any violation:
 *
 * - every turn a client saw complete (SSE `turn.completed` status completed, or a 200 JSON with status
 *   completed) is in `/history` of its thread (data lost must be 0);
 * - no error that the injected faults do not explain;
 * - the server still answers `/status`;
 * - file descriptors (/proc/self/fd) and RSS at the end within a bound relative to the start, and the fds back
 *   to their count before the bridge started once it stopped;
 * - no orphan: every app-server seen, and everything below it, is gone after the bridge stopped.
 *
 *   npx tsx scripts/soak.ts                          # 10 minutes, 20 users
 *   npx tsx scripts/soak.ts --minutes 1.5 --users 10 # the CI variant (test/reliability/soak.test.ts)
 *   options: --minutes N --users N --think-ms MIN-MAX --kill-every-s MIN-MAX --kill-busy P (0..1) --seed N
 */
import fs from 'node:fs';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import v8 from 'node:v8';
import vm from 'node:vm';
import { descendantsOf } from '../src/codex/processTree';
import { parseSse, startTestBridge, type SseEvent, type TestBridge } from '../test/support/bridge';
import { startFakeModel, type FakeModel } from '../test/support/fakeModel';

// ---- options -------------------------------------------------------------------------------------------

interface Options {
  minutes: number;
  users: number;
  thinkMs: [number, number];
  killEverySeconds: [number, number];
  /** Chance that a kill picks a codex serving a request or running a turn (the harder case) over any live one. */
  killBusy: number;
  seed: number;
}

function parseRange(value: string, name: string): [number, number] {
  const [low, high] = value.split('-').map(Number);
  if (low === undefined || !Number.isFinite(low) || low < 0) throw new Error(`${name}: expected MIN-MAX, got ${value}`);
  const top = high === undefined || !Number.isFinite(high) ? low : high;
  return [Math.min(low, top), Math.max(low, top)];
}

function parseOptions(argv: string[]): Options {
  const options: Options = {
    minutes: 10,
    users: 20,
    thinkMs: [400, 1600],
    killEverySeconds: [15, 30],
    killBusy: 0.5,
    seed: Date.now() % 1_000_000,
  };
  for (let i = 0; i < argv.length; i += 1) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    i += 1;
    if (flag === '--minutes') options.minutes = Number(value);
    else if (flag === '--users') options.users = Number(value);
    else if (flag === '--think-ms') options.thinkMs = parseRange(value, flag);
    else if (flag === '--kill-every-s') options.killEverySeconds = parseRange(value, flag);
    else if (flag === '--kill-busy') options.killBusy = Number(value);
    else if (flag === '--seed') options.seed = Number(value);
    else throw new Error(`unknown option ${flag}`);
  }
  if (!(options.minutes > 0 && options.minutes <= 120)) throw new Error('--minutes must be in (0, 120]');
  if (!(Number.isInteger(options.users) && options.users >= 1 && options.users <= 100))
    throw new Error('--users must be 1..100');
  if (!(options.killBusy >= 0 && options.killBusy <= 1)) throw new Error('--kill-busy must be in [0, 1]');
  return options;
}

// ---- randomness (seeded, so a run can be repeated) -----------------------------------------------------

let randomState = 1;
function random(): number {
  // mulberry32
  randomState = (randomState + 0x6d2b79f5) | 0;
  let t = Math.imul(randomState ^ (randomState >>> 15), 1 | randomState);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const between = ([low, high]: [number, number]): number => low + random() * (high - low);
const pick = <T>(items: T[]): T | undefined => items[Math.floor(random() * items.length)];
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

// ---- bookkeeping ---------------------------------------------------------------------------------------

type Kind =
  | 'chat_stream_new'
  | 'chat_stream_continue'
  | 'chat_json_new'
  | 'chat_json_continue'
  | 'chat_disconnect'
  | 'history'
  | 'list'
  | 'status';

interface CompletedTurn {
  user: string;
  threadId: string;
  turnId: string;
  prompt: string;
}

interface DisconnectedTurn {
  user: string;
  threadId: string;
  turnId: string;
  prompt: string;
  at: number;
}

interface ErrorRecord {
  user: string;
  kind: Kind;
  what: string;
  start: number;
  end: number;
}

const served = new Map<Kind, number>();
const completedTurns: CompletedTurn[] = [];
const disconnectedTurns: DisconnectedTurn[] = [];
const errors: ErrorRecord[] = [];
const kills: Array<{ user: string; pid: number; at: number }> = [];
/** Per user, successful requests that started after each kill: a kill is survived when its user is served again. */
const lastSuccessAt = new Map<string, number>();
/** pid -> its start time in /proc (field 22), so that a reused pid is not taken for a survivor. */
const seenProcesses = new Map<number, string>();

const count = (kind: Kind): void => void served.set(kind, (served.get(kind) ?? 0) + 1);

function processStartTime(pid: number): string | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

function sameProcessAlive(pid: number, startTime: string): boolean {
  return processStartTime(pid) === startTime;
}

function rememberProcessTree(pid: number | undefined): void {
  if (pid === undefined) return;
  for (const candidate of [pid, ...descendantsOf(pid)]) {
    if (seenProcesses.has(candidate)) continue;
    const started = processStartTime(candidate);
    if (started !== undefined) seenProcesses.set(candidate, started);
  }
}

function fdCount(): number {
  return fs.readdirSync('/proc/self/fd').length;
}

const MiB = 1024 * 1024;

/** A full garbage collection, so that RSS and heap figures compare live memory, not garbage not yet collected. */
v8.setFlagsFromString('--expose-gc');
const collectGarbage = vm.runInNewContext('gc') as () => void;
v8.setFlagsFromString('--no-expose-gc');

function memory(): { rss: number; heap: number } {
  collectGarbage();
  const usage = process.memoryUsage();
  return { rss: usage.rss, heap: usage.heapUsed };
}

// ---- HTTP client ---------------------------------------------------------------------------------------

interface JsonReply {
  status: number;
  body: unknown;
}

/** Every request on its own connection, so that a hang-up never touches another request. */
const agent = new http.Agent({ keepAlive: false });

function send(bridge: TestBridge, method: string, target: string, user: string, body?: unknown): Promise<JsonReply> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request(
      `${bridge.url}${target}`,
      {
        method,
        agent,
        headers: {
          'X-User-Id': user,
          ...(payload ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) } : {}),
        },
        timeout: 120_000,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          let parsed: unknown = text;
          try {
            parsed = text ? JSON.parse(text) : undefined;
          } catch {
            // Not JSON: kept as text for the error report.
          }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('client timeout (120 s)')));
    req.on('error', reject);
    req.end(payload);
  });
}

interface StreamReply {
  status: number;
  events: SseEvent[];
  /** The stream ended with `data: [DONE]`. */
  done: boolean;
  /** We hung up on purpose. */
  hungUp: boolean;
  body: unknown;
}

/** POST /chat with stream true; with `hangUpAfterDeltas`, the client hangs up after that many deltas. */
function streamChat(
  bridge: TestBridge,
  user: string,
  body: Record<string, unknown>,
  hangUpAfterDeltas?: number,
): Promise<StreamReply> {
  return new Promise((resolve, reject) => {
    const payload = JSON.stringify(body);
    let settled = false;
    const req = http.request(
      `${bridge.url}/chat`,
      {
        method: 'POST',
        agent,
        headers: {
          'X-User-Id': user,
          'Content-Type': 'application/json',
          'Content-Length': Buffer.byteLength(payload),
        },
        timeout: 120_000,
      },
      (res) => {
        let buffer = '';
        const events: SseEvent[] = [];
        res.setEncoding('utf8');
        const finish = (hungUp: boolean): void => {
          if (settled) return;
          settled = true;
          events.push(...parseSse(buffer));
          const done = events.at(-1)?.data === '[DONE]';
          let parsedBody: unknown;
          if (res.statusCode !== 200) {
            try {
              parsedBody = JSON.parse(buffer);
            } catch {
              parsedBody = buffer;
            }
          }
          resolve({ status: res.statusCode ?? 0, events, done, hungUp, body: parsedBody });
        };
        res.on('data', (chunk: string) => {
          buffer += chunk;
          const complete = buffer.lastIndexOf('\n\n');
          if (complete >= 0) {
            events.push(...parseSse(buffer.slice(0, complete + 2)));
            buffer = buffer.slice(complete + 2);
          }
          if (
            hangUpAfterDeltas !== undefined &&
            events.filter((event) => event.event === 'message.delta').length >= hangUpAfterDeltas
          ) {
            req.destroy();
            finish(true);
          }
        });
        res.on('end', () => finish(false));
        res.on('error', (error) => (settled ? undefined : reject(error)));
        res.on('close', () => finish(false));
      },
    );
    req.on('timeout', () => req.destroy(new Error('client timeout (120 s)')));
    req.on('error', (error) => (settled ? undefined : reject(error)));
    req.end(payload);
  });
}

function jsonOf(event: SseEvent): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(event.data);
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

const asRecord = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};

// ---- the users -----------------------------------------------------------------------------------------

interface UserState {
  name: string;
  threads: string[];
  /** Threads with a turn the client hung up on: kept out of continues until that turn has ended. */
  cooling: Map<string, number>;
  prompts: number;
}

async function userLoop(bridge: TestBridge, user: UserState, deadline: number, options: Options): Promise<void> {
  while (performance.now() < deadline) {
    await sleep(between(options.thinkMs));
    if (performance.now() >= deadline) break;
    const now = performance.now();
    for (const [thread, until] of user.cooling) if (until <= now) user.cooling.delete(thread);
    const usable = user.threads.filter((thread) => !user.cooling.has(thread));
    const roll = random();
    const newThread = usable.length === 0 || (usable.length < 3 && roll < 0.5) || random() < 0.12;
    const threadId = newThread ? undefined : pick(usable);
    let kind: Kind;
    if (roll < 0.3) kind = threadId ? 'chat_stream_continue' : 'chat_stream_new';
    else if (roll < 0.5) kind = threadId ? 'chat_json_continue' : 'chat_json_new';
    else if (roll < 0.58) kind = 'chat_disconnect';
    else if (roll < 0.78) kind = user.threads.length > 0 ? 'history' : 'list';
    else if (roll < 0.95) kind = 'list';
    else kind = 'status';
    await runAction(bridge, user, kind, threadId);
  }
}

async function runAction(bridge: TestBridge, user: UserState, kind: Kind, threadId: string | undefined): Promise<void> {
  const start = performance.now();
  const fail = (what: string): void => void errors.push({ user: user.name, kind, what, start, end: performance.now() });
  const succeed = (): void => {
    count(kind);
    lastSuccessAt.set(user.name, Math.max(lastSuccessAt.get(user.name) ?? 0, start));
  };
  try {
    if (kind === 'history' || kind === 'list' || kind === 'status') {
      const target =
        kind === 'history'
          ? `/history?thread_id=${encodeURIComponent(pick(user.threads) ?? '')}&limit=5`
          : kind === 'list'
            ? '/threads?limit=10'
            : '/status';
      const reply = await send(bridge, 'GET', target, user.name);
      if (reply.status === 200) succeed();
      else fail(`${target} -> ${reply.status} ${JSON.stringify(reply.body).slice(0, 300)}`);
      return;
    }

    user.prompts += 1;
    const prompt = `${user.name} prompt ${user.prompts}`;
    const body: Record<string, unknown> = {
      messages: [{ content: prompt }],
      ...(threadId ? { thread_id: threadId } : {}),
    };
    if (kind === 'chat_json_new' || kind === 'chat_json_continue') {
      const reply = await send(bridge, 'POST', '/chat', user.name, { ...body, stream: false });
      const result = asRecord(reply.body);
      if (reply.status === 200 && result.status === 'completed') {
        succeed();
        const thread = String(result.thread_id);
        completedTurns.push({ user: user.name, threadId: thread, turnId: String(result.turn_id), prompt });
        if (!user.threads.includes(thread)) user.threads.push(thread);
      } else {
        fail(`POST /chat stream:false -> ${reply.status} ${JSON.stringify(reply.body).slice(0, 300)}`);
      }
      return;
    }

    const hangUp = kind === 'chat_disconnect' ? 1 + Math.floor(random() * 2) : undefined;
    const reply = await streamChat(bridge, user.name, body, hangUp);
    const events = reply.events.filter((event) => event.data !== '[DONE]').map(jsonOf);
    const started = events[0];
    const thread = typeof started?.thread_id === 'string' ? started.thread_id : undefined;
    if (reply.status !== 200 || started?.type !== 'turn.started' || thread === undefined) {
      fail(`POST /chat stream -> ${reply.status} ${JSON.stringify(reply.body ?? events).slice(0, 300)}`);
      return;
    }
    if (!user.threads.includes(thread)) user.threads.push(thread);
    const turnId = String(started.turn_id);
    if (reply.hungUp) {
      succeed();
      disconnectedTurns.push({ user: user.name, threadId: thread, turnId, prompt, at: performance.now() });
      // The turn runs on without us: leave the thread alone for a while (a continue would be a 409).
      user.cooling.set(thread, performance.now() + 5_000);
      return;
    }
    const last = events.at(-1);
    const ids = reply.events.filter((event) => event.id !== undefined).map((event) => Number(event.id));
    const ordered = ids.every((id, index) => id === index + 1);
    if (!reply.done || !ordered) {
      fail(
        `stream ${reply.done ? 'ids not 1..n' : 'did not end with [DONE]'}: ${JSON.stringify(events.slice(-2)).slice(0, 300)}`,
      );
    } else if (last?.type === 'turn.completed' && last.status === 'completed') {
      succeed();
      completedTurns.push({ user: user.name, threadId: thread, turnId, prompt });
    } else {
      fail(`stream ended with ${JSON.stringify(last).slice(0, 300)}`);
    }
  } catch (error) {
    fail(`${kind}: ${(error as Error).message}`);
  }
}

async function killLoop(bridge: TestBridge, users: UserState[], deadline: number, options: Options): Promise<void> {
  while (performance.now() < deadline) {
    await sleep(between([options.killEverySeconds[0] * 1000, options.killEverySeconds[1] * 1000]));
    if (performance.now() >= deadline) break;
    // With --kill-busy odds, a codex in the middle of a request or turn (the harder case), else any live one.
    const live = users.filter((user) => bridge.sessions.peek(user.name)?.pid !== undefined);
    const busy = live.filter((user) => bridge.sessions.peek(user.name)?.busy === true);
    const victim = pick(busy.length > 0 && random() < options.killBusy ? busy : live);
    const pid = victim ? bridge.sessions.peek(victim.name)?.pid : undefined;
    if (!victim || pid === undefined) continue;
    rememberProcessTree(pid);
    try {
      process.kill(pid, 'SIGKILL');
      kills.push({ user: victim.name, pid, at: performance.now() });
    } catch {
      // It ended by itself meanwhile.
    }
  }
}

async function watchProcesses(bridge: TestBridge, users: UserState[], stop: { stopped: boolean }): Promise<void> {
  while (!stop.stopped) {
    for (const user of users) rememberProcessTree(bridge.sessions.peek(user.name)?.pid);
    await sleep(1_000);
  }
}

// ---- the final checks ----------------------------------------------------------------------------------

interface HistoryMessage {
  role: string;
  turn_id: string;
  content: string;
}

async function readHistory(bridge: TestBridge, user: string, threadId: string): Promise<HistoryMessage[] | string> {
  const messages: HistoryMessage[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 1_000; page += 1) {
    const target: string = `/history?thread_id=${encodeURIComponent(threadId)}&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const reply = await send(bridge, 'GET', target, user);
    if (reply.status !== 200) return `GET ${target} -> ${reply.status} ${JSON.stringify(reply.body).slice(0, 200)}`;
    const body = asRecord(reply.body);
    messages.push(...(Array.isArray(body.messages) ? (body.messages as HistoryMessage[]) : []));
    cursor = typeof body.next_cursor === 'string' ? body.next_cursor : null;
    if (!cursor) return messages;
  }
  return 'more than 1000 history pages';
}

function killedAfter(user: string, at: number): boolean {
  return kills.some((kill) => kill.user === user && kill.at >= at);
}

/** An error explained by an injected kill: the request was in flight when its user's codex was killed (or just after). */
function explainedByKill(error: ErrorRecord): boolean {
  return kills.some((kill) => kill.user === error.user && error.start <= kill.at + 3_000 && error.end >= kill.at);
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  randomState = options.seed;
  const violations: string[] = [];
  const fdBeforeStart = fdCount();

  const fake: FakeModel = await startFakeModel({
    defaultReply: { kind: 'text', text: 'a short soak reply', chunks: 4, delayMs: 25 },
  });
  const bridge = await startTestBridge(
    {
      ALLOW_USER_ID_OVERRIDE: 'true',
      MAX_SESSIONS: String(options.users + 5),
      TURN_TIMEOUT_SECONDS: '120',
      LOG_LEVEL: 'silent',
    },
    { fake },
  );

  // The bridge runs in this process: anything that would crash it is recorded (and the soak goes on to report).
  const crashes: string[] = [];
  const recordCrash = (error: unknown): void => {
    crashes.push(error instanceof Error ? `${error.name}: ${error.message}\n${error.stack ?? ''}` : String(error));
  };
  process.on('uncaughtException', recordCrash);
  process.on('unhandledRejection', recordCrash);

  let stopping = false;
  const emergencyStop = (why: string): void => {
    if (stopping) return;
    stopping = true;
    console.error(`soak: ${why}: stopping the bridge`);
    void bridge
      .stop()
      .then(() => fake.close())
      .finally(() => process.exit(2));
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => emergencyStop(signal));
  const parent = process.ppid;
  setInterval(() => (process.ppid !== parent ? emergencyStop('parent gone') : undefined), 1_000).unref();

  const users: UserState[] = Array.from({ length: options.users }, (_, index) => ({
    name: `soak-user-${index + 1}`,
    threads: [],
    cooling: new Map(),
    prompts: 0,
  }));
  const soakStarted = performance.now();
  console.log(`soak: ${options.users} users for ${options.minutes} min against ${bridge.url} (seed ${options.seed})`);

  // Warm-up: every user's codex starts and runs one turn; the resource baseline is taken after it.
  await Promise.all(users.map((user) => runAction(bridge, user, 'chat_json_new', undefined)));
  const fdStart = fdCount();
  const { rss: rssStart, heap: heapStart } = memory();

  const deadline = soakStarted + options.minutes * 60_000;
  const watching = { stopped: false };
  const watcher = watchProcesses(bridge, users, watching);
  // The fake model keeps every request body (each holds codex's whole prompt, tens of KiB): that is the test
  // double's memory, not the bridge's, so it is counted and dropped as the soak goes.
  let modelRequests = 0;
  const trimFake = (): void => {
    modelRequests += fake.requests.length;
    fake.requests.length = 0;
    fake.usages.length = 0;
  };
  const trimmer = setInterval(trimFake, 2_000);
  await Promise.all([
    ...users.map((user) => userLoop(bridge, user, deadline, options)),
    killLoop(bridge, users, deadline, options),
  ]);
  const loadSeconds = (performance.now() - soakStarted) / 1000;

  // Let hung-up turns finish, then one last turn per user on one of its threads: every user, killed or not, is
  // served again, and its threads still continue.
  await sleep(3_000);
  await Promise.all(
    users.map((user) => {
      const threadId = pick(user.threads);
      return runAction(bridge, user, threadId ? 'chat_json_continue' : 'chat_json_new', threadId);
    }),
  );
  clearInterval(trimmer);
  trimFake();
  const fdEnd = fdCount();
  const { rss: rssEnd, heap: heapEnd } = memory();

  const status = await send(bridge, 'GET', '/status', 'default').catch((error: Error) => ({
    status: 0,
    body: error.message,
  }));
  if (status.status !== 200) violations.push(`/status after the load: ${status.status} ${JSON.stringify(status.body)}`);

  // Every completed turn is in its thread's history, with the prompt and an answer.
  const byThread = new Map<string, { user: string; turns: Array<CompletedTurn | DisconnectedTurn> }>();
  for (const turn of [...completedTurns, ...disconnectedTurns]) {
    const entry = byThread.get(turn.threadId) ?? { user: turn.user, turns: [] };
    entry.turns.push(turn);
    byThread.set(turn.threadId, entry);
  }
  let dataLost = 0;
  let disconnectedFinished = 0;
  let disconnectedLost = 0;
  const completedSet = new Set(completedTurns);
  for (const [threadId, { user, turns }] of byThread) {
    const history = await readHistory(bridge, user, threadId);
    if (typeof history === 'string') {
      violations.push(`history of ${threadId} (${user}) unreadable: ${history}`);
      dataLost += turns.filter((turn) => completedSet.has(turn as CompletedTurn)).length;
      continue;
    }
    for (const turn of turns) {
      const mine = history.filter((message) => message.turn_id === turn.turnId);
      const asked = mine.some((message) => message.role === 'user' && message.content === turn.prompt);
      const answered = mine.some((message) => message.role === 'assistant');
      if (completedSet.has(turn as CompletedTurn)) {
        if (!asked || !answered) {
          dataLost += 1;
          if (dataLost <= 10)
            violations.push(
              `completed turn ${turn.turnId} of ${threadId} (${user}) missing from /history (prompt ${asked}, answer ${answered})`,
            );
        }
      } else if (asked && answered) {
        disconnectedFinished += 1;
      } else if (!asked && !killedAfter(user, (turn as DisconnectedTurn).at - 60_000)) {
        disconnectedLost += 1;
        violations.push(`turn ${turn.turnId} (client hung up, no kill) of ${threadId} (${user}) not in /history`);
      }
    }
  }
  if (dataLost > 10) violations.push(`... ${dataLost - 10} more completed turns missing from /history`);

  for (const crash of crashes.slice(0, 3))
    violations.push(`the bridge process would have crashed (uncaught): ${crash.split('\n').slice(0, 6).join(' | ')}`);
  if (crashes.length > 3) violations.push(`... ${crashes.length - 3} more uncaught errors`);
  const unexpected = errors.filter((error) => !explainedByKill(error));
  for (const error of unexpected.slice(0, 15))
    violations.push(`unexpected error (${error.user}, ${error.kind}): ${error.what}`);
  if (unexpected.length > 15) violations.push(`... ${unexpected.length - 15} more unexpected errors`);
  const survivedKills = kills.filter((kill) => (lastSuccessAt.get(kill.user) ?? 0) > kill.at).length;
  if (survivedKills < kills.length)
    violations.push(`${kills.length - survivedKills} killed users were not served again`);

  // Resources, relative to the start.
  const fdBound = fdStart + Math.max(32, options.users * 2);
  if (fdEnd > fdBound)
    violations.push(`file descriptors grew: ${fdStart} at the start, ${fdEnd} at the end (bound ${fdBound})`);
  const rssBound = rssStart * 1.5 + 100 * MiB;
  if (rssEnd > rssBound) {
    violations.push(
      `RSS grew: ${(rssStart / MiB).toFixed(0)} MiB at the start, ${(rssEnd / MiB).toFixed(0)} MiB at the end (bound ${(rssBound / MiB).toFixed(0)} MiB)`,
    );
  }

  // Stop, then nothing the bridge started may be left.
  for (const user of users) rememberProcessTree(bridge.sessions.peek(user.name)?.pid);
  watching.stopped = true;
  await watcher;
  stopping = true;
  await bridge.stop();
  await fake.close();
  agent.destroy();
  const survivorsOf = (): number[] =>
    [...seenProcesses].filter(([pid, started]) => sameProcessAlive(pid, started)).map(([pid]) => pid);
  for (let i = 0; i < 50 && survivorsOf().length > 0; i += 1) await sleep(100);
  const orphans = survivorsOf();
  if (orphans.length > 0) {
    violations.push(`orphan processes after stop: ${orphans.join(', ')}`);
    for (const pid of orphans) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Gone meanwhile.
      }
    }
  }
  await sleep(200);
  const fdAfterStop = fdCount();
  if (fdAfterStop > fdBeforeStart + 8)
    violations.push(`file descriptors left open after stop: ${fdAfterStop}, before start ${fdBeforeStart}`);

  const totalServed = [...served.values()].reduce((sum, value) => sum + value, 0);
  const lines = [
    'SOAK SUMMARY',
    `  load: ${loadSeconds.toFixed(0)} s, ${options.users} users, seed ${options.seed}`,
    `  requests served: ${totalServed} (${[...served]
      .sort()
      .map(([kind, value]) => `${kind} ${value}`)
      .join(', ')})`,
    `  faults injected: codex SIGKILLs ${kills.length} (survived ${survivedKills}: the user was served again), client hang-ups mid-stream ${disconnectedTurns.length} (turn finished anyway ${disconnectedFinished}, lost without a kill ${disconnectedLost})`,
    `  errors: ${errors.length} (explained by a kill ${errors.length - unexpected.length}, unexpected ${unexpected.length}); uncaught in the bridge process: ${crashes.length}`,
    `  completed turns seen by clients: ${completedTurns.length}; found in /history: ${completedTurns.length - dataLost}; data lost: ${dataLost}`,
    `  file descriptors: before start ${fdBeforeStart}, start ${fdStart}, end ${fdEnd} (bound ${fdBound}), after stop ${fdAfterStop}`,
    `  RSS: start ${(rssStart / MiB).toFixed(0)} MiB, end ${(rssEnd / MiB).toFixed(0)} MiB (bound ${(rssBound / MiB).toFixed(0)} MiB); JS heap after GC: start ${(heapStart / MiB).toFixed(0)} MiB, end ${(heapEnd / MiB).toFixed(0)} MiB`,
    `  processes: ${seenProcesses.size} app-server (and descendant) pids seen, orphans after stop ${orphans.length}`,
    `  /status after the load: ${status.status}`,
    `  model requests answered by the fake: ${modelRequests + fake.requests.length}`,
    violations.length === 0 ? 'RESULT: PASS' : `RESULT: FAIL (${violations.length} violations)`,
    ...violations.map((violation) => `  - ${violation}`),
  ];
  console.log(lines.join('\n'));
  process.exit(violations.length === 0 ? 0 : 1);
}

main().catch((error: unknown) => {
  console.error('soak failed:', error);
  process.exit(2);
});
