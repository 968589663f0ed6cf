import { readFileSync } from "node:fs";

/**
 * The vCenter password for `configure`: from a file, or from stdin — piped (first line), or typed at a
 * prompt on a terminal with echo off. Never from the command line, where `ps` and shell history see it.
 */
export async function readPassword(input: {
  file: string | undefined;
  prompt: string;
  stdin?: NodeJS.ReadStream;
  stderr?: NodeJS.WriteStream;
}): Promise<string> {
  const stdin = input.stdin ?? process.stdin;
  if (input.file !== undefined && input.file !== "-") return readFileSync(input.file, "utf8");
  if (stdin.isTTY) return promptHidden(input.prompt, stdin, input.stderr ?? process.stderr);
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString("utf8").split(/\r?\n/)[0] ?? "";
}

function promptHidden(prompt: string, stdin: NodeJS.ReadStream, stderr: NodeJS.WriteStream): Promise<string> {
  stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.resume();
  stdin.setEncoding("utf8");
  let typed = "";
  return new Promise((resolve, reject) => {
    const finish = (error?: Error) => {
      stdin.off("data", onData);
      stdin.setRawMode(false);
      stdin.pause();
      stderr.write("\n");
      if (error) reject(error);
      else resolve(typed);
    };
    const onData = (data: string) => {
      for (const ch of data) {
        if (ch === "\r" || ch === "\n") return finish();
        if (ch === "\u0003" || ch === "\u0004") return finish(new Error("no password given"));
        if (ch === "\u007f" || ch === "\b") typed = typed.slice(0, -1);
        else typed += ch;
      }
    };
    stdin.on("data", onData);
  });
}
