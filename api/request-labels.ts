/**
 * The Kubernetes verb and resource of an API request, from its method, the
 * route it matched (the pattern, never the raw URL) and its query, as the
 * Kubernetes API server labels apiserver_request_total: so metric labels and
 * request logs stay bounded however many pods and namespaces there are.
 * Paths outside /api/v1 keep their route as the resource, with the method as
 * the verb (Kubernetes' non-resource URLs); an unmatched path is `unmatched`.
 */

export interface RequestLabels {
  verb: string;
  resource: string;
}

const PREFIX = '/api/v1/';

function isParam(segment: string | undefined): boolean {
  return segment !== undefined && segment.startsWith(':');
}

export function requestLabels(method: string, route: string | undefined, query: Record<string, unknown> = {}): RequestLabels {
  const m = method.toUpperCase();
  if (!route) return { verb: m.toLowerCase(), resource: 'unmatched' };
  if (!route.startsWith(PREFIX)) return { verb: m.toLowerCase(), resource: route };
  let segments = route.slice(PREFIX.length).split('/').filter(Boolean);
  // namespaces/:namespace/<resource>...: the namespace scopes the request, it is not the resource.
  if (segments[0] === 'namespaces' && isParam(segments[1]) && segments.length > 2) segments = segments.slice(2);
  const [resource, name, subresource] = segments;
  const named = isParam(name);
  const label = subresource ? `${resource}/${subresource}` : resource;
  const watch = query.watch === 'true' || query.watch === '1' || query.watch === true;
  switch (m) {
    case 'GET':
    case 'HEAD':
      return { verb: watch ? 'watch' : named ? 'get' : 'list', resource: label };
    case 'POST':
      return { verb: 'create', resource: label };
    case 'PUT':
      return { verb: 'update', resource: label };
    case 'PATCH':
      return { verb: 'patch', resource: label };
    case 'DELETE':
      return { verb: named ? 'delete' : 'deletecollection', resource: label };
    default:
      return { verb: m.toLowerCase(), resource: label };
  }
}
