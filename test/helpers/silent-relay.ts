// A mail relay on a free loopback port that takes a message's whole DATA and then never answers:
// a relay that hangs in the middle of a send (a frozen VM, a stuck content filter). Whether it has
// the copy, the sender cannot tell.
import { createServer, type AddressInfo, type Socket } from 'node:net';

export interface SilentRelay {
  url: string;
  /** Messages whose DATA arrived in full (and were never answered). */
  swallowed(): number;
  close(): void;
}

export async function silentRelay(): Promise<SilentRelay> {
  let swallowed = 0;
  const sockets = new Set<Socket>();
  const relay = createServer({ allowHalfOpen: true }, (socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.write('220 silent.test ESMTP\r\n');
    let buffer = '';
    let inData = false;
    let hung = false;
    socket.on('data', (chunk: Buffer) => {
      if (hung) return;
      buffer += chunk.toString('latin1');
      if (inData) {
        if (!buffer.includes('\r\n.\r\n')) return;
        swallowed++;
        hung = true;
        return;
      }
      for (let end = buffer.indexOf('\r\n'); end >= 0 && !inData; end = buffer.indexOf('\r\n')) {
        const command = buffer.slice(0, end).toUpperCase();
        buffer = buffer.slice(end + 2);
        if (command.startsWith('EHLO') || command.startsWith('HELO')) socket.write('250 silent.test\r\n');
        else if (command.startsWith('DATA')) {
          inData = true;
          socket.write('354 go ahead\r\n');
        } else if (command.startsWith('QUIT')) socket.end('221 bye\r\n');
        else socket.write('250 OK\r\n');
      }
    });
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  return {
    url: `smtp://127.0.0.1:${(relay.address() as AddressInfo).port}`,
    swallowed: () => swallowed,
    close: () => {
      for (const socket of sockets) socket.destroy();
      relay.close();
    },
  };
}
