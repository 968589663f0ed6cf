-- The web app as a product (issue 22): a VM name is unique among a project's live requests, the requested
-- network is part of the request's summary, and a site may say how its VMs are reached.

-- One row per live request (pending, approved, provisioning, ready), keyed by the name it holds in its
-- project: the key is the guard against two submits of the same name racing, since the row is written in
-- the same D1 batch as the submission's events (a second insert fails the whole batch). Rejected,
-- cancelled and failed requests give their name back. One write per submission.
CREATE TABLE vm_names (
  tenant_id TEXT NOT NULL,
  project_id TEXT NOT NULL,
  name TEXT NOT NULL,
  request_id TEXT NOT NULL,
  PRIMARY KEY (tenant_id, project_id, name)
) WITHOUT ROWID;

-- names already live when this migration runs; of two live requests with one name (possible before the
-- guard) the older keeps it
INSERT OR IGNORE INTO vm_names (tenant_id, project_id, name, request_id)
  SELECT tenant_id, project_id, name, request_id FROM request_summary
  WHERE status IN ('PENDING', 'APPROVED', 'PROVISIONING', 'READY')
  ORDER BY created_at, request_id;

-- the network the requester picked; NULL = the site's default network (as in VmRequestSubmitted)
ALTER TABLE request_summary ADD COLUMN network_path TEXT;

UPDATE request_summary SET network_path = (
  SELECT json_extract(e.payload, '$.networkPath') FROM events e
  WHERE e.stream_id = 'vm-request:' || request_summary.request_id AND e.version = 1
);

-- how people reach a site's VMs, both optional and set by an admin: the DNS domain the VMs' hostnames
-- live in (for the FQDN) and the user the site's template documents for logging in
ALTER TABLE sites ADD COLUMN dns_domain TEXT;
ALTER TABLE sites ADD COLUMN login_user TEXT;
