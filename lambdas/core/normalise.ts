/**
 * Turns a raw CloudTrail record into a `VigilEvent`: resolves the principal, validates the
 * fields the core relies on, and never throws on odd input. A record that cannot be scored comes
 * back as `{ ok: false }` with a one-line reason; an AWS service's own event comes back as
 * `{ ok: false, service: true }` so callers count it apart from errors.
 */
import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import type { CloudTrailRecord, CloudTrailUserIdentity } from './cloudtrail.ts';
import type { EventOrigin, VigilEvent } from './event.ts';
import type { Principal, PrincipalContext } from './principal.ts';

/** The outcome of normalising one record. */
export type NormaliseResult =
  | { readonly ok: true; readonly event: VigilEvent }
  | { readonly ok: false; readonly service: boolean; readonly reason: string };

/** The outcome of resolving who acted. */
export type ResolveResult =
  | { readonly ok: true; readonly principal: Principal }
  | { readonly ok: false; readonly service: boolean; readonly reason: string };

const SSO_ROLE = /^AWSReservedSSO_(.+)_[0-9a-f]{16}$/;
const INSTANCE_SESSION = /^i-[0-9a-f]{8,17}$/;
const HIDDEN_USER = 'HIDDEN_DUE_TO_SECURITY_REASONS';
const ACCESS_DENIED = /AccessDenied|UnauthorizedOperation|UnauthorizedAccess|Forbidden|NotAuthorized|AuthFailure/i;

const str = (value: unknown): string | undefined => (typeof value === 'string' && value.length > 0 ? value : undefined);
const obj = (value: unknown): Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};

/** The last path segment of an ARN resource (`role/path/Name` -> `Name`). */
const arnName = (arn: string | undefined): string | undefined => {
  if (!arn) return undefined;
  const resource = arn.split(':').slice(5).join(':');
  const parts = resource.split('/');
  return parts.length > 1 ? parts[parts.length - 1] : undefined;
};

const accountOfArn = (arn: string | undefined): string | undefined => {
  const account = arn?.split(':')[4];
  return account && /^\d{12}$/.test(account) ? account : undefined;
};

const withoutUndefined = (context: Record<string, string | undefined>): PrincipalContext =>
  Object.fromEntries(Object.entries(context).filter(([, v]) => v !== undefined)) as PrincipalContext;

const resolveAssumedRole = (identity: CloudTrailUserIdentity, fallbackAccount: string): Principal => {
  const arn = str(identity.arn);
  const issuer = identity.sessionContext?.sessionIssuer;
  // assumed-role ARN: arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION
  const arnParts = arn?.split(':').slice(5).join(':').split('/') ?? [];
  const roleName = str(issuer?.userName) ?? arnParts[1] ?? 'unknown-role';
  const sessionName = arnParts.length >= 3 ? arnParts.slice(2).join('/') : undefined;
  const accountId = str(issuer?.accountId) ?? str(identity.accountId) ?? accountOfArn(arn) ?? fallbackAccount;
  const sourceIdentity = str(identity.sessionContext?.sourceIdentity);
  const roleArn = str(issuer?.arn);
  const invokedBy = str(identity.invokedBy);
  const sso = SSO_ROLE.exec(roleName);
  if (sso && sessionName) {
    const person = sessionName.toLowerCase();
    return {
      key: `person:${person}`,
      arn: arn ?? null,
      type: 'IdentityCenterUser',
      accountId,
      name: person,
      context: withoutUndefined({ roleName, roleArn, sessionName, permissionSet: sso[1], sourceIdentity, invokedBy }),
    };
  }
  if (sourceIdentity) {
    const person = sourceIdentity.toLowerCase();
    return {
      key: `person:${person}`,
      arn: arn ?? null,
      type: 'AssumedRole',
      accountId,
      name: person,
      context: withoutUndefined({ roleName, roleArn, sessionName, sourceIdentity, invokedBy }),
    };
  }
  const instanceId =
    sessionName && INSTANCE_SESSION.test(sessionName)
      ? sessionName
      : identity.sessionContext?.ec2RoleDelivery
        ? sessionName
        : undefined;
  return {
    key: `role:${accountId}:${roleName}`,
    arn: arn ?? null,
    type: 'AssumedRole',
    accountId,
    name: roleName,
    context: withoutUndefined({ roleName, roleArn, sessionName, instanceId, invokedBy }),
  };
};

/** Resolves the principal of a record as ../shared/DESIGN.md describes. Never throws. */
export const resolvePrincipal = (record: CloudTrailRecord): ResolveResult => {
  const identity = record.userIdentity;
  if (!identity || typeof identity !== 'object')
    return { ok: false, service: false, reason: 'record has no userIdentity' };
  const type = str(identity.type);
  const arn = str(identity.arn);
  const fallbackAccount = str(record.recipientAccountId) ?? 'unknown';
  const accountId = str(identity.accountId) ?? accountOfArn(arn) ?? fallbackAccount;
  const invokedBy = str(identity.invokedBy);
  switch (type) {
    case 'AWSService':
      return { ok: false, service: true, reason: `AWS service event (${invokedBy ?? 'unnamed service'})` };
    case 'Root':
      return {
        ok: true,
        principal: {
          key: `root:${accountId}`,
          arn: arn ?? null,
          type: 'Root',
          accountId,
          name: 'root',
          context: withoutUndefined({ invokedBy }),
        },
      };
    case 'IAMUser': {
      const userName = str(identity.userName) ?? arnName(arn);
      if (!userName || userName === HIDDEN_USER) {
        // Failed console sign-ins for a name that does not exist carry no ARN and a hidden name.
        return {
          ok: true,
          principal: {
            key: `unknown:${accountId}`,
            arn: null,
            type: 'Unknown',
            accountId,
            name: 'unknown user',
            context: {},
          },
        };
      }
      return {
        ok: true,
        principal: {
          key: `user:${accountId}:${userName}`,
          arn: arn ?? null,
          type: 'IAMUser',
          accountId,
          name: userName,
          context: withoutUndefined({ invokedBy }),
        },
      };
    }
    case 'AssumedRole':
      return { ok: true, principal: resolveAssumedRole(identity, fallbackAccount) };
    case 'FederatedUser': {
      const name = arnName(arn) ?? str(identity.principalId)?.split(':')[1] ?? 'unknown';
      return {
        ok: true,
        principal: {
          key: `federated:${accountId}:${name}`,
          arn: arn ?? null,
          type: 'FederatedUser',
          accountId,
          name,
          context: withoutUndefined({ invokedBy }),
        },
      };
    }
    case 'SAMLUser':
    case 'WebIdentityUser': {
      const name = str(identity.userName) ?? str(identity.principalId) ?? 'unknown';
      const provider = str(identity.identityProvider);
      const prefix = type === 'SAMLUser' ? 'saml' : 'web';
      return {
        ok: true,
        principal: {
          key: `${prefix}:${provider ?? 'unknown-provider'}:${name}`,
          arn: arn ?? null,
          type,
          accountId,
          name,
          context: withoutUndefined({ identityProvider: provider }),
        },
      };
    }
    case 'IdentityCenterUser': {
      const userName = str(identity.userName) ?? str(obj(record.additionalEventData).UserName);
      const name =
        userName?.toLowerCase() ??
        `idstore:${str(identity.onBehalfOf?.userId) ?? str(identity.principalId) ?? 'unknown'}`;
      return {
        ok: true,
        principal: {
          key: `person:${name}`,
          arn: arn ?? null,
          type: 'IdentityCenterUser',
          accountId,
          name,
          context: {},
        },
      };
    }
    case 'AWSAccount':
      // A caller from another account: CloudTrail shows the account, not who in it.
      return {
        ok: true,
        principal: {
          key: `account:${accountId}`,
          arn: arn ?? null,
          type: 'AWSAccount',
          accountId,
          name: `account ${accountId}`,
          context: withoutUndefined({ invokedBy }),
        },
      };
    default: {
      const name = str(identity.userName) ?? str(identity.principalId) ?? 'unknown';
      return {
        ok: true,
        principal: {
          key: `unknown:${accountId}:${name}`,
          arn: arn ?? null,
          type: 'Unknown',
          accountId,
          name,
          context: withoutUndefined({ invokedBy }),
        },
      };
    }
  }
};

const parseBool = (value: unknown): boolean | null => {
  if (value === true || value === 'true' || value === 'Yes') return true;
  if (value === false || value === 'false' || value === 'No') return false;
  return null;
};

const syntheticId = (record: CloudTrailRecord): string =>
  `synthetic-${createHash('sha256').update(JSON.stringify(record)).digest('hex').slice(0, 32)}`;

/** Normalises one record. Never throws: odd values become nulls, unusable records a reason. */
export const normaliseRecord = (record: CloudTrailRecord, origin?: EventOrigin): NormaliseResult => {
  if (record === null || typeof record !== 'object' || Array.isArray(record)) {
    return { ok: false, service: false, reason: 'record is not a JSON object' };
  }
  const eventTime = str(record.eventTime);
  if (!eventTime) return { ok: false, service: false, reason: 'record has no eventTime' };
  const time = Date.parse(eventTime);
  if (!Number.isFinite(time))
    return { ok: false, service: false, reason: `eventTime ${JSON.stringify(eventTime)} is not an ISO-8601 time` };
  const source = str(record.eventSource);
  const name = str(record.eventName);
  if (!source || !name)
    return { ok: false, service: false, reason: `record has no ${source ? 'eventName' : 'eventSource'}` };
  const resolved = resolvePrincipal(record);
  if (!resolved.ok) return resolved;
  const rawIp = str(record.sourceIPAddress);
  const sourceIp = rawIp && isIP(rawIp) ? rawIp : null;
  const sourceService =
    rawIp && !sourceIp && (/amazonaws\.com$/.test(rawIp) || rawIp === 'AWS Internal') ? rawIp : null;
  const additional = obj(record.additionalEventData);
  const response = obj(record.responseElements);
  const signInFailed = name === 'ConsoleLogin' && response.ConsoleLogin === 'Failure';
  const errorCode = str(record.errorCode) ?? (signInFailed ? 'Failure' : null);
  const bytesOut = Number(additional.bytesTransferredOut);
  const resources = Array.isArray(record.resources)
    ? record.resources.map((r) => ({
        arn: str(r?.ARN) ?? null,
        type: str(r?.type) ?? null,
        accountId: str(r?.accountId) ?? null,
      }))
    : [];
  const mfa =
    parseBool(additional.MFAUsed) ?? parseBool(record.userIdentity?.sessionContext?.attributes?.mfaAuthenticated);
  const event: VigilEvent = {
    id: str(record.eventID) ?? syntheticId(record),
    time,
    timeIso: new Date(time).toISOString(),
    source,
    name,
    api: `${source.replace(/\.amazonaws\.com$/, '')}:${name}`,
    region: str(record.awsRegion) ?? 'unknown',
    accountId: str(record.recipientAccountId) ?? resolved.principal.accountId,
    principal: resolved.principal,
    sourceIp,
    sourceService,
    userAgent: str(record.userAgent) ?? '',
    errorCode,
    errorMessage: str(record.errorMessage) ?? (signInFailed ? 'Failed authentication' : null),
    accessDenied: errorCode !== null && ACCESS_DENIED.test(errorCode),
    readOnly: typeof record.readOnly === 'boolean' ? record.readOnly : null,
    eventType: str(record.eventType) ?? 'AwsApiCall',
    category: str(record.eventCategory) ?? (record.managementEvent === false ? 'Data' : 'Management'),
    mfa,
    accessKeyId: str(record.userIdentity?.accessKeyId) ?? null,
    request: obj(record.requestParameters),
    response,
    additional,
    resources,
    bytesOut: Number.isFinite(bytesOut) && bytesOut > 0 ? bytesOut : 0,
    vpcEndpointId: str(record.vpcEndpointId) ?? null,
    eventVersion: str(record.eventVersion) ?? 'unknown',
    raw: record,
    ...(origin ? { origin } : {}),
  };
  return { ok: true, event };
};
