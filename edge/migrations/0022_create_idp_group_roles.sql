-- Mapping IdP group claims to roles (issue 17): a person whose binding's roles claim lists `group_value`
-- gets `role` at sign-in and at each session renewal (beside `admin` in the claim itself and the role
-- named in People and roles). Written through the settings area, each change an event.
CREATE TABLE idp_group_roles (
  tenant_id TEXT NOT NULL REFERENCES tenants (id),
  group_value TEXT NOT NULL CHECK (length(group_value) BETWEEN 1 AND 200),
  role TEXT NOT NULL CHECK (role IN ('admin', 'member')),
  PRIMARY KEY (tenant_id, group_value)
) WITHOUT ROWID;
