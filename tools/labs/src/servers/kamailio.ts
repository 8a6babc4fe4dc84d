/**
 * Test-only: Debian Kamailio from a generated config, listening for plain SIP on one loopback port
 * over both UDP and TCP, answering OPTIONS statelessly with 200 and an Allow list.
 */
import { createLabDir, type LabProcess, reserveLoopbackPort, startLabProcess, tcpPortAnswers } from "./lab-process.js";

/** A running Kamailio. */
export type KamailioLab = {
  /** The same number for UDP and TCP. */
  readonly port: number;
  /** The Server header it sends. */
  readonly serverHeader: string;
  close(): Promise<void>;
};

/** Starts Kamailio; the caller closes it in afterAll. */
export async function startKamailioLab(): Promise<KamailioLab> {
  const lab = createLabDir("kamailio");
  // A free TCP port is very likely free over UDP as well; a clash shows as a startup failure, never a wrong result.
  const port = await reserveLoopbackPort();
  const serverHeader = "hardcheck-lab-sip";
  const conf = lab.write(
    "kamailio.cfg",
    [
      "#!KAMAILIO",
      "debug=1",
      "log_stderror=yes",
      "children=1",
      "tcp_children=1",
      "auto_aliases=no",
      `listen=udp:127.0.0.1:${port}`,
      `listen=tcp:127.0.0.1:${port}`,
      `server_header="Server: ${serverHeader}"`,
      'loadmodule "sl.so"',
      'loadmodule "textops.so"',
      "request_route {",
      '  if (is_method("OPTIONS")) {',
      '    append_to_reply("Allow: INVITE, ACK, CANCEL, OPTIONS, BYE\\r\\n");',
      '    sl_send_reply("200", "OK");',
      "    exit;",
      "  }",
      '  sl_send_reply("405", "Method Not Allowed");',
      "}",
      "",
    ].join("\n"),
  );
  let kamailio: LabProcess;
  try {
    // -DD: stay in the foreground (children still fork); -E: log to stderr; -Y/-P: runtime files in the lab folder.
    kamailio = await startLabProcess("/usr/sbin/kamailio", ["-f", conf, "-DD", "-E", "-Y", lab.dir, "-P", `${lab.dir}/kamailio.pid`, "-w", lab.dir], () =>
      tcpPortAnswers(port),
    );
  } catch (error) {
    lab.remove();
    throw error;
  }
  return {
    port,
    serverHeader,
    async close() {
      await kamailio.stop();
      lab.remove();
    },
  };
}
