import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/**
 * Bounds the open connections of a listening server without shutting anyone out: past `max`,
 * the connection idle the longest (no request in progress) is closed to make room, so a flood
 * of idle connections cannot starve new ones, `/health` included. Only when every connection
 * is busy is the new one refused.
 */
export function limitConnections(server: Server, max: number): void {
  /** Open connections, oldest first, with the number of requests each has in progress. */
  const open = new Map<Socket, number>();
  server.on('connection', (socket: Socket) => {
    open.set(socket, 0);
    socket.once('close', () => open.delete(socket));
    if (open.size <= max) return;
    for (const [candidate, active] of open)
      if (active === 0 && candidate !== socket) {
        candidate.destroy();
        return;
      }
    socket.destroy();
  });
  server.on('request', (request, response) => {
    const socket = request.socket as Socket;
    const active = open.get(socket);
    if (active === undefined) return;
    // Re-inserted: the connection is now the most recently used.
    open.delete(socket);
    open.set(socket, active + 1);
    response.once('close', () => {
      const now = open.get(socket);
      if (now !== undefined) open.set(socket, Math.max(0, now - 1));
    });
  });
}
