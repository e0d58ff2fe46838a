/**
 * Opens N idle TCP connections to 127.0.0.1:PORT and holds them (the `hostile` suite's
 * flood); tells its parent how many connected once every attempt has settled.
 */
import { connect } from 'node:net';

const [port, count] = process.argv.slice(2).map(Number) as [number, number];
const held = [];
let connected = 0;
let failed = 0;
const settled = () => {
  if (connected + failed === count) process.send?.({ connected, failed });
};
for (let i = 0; i < count; i++) {
  const socket = connect(port, '127.0.0.1');
  socket.once('connect', () => {
    connected++;
    settled();
  });
  socket.once('error', () => {
    failed++;
    settled();
  });
  socket.on('error', () => {});
  held.push(socket);
  if (i % 500 === 0) await new Promise((r) => setTimeout(r, 10));
}
setInterval(() => {}, 60_000);
