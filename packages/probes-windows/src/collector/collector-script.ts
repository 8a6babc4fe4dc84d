/** Renders `hardcheck-collect.ps1` from the command catalog (the shipped file is this text; a test keeps them equal). */
import {
  COLLECTOR_VERSION,
  EVIDENCE_FORMAT,
  EVIDENCE_FORMAT_VERSION,
  JSON_DEPTH,
  POWERSHELL_PRELUDE,
  SECTION_IDS,
  WINDOWS_COMMANDS,
} from "../commands/catalog.js";
import { sectionStatement } from "../commands/powershell.js";

/**
 * The collector script as text: PowerShell 5.1, read-only (apart from a temporary secedit export it
 * deletes), no modules to install. It writes one JSON bundle whose `sha256` covers the exact text of
 * its `facts` member.
 */
export function renderCollectorScript(): string {
  const sections = WINDOWS_COMMANDS.map((command) => `#   ${command.id.padEnd(15)} ${command.description}`).join("\n");
  return `<#
.SYNOPSIS
  hardcheck evidence collector ${COLLECTOR_VERSION} for Windows Server 2016/2019/2022.
.DESCRIPTION
  Reads the settings hardcheck's Windows rules judge and writes them to one JSON file, to be
  scanned elsewhere with a target whose host is evidence:./<file>.json. It changes nothing on the
  server: it only reads (secedit /export writes a temporary file, which is deleted at once).
  Run it in an elevated Windows PowerShell 5.1 (or PowerShell 7) session; it needs no modules.
  Generated from the command catalog of @hardcheck/probes-windows — do not edit: hardcheck
  reports an edited bundle as a hash mismatch.
.PARAMETER OutFile
  Where to write the bundle (default: .\\<COMPUTERNAME>-hardcheck.json).
.EXAMPLE
  powershell -NoProfile -ExecutionPolicy Bypass -File .\\hardcheck-collect.ps1 -OutFile C:\\Temp\\srv1.json
#>
# Sections (${SECTION_IDS.length}):
${sections}
[CmdletBinding()]
param([string]$OutFile)
${POWERSHELL_PRELUDE}
$hcResult = [ordered]@{}
${WINDOWS_COMMANDS.map((command) => sectionStatement(command.id)).join("\n")}
$hostName = [string]$env:COMPUTERNAME
if (-not $OutFile) { $OutFile = ".\\$hostName-hardcheck.json" }
$OutFile = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($OutFile)
$body = ConvertTo-Json -InputObject $hcResult -Depth ${JSON_DEPTH} -Compress
$sha = [System.Security.Cryptography.SHA256]::Create()
$hash = -join ($sha.ComputeHash([System.Text.Encoding]::UTF8.GetBytes($body)) | ForEach-Object { $_.ToString('x2') })
$header = ConvertTo-Json -Compress -InputObject ([ordered]@{ format = '${EVIDENCE_FORMAT}'; formatVersion = ${EVIDENCE_FORMAT_VERSION}; collectorVersion = '${COLLECTOR_VERSION}'; collectedAt = [datetime]::UtcNow.ToString('o'); hostName = $hostName; sha256 = $hash })
# The facts member comes last and verbatim, so the hash can be checked against the exact bytes.
$text = $header.Substring(0, $header.Length - 1) + ',"facts":' + $body + '}'
[System.IO.File]::WriteAllText($OutFile, $text, (New-Object System.Text.UTF8Encoding $false))
$failed = @($hcResult.Keys | Where-Object { $hcResult[$_] -is [System.Collections.IDictionary] -and $hcResult[$_].Contains('__error') })
foreach ($id in $failed) { Write-Warning "section $id could not be read: $($hcResult[$id]['__error'])" }
Write-Output "hardcheck evidence written to $OutFile (sha256 $hash)"
`;
}
