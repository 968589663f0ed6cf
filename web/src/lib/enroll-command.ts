/** The name the README's example gives the first agent; the panel starts with it. */
export const EXAMPLE_AGENT_NAME = "dc1-agent-1";

/** What `POST /agent/enroll` accepts as an agent's name. */
export const isAgentName = (name: string): boolean => /^[\w.-]{1,100}$/.test(name);

/**
 * The enroll command exactly as the root README's "Installing the agent" shows it, with this edge's
 * origin, the one-time token and the agent's name filled in (a browser test holds the two together).
 */
export function enrollCommand(input: { edge: string; token: string; name: string }): string {
  return (
    `sudo node /opt/gantry-agent/bin/gantry-agent.mjs enroll --edge ${input.edge} --token ${input.token} \\\n` +
    `     --name ${input.name} --state-dir /var/lib/gantry-agent`
  );
}
