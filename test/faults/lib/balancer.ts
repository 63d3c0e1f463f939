/**
 * A TCP load balancer on loopback in front of several API processes, as a reverse proxy stands in
 * front of the API replicas in production: each client connection goes to the next upstream that
 * accepts it. When an upstream dies mid-request the client's connection is cut (its answer is
 * lost) and the client's retry, on a new connection, reaches a live upstream.
 */
import net from 'node:net';

export interface Balancer {
  url: string;
  close(): Promise<void>;
}

export async function startBalancer(upstreams: () => number[]): Promise<Balancer> {
  let next = 0;
  const sockets = new Set<net.Socket>();
  const connectUpstream = (ports: number[], tries: number, client: net.Socket) => {
    if (tries >= ports.length) return client.destroy();
    const port = ports[next++ % ports.length];
    const upstream = net.connect({ port, host: '127.0.0.1' });
    sockets.add(upstream);
    upstream.once('close', () => sockets.delete(upstream));
    upstream.once('error', () => {
      // Refused before anything was sent: the next upstream gets the connection.
      if (!upstream.bytesWritten && !client.destroyed) connectUpstream(ports, tries + 1, client);
      else client.destroy();
    });
    upstream.once('connect', () => {
      upstream.pipe(client);
      client.pipe(upstream);
      upstream.once('close', () => client.destroy());
      client.once('close', () => upstream.destroy());
    });
  };
  const server = net.createServer((client) => {
    sockets.add(client);
    client.once('close', () => sockets.delete(client));
    client.on('error', () => client.destroy());
    // Bytes the client sends before the upstream connects wait in the socket (paused until piped).
    connectUpstream(upstreams(), 0, client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
