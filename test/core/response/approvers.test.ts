import { describe, expect, it } from 'vitest';
import { authorizeApprover, NotAnApproverError, SelfApprovalError } from '../../../lambdas/core/response/approvers.ts';
import { caseIdFor, checkCaseId } from '../../../lambdas/core/response/case-id.ts';
import { ssoFinding, userFinding } from './fixtures.ts';

describe('authorizeApprover', () => {
  const approvers = [
    'arn:aws:iam::111122223333:user/alice',
    'bob@example.com',
    'arn:aws:iam::111122223333:role/SecurityLead*',
  ];

  it.each([
    ['an IAM user by ARN', 'arn:aws:iam::111122223333:user/alice', 'arn:aws:iam::111122223333:user/alice'],
    [
      'an Identity Center user by name',
      'arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_Security_0a1b2c3d4e5f6789/bob@example.com',
      'bob@example.com',
    ],
    [
      'a role session by its role',
      'arn:aws:sts::111122223333:assumed-role/SecurityLeadRole/anything',
      'arn:aws:iam::111122223333:role/SecurityLead*',
    ],
  ])('accepts %s', (_, caller, entry) => {
    expect(authorizeApprover(caller, approvers, userFinding())).toBe(entry);
  });

  it('does not take the session name of an ordinary role as a person: the caller chooses it', () => {
    expect(() =>
      authorizeApprover('arn:aws:sts::111122223333:assumed-role/Developer/bob@example.com', approvers, userFinding()),
    ).toThrow(
      new NotAnApproverError(
        'arn:aws:sts::111122223333:assumed-role/Developer/bob@example.com is not an approver; expected one of response.approvers (arn:aws:iam::111122223333:user/alice, bob@example.com, arn:aws:iam::111122223333:role/SecurityLead*)',
      ),
    );
  });

  it('refuses the subject of the case, even when configured as an approver', () => {
    const caller = 'arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_Security_0a1b2c3d4e5f6789/carol@example.com';
    expect(() => authorizeApprover(caller, ['carol@example.com'], ssoFinding())).toThrow(SelfApprovalError);
  });
});

describe('case ids', () => {
  it('names the same case for the same finding, another for an escalation', () => {
    const first = caseIdFor(userFinding());
    expect(caseIdFor(userFinding())).toBe(first);
    expect(caseIdFor(userFinding({ severity: 'high' }))).not.toBe(first);
    expect(checkCaseId(first)).toBe(first);
  });

  it('refuses what is not a case id', () => {
    expect(() => checkCaseId('case-1; rm -rf')).toThrow(
      '"case-1; rm -rf" is not a case id; expected case- and 20 hex digits, e.g. case-0123456789abcdef0123',
    );
  });
});
