import type { ServiceEnvironment } from '../drill/environment.ts';
import type { LoadRequest } from './load-request.ts';

/** What a load engine needs to load one service of an environment. */
export interface ServiceLoadTarget {
  readonly url: string;
  readonly regionHeader: string;
  readonly request?: LoadRequest;
}

/** How clients reach a service: through its record (`url`) or through the edge in front of it (`edgeUrl`). */
export type LoadVia = 'dns' | 'edge';

/**
 * One service as a load target: its URL (or, `via: 'edge'`, its edge URL) with the path appended (the drill's `load.path` where
 * given, else the service's `request.path`), its region header, and what each request sends.
 * A path's `?query` replaces the URL's query.
 *
 * @example serviceLoadTarget(environment.services.api, drill.load.path)
 */
export function serviceLoadTarget(service: ServiceEnvironment, loadPath: string | undefined, via: LoadVia = 'dns'): ServiceLoadTarget {
  const base = via === 'edge' ? service.edgeUrl : service.url;
  // drillReferenceProblems refuses `via: 'edge'` on a service without an edge before anything runs.
  if (base === undefined) throw new Error('load.via is "edge" but the service has no edgeUrl');
  const url = new URL(base);
  const path = loadPath ?? service.request?.path;
  if (path !== undefined) {
    const query = path.indexOf('?');
    url.pathname = `${url.pathname.replace(/\/$/, '')}${query === -1 ? path : path.slice(0, query)}`;
    if (query !== -1) url.search = path.slice(query);
  }
  const request = service.request === undefined ? undefined : loadRequestOf(service.request);
  return { url: url.href, regionHeader: service.regionHeader, ...(request === undefined ? {} : { request }) };
}

/** The parts of a service's request an engine sends (the path is already in the URL). */
function loadRequestOf(request: NonNullable<ServiceEnvironment['request']>): LoadRequest | undefined {
  const { path: _inUrl, ...sent } = request;
  const plainGet = sent.method === 'GET' && sent.headers === undefined && sent.body === undefined;
  return plainGet ? undefined : sent;
}
