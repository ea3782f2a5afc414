import { describe, expect, it } from 'vitest';
import { pentestDistribution } from '../../../lambdas/core/detectors/credentials.ts';
import {
  countDistinct,
  forgetBefore,
  listOf,
  policyStatements,
  shortHash,
} from '../../../lambdas/core/detectors/helpers.ts';
import { ipv4ToNumber, ipv6Groups, isReservedAddress } from '../../../lambdas/core/detectors/ip.ts';

describe('ip', () => {
  it.each([
    ['0.0.0.0', 0],
    ['1.2.3.4', 16909060],
    ['255.255.255.255', 4294967295],
    ['1.2.3', null],
    ['1.2.3.256', null],
    ['1..3.4', null],
    ['01234.1.1.1', null],
    ['::1', null],
  ])('reads IPv4 %s as %s', (ip, value) => {
    expect(ipv4ToNumber(ip)).toBe(value);
  });

  it.each([
    ['::', [0, 0, 0, 0, 0, 0, 0, 0]],
    ['2001:db8::1', [0x2001, 0xdb8, 0, 0, 0, 0, 0, 1]],
    ['fe80::1%eth0', [0xfe80, 0, 0, 0, 0, 0, 0, 1]],
    ['::ffff:192.0.2.1', [0, 0, 0, 0, 0, 0xffff, 0xc000, 0x201]],
    ['1:2:3:4:5:6:7:8', [1, 2, 3, 4, 5, 6, 7, 8]],
    ['1:2:3:4:5:6:7', null],
    ['1::2::3', null],
    ['12345::', null],
    ['1.2.3.4', null],
  ])('reads IPv6 %s', (ip, groups) => {
    expect(ipv6Groups(ip)).toEqual(groups);
  });

  it.each([
    ['10.0.0.1', true],
    ['172.31.255.255', true],
    ['172.32.0.1', false],
    ['100.127.255.255', true],
    ['198.51.100.20', true],
    ['224.0.0.1', true],
    ['3.80.12.34', false],
    ['fd12:3456::1', true],
    ['2600:1f18::1', false],
    ['::ffff:10.0.0.1', true],
    ['::ffff:8.8.8.8', false],
  ])('calls %s reserved: %s', (ip, reserved) => {
    expect(isReservedAddress(ip)).toBe(reserved);
  });
});

describe('policyStatements', () => {
  it('reads an IAM policy string, principals and conditions', () => {
    const [statement] = policyStatements(
      JSON.stringify({
        Version: '2012-10-17',
        Statement: {
          Effect: 'Allow',
          Principal: { AWS: ['arn:aws:iam::193672423079:root'], Service: 'ec2.amazonaws.com' },
          Action: 'sts:AssumeRole',
        },
      }),
    );
    expect(statement).toEqual({
      effect: 'Allow',
      aws: ['arn:aws:iam::193672423079:root'],
      service: ['ec2.amazonaws.com'],
      federated: [],
      anyone: false,
      actions: ['sts:AssumeRole'],
      notAction: false,
      resources: [],
      condition: {},
    });
  });

  it('reads "Principal": "*" as anyone', () => {
    expect(
      policyStatements({ Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject' }] })[0]?.anyone,
    ).toBe(true);
  });

  it('returns nothing for what is not a policy', () => {
    expect(policyStatements('{not json')).toEqual([]);
    expect(policyStatements(null)).toEqual([]);
  });
});

describe('listOf', () => {
  it('reads arrays, EC2 item lists and single XML elements', () => {
    expect(listOf([1, 2])).toEqual([1, 2]);
    expect(listOf({ items: [{ a: 1 }] })).toEqual([{ a: 1 }]);
    expect(listOf({ ID: 'rule' })).toEqual([{ ID: 'rule' }]);
    expect(listOf({})).toEqual([]);
    expect(listOf(undefined)).toEqual([]);
  });
});

describe('detector memory', () => {
  it('counts distinct keys within the window and forgets older ones', () => {
    const memory: Record<string, unknown> = {};
    expect(countDistinct(memory, 'x', 'a', 0, 60_000)).toBe(1);
    expect(countDistinct(memory, 'x', 'a', 1_000, 60_000)).toBe(1);
    expect(countDistinct(memory, 'x', 'b', 2_000, 60_000)).toBe(2);
    expect(countDistinct(memory, 'x', 'c', 61_500, 60_000)).toBe(2);
  });

  it('stays small: at most `cap` hashed keys per slot, empty slots dropped', () => {
    const memory: Record<string, unknown> = {};
    for (let i = 0; i < 500; i++)
      countDistinct(
        memory,
        'secrets',
        `arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/${i}`,
        i * 100,
        600_000,
        16,
      );
    expect(Object.keys(memory.secrets as object).length).toBe(16);
    expect(JSON.stringify(memory).length).toBeLessThan(500);
    forgetBefore(memory, 10_000_000, 600_000);
    expect(memory).toEqual({});
  });

  it('hashes keys stably', () => {
    expect(shortHash('i-0123456789abcdef0')).toBe(shortHash('i-0123456789abcdef0'));
    expect(shortHash('a')).not.toBe(shortHash('b'));
  });
});

describe('pentestDistribution', () => {
  it.each([
    ['aws-cli/2.15.30 md/awscrt#0.19.19 ua/2.0 os/linux#6.6.9-amd64 md/distrib#kali.2024 md/prompt#off', 'kali'],
    ['[aws-cli/1.27.74 Python/3.11.2 Linux/6.5.0-13parrot1-amd64 botocore/1.29.74]', 'parrot'],
    ['Boto3/1.34.0 os/linux#6.6.13-pentoo Botocore/1.34.0', 'pentoo'],
    ['aws-cli/2.15.30 Python/3.11.8 Linux/6.5.0-1016-aws exe/x86_64.ubuntu.22', null],
    ['my-app/1.0 (kali-integration)', null],
  ])('reads %s as %s', (agent, distribution) => {
    expect(pentestDistribution(agent)).toBe(distribution);
  });
});
