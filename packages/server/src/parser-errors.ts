import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { bounded, errorBody, type ReplyCode, STATUS_BY_CODE } from './errors.js';

/**
 * Answers what Node's HTTP parser refuses (oversized headers, bad framing, a request sent too
 * slowly) with a coded JSON body, then closes the connection, as Node itself would.
 */
export function answerParserError(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const code: ReplyCode =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? 'GALAPAGOS_ERR_HEADERS_TOO_LARGE'
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? 'GALAPAGOS_ERR_CLIENT_TIMEOUT'
        : 'GALAPAGOS_ERR_MALFORMED_HTTP';
  const body = JSON.stringify(
    errorBody(code, bounded(`${error.code ?? 'HTTP'}: ${error.message}`)),
  );
  const status = STATUS_BY_CODE[code];
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
