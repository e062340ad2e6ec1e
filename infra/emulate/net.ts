/** Every emulated service listens on a free loopback port, bound before the template is resolved. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Bound {
  server: Server;
  url: string;
}

export async function listenLocal(): Promise<Bound> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

export function closeServer(server: Server): Promise<void> {
  return new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
