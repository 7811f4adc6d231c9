import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { setThreads } from '../tensor/index.js';
import { type AppOptions, createApp } from './app.js';
import type { ServeApp } from './http/serve-context.js';

export interface ServerOptions extends AppOptions {
  /** Default 0: any free port (the URL says which). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** How long `close()` waits for in-flight requests before cutting connections. Default 10 s. */
  drainMs?: number;
  /** Close the store when the server closes. Default true. */
  closeStore?: boolean;
  /**
   * Threads of the numeric engine (process-wide) while serving. Default 1:
   * concurrent requests already keep the cores busy, and splitting one feed's
   * small matrices over two threads costs more CPU than it saves (docs/serve.md).
   */
  computeThreads?: number;
}

export interface RunningServer {
  /** `http://host:port`, with the port actually bound. */
  url: string;
  port: number;
  app: ServeApp;
  /**
   * Stops accepting connections, lets in-flight requests finish (requests
   * arriving on kept-alive connections meanwhile get 503), then closes the store.
   */
  close(): Promise<void>;
}

/** Starts the API on a node HTTP server. */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  let closing = false;
  setThreads(options.computeThreads ?? 1);
  const app = createApp(options);
  const shuttingDown = {
    error: { code: 'shutting_down', message: 'The server is shutting down; retry shortly' },
  };
  const gate = (request: Request, env: unknown): Response | Promise<Response> =>
    closing
      ? Response.json(shuttingDown, { status: 503, headers: { Connection: 'close' } })
      : app.fetch(request, env as never);
  const host = options.host ?? '127.0.0.1';
  const server = await new Promise<Server>((resolve, reject) => {
    const started = serve({ fetch: gate, port: options.port ?? 0, hostname: host }, () =>
      resolve(started as Server),
    );
    started.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  let closed: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    app,
    close: () => {
      closed ??= (async () => {
        closing = true;
        const drained = new Promise<void>((resolve) => server.close(() => resolve()));
        // Kept-alive connections go idle as their last request finishes: close each as soon as it does.
        server.closeIdleConnections();
        const sweeper = setInterval(() => server.closeIdleConnections(), 50);
        const timer = setTimeout(() => server.closeAllConnections(), options.drainMs ?? 10_000);
        await drained;
        clearInterval(sweeper);
        clearTimeout(timer);
        if (options.closeStore ?? true) await options.store.close();
      })();
      return closed;
    },
  };
}
