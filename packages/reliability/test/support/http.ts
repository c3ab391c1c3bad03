/** A small node:http client for tests: one request, the whole answer, its timing. */
import http from 'node:http';

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  ms: number;
}

export function get(
  url: string,
  options: {
    method?: string;
    headers?: http.OutgoingHttpHeaders;
    agent?: http.Agent | false;
    timeout?: number;
  } = {},
): Promise<Answer> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method: options.method ?? 'GET', headers: options.headers, agent: options.agent ?? false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
            ms: performance.now() - started,
          }),
        );
        res.on('error', reject);
      },
    );
    req.setTimeout(options.timeout ?? 10_000, () =>
      req.destroy(new Error(`request to ${url} timed out`)),
    );
    req.on('error', reject);
    req.end();
  });
}
