import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedHook {
  path: string;
  deliveryId: string | undefined;
  timestamp: string | undefined;
  signature: string | undefined;
  body: string;
  /** Checked here independently of delivery/webhook.ts: HMAC-SHA256 over `timestamp.body`. */
  signatureValid: boolean;
  status: number;
}

/**
 * A real HTTP receiver on loopback, as an OTT bridge would be: it checks the signature,
 * answers with `respond(n)` for the n-th request (1-based), and accepts each X-Delivery-Id
 * once (a repeat is answered 200 but not accepted again).
 */
export async function startWebhookReceiver(o: { secret: string; respond?: (n: number) => number }) {
  const requests: ReceivedHook[] = [];
  const accepted = new Map<string, unknown>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const header = (name: string) => {
        const v = req.headers[name.toLowerCase()];
        return Array.isArray(v) ? v[0] : v;
      };
      const timestamp = header('X-Timestamp');
      const signature = header('X-Signature');
      const deliveryId = header('X-Delivery-Id');
      const expected = `sha256=${createHmac('sha256', o.secret).update(`${timestamp}.${body}`).digest('hex')}`;
      const signatureValid =
        !!signature && signature.length === expected.length && timingSafeEqual(Buffer.from(signature), Buffer.from(expected));
      let status = signatureValid ? (o.respond?.(requests.length + 1) ?? 200) : 401;
      if (status >= 200 && status < 300 && deliveryId) {
        if (!accepted.has(deliveryId)) accepted.set(deliveryId, JSON.parse(body));
        else status = 200;
      }
      requests.push({ path: req.url ?? '/', deliveryId, timestamp, signature, body, signatureValid, status });
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: status < 300 }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path = '/hook') => `http://127.0.0.1:${port}${path}`,
    requests,
    accepted,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type WebhookReceiver = Awaited<ReturnType<typeof startWebhookReceiver>>;
