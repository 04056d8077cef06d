// A throwaway single-node KRaft Apache Kafka broker run with the local JDK from Maven Central jars,
// for machines without a Docker engine (see docs/reference/kafka-and-outbox.md, section 1).
// One combined broker+controller with a static voter list, on loopback and on free ports, in a
// fresh temp directory per run, so nothing clashes with a developer's own Kafka.
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { appendFileSync, closeSync, openSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { kafkaClusterId } from './kafka-cluster-id.ts';
import { KAFKA_VERSION } from './kafka-version.ts';
import { waitForBroker } from './kafka-readiness.ts';

const execFileAsync = promisify(execFile);

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TOOLS_DIR = path.join(REPO_ROOT, 'tools', 'kafka-broker');
const HOST = '127.0.0.1';
const MIN_JAVA = 17;
const READY_TIMEOUT_MS = 120_000;
const STOP_GRACE_MS = 15_000;
const LOG_TAIL_LINES = 40;
// A port picked by the OS can be taken again before the JVM binds it; a few fresh tries cure that.
const START_ATTEMPTS = 3;

// Kafka's own G1 settings (bin/kafka-run-class.sh), with a heap sized for a test broker.
const BROKER_JVM_OPTS = [
  '-Xms256m',
  '-Xmx768m',
  '-XX:+UseG1GC',
  '-XX:MaxGCPauseMillis=20',
  '-XX:InitiatingHeapOccupancyPercent=35',
  '-XX:+ExplicitGCInvokesConcurrent',
  '-Djava.awt.headless=true',
];

/** Thrown when this machine lacks what the JVM broker needs; the message says what to install. */
export class KafkaPrerequisiteError extends Error {
  override name = 'KafkaPrerequisiteError';
}

export function prerequisiteError(problem: string, version = KAFKA_VERSION): KafkaPrerequisiteError {
  return new KafkaPrerequisiteError(
    [
      `Kafka integration tests need a Kafka broker and none could be started: ${problem}.`,
      'Fix one of these:',
      `  - install a JDK ${MIN_JAVA}+ and Apache Maven (Debian/Ubuntu: apt-get install openjdk-17-jdk-headless maven),`,
      `    so the tests run Apache Kafka ${version} from its Maven Central jars;`,
      `  - run a Docker engine, so the tests use the apache/kafka:${version} image;`,
      '  - set KAFKA_BROKERS=host:port[,host:port] to use a broker that is already running.',
    ].join('\n'),
  );
}

export interface JvmBroker {
  readonly brokers: string[];
  /** Milliseconds spent per phase, for the one-line startup report. */
  readonly timings: { jarsMs: number; formatMs: number; startMs: number };
  readonly jarsResolved: boolean;
  readonly stop: () => Promise<void>;
}

export async function startJvmBroker(version = KAFKA_VERSION): Promise<JvmBroker> {
  await checkJava(version);
  const jarsStarted = Date.now();
  const { libsDir, resolved } = await ensureKafkaJars(version);
  const jarsMs = Date.now() - jarsStarted;

  for (let attempt = 1; ; attempt++) {
    try {
      const started = await startOnce(libsDir, version);
      return { ...started, timings: { jarsMs, ...started.timings }, jarsResolved: resolved };
    } catch (error) {
      if (!(error instanceof PortClashError) || attempt >= START_ATTEMPTS) throw error;
    }
  }
}

// --- prerequisites -------------------------------------------------------------------------

async function checkJava(version: string): Promise<void> {
  let output: string;
  try {
    // `java -version` writes to stderr.
    const { stdout, stderr } = await execFileAsync('java', ['-version'], { timeout: 30_000 });
    output = stderr + stdout;
  } catch (error) {
    throw prerequisiteError(`\`java -version\` failed (${describeExecError(error)})`, version);
  }
  const match = /version "(\d+)(?:\.(\d+))?/.exec(output);
  const major = match?.[1] === '1' ? Number(match[2]) : Number(match?.[1]);
  if (!Number.isFinite(major) || major < MIN_JAVA) {
    const firstLine = output.split('\n')[0]?.trim() ?? '';
    throw prerequisiteError(`found Java "${firstLine}", need Java ${MIN_JAVA} or newer`, version);
  }
}

async function checkMaven(version: string): Promise<void> {
  try {
    await execFileAsync('mvn', ['-v'], { timeout: 60_000 });
  } catch (error) {
    throw prerequisiteError(`\`mvn -v\` failed (${describeExecError(error)})`, version);
  }
}

function describeExecError(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'code' in error && error.code === 'ENOENT') {
    return 'command not found';
  }
  return error instanceof Error ? error.message.split('\n')[0] ?? error.message : String(error);
}

// --- jars ----------------------------------------------------------------------------------

interface JarsMarker {
  version: string;
  jars: string[];
}

/**
 * Copies the broker's jars into .cache/kafka-<version>/libs once; ~/.m2 is Maven's cache, so a
 * fresh clone on the same machine only copies. A marker written after a successful copy tells a
 * complete folder from one an interrupted run left behind.
 */
async function ensureKafkaJars(version: string): Promise<{ libsDir: string; resolved: boolean }> {
  const versionDir = path.join(REPO_ROOT, '.cache', `kafka-${version}`);
  const libsDir = path.join(versionDir, 'libs');
  const markerFile = path.join(versionDir, 'libs.complete.json');
  if (await jarsComplete(libsDir, markerFile, version)) return { libsDir, resolved: false };

  await checkMaven(version);
  await rm(markerFile, { force: true });
  await rm(libsDir, { recursive: true, force: true });
  console.log(`[kafka] resolving Apache Kafka ${version} jars with Maven into ${path.relative(REPO_ROOT, libsDir)} (once per clone)`);
  try {
    await execFileAsync(
      'mvn',
      [
        '-B',
        '-q',
        '-f',
        path.join(TOOLS_DIR, 'pom.xml'),
        `-Dkafka.version=${version}`,
        // Spelled out in full: Maven 3.8 would otherwise bind an old default plugin version.
        'org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy-dependencies',
        '-DincludeScope=runtime',
        `-DoutputDirectory=${libsDir}`,
      ],
      { timeout: 600_000, maxBuffer: 16 * 1024 * 1024 },
    );
  } catch (error) {
    const output = execOutput(error);
    throw new Error(
      `Resolving Apache Kafka ${version} with Maven failed (is Maven Central reachable, and is ${version} a released version?):\n${tailLines(output, LOG_TAIL_LINES)}`,
      { cause: error },
    );
  }
  const jars = (await readdir(libsDir)).filter((name) => name.endsWith('.jar')).sort();
  if (!jars.includes(`kafka_2.13-${version}.jar`)) {
    throw new Error(`Maven finished but ${libsDir} has no kafka_2.13-${version}.jar`);
  }
  const marker: JarsMarker = { version, jars };
  await writeFile(markerFile, `${JSON.stringify(marker, null, 2)}\n`);
  return { libsDir, resolved: true };
}

async function jarsComplete(libsDir: string, markerFile: string, version: string): Promise<boolean> {
  let marker: JarsMarker;
  try {
    marker = JSON.parse(await readFile(markerFile, 'utf8')) as JarsMarker;
  } catch {
    return false;
  }
  if (marker.version !== version || !Array.isArray(marker.jars) || marker.jars.length === 0) return false;
  const present = new Set(await readdir(libsDir).catch(() => []));
  return marker.jars.every((jar) => present.has(jar));
}

function execOutput(error: unknown): string {
  if (typeof error !== 'object' || error === null) return String(error);
  const { stdout, stderr } = error as { stdout?: unknown; stderr?: unknown };
  const text = [stdout, stderr].filter((part): part is string => typeof part === 'string' && part !== '').join('\n');
  if (text !== '') return text;
  return error instanceof Error ? error.message : 'unknown error';
}

// --- one broker run --------------------------------------------------------------------------

class PortClashError extends Error {}

async function startOnce(
  libsDir: string,
  version: string,
): Promise<Omit<JvmBroker, 'timings' | 'jarsResolved'> & { timings: { formatMs: number; startMs: number } }> {
  const runDir = await mkdtemp(path.join(tmpdir(), 'lpprov-kafka-'));
  // The format tool and the broker: both would outlive an interrupted run.
  const javaProcesses = new Set<ChildProcess>();
  const pidsFile = path.join(runDir, 'java.pids');
  const track = (java: ChildProcess): void => {
    javaProcesses.add(java);
    if (java.pid !== undefined) appendFileSync(pidsFile, `${java.pid}\n`);
  };
  // Covers process.exit() (handlers must be synchronous); the watchdog covers death by a signal.
  const killOnExit = (): void => {
    for (const java of javaProcesses) if (isRunning(java)) java.kill('SIGKILL');
  };
  process.on('exit', killOnExit);
  startWatchdog(runDir, pidsFile);
  const logFile = path.join(runDir, 'broker.log');
  const propertiesFile = path.join(runDir, 'server.properties');
  const classpath = path.join(libsDir, '*'); // java expands the wildcard itself
  const log4jOpt = `-Dlog4j.configuration=${pathToFileURL(path.join(TOOLS_DIR, 'log4j.properties')).href}`;

  const [brokerPort, controllerPort] = await freePorts(2);
  if (brokerPort === undefined || controllerPort === undefined) throw new Error('could not pick free ports');
  await writeFile(propertiesFile, serverProperties({ version, brokerPort, controllerPort, dataDir: path.join(runDir, 'data') }));

  const formatStarted = Date.now();
  try {
    const formatting = execFileAsync(
      'java',
      [
        '-Xmx256m',
        '-cp',
        classpath,
        log4jOpt,
        'kafka.tools.StorageTool',
        'format',
        '--cluster-id',
        kafkaClusterId(),
        '--config',
        propertiesFile,
      ],
      { timeout: 120_000, maxBuffer: 16 * 1024 * 1024 },
    );
    track(formatting.child);
    await formatting;
  } catch (error) {
    process.off('exit', killOnExit);
    await rm(runDir, { recursive: true, force: true });
    throw new Error(`kafka.tools.StorageTool format failed:\n${tailLines(execOutput(error), LOG_TAIL_LINES)}`, {
      cause: error,
    });
  }
  const formatMs = Date.now() - formatStarted;

  const startStarted = Date.now();
  const logFd = openSync(logFile, 'a');
  let broker: ChildProcess;
  try {
    broker = spawn('java', [...BROKER_JVM_OPTS, log4jOpt, '-cp', classpath, 'kafka.Kafka', propertiesFile], {
      cwd: runDir,
      stdio: ['ignore', logFd, logFd],
    });
  } finally {
    closeSync(logFd); // the child has its own copy
  }
  track(broker);
  let spawnError: Error | undefined;
  broker.on('error', (error) => {
    spawnError = error;
  });

  const stop = async (): Promise<void> => {
    process.off('exit', killOnExit);
    await stopProcess(broker);
    await rm(runDir, { recursive: true, force: true, maxRetries: 3 });
  };

  const brokers = [`${HOST}:${brokerPort}`];
  try {
    await waitForBroker(brokers, {
      timeoutMs: READY_TIMEOUT_MS,
      abortReason: () => {
        if (spawnError !== undefined) return `could not start java: ${spawnError.message}`;
        if (!isRunning(broker)) return `the broker JVM exited (code ${broker.exitCode}, signal ${broker.signalCode})`;
        return undefined;
      },
    });
  } catch (error) {
    await stopProcess(broker);
    const log = await readFile(logFile, 'utf8').catch(() => '');
    await stop();
    const reason = error instanceof Error ? error.message : String(error);
    const message = `Kafka ${version} JVM broker did not become ready: ${reason}\nLast ${LOG_TAIL_LINES} lines of broker.log:\n${tailLines(log, LOG_TAIL_LINES)}`;
    const portClash = /Address already in use|BindException/.test(log);
    throw portClash ? new PortClashError(message, { cause: error }) : new Error(message, { cause: error });
  }
  return { brokers, timings: { formatMs, startMs: Date.now() - startStarted }, stop };
}

interface PropertiesInput {
  version: string;
  brokerPort: number;
  controllerPort: number;
  dataDir: string;
}

function serverProperties({ version, brokerPort, controllerPort, dataDir }: PropertiesInput): string {
  const lines = [
    '# combined KRaft node on loopback for one test run (written by test/support/kafka-jvm-broker.ts)',
    'process.roles=broker,controller',
    'node.id=1',
    // Static voters: the same file works on 3.9 and 4.x and needs no --standalone at format time.
    `controller.quorum.voters=1@${HOST}:${controllerPort}`,
    'controller.listener.names=CONTROLLER',
    `listeners=PLAINTEXT://${HOST}:${brokerPort},CONTROLLER://${HOST}:${controllerPort}`,
    `advertised.listeners=PLAINTEXT://${HOST}:${brokerPort},CONTROLLER://${HOST}:${controllerPort}`,
    'inter.broker.listener.name=PLAINTEXT',
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    `log.dirs=${dataDir}`,
    // A single node: every internal topic needs replication factor 1.
    'num.partitions=1',
    'default.replication.factor=1',
    'min.insync.replicas=1',
    'offsets.topic.replication.factor=1',
    // Otherwise the first group join creates 50 __consumer_offsets partitions.
    'offsets.topic.num.partitions=1',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'transaction.state.log.num.partitions=1',
    // Tests create their topics with the partition count production uses.
    'auto.create.topics.enable=false',
    'group.initial.rebalance.delay.ms=0',
    'num.network.threads=2',
    'num.io.threads=2',
    'num.recovery.threads.per.data.dir=1',
    'background.threads=2',
  ];
  // The share coordinator exists only from 4.0; 3.9 would log these as unknown settings.
  if (Number(version.split('.')[0]) >= 4) {
    lines.push('share.coordinator.state.topic.replication.factor=1', 'share.coordinator.state.topic.min.isr=1');
  }
  return `${lines.join('\n')}\n`;
}

/** Asks the OS for free loopback ports by listening on port 0; holds all of them until all are known. */
async function freePorts(count: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    const ports: number[] = [];
    for (let i = 0; i < count; i++) {
      const server = createServer();
      servers.push(server);
      server.listen(0, HOST);
      await once(server, 'listening');
      const address = server.address();
      if (address === null || typeof address === 'string') throw new Error('unexpected server address');
      ports.push(address.port);
    }
    return ports;
  } finally {
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  }
}

// --- process lifetime ----------------------------------------------------------------------

function isRunning(child: ChildProcess): boolean {
  return child.pid !== undefined && child.exitCode === null && child.signalCode === null;
}

/** SIGTERM (Kafka's controlled shutdown), then SIGKILL if it takes longer than STOP_GRACE_MS. */
async function stopProcess(child: ChildProcess): Promise<void> {
  if (!isRunning(child)) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const graceful = await Promise.race([
    exited.then(() => true),
    new Promise<false>((resolve) => setTimeout(resolve, STOP_GRACE_MS, false).unref()),
  ]);
  if (!graceful && isRunning(child)) {
    child.kill('SIGKILL');
    await exited;
  }
}

/**
 * Neither a SIGKILL nor (when vitest installs no handler) a SIGINT/SIGTERM lets process.on('exit')
 * run, so a tiny detached shell watches the test process. When it vanishes while the run directory
 * still exists (stop() removes it), the shell kills the JVMs listed in the pid file and removes the
 * directory.
 */
function startWatchdog(runDir: string, pidsFile: string): void {
  if (process.platform === 'win32') return;
  const script = [
    'parent=$1; dir=$2; pids=$3',
    'while kill -0 "$parent" 2>/dev/null; do [ -d "$dir" ] || exit 0; sleep 0.5; done',
    '[ -d "$dir" ] || exit 0',
    // Only a process whose command line still names this run directory: pids get reused.
    'ours() { if [ -r "/proc/$1/cmdline" ]; then tr "\\0" " " < "/proc/$1/cmdline"; else ps -o args= -p "$1"; fi 2>/dev/null | grep -qF "$dir"; }',
    'if [ -f "$pids" ]; then while read -r pid; do ours "$pid" && kill -KILL "$pid" 2>/dev/null; done < "$pids"; fi',
    // Give a killed JVM a moment to die before removing what it may still be writing.
    'sleep 1; rm -rf "$dir"',
  ].join('\n');
  const watchdog = spawn('sh', ['-c', script, 'lpprov-kafka-watchdog', String(process.pid), runDir, pidsFile], {
    detached: true,
    stdio: 'ignore',
  });
  watchdog.on('error', () => undefined); // best effort: stop() and the exit handler still run normally
  watchdog.unref();
}

function tailLines(text: string, count: number): string {
  const lines = text.trimEnd().split('\n');
  return lines.slice(-count).join('\n');
}
