/** How a ready VM is reached: its FQDN when known, and the login command its site documents. */
export interface VmAccess {
  fqdn: string | null;
  /** `ssh ubuntu@web-01.lab.example.com`; null until the site's admin names the template's user */
  login: string | null;
}

/**
 * The FQDN is the guest's own when it reports one with a dot, else hostname + the site's DNS domain,
 * else unknown. The login goes to the FQDN, or the IP address when the name is not known to resolve.
 */
export function vmAccess(
  vm: { hostname: string; ipAddress: string | null },
  site: { dnsDomain: string | null; loginUser: string | null },
): VmAccess {
  const hostname = vm.hostname.trim();
  const fqdn =
    hostname === ""
      ? null
      : hostname.includes(".")
        ? hostname
        : site.dnsDomain
          ? `${hostname}.${site.dnsDomain}`
          : null;
  const target = fqdn ?? vm.ipAddress;
  return { fqdn, login: site.loginUser && target ? `ssh ${site.loginUser}@${target}` : null };
}
