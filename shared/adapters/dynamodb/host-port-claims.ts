/**
 * hostPort claims on the node's item, as parts of the reservation's update
 * (shared/scheduling/host-port-claims.ts says why). Each protocol and port a
 * pod claims is one top-level string-set attribute, "hostPort TCP/8080",
 * holding the claimed host addresses. A claim on every address (0.0.0.0)
 * needs the attribute absent; a claim on one address needs it to hold neither
 * 0.0.0.0 nor that address. Claims are ADDed in the update that reserves the
 * pod's requests and DELETEd in the one that releases them; DynamoDB drops a
 * set that becomes empty, so a freed port leaves no attribute behind.
 */
import type { HostPortUse } from '../../scheduling/plugins/node-ports';
import { groupClaims } from '../../scheduling/host-port-claims';

const EVERY_ADDRESS = '0.0.0.0';
export const CLAIM_ATTRIBUTE_PREFIX = 'hostPort ';

export interface ClaimExpressionParts {
  /** "#hp0 :hp0" items for an ADD (claim) or DELETE (release) clause. */
  setActions: string[];
  /** Conditions to AND with the reservation's (empty for a release). */
  conditions: string[];
  names: Record<string, string>;
  values: Record<string, unknown>;
}

function parts(uses: readonly HostPortUse[], withConditions: boolean): ClaimExpressionParts {
  const out: ClaimExpressionParts = { setActions: [], conditions: [], names: {}, values: {} };
  groupClaims(uses).forEach(({ port, hostIPs }, i) => {
    const name = `#hp${i}`;
    const value = `:hp${i}`;
    out.names[name] = `${CLAIM_ATTRIBUTE_PREFIX}${port}`;
    out.values[value] = new Set(hostIPs);
    out.setActions.push(`${name} ${value}`);
    if (!withConditions) return;
    if (hostIPs.includes(EVERY_ADDRESS)) {
      out.conditions.push(`attribute_not_exists(${name})`);
      return;
    }
    out.values[':hpany'] = EVERY_ADDRESS;
    const taken = ['contains(' + name + ', :hpany)', ...hostIPs.map((ip, j) => {
      out.values[`:hp${i}ip${j}`] = ip;
      return `contains(${name}, :hp${i}ip${j})`;
    })];
    out.conditions.push(`(attribute_not_exists(${name}) OR NOT (${taken.join(' OR ')}))`);
  });
  return out;
}

/** ADD actions and conditions that claim `uses` on the node's item. */
export function claimParts(uses: readonly HostPortUse[]): ClaimExpressionParts {
  return parts(uses, true);
}

/** DELETE actions that give `uses` back (the caller conditions on the pod's reservation). */
export function releaseParts(uses: readonly HostPortUse[]): ClaimExpressionParts {
  return parts(uses, false);
}
