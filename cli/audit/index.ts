/** The auditor's commands, as plain functions the command line wires to `vigil audit ...` and `vigil case ...`. */
export { type BundleBucket, type CaseEvidence, type CaseExportResult, caseExport, caseShow } from './case.ts';
export type { AuditDeps } from './deps.ts';
export { type AuditExportOptions, type AuditExportResult, auditExport } from './export.ts';
export { type AuditQueryOptions, type AuditQueryResult, auditQuery } from './query.ts';
export { type AuditVerifyOptions, type AuditVerifyResult, auditVerify } from './verify.ts';
