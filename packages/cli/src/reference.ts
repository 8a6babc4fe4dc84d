/** The CLI reference in Markdown, generated from the commander definition so the docs cannot drift. */
import type { Command } from "commander";
import { processIo } from "./io.js";
import { createProgram } from "./program.js";

function usageOf(command: Command): string {
  const args = command.registeredArguments.map((argument) => {
    const name = `${argument.name()}${argument.variadic ? "…" : ""}`;
    return argument.required ? `<${name}>` : `[${name}]`;
  });
  return ["hardcheck", command.name(), ...args].join(" ");
}

/** Markdown for every command: usage, description, arguments and options with defaults and choices. */
export function cliReference(): string {
  const program = createProgram(processIo(), new AbortController().signal, { code: 0 });
  const sections = program.commands.map((command) => {
    const lines = [`### \`${usageOf(command)}\``, "", command.description(), ""];
    for (const argument of command.registeredArguments) {
      if (argument.description) lines.push(`- \`${argument.name()}\` — ${argument.description}`);
    }
    for (const option of command.options) {
      const extras = [
        option.argChoices ? `one of ${option.argChoices.map((choice) => `\`${choice}\``).join(", ")}` : undefined,
        option.defaultValue !== undefined ? `default \`${String(option.defaultValue)}\`` : undefined,
        option.mandatory ? "required" : undefined,
      ].filter(Boolean);
      lines.push(`- \`${option.flags}\` — ${option.description}${extras.length ? ` (${extras.join("; ")})` : ""}`);
    }
    return lines.join("\n");
  });
  return `${sections.join("\n\n")}\n`;
}
