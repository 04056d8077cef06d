/**
 * lpprov cannot start because of something outside it that a setting names (a port in use, an
 * address this machine does not have): one line that says which setting to change. Not a bug,
 * so no stack trace.
 */
export class StartupError extends Error {
  readonly setting: string;

  constructor(setting: string, message: string, options?: { readonly cause?: unknown }) {
    super(`${setting}: ${message}`, options);
    this.name = 'StartupError';
    this.setting = setting;
  }
}

/**
 * Why a listener could not bind, as a StartupError naming the setting, or undefined for an error
 * that is not about the address (left to the caller).
 */
export function listenFailure(error: unknown, settings: { readonly port: string; readonly host: string | undefined }, host: string, port: number): StartupError | undefined {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  const where = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  switch (code) {
    case 'EADDRINUSE':
      return new StartupError(settings.port, `${where} is already in use by another program: stop it, or set ${settings.port} to a free port (0 picks one)`, { cause: error });
    case 'EACCES':
      return new StartupError(settings.port, `not allowed to listen on ${where} (ports below 1024 need privileges): set ${settings.port} to 1024 or above`, { cause: error });
    case 'EADDRNOTAVAIL':
      return new StartupError(settings.host ?? settings.port, `${host} is not an address of this machine${settings.host === undefined ? '' : ` (0.0.0.0: every interface)`}`, { cause: error });
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new StartupError(settings.host ?? settings.port, `the host name ${host} does not resolve`, { cause: error });
    default:
      return undefined;
  }
}
