import { spawn } from "node:child_process";

/** A pid that is certainly dead: a child that has exited (for lock and registration files left by a crash). */
export async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ["-e", ""]);
  await new Promise((resolve) => child.on("exit", resolve));
  return child.pid!;
}
