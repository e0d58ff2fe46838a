// The Azure Functions app: one HTTP trigger, every method, every path, forwarded to the
// Galápagos server. Function-level auth: callers send `x-functions-key` (or `?code=`).
import { app } from '@azure/functions';
import { handler } from '@galapagos/server/azure';

export { handler };

app.http('galapagos', {
  methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'],
  route: '{*path}',
  authLevel: 'function',
  handler,
});
