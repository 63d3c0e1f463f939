import http from 'node:http';
import type { Express } from 'express';

export interface RunningServer {
  url: string;
  /**
   * Stops accepting connections and resolves once in-flight requests have finished. Requests
   * still running after `graceMs` (default 10 s) have their connections cut, so a stuck request
   * cannot hold a deployment's shutdown forever.
   */
  close(graceMs?: number): Promise<void>;
}

/** Listens on host:port (0 picks a free port). */
export function listen(app: Express, host: string, port: number): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    const server = http.createServer();
    let closing = false;
    const inFlight = new Set<http.ServerResponse>();
    server.on('request', (_req: http.IncomingMessage, res: http.ServerResponse) => {
      // While closing, a keep-alive client must not keep its connection (and the server) open.
      if (closing) res.setHeader('Connection', 'close');
      inFlight.add(res);
      res.once('close', () => inFlight.delete(res));
    });
    // After the listener above, so every request is tracked before the app sees it.
    server.on('request', app);
    server.once('error', reject);
    server.listen(port, host, () => {
      const address = server.address();
      const actualPort = typeof address === 'object' && address ? address.port : port;
      resolve({
        url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${actualPort}`,
        close: (graceMs = 10_000) =>
          new Promise<void>((done) => {
            closing = true;
            for (const res of inFlight) if (!res.headersSent) res.setHeader('Connection', 'close');
            const force = setTimeout(() => server.closeAllConnections(), graceMs);
            force.unref();
            server.close(() => {
              clearTimeout(force);
              done();
            });
            server.closeIdleConnections();
          }),
      });
    });
  });
}
