-- What an approval policy decided for each request it matched (issue 18), kept by the request-approvals
-- projection from VmRequestPolicyApplied / VmRequestApprovalGiven: how many approvals it needs and has,
-- and when a request still pending is rejected. `reject_at` is cleared once the request is decided, so the
-- minute cron's sweep reads only the partial index of requests that can still run out.
CREATE TABLE request_approvals (
  request_id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL REFERENCES tenants (id),
  rule_id TEXT NOT NULL,
  approvals_required INTEGER NOT NULL CHECK (approvals_required BETWEEN 0 AND 2),
  approvals_given INTEGER NOT NULL DEFAULT 0 CHECK (approvals_given >= 0),
  explanation TEXT NOT NULL,
  reject_at TEXT,
  reject_reason TEXT,
  CHECK (reject_at IS NULL OR reject_reason IS NOT NULL)
) WITHOUT ROWID;

CREATE INDEX request_approvals_due ON request_approvals (reject_at) WHERE reject_at IS NOT NULL;
