import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  DEMO_OPTIONS,
  DemoOptionsError,
  describeOrganisation,
  type Generated,
  generateOrganisation,
  generateStream,
} from '../../../cli/demo/generate.ts';
import { ACCOUNTS, buildOrganisation, NETWORKS } from '../../../cli/demo/organisation.ts';
import { Rng } from '../../../cli/demo/random.ts';
import { loadGeo } from '../../../lambdas/adapters/geo.ts';
import type { CloudTrailRecord } from '../../../lambdas/core/cloudtrail.ts';
import { normaliseRecord, resolvePrincipal } from '../../../lambdas/core/normalise.ts';

const keyOf = (record: CloudTrailRecord): string | null => {
  const resolved = resolvePrincipal(record);
  return resolved.ok ? resolved.principal.key : null;
};

const ISO_SECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('generateOrganisation: the default demo', () => {
  let demo: Generated;
  beforeAll(() => {
    demo = generateOrganisation(DEMO_OPTIONS);
  });

  it('plants twelve attacks and eight hard negatives', () => {
    // Assess
    expect(demo.labels.map((l) => [l.id, l.kind])).toEqual([
      ['backdoor-access-key', 'attack'],
      ['console-login-without-mfa', 'attack'],
      ['pentest-user-agent', 'attack'],
      ['root-console-and-api', 'attack'],
      ['secrets-batch-read', 'attack'],
      ['admin-policy-attached', 'attack'],
      ['cloudtrail-stopped-and-deleted', 'attack'],
      ['role-trust-backdoor', 'attack'],
      ['after-hours-bulk-download', 'attack'],
      ['stolen-access-key', 'attack'],
      ['snapshot-shared-externally', 'attack'],
      ['slow-ramp-exfiltration', 'attack'],
      ['traveller', 'benign'],
      ['new-joiner', 'benign'],
      ['quarter-end-close-1', 'benign'],
      ['quarter-end-close-2', 'benign'],
      ['quarter-end-close-3', 'benign'],
      ['on-call-night', 'benign'],
      ['nightly-data-pipeline', 'benign'],
      ['terraform-deployer-iam', 'benign'],
    ]);
    const byId = new Map(demo.labels.map((l) => [l.id, l]));
    expect(byId.get('root-console-and-api')?.principalKey).toBe(`root:${ACCOUNTS.production}`);
    expect(byId.get('stolen-access-key')?.principalKey).toBe(`user:${ACCOUNTS.production}:oliver.grant`);
    expect(byId.get('console-login-without-mfa')?.principalKey).toBe(`user:${ACCOUNTS.production}:legacy-ops`);
    expect(byId.get('traveller')?.principalKey).toBe(`user:${ACCOUNTS.production}:lena.fischer`);
    expect(byId.get('nightly-data-pipeline')?.principalKey).toBe(`role:${ACCOUNTS.production}:data-pipeline`);
    expect(byId.get('terraform-deployer-iam')?.principalKey).toBe(`role:${ACCOUNTS.production}:terraform-deployer`);
    expect(byId.get('stolen-access-key')?.start).toBe('2026-10-26T02:40:00Z');
    for (const l of demo.labels.filter((x) => x.kind === 'attack')) {
      expect(l.expect?.detectors.length, l.id).toBeGreaterThan(0);
    }
  });

  it('plants every attack after the two weeks the baselines learn from', () => {
    // Assess
    for (const l of demo.labels.filter((x) => x.kind === 'attack')) {
      expect(l.start >= '2026-10-15', l.id).toBe(true);
      expect(l.end <= '2026-10-28T23:59:59Z', l.id).toBe(true);
      expect(l.start <= l.end, l.id).toBe(true);
    }
  });

  it('gives every label events by its principal inside its time range', () => {
    // Prepare
    const seen = new Map<string, number>();
    const ranges = demo.labels.map((l) => ({ l, start: l.start, end: l.end }));
    // Act
    for (const record of demo.records) {
      const t = record.eventTime ?? '';
      const key = keyOf(record);
      for (const { l, start, end } of ranges) {
        if (key === l.principalKey && t >= start && t <= end) seen.set(l.id, (seen.get(l.id) ?? 0) + 1);
      }
    }
    // Assess
    const missing = demo.labels.filter((l) => !seen.has(l.id)).map((l) => l.id);
    expect(missing).toEqual([]);
    expect(seen.get('after-hours-bulk-download')).toBeGreaterThan(1_800);
    const burst = demo.labels.find((l) => l.id === 'secrets-batch-read');
    const reads = demo.records.filter(
      (r) =>
        r.eventName === 'GetSecretValue' &&
        keyOf(r) === burst?.principalKey &&
        (r.eventTime ?? '') >= (burst?.start ?? '') &&
        (r.eventTime ?? '') <= (burst?.end ?? ''),
    );
    expect(new Set(reads.map((r) => r.requestParameters?.secretId)).size).toBe(27);
    expect(burst?.story).toMatch(/ reads 27 production secrets /);
  });

  it('stays within the demo budget: 100k-250k events, about 40-60 principals', () => {
    // Assess
    expect(demo.records.length).toBeGreaterThan(90_000);
    expect(demo.records.length).toBeLessThan(250_000);
    expect(demo.principals).toBeGreaterThan(40);
    expect(demo.principals).toBeLessThan(80);
    expect(demo.principalDays).toBeGreaterThan(900);
    expect(demo.config.sensitiveBuckets).toEqual(['acme-customer-data', 'acme-finance-reports']);
    expect(demo.description[0]).toBe(
      'Acme: 3 AWS accounts (management 401923558211, production 739184620357, development 582046193744), workloads in eu-west-1.',
    );
  });

  it('writes records sorted by eventTime, with CloudTrail times and unique uuid eventIDs', () => {
    // Prepare
    const ids = new Set<string>();
    let previous = '';
    const problems: string[] = [];
    // Act
    for (const r of demo.records) {
      const t = r.eventTime ?? '';
      if (!ISO_SECONDS.test(t)) problems.push(`eventTime ${t}`);
      if (t < previous) problems.push(`out of order ${previous} > ${t}`);
      previous = t;
      if (!UUID_V4.test(r.eventID ?? '')) problems.push(`eventID ${r.eventID}`);
      ids.add(r.eventID ?? '');
      if (!Object.values(ACCOUNTS).includes(r.recipientAccountId as never))
        problems.push(`account ${r.recipientAccountId}`);
    }
    // Assess
    expect(problems.slice(0, 5)).toEqual([]);
    expect(ids.size).toBe(demo.records.length);
  });

  it('normalises every record; only AWS service events are set aside', () => {
    // Prepare
    const failures: string[] = [];
    let services = 0;
    // Act
    for (const r of demo.records) {
      const result = normaliseRecord(r);
      if (result.ok) continue;
      if (result.service) services++;
      else failures.push(result.reason);
    }
    // Assess
    expect(failures).toEqual([]);
    expect(services).toBeGreaterThan(1_000);
  });

  it('uses every identity kind the brief names', () => {
    // Prepare
    const find = (pred: (r: CloudTrailRecord) => boolean) => demo.records.find(pred);
    // Act
    const sso = find((r) => r.userIdentity?.arn?.includes('AWSReservedSSO_DataScientist_') === true);
    const chained = find((r) => r.userIdentity?.sessionContext?.sourceIdentity !== undefined);
    const ci = find((r) => r.eventName === 'AssumeRoleWithWebIdentity');
    const ec2 = find((r) => r.userIdentity?.sessionContext?.ec2RoleDelivery === '2.0');
    const lambda = find(
      (r) => r.userIdentity?.arn?.includes('assumed-role/orders-processor-role/orders-processor') === true,
    );
    const root = find((r) => r.userIdentity?.type === 'Root' && r.eventName === 'ConsoleLogin');
    const service = find((r) => r.userIdentity?.type === 'AWSService');
    // Assess
    expect(sso && resolvePrincipal(sso)).toMatchObject({
      ok: true,
      principal: { type: 'IdentityCenterUser', context: { permissionSet: 'DataScientist' } },
    });
    expect(sso?.userIdentity?.arn).toMatch(
      /^arn:aws:sts::739184620357:assumed-role\/AWSReservedSSO_DataScientist_[0-9a-f]{16}\/[A-Za-z.]+@acme\.example$/,
    );
    expect(chained && keyOf(chained)).toMatch(/^person:[a-z.]+@acme\.example$/);
    expect(chained?.userIdentity?.arn).toMatch(/assumed-role\/ops-admin\//);
    expect(ci?.userIdentity?.type).toBe('WebIdentityUser');
    expect(ci?.userIdentity?.identityProvider).toMatch(/oidc-provider\/token\.actions\.githubusercontent\.com$/);
    expect(ec2 && resolvePrincipal(ec2)).toMatchObject({
      ok: true,
      principal: {
        key: 'role:739184620357:app-server-role',
        context: { instanceId: expect.stringMatching(/^i-0[0-9a-f]{16}$/) },
      },
    });
    expect(lambda?.userAgent).toMatch(/exec-env\/AWS_Lambda_nodejs20\.x$/);
    expect(root?.additionalEventData).toMatchObject({ MFAUsed: 'Yes' });
    expect(root?.awsRegion).toBe('us-east-1');
    expect(service?.sourceIPAddress).toMatch(/\.amazonaws\.com$/);
  });

  it('writes console sign-ins, S3 data events and access denials as CloudTrail does', () => {
    // Prepare
    const ssoLogin = demo.records.find((r) => r.eventName === 'ConsoleLogin' && r.userIdentity?.type === 'AssumedRole');
    const failedLogin = demo.records.find(
      (r) => r.eventName === 'ConsoleLogin' && r.responseElements?.ConsoleLogin === 'Failure',
    );
    const get = demo.records.find((r) => r.eventName === 'GetObject');
    const denied = demo.records.filter(
      (r) => r.errorCode === 'AccessDenied' || r.errorCode === 'Client.UnauthorizedOperation',
    );
    // Assess
    expect(ssoLogin?.additionalEventData).toMatchObject({ MFAUsed: 'No', MobileVersion: 'No' });
    expect(ssoLogin?.eventType).toBe('AwsConsoleSignIn');
    expect(failedLogin).toMatchObject({
      errorMessage: 'Failed authentication',
      userIdentity: { userName: 'legacy-ops' },
    });
    expect(failedLogin?.errorCode).toBeUndefined();
    expect(get).toMatchObject({
      eventCategory: 'Data',
      managementEvent: false,
      readOnly: true,
      requestParameters: { bucketName: expect.stringMatching(/^acme-(customer-data|finance-reports)$/) },
    });
    expect(get?.additionalEventData?.bytesTransferredOut).toBeGreaterThan(0);
    expect(get?.resources?.map((r) => r.type)).toEqual(['AWS::S3::Object', 'AWS::S3::Bucket']);
    expect(get?.requestID).toMatch(/^[0-9A-F]{16}$/);
    expect(get?.userAgent).toMatch(/^\[.+\]$/);
    expect(denied.length).toBeGreaterThan(100);
    expect(denied[0]?.errorMessage).toMatch(/ is not authorized to perform: /);
  });

  it('sends the user agents of the console, aws-cli v2, Boto3, terraform and the JavaScript SDK', () => {
    // Prepare
    const families = new Set<string>();
    // Act
    for (const r of demo.records) {
      const ua = (r.userAgent ?? '').replace(/^\[/, '');
      if (ua.startsWith('Mozilla/5.0')) families.add('console');
      else if (ua.startsWith('aws-cli/2.')) families.add('aws-cli/2');
      else if (ua.startsWith('Boto3/')) families.add('boto3');
      else if (ua.includes('Terraform/')) families.add('terraform');
      else if (ua.startsWith('aws-sdk-js/3')) families.add('aws-sdk-js');
    }
    // Assess
    expect([...families].sort()).toEqual(['aws-cli/2', 'aws-sdk-js', 'boto3', 'console', 'terraform']);
  });

  it('records global services in us-east-1 and the rest in eu-west-1', () => {
    // Prepare
    const regions = new Map<string, Set<string>>();
    // Act
    for (const r of demo.records) {
      const source = r.eventSource ?? '';
      const set = regions.get(source) ?? new Set<string>();
      set.add(r.awsRegion ?? '');
      regions.set(source, set);
    }
    // Assess
    expect([...(regions.get('iam.amazonaws.com') ?? [])]).toEqual(['us-east-1']);
    expect([...(regions.get('signin.amazonaws.com') ?? [])]).toEqual(['us-east-1']);
    expect([...(regions.get('s3.amazonaws.com') ?? [])]).toEqual(['eu-west-1']);
    expect([...(regions.get('lambda.amazonaws.com') ?? [])]).toEqual(['eu-west-1']);
  });

  it('calls only from addresses the offline IP database places where the story says', () => {
    // Prepare
    const geo = loadGeo();
    const countries = new Map<string, number>();
    const unplaced: string[] = [];
    // Act
    for (const r of demo.records) {
      const ip = r.sourceIPAddress ?? '';
      if (ip === 'AWS Internal' || ip.endsWith('.amazonaws.com')) continue;
      const country = geo.lookup(ip).country;
      if (country === null) unplaced.push(ip);
      else countries.set(country, (countries.get(country) ?? 0) + 1);
    }
    // Assess
    expect(unplaced.slice(0, 5)).toEqual([]);
    expect([...countries.keys()].sort()).toEqual(['DE', 'GB', 'IE', 'RO', 'US']);
    const stolen = demo.records.find(
      (r) => r.userIdentity?.userName === 'oliver.grant' && r.userAgent?.includes('cloud-amd64'),
    );
    expect(geo.lookup(stolen?.sourceIPAddress ?? '')).toMatchObject({ country: 'RO', asn: 9009 });
  });
});

describe('the networks the organisation uses', () => {
  it.each(Object.entries(NETWORKS))('%s resolves to its country and autonomous system', (_name, network) => {
    // Prepare
    const geo = loadGeo();
    const [base] = network.cidr.split('/');
    const octets = (base ?? '').split('.');
    const sample = `${octets[0]}.${octets[1]}.${octets[2] === '0' ? '128' : octets[2]}.77`;
    // Act
    const info = geo.lookup(sample);
    // Assess
    expect({ country: info.country, asn: info.asn }).toEqual({ country: network.country, asn: network.asn });
  });
});

describe('the people of a large organisation', () => {
  it('live, work and connect through VPNs in the countries of their sites', () => {
    // Prepare
    const geo = loadGeo();
    const org = buildOrganisation(new Rng('geo-check'), 400, Date.parse('2026-10-01'), 28);
    const wrong: string[] = [];
    // Act
    for (const p of org.people) {
      const vpnCountry = p.site === 'new-york' ? 'US' : 'GB';
      const expected = [
        ...p.homeIps.map((ip) => [ip, p.country]),
        [p.vpnIp, vpnCountry],
        ...(p.officeIp ? [[p.officeIp, p.country]] : []),
      ];
      for (const [ip = '', country] of expected) {
        if (geo.lookup(ip).country !== country)
          wrong.push(`${p.name} ${ip}: ${geo.lookup(ip).country}, expected ${country}`);
      }
    }
    // Assess
    expect(wrong).toEqual([]);
    expect(org.people.filter((p) => p.homeIps[0]?.includes(':')).length).toBeGreaterThan(20);
  });
});

describe('generateOrganisation: determinism', () => {
  const small = { seed: 7, days: 7, people: 10 };
  let first: Generated;
  beforeAll(() => {
    first = generateOrganisation(small);
  });

  it('gives the same records, byte for byte, for the same seed', () => {
    // Act
    const again = generateOrganisation(small);
    // Assess
    expect(JSON.stringify(again.records)).toBe(JSON.stringify(first.records));
    expect(again.labels).toEqual(first.labels);
    expect(again.principalDays).toBe(first.principalDays);
  });

  it('gives different records for another seed', () => {
    // Act
    const other = generateOrganisation({ ...small, seed: 8 });
    // Assess
    expect(other.records[0]?.eventID).not.toBe(first.records[0]?.eventID);
    expect(other.records.length).not.toBe(first.records.length);
  });

  it('describes the labels without generating the records', () => {
    // Act
    const described = describeOrganisation(small);
    // Assess
    expect(described.labels).toEqual(first.labels);
    expect(described.description).toEqual(first.description.slice(0, -1));
  });

  it('rejects options it cannot honour, naming the option', () => {
    // Assess
    expect(() => generateOrganisation({ seed: 1, days: 3, people: 30 })).toThrow(
      new DemoOptionsError('days: 3 is not a whole number of days from 7 to 3660'),
    );
    expect(() => generateOrganisation({ seed: 1, days: 28, people: 5 })).toThrow(
      new DemoOptionsError('people: 5 is not a whole number from 10 to 20000'),
    );
    expect(() => generateOrganisation({ seed: 1, days: 28, people: 30, start: 'soon' })).toThrow(
      new DemoOptionsError('start: "soon" is not an ISO date; expected e.g. "2026-10-01"'),
    );
  });

  it('starts on another date when asked', () => {
    // Act
    const g = generateOrganisation({ ...small, start: '2027-03-01' });
    // Assess
    expect(g.records[0]?.eventTime?.slice(0, 10)).toBe('2027-03-01');
    expect(g.records[g.records.length - 1]?.eventTime?.slice(0, 10)).toBe('2027-03-07');
  });
});

describe('generateStream', () => {
  it('yields exactly the requested count, in time order, the same records as the whole generation', () => {
    // Prepare
    const whole = generateOrganisation({ seed: 3, days: 7, people: 10 });
    // Act
    const streamed = [...generateStream({ seed: 3, days: 7, people: 10, eventsTarget: 5_000 })];
    // Assess
    expect(streamed.length).toBe(5_000);
    expect(JSON.stringify(streamed)).toBe(JSON.stringify(whole.records.slice(0, 5_000)));
  });

  it('keeps the organisation working past the window until the target is reached, with bounded memory', () => {
    // Prepare
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    gc();
    const before = process.memoryUsage().heapUsed;
    let count = 0;
    let previous = '';
    let outOfOrder = 0;
    let peak = 0;
    // Act
    for (const r of generateStream({ seed: 11, days: 7, people: 10, eventsTarget: 100_000 })) {
      const t = r.eventTime ?? '';
      if (t < previous) outOfOrder++;
      previous = t;
      count++;
      if (count % 20_000 === 0) {
        gc();
        peak = Math.max(peak, process.memoryUsage().heapUsed - before);
      }
    }
    // Assess: 100k records held at once would take over 100 MB.
    expect(count).toBe(100_000);
    expect(outOfOrder).toBe(0);
    expect(previous > '2026-10-25').toBe(true);
    expect(peak).toBeLessThan(48 * 1024 * 1024);
  });
});
