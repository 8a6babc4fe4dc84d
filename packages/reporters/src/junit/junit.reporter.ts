/**
 * JUnit XML in the Ant dialect CI systems parse (Jenkins, GitLab, Azure, CircleCI): one testsuite per
 * target, one testcase per check.
 */
import {
  blamedConditions,
  type CheckResult,
  defineReporter,
  describeCondition,
  describeFailures,
  type ReportDocument,
  type ReporterOptions,
  resultsWithRules,
} from "@hardcheck/core";
import { baselineStates } from "../diff/diff.js";
import { type FormatStream, renderThroughStream, reportTargetOf } from "../shared/format-stream.js";
import { durationSeconds, findingKey } from "../shared/report-view.js";

/** Escapes text for XML content and attribute values, dropping characters XML 1.0 cannot carry. */
export function escapeXml(text: string): string {
  return (
    text
      // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what XML 1.0 forbids
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, "\ufffd")
      .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "\ufffd")
      .replace(/&/g, "&amp;")
      .replace(/</g, "&lt;")
      .replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;")
      .replace(/\n/g, "&#10;")
  );
}

/** Text content keeps its line breaks (attribute values encode them). */
const escapeText = (text: string) => escapeXml(text).replace(/&#10;/g, "\n");

/** `classname` groups a target's checks by endpoint kind: `web.https`, `db.host`. */
function className(result: CheckResult): string {
  const kind = result.endpoint ? (/^([a-z][a-z0-9+.-]*):/i.exec(result.endpoint)?.[1]?.toLowerCase() ?? "endpoint") : "host";
  return `${result.target}.${kind}`;
}

/** Rule id and title, plus the endpoint: GitLab drops testcases whose classname and name repeat. */
function caseName(result: CheckResult, isNew: boolean): string {
  return `${isNew ? "[NEW] " : ""}${result.ruleId} ${result.title}${result.endpoint ? ` [${result.endpoint}]` : ""}`;
}

function outcome(result: CheckResult): string {
  switch (result.status) {
    case "fail": {
      // A scan's message is the failing conditions joined on one line; the body lists each once, one
      // per line, and keeps the message only when it says something else (a probe's own words).
      const blamed = blamedConditions(result.conditions);
      const conditions = blamed.map((condition) => describeCondition(condition, 400));
      const messageIsConditions = blamed.length > 0 && result.message === describeFailures(result.conditions);
      const body = [messageIsConditions ? result.severity : `${result.severity}: ${result.message}`, ...conditions].join("\n");
      return `<failure message="${escapeXml(result.message)}" type="${escapeXml(`hardcheck.${result.severity}`)}">${escapeText(body)}</failure>`;
    }
    case "error":
      return `<error message="${escapeXml(result.message)}" type="hardcheck.error">${escapeText(result.message)}</error>`;
    case "manual":
      return `<skipped message="${escapeXml(`manual: ${result.message}`)}"/>`;
    case "not-applicable":
      return `<skipped message="${escapeXml(`not applicable: ${result.message}`)}"/>`;
    case "waived": {
      const waiver = result.waiver;
      const by = waiver ? ` by ${waiver.approvedBy}${waiver.expires ? ` until ${waiver.expires}` : ""}: ${waiver.reason}` : `: ${result.message}`;
      return `<skipped message="${escapeXml(`waived${by}`)}"/>`;
    }
    default:
      return "";
  }
}

const count = (results: readonly CheckResult[]) => ({
  tests: results.length,
  failures: results.filter((r) => r.status === "fail").length,
  errors: results.filter((r) => r.status === "error").length,
  skipped: results.filter((r) => r.status === "manual" || r.status === "not-applicable" || r.status === "waived").length,
});

/** Renders the report as JUnit XML. */
export function renderJunit(report: ReportDocument, options: ReporterOptions = {}): string {
  return renderThroughStream(report, resultsWithRules(report), junitStream(options, report));
}

/**
 * JUnit XML target by target: one testsuite each, then the `<testsuites>` element with the totals
 * around them. Marking findings NEW against `options.baseline` needs the whole report, `whole`.
 */
export function junitStream(options: ReporterOptions = {}, whole?: ReportDocument): FormatStream {
  const states = whole ? baselineStates(whole, options) : undefined;
  const total = { tests: 0, failures: 0, errors: 0, skipped: 0 };
  let tool = "";
  let timestamp = "";
  let id = 0;
  return {
    start(report) {
      tool = `${report.tool.name} ${report.tool.version}`;
      timestamp = report.startedAt.slice(0, 19);
    },
    target(given, results) {
      const target = reportTargetOf(given);
      const hostname = target?.host ?? (target?.endpoints[0] ? hostOf(target.endpoints[0]) : given.id);
      const counts = count(results);
      for (const key of Object.keys(total) as (keyof typeof total)[]) total[key] += counts[key];
      const lines = [
        `  <testsuite name="${escapeXml(given.id)}" id="${id++}" package="hardcheck" tests="${counts.tests}" failures="${counts.failures}" errors="${counts.errors}" skipped="${counts.skipped}" time="0" timestamp="${escapeXml(timestamp)}" hostname="${escapeXml(hostname)}">`,
        "    <properties>",
        `      <property name="tool" value="${escapeXml(tool)}"/>`,
      ];
      for (const endpoint of target?.endpoints ?? []) lines.push(`      <property name="endpoint" value="${escapeXml(endpoint)}"/>`);
      if (target?.os) lines.push(`      <property name="os" value="${escapeXml(target.os)}"/>`);
      lines.push("    </properties>");
      for (const result of results) {
        const isNew = states?.get(findingKey(result)) === "new";
        const attributes = `classname="${escapeXml(className(result))}" name="${escapeXml(caseName(result, isNew))}" time="0"${result.source ? ` file="${escapeXml(result.source.file)}" line="${result.source.line}"` : ""}`;
        const inner = outcome(result);
        lines.push(inner ? `    <testcase ${attributes}>${inner}</testcase>` : `    <testcase ${attributes}/>`);
      }
      lines.push("  </testsuite>");
      return `${lines.join("\n")}\n`;
    },
    end(report) {
      return {
        head: `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="hardcheck" tests="${total.tests}" failures="${total.failures}" errors="${total.errors}" skipped="${total.skipped}" time="${durationSeconds(report.startedAt, report.finishedAt)}">\n`,
        tail: "</testsuites>\n",
      };
    },
  };
}

function hostOf(endpoint: string): string {
  try {
    return new URL(endpoint).hostname.replace(/^\[|\]$/g, "") || endpoint;
  } catch {
    return endpoint;
  }
}

/** The JUnit reporter (`--format junit`). */
export const junitReporter = defineReporter({
  id: "junit",
  description: "JUnit XML (Ant dialect): one testsuite per target, one testcase per check (hardcheck.junit.xml)",
  fileName: "hardcheck.junit.xml",
  render: (report: ReportDocument, options: ReporterOptions) => renderJunit(report, options),
});
