import type { RunEvent } from "../run/runner.js";

/**
 * Live progress on stderr while Spark works: on a terminal one line rewritten in place (action,
 * stages, tasks, bytes read); otherwise one line per action.
 */
export function progressPrinter(enabled = true): (e: RunEvent) => void {
  const tty = process.stderr.isTTY;
  let current = "";
  // Labels by action: the quarantine may be written beside a sink (run/phases/write.ts).
  const labels = new Map<string, string>();
  let last = 0;
  return (e) => {
    if (!enabled) return;
    if (e.type === "action") {
      current = `[${e.index}/${e.total}] ${e.name}`;
      labels.set(e.name, current);
      if (!tty) process.stderr.write(`kindling: ${current}: running\n`);
    } else if (e.type === "progress" && tty) {
      const now = Date.now();
      if (now - last < 200) return;
      last = now;
      const p = e.progress;
      const tasks = p.stages.reduce((a, s) => a + s.numTasks, 0);
      const done = p.stages.reduce((a, s) => a + s.completedTasks, 0);
      const read = p.stages.reduce((a, s) => a + s.inputBytesRead, 0);
      const line = `${current}: ${p.stages.length} stage(s), tasks ${done}/${tasks}, ${p.inflightTasks} running, ${(read / 2 ** 20).toFixed(0)} MB read`;
      process.stderr.write(`\r\x1b[K${line}`);
    } else if (e.type === "commit") {
      process.stderr.write(
        `${tty ? "\r\x1b[K" : ""}kindling: committing sink ${e.sink} to the Delta table ${e.path}\n`,
      );
    } else if (e.type === "done") {
      const line = `${labels.get(e.action) ?? e.action}: done in ${(e.ms / 1000).toFixed(1)} s`;
      process.stderr.write(tty ? `\r\x1b[K${line}\n` : `kindling: ${line}\n`);
    }
  };
}
