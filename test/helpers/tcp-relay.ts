// A TCP relay on a free loopback port to a server the tests run (Dovecot's IMAP): a test counts the
// bytes the server sends through it, or cuts every connection as a network failure does. Given a
// port, it listens there: a server that comes back at the address a client was given.
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';

export interface TcpRelay {
  port: number;
  /** Bytes the server has sent through the relay so far. */
  received(): number;
  /** Cuts every open connection; new ones still pass. */
  cut(): void;
  close(): Promise<void>;
}

export async function tcpRelay(host: string, port: number, { port: listenPort = 0 }: { port?: number } = {}): Promise<TcpRelay> {
  let received = 0;
  const sockets = new Set<Socket>();
  const relay = createServer((client) => {
    const server = connect(port, host);
    for (const socket of [client, server]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
    }
    server.on('data', (chunk: Buffer) => (received += chunk.length));
    client.pipe(server).pipe(client);
  });
  await new Promise<void>((resolve) => relay.listen(listenPort, '127.0.0.1', resolve));
  const cut = () => sockets.forEach((socket) => socket.destroy());
  return {
    port: (relay.address() as AddressInfo).port,
    received: () => received,
    cut,
    close: () => {
      cut();
      return new Promise((resolve) => relay.close(() => resolve()));
    },
  };
}
