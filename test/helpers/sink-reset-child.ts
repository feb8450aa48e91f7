// Child of mail-sink-reset.test.ts: a mail sink one sender resets in the middle of a message, then
// another message sent normally. Prints what the sink received; an uncaught error ends it first.
import { connect } from 'node:net';
import { createTransport } from 'nodemailer';
import { MailSink } from '../../infra/mail-sink';

/** Opens a message on the sink and resets the connection in the middle of its DATA; resolves once reset. */
function resetMidMessage(port: number): Promise<void> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.on('error', () => undefined);
    let heard = '';
    let stage: 'greeting' | 'data' | 'reset' = 'greeting';
    socket.on('data', (chunk) => {
      heard += String(chunk);
      if (stage === 'greeting' && /^220/m.test(heard)) {
        stage = 'data';
        socket.write('EHLO worker\r\nMAIL FROM:<dossier@test.example>\r\nRCPT TO:<vendor@test.example>\r\nDATA\r\n');
      } else if (stage === 'data' && /^354/m.test(heard)) {
        stage = 'reset';
        socket.write('Subject: half\r\n\r\nhalf a');
        // As a SIGKILLed worker's kernel does: the connection is reset, not closed.
        setTimeout(() => {
          socket.resetAndDestroy();
          resolve();
        }, 100);
      }
    });
  });
}

async function main(): Promise<void> {
  const sink = await new MailSink().start();
  // Twice: the first error once found a listener left from the start, the second none.
  await resetMidMessage(sink.port);
  await resetMidMessage(sink.port);
  await new Promise((resolve) => setTimeout(resolve, 500));
  const transport = createTransport({ host: '127.0.0.1', port: sink.port, secure: false, ignoreTLS: true });
  await transport.sendMail({ from: 'dossier@test.example', to: 'vendor@test.example', subject: 'after the reset', text: 'x' });
  transport.close();
  console.log(`received: ${sink.messages.map((m) => /^Subject: (.*)$/m.exec(m.raw.toString())?.[1]).join(',')}`);
  await sink.stop();
}

void main();
