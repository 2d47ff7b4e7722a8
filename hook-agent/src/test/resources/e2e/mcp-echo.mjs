// A minimal MCP server on stdio (JSON-RPC 2.0, one message per line) with one tool, "echo", for end-to-end tests.
import readline from 'node:readline';

const rl = readline.createInterface({ input: process.stdin });
const send = (message) => process.stdout.write(JSON.stringify(message) + '\n');

rl.on('line', (line) => {
  let request;
  try { request = JSON.parse(line); } catch { return; }
  if (request.id === undefined) return; // notifications need no answer
  switch (request.method) {
    case 'initialize':
      return send({ jsonrpc: '2.0', id: request.id, result: {
        protocolVersion: request.params?.protocolVersion ?? '2024-11-05',
        capabilities: { tools: {} }, serverInfo: { name: 'e2e-echo', version: '1.0.0' } } });
    case 'tools/list':
      return send({ jsonrpc: '2.0', id: request.id, result: { tools: [{ name: 'echo', description: 'Echo the message',
        inputSchema: { type: 'object', properties: { msg: { type: 'string' } }, required: ['msg'] } }] } });
    case 'tools/call':
      return send({ jsonrpc: '2.0', id: request.id, result: { content: [{ type: 'text',
        text: 'echo:' + (request.params?.arguments?.msg ?? '') }] } });
    default:
      return send({ jsonrpc: '2.0', id: request.id, error: { code: -32601, message: 'no method ' + request.method } });
  }
});
