import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the fake LastPass does with one request. */
export interface Reply {
  readonly status?: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** An object is sent as JSON text, labelled text/xml as LastPass does. */
  readonly body?: string | object;
  /** Wait this long before sending the headers. */
  readonly delayMs?: number;
  /** Send headers and half a body, then stall (body timeout). */
  readonly stallBody?: boolean;
  /** Destroy the socket after reading the request, without any answer. */
  readonly drop?: boolean;
}

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly bodyText: string;
  readonly body: Record<string, unknown>;
  readonly cmd: string;
  /** Client side port of the connection, to see keep-alive reuse. */
  readonly remotePort: number | undefined;
}

export type Responder = (request: RecordedRequest, index: number) => Reply;

export interface ScriptedServer {
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Replaces the responder; the default answers {"status":"OK"}. */
  respond(responder: Responder): void;
  /** Answers these replies in turn, then repeats the last one. */
  script(...replies: Reply[]): void;
  close(): Promise<void>;
}

/** A tiny real HTTP server on 127.0.0.1, port 0, standing in for enterpriseapi.php. */
export async function startScriptedServer(): Promise<ScriptedServer> {
  const requests: RecordedRequest[] = [];
  let responder: Responder = () => ({ body: { status: 'OK' } });
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const bodyText = Buffer.concat(chunks).toString('utf8');
      const body = parseBody(bodyText);
      const recorded: RecordedRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        bodyText,
        body,
        cmd: typeof body['cmd'] === 'string' ? body['cmd'] : '',
        remotePort: req.socket.remotePort,
      };
      requests.push(recorded);
      send(res, responder(recorded, requests.length - 1));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/enterpriseapi.php`,
    requests,
    respond(next) {
      responder = next;
    },
    script(...replies) {
      responder = (_request, index) => replies[Math.min(index, replies.length - 1)] ?? {};
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function send(res: ServerResponse, reply: Reply): void {
  if (reply.drop === true) {
    res.socket?.destroy();
    return;
  }
  const write = (): void => {
    const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body ?? {});
    res.writeHead(reply.status ?? 200, { 'content-type': 'text/xml;charset=UTF-8', ...reply.headers });
    if (reply.stallBody === true) {
      res.write(text.slice(0, Math.floor(text.length / 2)));
      return;
    }
    res.end(text);
  };
  if (reply.delayMs === undefined) write();
  else setTimeout(write, reply.delayMs);
}

function parseBody(text: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
