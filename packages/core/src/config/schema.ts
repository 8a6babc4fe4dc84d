/**
 * The input and output contracts as zod schemas. The same schemas validate at run time and are
 * published as JSON Schema files (`@hardcheck/core/schemas/*.json`) for editor completion.
 */
import { z } from "zod";
import { parseIsoInstant } from "../model/instant.js";
import { SEVERITIES, SOURCE_NAMES } from "../model/rule.js";

/** A strict object whose unknown-key message lists the keys that are allowed. */
function strictObject<T extends z.core.$ZodLooseShape>(shape: T) {
  const allowed = Object.keys(shape).filter((key) => key !== "$schema");
  return z.strictObject(shape, {
    error: (issue) => (issue.code === "unrecognized_keys" ? `unknown key "{key}" — expected one of ${allowed.join(", ")}` : undefined),
  });
}

const nonEmpty = (what: string) => z.string({ error: `expected ${what} (a string)` }).min(1, `${what} must not be empty`);
const identifier = (what: string) => nonEmpty(what).regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, `${what} may contain only letters, digits, ".", "_" and "-"`);
const isoDate = z.string().refine((value) => parseIsoInstant(value) !== undefined, "expected an existing ISO date such as 2026-12-31 or 2026-12-31T18:00:00Z");

/** A JSON value in a config, pack or parameter. */
export const jsonValueSchema = z.json();

const endpointEntrySchema = z.union([
  z.string().min(1),
  strictObject({
    url: z.string().min(1),
    tags: z.array(z.string()).optional(),
    servername: z.string().min(1).optional(),
  }),
]);

const sshOptionsSchema = strictObject({
  identityFile: z.string().min(1).optional().describe("Private key file (relative to the config file); without it the SSH agent (SSH_AUTH_SOCK) is used."),
  passphrase: z
    .string()
    .regex(/^(env|file):.+/, "a passphrase must be a reference (env:NAME or file:/path), never a literal value")
    .optional()
    .describe("Reference to the key's passphrase: env:NAME or file:/path."),
  knownHosts: z.string().min(1).optional().describe("known_hosts file to verify the host key against (default ~/.ssh/known_hosts)."),
  strictHostKeyChecking: z
    .boolean()
    .optional()
    .describe("Refuse unknown or changed host keys (default true). false accepts a key known_hosts does not list (without recording it), never a changed one."),
  sudo: z.boolean().optional().describe("Run privileged commands and reads through `sudo -n` (default false)."),
  maxChannels: z.int().min(1).max(64).optional().describe("SSH channels open at once on the connection (default 4)."),
  connectTimeoutMs: z.int().min(1).optional().describe("Timeout of the connection and authentication (default: the scan's connectTimeoutMs)."),
});

const targetSchema = strictObject({
  id: identifier("target id").describe("Unique id of the system, used in reports, waivers and attestations."),
  host: z.string().min(1).optional().describe("Host transport: local:, root:/path, ssh://user@host[:port] or evidence:./bundle.json."),
  os: z.string().min(1).optional().describe("Operating system family (linux, windows); rules can be scoped to it."),
  tags: z.array(z.string()).optional(),
  endpoints: z.array(endpointEntrySchema).optional().describe("Network endpoints as URLs, or { url, tags, servername }."),
  ssh: sshOptionsSchema.optional().describe("How to authenticate and verify an ssh:// host."),
  credentials: z
    .record(
      identifier("credential name"),
      z.string().regex(/^(env|file):.+/, "a credential must be a reference (env:NAME or file:/path), never a literal value"),
    )
    .optional()
    .describe("Secrets for authenticated endpoint checks, by name (e.g. smtp.username, smtp.password): env:NAME or file:/path references."),
  allowCredentialTries: z.boolean().optional().describe("Let probes try a pack's vendor default credentials once per account (default false)."),
  asOf: isoDate
    .optional()
    .describe(
      "For a root: image or an evidence: export that records no time: when it was taken (ISO-8601). Its host facts are judged as of this time; live hosts are always judged at the scan's time.",
    ),
});

/** A waiver entry. */
export const waiverSchema = strictObject({
  rule: nonEmpty("rule id"),
  target: nonEmpty("target id (or *)").default("*"),
  reason: nonEmpty("reason"),
  approvedBy: nonEmpty("approvedBy"),
  expires: isoDate.optional(),
});

/** An attestation entry. */
export const attestationSchema = strictObject({
  rule: nonEmpty("rule id"),
  target: nonEmpty("target id"),
  verdict: z.enum(["pass", "fail", "not-applicable"]),
  by: nonEmpty("by (who attests)"),
  at: isoDate,
  note: z.string().optional(),
  evidence: z.string().optional(),
});

/** An attestations file: a list, or `{ attestations: [...] }`. */
export const attestationsFileSchema = z.union([
  z.array(attestationSchema),
  strictObject({ $schema: z.string().optional(), attestations: z.array(attestationSchema) }),
]);

const limitsSchema = strictObject({
  concurrency: z.int().min(1).max(1024).optional().describe("Probe runs in flight at once (default 32)."),
  perHost: z.int().min(1).max(256).optional().describe("Probe runs in flight per host (default 4)."),
  connectTimeoutMs: z.int().min(1).optional().describe("TCP connect timeout (default 5000)."),
  probeTimeoutMs: z.int().min(1).optional().describe("Timeout of one probe run (default 20000)."),
  scanTimeoutMs: z.int().min(1).optional().describe("Timeout of the whole scan; unfinished checks become error (default none)."),
});

const sitePartySchema = strictObject({
  company: z.string().optional(),
  name: z.string().optional().describe("Contact person."),
  address: z.string().optional(),
  telephone: z.string().optional(),
  email: z.string().optional(),
});

/** The deployment overview printed on the filled-in checklist's first page. */
export const siteSchema = strictObject({
  customer: sitePartySchema.optional(),
  supplier: sitePartySchema.optional(),
  coveredSystems: z.string().optional().describe("Systems, software versions, devices, MAC/IP addresses the checklist covers."),
  checklistVersion: z.string().optional().describe("Version of the vendor checklist the items refer to, e.g. 03/2025."),
  checklistDate: isoDate.optional().describe("Date of that checklist version."),
  remarks: z.string().optional(),
  openIssuesUntil: isoDate.optional().describe("By when open issues are to be resolved."),
});

/** The scan configuration file (`hardcheck.yaml`). */
export const configSchema = strictObject({
  $schema: z.string().optional(),
  packs: z.array(nonEmpty("pack id or path")).min(1, "name at least one pack").describe("Bundled pack ids or paths to pack files."),
  plugins: z.array(nonEmpty("plugin")).optional().describe("Extra plugins: package names or local files."),
  trust: strictObject({
    caFile: z.string().min(1).optional(),
    caDir: z.string().min(1).optional(),
    systemRoots: z.boolean().optional(),
  }).optional(),
  targets: z.array(targetSchema).min(1, "name at least one target"),
  tailoring: z.record(z.string(), z.record(z.string(), jsonValueSchema)).optional().describe("Parameter overrides by rule id or pack id."),
  waivers: z.array(waiverSchema).optional(),
  attestations: z
    .union([z.string().min(1), z.array(attestationSchema)])
    .optional()
    .describe("Path to an attestations file, or the entries inline."),
  limits: limitsSchema.optional(),
  site: siteSchema.optional().describe("The deployment the filled-in checklist is for: customer, supplier, covered systems, checklist version."),
  strict: z
    .boolean()
    .optional()
    .describe("Treat scope warnings (a pack, target or role tag nothing applies to; an OS not detected) as errors: exit 2, as --strict does."),
});

/** The config as written (before defaults). */
export type ConfigInput = z.input<typeof configSchema>;
/** The config as validated. */
export type ConfigData = z.output<typeof configSchema>;

const leafConditionSchema = strictObject({
  fact: nonEmpty("fact name"),
  operator: nonEmpty("operator"),
  value: jsonValueSchema,
  path: z.string().min(1).optional(),
  name: z.string().optional(),
});

type ConditionShape =
  | z.infer<typeof leafConditionSchema>
  | { all: ConditionShape[]; name?: string | undefined }
  | { any: ConditionShape[]; name?: string | undefined }
  | { not: ConditionShape; name?: string | undefined };

const allSchema = strictObject({
  get all() {
    return z.array(conditionSchema).min(1);
  },
  name: z.string().optional(),
});
const anySchema = strictObject({
  get any() {
    return z.array(conditionSchema).min(1);
  },
  name: z.string().optional(),
});
const notSchema = strictObject({
  get not() {
    return conditionSchema;
  },
  name: z.string().optional(),
});
const conditionSchema: z.ZodType<ConditionShape> = z.union([leafConditionSchema, allSchema, anySchema, notSchema]);
const topConditionSchema = z.union([allSchema, anySchema, notSchema]);

const notVerifiedWhenSchema = z
  .array(
    strictObject({
      status: z.enum(["error", "not-applicable"]).optional(),
      reason: nonEmpty("reason"),
      conditions: topConditionSchema,
    }),
  )
  .min(1);

const ruleSchema = strictObject({
  id: identifier("rule id"),
  pack: z.string().optional(),
  checklistRef: z.string().min(1).optional(),
  section: z.string().min(1).optional(),
  title: nonEmpty("title"),
  severity: z.enum(SEVERITIES),
  rationale: nonEmpty("rationale"),
  remediation: nonEmpty("remediation"),
  scope: strictObject({
    schemes: z.array(z.string()).optional(),
    tags: z.array(z.string()).optional(),
    targetTags: z.array(z.string()).optional(),
    os: z.array(z.string()).optional(),
  }).optional(),
  parameters: z
    .record(
      z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, "parameter names are identifiers"),
      strictObject({ default: jsonValueSchema, description: nonEmpty("description") }),
    )
    .optional(),
  conditions: topConditionSchema.optional(),
  sources: z
    .array(
      strictObject({
        // A fixed vocabulary: the engine decides from the name whether the source applies to a target.
        name: z.enum(SOURCE_NAMES).describe("Where this part's evidence comes from: network, windows, linux, linux-live, config or client."),
        conditions: topConditionSchema,
        notVerifiedWhen: notVerifiedWhenSchema
          .optional()
          .describe(
            "Conditions under which this source's evidence cannot decide its part: the first that holds makes the part its status (default error; not-applicable leaves the source not checked) with its reason.",
          ),
      }),
    )
    .min(2, "a rule with sources needs at least two; use conditions for one")
    .optional(),
  notVerifiedWhen: notVerifiedWhenSchema
    .optional()
    .describe("Conditions under which the evidence cannot decide the rule: the first that holds makes the verdict its status (default error) with its reason."),
  manual: z.boolean().optional(),
  prompt: z.string().min(1).optional(),
  probeParams: z.record(z.string(), z.record(z.string(), jsonValueSchema)).optional(),
  accessRights: z.string().min(1).optional().describe("The rights a person needs to check or fix the item by hand."),
  references: z.array(nonEmpty("reference")).optional().describe("Where to read more: document sections, release notes, standards."),
});

const packRoleSchema = strictObject({
  tag: identifier("role tag").describe("The target tag that marks a server of this role."),
  name: nonEmpty("role name").describe('The role as the source document names it, e.g. "Remote Agent standby server".'),
});

/** A pack file. */
export const packSchema = strictObject({
  $schema: z.string().optional(),
  id: identifier("pack id"),
  title: nonEmpty("title"),
  version: nonEmpty("version"),
  description: z.string().optional(),
  roles: z
    .array(packRoleSchema)
    .min(1, "list at least one role, or leave roles out")
    .optional()
    .describe("The deployment's server roles, in the order of the document's Executed column: targets tagged with a role fill its column."),
  rules: z.array(ruleSchema).min(1, "a pack needs at least one rule"),
});

/** A pack file as validated. */
export type PackData = z.output<typeof packSchema>;
/** A rule as written in a pack file. */
export type RuleData = z.output<typeof ruleSchema>;
