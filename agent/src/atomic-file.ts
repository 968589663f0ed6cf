import {
  closeSync,
  fchownSync,
  fsyncSync,
  mkdirSync,
  openSync,
  renameSync,
  rmSync,
  writeSync,
} from "node:fs";
import path from "node:path";

/**
 * Replaces `file` with `content` atomically: write a temp file, fsync, rename, fsync the directory.
 * A crash leaves either the old or the new content, never a torn file. Synchronous on purpose: the
 * journal's writes must happen in call order, and they are few and small.
 *
 * The temp file is created exclusively (`wx`) with its final mode: a file or symlink planted under its
 * name (a leftover of a crash, or someone else's) is never written through, and nothing can open it
 * between its creation and a later chmod. A leftover of our own crash is removed first.
 *
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
  rmSync(tmp, { force: true });
  const fd = openSync(tmp, "wx", mode);
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
