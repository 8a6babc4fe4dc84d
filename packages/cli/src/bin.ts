#!/usr/bin/env node
/** The `hardcheck` executable: SIGINT cancels the scan and still writes a partial report. */
import { main } from "./program.js";

const controller = new AbortController();
let interrupted = false;
process.on("SIGINT", () => {
  if (interrupted) process.exit(130);
  interrupted = true;
  process.stderr.write("\ninterrupted: finishing a partial report (press Ctrl-C again to quit now)\n");
  controller.abort(new Error("interrupted"));
});

const code = await main(process.argv.slice(2), undefined, controller.signal);
// Exit explicitly: a probe that ignored cancellation must not keep the process alive.
process.stdout.write("", () => process.exit(code));
