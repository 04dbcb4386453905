// Child process of slow-readers.soak.ts: opens COUNT raw HTTP/1.1 streams to 127.0.0.1:PORT, reads
// the response headers, then never reads again. Prints "ready" once every stream has answered; exits
// when its stdin closes. Kept out of the server's process, so their read buffers are not counted there.
import { connect } from 'node:net';

const [port, count] = process.argv.slice(2).map(Number);
const sockets = [];
let answered = 0;
for (let i = 0; i < count; i++) {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => {});
  socket.write('GET /events HTTP/1.1\r\nhost: 127.0.0.1\r\naccept: text/event-stream\r\n\r\n');
  socket.once('data', () => {
    socket.pause();
    if (++answered === count) process.stdout.write('ready\n');
  });
  sockets.push(socket);
}
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
