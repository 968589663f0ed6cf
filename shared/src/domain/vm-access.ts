import { z } from "zod";

// how people reach a site's VMs: both set by a tenant admin on the site, both optional

const LABEL = "[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?";

/** The DNS domain a site's VMs live in (`lab.example.com`): a VM's FQDN is `<hostname>.<domain>`. */
export const DnsDomain = z
  .string()
  .trim()
  .toLowerCase()
  .max(253, "must be at most 253 characters")
  .regex(new RegExp(`^${LABEL}(?:\\.${LABEL})*$`), "must be a DNS domain such as lab.example.com");

/** The user a site's template documents for the first login (`ubuntu`, `cloud-user`). */
export const LoginUser = z
  .string()
  .trim()
  .max(64, "must be at most 64 characters")
  .regex(/^[A-Za-z_][A-Za-z0-9._-]*$/, "must be a user name such as ubuntu (letters, digits, . _ -)");
