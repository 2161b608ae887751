/**
 * A Prometheus behind basic auth, named with its credentials in the URL: the queries send them
 * as an Authorization header, and no message or report prints the password.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activeTargets, instantQuery, shownUrl } from '../../runbooks/engine/prometheus-query.ts';
import { freePorts } from '../helpers/local-fleet.ts';

describe('a Prometheus URL with credentials', () => {
  let server: Server;
  let port = 0;
  const seen: (string | undefined)[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(req.headers.authorization);
      if (req.headers.authorization !== `Basic ${Buffer.from('ops:s3cret pass').toString('base64')}`) {
        res.writeHead(401).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        req.url?.startsWith('/api/v1/targets')
          ? JSON.stringify({ status: 'success', data: { activeTargets: [{ labels: { job: 'node' } }] } })
          : JSON.stringify({
              status: 'success',
              data: { resultType: 'vector', result: [{ metric: {}, value: [0, '1'] }] },
            }),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => {
    server.close();
  });

  it('sends them as basic auth', async () => {
    const base = `http://ops:s3cret%20pass@127.0.0.1:${port}`;
    expect(await instantQuery(base, 'up')).toEqual({ answered: true, samples: [{ labels: {}, value: 1 }] });
    expect(await activeTargets(base, 'node')).toEqual({ answered: true, targets: [{ job: 'node' }] });
    expect(seen.every((h) => h?.startsWith('Basic '))).toBe(true);
  });

  it('never prints the password', async () => {
    const [closed] = (await freePorts(1)) as [number];
    const r = await instantQuery(`http://ops:s3cret@127.0.0.1:${closed}`, 'up');
    expect(r).toEqual({
      answered: false,
      problem: `Prometheus at http://ops:***@127.0.0.1:${closed} is unreachable (ECONNREFUSED)`,
    });
    expect(shownUrl('https://ops:s3cret@prometheus.hcmc.gov.vn')).toBe(
      'https://ops:***@prometheus.hcmc.gov.vn',
    );
    expect(shownUrl('http://127.0.0.1:9090')).toBe('http://127.0.0.1:9090');
  });
});
