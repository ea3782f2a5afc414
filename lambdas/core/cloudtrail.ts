/**
 * The CloudTrail record as AWS writes it. Every field is optional on purpose: records from
 * older event versions, failed sign-ins and service events leave out what the others carry,
 * and the normaliser must survive all of them.
 */
export interface CloudTrailUserIdentity {
  type?: string;
  principalId?: string;
  arn?: string;
  accountId?: string;
  accessKeyId?: string;
  userName?: string;
  invokedBy?: string;
  identityProvider?: string;
  credentialId?: string;
  onBehalfOf?: { userId?: string; identityStoreArn?: string };
  sessionContext?: {
    sessionIssuer?: { type?: string; principalId?: string; arn?: string; accountId?: string; userName?: string };
    webIdFederationData?: { federatedProvider?: string; attributes?: Record<string, unknown> };
    attributes?: { creationDate?: string; mfaAuthenticated?: string };
    sourceIdentity?: string;
    ec2RoleDelivery?: string;
  };
}

/** One CloudTrail record (management, data or insight event). */
export interface CloudTrailRecord {
  eventVersion?: string;
  userIdentity?: CloudTrailUserIdentity;
  eventTime?: string;
  eventSource?: string;
  eventName?: string;
  awsRegion?: string;
  sourceIPAddress?: string;
  userAgent?: string;
  errorCode?: string;
  errorMessage?: string;
  requestParameters?: Record<string, unknown> | null;
  responseElements?: Record<string, unknown> | null;
  additionalEventData?: Record<string, unknown> | null;
  requestID?: string;
  eventID?: string;
  readOnly?: boolean;
  resources?: { ARN?: string; accountId?: string; type?: string }[];
  eventType?: string;
  managementEvent?: boolean;
  recipientAccountId?: string;
  eventCategory?: string;
  sharedEventID?: string;
  vpcEndpointId?: string;
  tlsDetails?: Record<string, unknown>;
  sessionCredentialFromConsole?: string;
  [key: string]: unknown;
}
