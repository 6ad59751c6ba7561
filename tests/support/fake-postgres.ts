import { createServer, type Server } from 'node:net';

/**
 * A tiny TCP server that speaks just enough of the PostgreSQL protocol to ask for a password
 * and reject it (SQLSTATE 28P01), so "wrong password" can be tested against a server that
 * trusts everyone.
 */
export async function startPasswordRejectingServer(): Promise<{ port: number; close(): Promise<void> }> {
  const server: Server = createServer((socket) => {
    let stage: 'startup' | 'password' = 'startup';
    socket.on('data', (chunk) => {
      if (stage === 'startup') {
        // An SSLRequest (8 bytes, code 80877103) gets "N"; the startup message gets a cleartext password request.
        if (chunk.length === 8 && chunk.readInt32BE(4) === 80877103) {
          socket.write('N');
          return;
        }
        stage = 'password';
        const auth = Buffer.alloc(9);
        auth.write('R', 0);
        auth.writeInt32BE(8, 1);
        auth.writeInt32BE(3, 5);
        socket.write(auth);
        return;
      }
      const fields = Buffer.concat([
        Buffer.from('SFATAL\0'),
        Buffer.from('C28P01\0'),
        Buffer.from('Mpassword authentication failed for user "helpdesk"\0'),
        Buffer.from('\0'),
      ]);
      const header = Buffer.alloc(5);
      header.write('E', 0);
      header.writeInt32BE(fields.length + 4, 1);
      socket.end(Buffer.concat([header, fields]));
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { port, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
