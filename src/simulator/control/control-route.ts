import type { Simulator } from '../simulator.ts';

export interface ControlRequest {
  readonly method: string;
  readonly query: URLSearchParams;
  /** Decoded JSON body; `{}` when the body is empty. */
  readonly body: unknown;
  readonly remoteAddress: string;
}

export interface ControlAnswer {
  readonly status: number;
  readonly body: unknown;
}

export type ControlHandler = (sim: Simulator, req: ControlRequest) => ControlAnswer;

/** A refused control request; the router answers `{error}` with `status`. */
export class ControlError extends Error {
  readonly status: number;

  constructor(status: number, message: string) {
    super(message);
    this.name = 'ControlError';
    this.status = status;
  }
}

export const ok = (body: unknown): ControlAnswer => ({ status: 200, body });
