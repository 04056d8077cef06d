import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { handleApiCall } from './api-handler.ts';
import { handleControl } from './control/control-router.ts';
import type { Simulator } from './simulator.ts';
import { sendText } from './wire.ts';

export const API_PATH = '/enterpriseapi.php';
const CONTROL_PREFIX = '/_simulator';
// Batches of thousands of users fit easily; anything larger is a client bug worth a clear 413.
const MAX_BODY_BYTES = 32 * 1024 * 1024;

class BodyTooLarge extends Error {}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new BodyTooLarge();
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function route(sim: Simulator, req: IncomingMessage, res: ServerResponse, signal: AbortSignal): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://simulator.invalid');
  let body: string;
  try {
    body = await readBody(req);
  } catch (error) {
    if (!(error instanceof BodyTooLarge)) throw error;
    sendText(res, 413, `Payload Too Large: at most ${MAX_BODY_BYTES} bytes\n`, { connection: 'close' });
    return;
  }
  if (url.pathname === API_PATH) await handleApiCall(sim, req, res, body, signal);
  else if (url.pathname === CONTROL_PREFIX || url.pathname.startsWith(`${CONTROL_PREFIX}/`)) handleControl(sim, req, res, url, body);
  else sendText(res, 404, `Not Found: the Enterprise API is at ${API_PATH}, controls under ${CONTROL_PREFIX}/\n`);
}

export interface ListeningServer {
  readonly port: number;
  stop(): Promise<void>;
}

/** Serves the simulator until `stop()`, which aborts pending delays and closes every socket. */
export async function listen(sim: Simulator, host: string, port: number): Promise<ListeningServer> {
  const stopping = new AbortController();
  const server: Server = createServer((req, res) => {
    route(sim, req, res, stopping.signal).catch((error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      if (!res.headersSent) sendText(res, 500, `simulator error: ${message}\n`);
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port: boundPort } = server.address() as AddressInfo;
  let stopped: Promise<void> | undefined;
  const stop = async (): Promise<void> => {
    stopping.abort();
    const closed = new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    server.closeAllConnections();
    await closed;
  };
  // Idempotent: a test's own stop() and its leak guard may both call it.
  return { port: boundPort, stop: () => (stopped ??= stop()) };
}
