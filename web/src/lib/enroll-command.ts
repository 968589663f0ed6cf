/** The name the README's example gives the first agent; the panel starts with it. */
export const EXAMPLE_AGENT_NAME = "dc1-agent-1";

/** What `POST /agent/enroll` accepts as an agent's name. */
export const isAgentName = (name: string): boolean => /^[\w.-]{1,100}$/.test(name);

/**
 * What an operator runs on the agent's host, in order: install and enroll (with a published release, the
 * one-line install: download from this edge, checksum, package, enroll; without one, the enroll command
 * of an agent installed by hand), then point it at vCenter (it logs in to check, and asks for the
 * password), then start the hardened service.
 */
export function installCommands(input: {
  origin: string;
  token: string;
  /** the agent's name on the Agents page */
  name: string;
  release: { version: string } | null;
}): readonly string[] {
  const { origin, token, name, release } = input;
  return [
    release
      ? `curl -fsSL ${origin}/agent/install.sh | sudo sh -s -- --token ${token} --name ${name}`
      : `sudo gantry-agent enroll --edge ${origin} --token ${token} --name ${name}`,
    "sudo gantry-agent configure --vcenter https://<your vCenter> --username <service account>",
    "sudo systemctl enable --now gantry-agent",
  ];
}
