import { closeSync, fchownSync, fsyncSync, mkdirSync, openSync, renameSync, writeSync } from "node:fs";
import path from "node:path";

/**
 * Replaces `file` with `content` atomically: write a temp file, fsync, rename, fsync the directory.
 * A crash leaves either the old or the new content, never a torn file. Synchronous on purpose: the
 * journal's writes must happen in call order, and they are few and small.
 * @param owner given (root writing for the service user), the file has it before it appears under its name
 */
export function writeFileAtomic(
  file: string,
  content: string,
  mode = 0o600,
  owner?: { uid: number; gid: number },
): void {
  const dir = path.dirname(file);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = openSync(tmp, "w", mode);
  try {
    writeSync(fd, content);
    if (owner) fchownSync(fd, owner.uid, owner.gid);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
  const dirFd = openSync(dir, "r");
  try {
    fsyncSync(dirFd);
  } finally {
    closeSync(dirFd);
  }
}
