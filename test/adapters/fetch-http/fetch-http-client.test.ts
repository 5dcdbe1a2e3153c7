import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FetchHttpClient } from '../../../src/adapters/fetch-http/fetch-http-client.ts';
import { isHotlineError } from '../../../src/core/errors.ts';

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;

describe('FetchHttpClient', () => {
  let server: Server;
  let base: string;
  const routes = new Map<string, Handler>();
  const stalled = new Set<ServerResponse>();

  before(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        const handler = routes.get(new URL(req.url ?? '/', 'http://x').pathname);
        if (handler) handler(req, body, res);
        else res.writeHead(404).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    routes.set('/json', (req, body, res) => {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify({ method: req.method, contentType: req.headers['content-type'] ?? null, got: body ? JSON.parse(body) : null, auth: req.headers.authorization ?? null }));
    });
    routes.set('/text', (_req, _body, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('{"looks":"like json"}');
    });
    routes.set('/problem', (_req, _body, res) => {
      res.writeHead(404, { 'content-type': 'application/problem+json' });
      res.end('{"title":"no such order"}');
    });
    routes.set('/broken-json', (_req, _body, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"oops"');
    });
    routes.set('/error-page', (_req, _body, res) => {
      res.writeHead(502, { 'content-type': 'application/json' });
      res.end('<html>bad gateway</html>');
    });
    routes.set('/big', (_req, _body, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('x'.repeat(2048));
    });
    routes.set('/slow', (_req, _body, res) => {
      stalled.add(res); // never answers; the client's timeout must fire
    });
    routes.set('/slow-body', (_req, _body, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"partial":');
      stalled.add(res);
    });
  });

  after(async () => {
    for (const res of stalled) res.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const client = new FetchHttpClient();

  it('parses a JSON response by content type', async () => {
    const res = await client.request({ method: 'GET', url: `${base}/json`, headers: { authorization: 'Bearer t' }, timeoutMs: 2000 });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { method: 'GET', contentType: null, got: null, auth: 'Bearer t' });
  });

  it('sends an object body as JSON', async () => {
    const res = await client.request({ method: 'POST', url: `${base}/json`, body: { caller: '+1555' }, timeoutMs: 2000 });
    assert.deepEqual(res.body, { method: 'POST', contentType: 'application/json', got: { caller: '+1555' }, auth: null });
  });

  it('leaves a non-JSON response as text', async () => {
    const res = await client.request({ method: 'GET', url: `${base}/text`, timeoutMs: 2000 });
    assert.equal(res.body, '{"looks":"like json"}');
  });

  it('resolves a non-2xx response (the flow decides), parsing +json types', async () => {
    const res = await client.request({ method: 'GET', url: `${base}/problem`, timeoutMs: 2000 });
    assert.equal(res.status, 404);
    assert.deepEqual(res.body, { title: 'no such order' });
  });

  it('keeps a mislabelled error page as text', async () => {
    const res = await client.request({ method: 'GET', url: `${base}/error-page`, timeoutMs: 2000 });
    assert.equal(res.status, 502);
    assert.equal(res.body, '<html>bad gateway</html>');
  });

  it('rejects a 2xx that claims JSON but is not, with HOTLINE_ERR_HTTP_STEP', async () => {
    await assert.rejects(client.request({ method: 'GET', url: `${base}/broken-json`, timeoutMs: 2000 }), (err) =>
      isHotlineError(err, 'HOTLINE_ERR_HTTP_STEP'),
    );
  });

  it('times out with HOTLINE_ERR_TIMEOUT while waiting for headers', async () => {
    await assert.rejects(client.request({ method: 'GET', url: `${base}/slow`, timeoutMs: 100 }), (err) =>
      isHotlineError(err, 'HOTLINE_ERR_TIMEOUT'),
    );
  });

  it('times out with HOTLINE_ERR_TIMEOUT while reading the body', async () => {
    await assert.rejects(client.request({ method: 'GET', url: `${base}/slow-body`, timeoutMs: 100 }), (err) =>
      isHotlineError(err, 'HOTLINE_ERR_TIMEOUT'),
    );
  });

  it('translates a refused connection into HOTLINE_ERR_HTTP_STEP', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await assert.rejects(client.request({ method: 'GET', url: `http://127.0.0.1:${port}/`, timeoutMs: 2000 }), (err) =>
      isHotlineError(err, 'HOTLINE_ERR_HTTP_STEP'),
    );
  });

  it('refuses bodies over maxBodyBytes and non-http URLs', async () => {
    const small = new FetchHttpClient({ maxBodyBytes: 1024 });
    await assert.rejects(small.request({ method: 'GET', url: `${base}/big`, timeoutMs: 2000 }), (err) => isHotlineError(err, 'HOTLINE_ERR_HTTP_STEP'));
    await assert.rejects(client.request({ method: 'GET', url: 'file:///etc/passwd', timeoutMs: 2000 }), (err) =>
      isHotlineError(err, 'HOTLINE_ERR_HTTP_STEP'),
    );
  });
});
