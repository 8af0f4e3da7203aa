/**
 * Kafka ACLs of a podflow cluster, derived from the same table the cloud's IAM
 * policies are (infra/catalogue.ts): each handler reads the topics it consumes
 * and writes the ones it publishes, the API writes commands and follows the
 * feeds, and a node (`node-<name>`) reads node-assignments and writes only
 * node-heartbeats and pod-status. Consumer groups are granted by prefix (the
 * handler's name, `api`, `agent-<node>-`), since instances and boots add a
 * suffix. The admin is the broker's super user and needs none. Topic names
 * carry the cluster's prefix, so clusters sharing a broker (tests) get ACLs
 * of their own. Creating an ACL that exists is a no-op, so this runs on every
 * start and every node join.
 */
import { AclOperationTypes, AclPermissionTypes, AclResourceTypes, ResourcePatternTypes, type AclEntry, type Kafka } from 'kafkajs';
import { AGENT_ACCESS, API_ACCESS, HANDLERS } from '../../../infra/catalogue';
import { API_PRINCIPAL, nodePrincipal } from '../../auth/credentials';
import { topicPrefixOf } from './client';

export interface AclGrant {
  principal: string;
  resource: 'topic' | 'group';
  name: string;
  pattern: 'literal' | 'prefixed';
  operation: 'read' | 'write';
}

function grants(principal: string, prefix: string, access: { consumes: readonly string[]; publishes: readonly string[]; groupPrefix: string }): AclGrant[] {
  return [
    ...access.consumes.map((t): AclGrant => ({ principal, resource: 'topic', name: prefix + t, pattern: 'literal', operation: 'read' })),
    ...access.publishes.map((t): AclGrant => ({ principal, resource: 'topic', name: prefix + t, pattern: 'literal', operation: 'write' })),
    { principal, resource: 'group', name: prefix + access.groupPrefix, pattern: 'prefixed', operation: 'read' },
  ];
}

/** What the roles may do under a topic prefix. */
export function roleGrants(prefix: string): AclGrant[] {
  return [
    ...HANDLERS.flatMap((h) => grants(h.name, prefix, { consumes: h.consumes, publishes: h.publishes, groupPrefix: h.name })),
    ...grants(API_PRINCIPAL, prefix, { consumes: API_ACCESS.consumes, publishes: API_ACCESS.publishes, groupPrefix: 'api' }),
  ];
}

/** What one node may do: read its assignments, report its heartbeats and pod status, nothing else. */
export function nodeGrants(prefix: string, nodeName: string): AclGrant[] {
  return grants(nodePrincipal(nodeName), prefix, { consumes: AGENT_ACCESS.consumes, publishes: AGENT_ACCESS.publishes, groupPrefix: `${AGENT_ACCESS.consumerGroupPrefix}${nodeName}-` });
}

export function toAclEntry(g: AclGrant): AclEntry {
  return {
    principal: `User:${g.principal}`,
    host: '*',
    resourceType: g.resource === 'topic' ? AclResourceTypes.TOPIC : AclResourceTypes.GROUP,
    resourceName: g.name,
    resourcePatternType: g.pattern === 'literal' ? ResourcePatternTypes.LITERAL : ResourcePatternTypes.PREFIXED,
    operation: g.operation === 'read' ? AclOperationTypes.READ : AclOperationTypes.WRITE,
    permissionType: AclPermissionTypes.ALLOW,
  };
}

/** Creates the roles' ACLs and those of `nodes`, under the client's topic prefix; `kafka` must be the admin's. */
export async function ensureAcls(kafka: Kafka, o: { roles?: boolean; nodes?: readonly string[] }): Promise<void> {
  const prefix = topicPrefixOf(kafka);
  const wanted = [...(o.roles === false ? [] : roleGrants(prefix)), ...(o.nodes ?? []).flatMap((n) => nodeGrants(prefix, n))];
  if (wanted.length === 0) return;
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createAcls({ acl: wanted.map(toAclEntry) });
  } finally {
    await admin.disconnect();
  }
}

/** Deletes every ACL on a resource under a (non-empty) prefix: test clean-up. */
export async function deletePrefixedAcls(kafka: Kafka): Promise<void> {
  const prefix = topicPrefixOf(kafka);
  if (!prefix) throw new Error('refusing to delete ACLs without a prefix');
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { resources } = await admin.describeAcls({
      resourceType: AclResourceTypes.ANY,
      resourcePatternType: ResourcePatternTypes.ANY,
      operation: AclOperationTypes.ANY,
      permissionType: AclPermissionTypes.ANY,
    });
    const filters = resources
      .filter((r) => r.resourceName.startsWith(prefix))
      .flatMap((r) => r.acls.map((a) => ({ resourceType: r.resourceType, resourceName: r.resourceName, resourcePatternType: r.resourcePatternType, ...a })));
    if (filters.length > 0) await admin.deleteAcls({ filters });
  } finally {
    await admin.disconnect();
  }
}
