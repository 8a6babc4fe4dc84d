/**
 * The one list of PowerShell commands hardcheck runs on a Windows host. The live runner (local or
 * SSH) and the offline collector script are both built from it, so what a probe reads over SSH and
 * what it reads from an evidence bundle cannot drift apart.
 */

/** Ids of the command sections; a bundle's `facts` object is keyed by them. */
export const SECTION_IDS = [
  "os",
  "schannel",
  "cipher-suites",
  "registry",
  "sql-server",
  "firewall",
  "antivirus",
  "shares",
  "accounts",
  "account-policy",
  "programs",
  "hotfixes",
  "pending-updates",
  "services",
] as const;

/** One command section id. */
export type SectionId = (typeof SECTION_IDS)[number];

/** One command: what it gathers and the PowerShell that gathers it (one object, converted to JSON by the wrapper). */
export interface WindowsCommand {
  readonly id: SectionId;
  readonly description: string;
  /** PowerShell 5.1 statements whose last output is one ordered hashtable. */
  readonly script: string;
}

/** The version the collector writes into bundles; bump it whenever a command's output shape changes. */
export const COLLECTOR_VERSION = "1.1.0";
/** The oldest collector version whose bundles this release can read. */
export const MINIMUM_COLLECTOR_VERSION = "1.0.0";
/** The `format` marker of an evidence bundle. */
export const EVIDENCE_FORMAT = "hardcheck-windows-evidence";
/** The bundle layout version. */
export const EVIDENCE_FORMAT_VERSION = 1;
/** `ConvertTo-Json -Depth` for every command: deep enough for shares → access lists. */
export const JSON_DEPTH = 8;

/** A registry value the `registry` section reads (HKLM, 64-bit view). */
export interface RegistryValueRef {
  readonly key: string;
  readonly name: string;
}

/** Registry values read as they are; probes turn them into facts. */
export const REGISTRY_VALUES = {
  ipEnableRouter: { key: "SYSTEM\\CurrentControlSet\\Services\\Tcpip\\Parameters", name: "IPEnableRouter" },
  denyTsConnections: { key: "SYSTEM\\CurrentControlSet\\Control\\Terminal Server", name: "fDenyTSConnections" },
  denyTsConnectionsPolicy: { key: "SOFTWARE\\Policies\\Microsoft\\Windows NT\\Terminal Services", name: "fDenyTSConnections" },
  rdpUserAuthentication: { key: "SYSTEM\\CurrentControlSet\\Control\\Terminal Server\\WinStations\\RDP-Tcp", name: "UserAuthentication" },
  rdpUserAuthenticationPolicy: { key: "SOFTWARE\\Policies\\Microsoft\\Windows NT\\Terminal Services", name: "UserAuthentication" },
  rdpSecurityLayer: { key: "SYSTEM\\CurrentControlSet\\Control\\Terminal Server\\WinStations\\RDP-Tcp", name: "SecurityLayer" },
  wuServer: { key: "SOFTWARE\\Policies\\Microsoft\\Windows\\WindowsUpdate", name: "WUServer" },
  wuStatusServer: { key: "SOFTWARE\\Policies\\Microsoft\\Windows\\WindowsUpdate", name: "WUStatusServer" },
  useWuServer: { key: "SOFTWARE\\Policies\\Microsoft\\Windows\\WindowsUpdate\\AU", name: "UseWUServer" },
  noAutoUpdate: { key: "SOFTWARE\\Policies\\Microsoft\\Windows\\WindowsUpdate\\AU", name: "NoAutoUpdate" },
  auOptions: { key: "SOFTWARE\\Policies\\Microsoft\\Windows\\WindowsUpdate\\AU", name: "AUOptions" },
} as const satisfies Record<string, RegistryValueRef>;

/** Registry keys other sections walk; the `.reg` reader rebuilds those sections from the same keys. */
export const REGISTRY_KEYS = {
  schannel: "SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL",
  cipherSuitePolicy: "SOFTWARE\\Policies\\Microsoft\\Cryptography\\Configuration\\SSL\\00010002",
  sqlInstanceNames: "SOFTWARE\\Microsoft\\Microsoft SQL Server\\Instance Names\\SQL",
  sqlServer: "SOFTWARE\\Microsoft\\Microsoft SQL Server",
  uninstall64: "SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall",
  uninstall32: "SOFTWARE\\WOW6432Node\\Microsoft\\Windows\\CurrentVersion\\Uninstall",
} as const;

const quote = (text: string) => `'${text.replaceAll("'", "''")}'`;
const registryList = Object.values(REGISTRY_VALUES as Record<string, RegistryValueRef>)
  .map((ref) => `@(${quote(ref.key)}, ${quote(ref.name)})`)
  .join(", ");

/**
 * Helpers every batch and the collector define first. Registry access goes through .NET with the
 * 64-bit view so a 32-bit PowerShell is not redirected, and so key names with `/` (`RC4 128/128`)
 * are not taken for paths.
 */
export const POWERSHELL_PRELUDE = `$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
$hcHklm = [Microsoft.Win32.RegistryKey]::OpenBaseKey([Microsoft.Win32.RegistryHive]::LocalMachine, [Microsoft.Win32.RegistryView]::Registry64)
function Get-HcKey([string]$Path) { $hcHklm.OpenSubKey($Path) }
function Get-HcValue([string]$Path, [string]$Name) {
  $key = $hcHklm.OpenSubKey($Path)
  if ($null -eq $key) { return $null }
  try { return $key.GetValue($Name, $null, 'DoNotExpandEnvironmentNames') } finally { $key.Close() }
}
function ConvertTo-HcDate($Value) {
  if ($null -eq $Value -or '' -eq $Value) { return $null }
  try { return ([datetime]$Value).ToUniversalTime().ToString('o') } catch { return $null }
}`;

/** Every command, in the order the collector runs them. */
export const WINDOWS_COMMANDS: readonly WindowsCommand[] = [
  {
    id: "os",
    description: "Operating system caption, version, build and update revision (Win32_OperatingSystem, CurrentVersion key)",
    script: `$os = Get-CimInstance -ClassName Win32_OperatingSystem
$cv = ${quote("SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion")}
[ordered]@{ caption = [string]$os.Caption; version = [string]$os.Version; buildNumber = [string]$os.BuildNumber; productType = [int]$os.ProductType; ubr = (Get-HcValue $cv 'UBR'); displayVersion = (Get-HcValue $cv 'DisplayVersion'); hostName = [string]$env:COMPUTERNAME; lastBootUpTime = (ConvertTo-HcDate $os.LastBootUpTime) }`,
  },
  {
    id: "schannel",
    description: "SCHANNEL protocol (Server/Client) and cipher keys as set in the registry; absent keys mean the OS default",
    script: `$root = ${quote(REGISTRY_KEYS.schannel)}
$protocols = @()
$ciphers = @()
$protocolKey = Get-HcKey "$root\\Protocols"
if ($null -ne $protocolKey) {
  $protocols = @(foreach ($protocol in $protocolKey.GetSubKeyNames()) {
    foreach ($side in @('Server', 'Client')) {
      $sideKey = $protocolKey.OpenSubKey("$protocol\\$side")
      if ($null -ne $sideKey) { [ordered]@{ protocol = $protocol; side = $side; enabled = $sideKey.GetValue('Enabled'); disabledByDefault = $sideKey.GetValue('DisabledByDefault') }; $sideKey.Close() }
    }
  })
}
$cipherKey = Get-HcKey "$root\\Ciphers"
if ($null -ne $cipherKey) {
  $ciphers = @(foreach ($cipher in $cipherKey.GetSubKeyNames()) { $sub = $cipherKey.OpenSubKey($cipher); [ordered]@{ cipher = $cipher; enabled = $sub.GetValue('Enabled') }; $sub.Close() })
}
[ordered]@{ protocols = $protocols; ciphers = $ciphers }`,
  },
  {
    id: "cipher-suites",
    description: "Enabled TLS cipher suites in priority order (Get-TlsCipherSuite) and the group-policy suite order",
    script: `$suites = $null
try { $suites = @(Get-TlsCipherSuite | ForEach-Object { [ordered]@{ name = [string]$_.Name; cipher = [string]$_.Cipher; cipherLength = [int]$_.CipherLength; exchange = [string]$_.Exchange; hash = [string]$_.Hash; protocols = @($_.Protocols | ForEach-Object { [int]$_ }) } }) } catch { $suites = $null }
[ordered]@{ suites = $suites; policyFunctions = (Get-HcValue ${quote(REGISTRY_KEYS.cipherSuitePolicy)} 'Functions') }`,
  },
  {
    id: "registry",
    description: "Single registry values: IPEnableRouter, RDP (fDenyTSConnections, UserAuthentication, SecurityLayer, policy overrides), Windows Update policy",
    script: `$values = @(foreach ($ref in @(${registryList})) {
  $key = Get-HcKey $ref[0]
  $present = $false; $value = $null
  if ($null -ne $key) { $present = $key.GetValueNames() -contains $ref[1]; if ($present) { $value = $key.GetValue($ref[1]) }; $key.Close() }
  [ordered]@{ key = $ref[0]; name = $ref[1]; present = $present; value = $value }
})
[ordered]@{ values = $values }`,
  },
  {
    id: "sql-server",
    description: "SQL Server instances from the registry, with version, ForceEncryption and the configured certificate thumbprint",
    script: `$names = Get-HcKey ${quote(REGISTRY_KEYS.sqlInstanceNames)}
$instances = @()
if ($null -ne $names) {
  $instances = @(foreach ($name in $names.GetValueNames()) {
    $id = [string]$names.GetValue($name)
    $base = ${quote(REGISTRY_KEYS.sqlServer)} + '\\' + $id
    [ordered]@{ name = $name; id = $id; version = (Get-HcValue "$base\\Setup" 'Version'); edition = (Get-HcValue "$base\\Setup" 'Edition'); forceEncryption = (Get-HcValue "$base\\MSSQLServer\\SuperSocketNetLib" 'ForceEncryption'); certificate = (Get-HcValue "$base\\MSSQLServer\\SuperSocketNetLib" 'Certificate') }
  })
}
[ordered]@{ instances = $instances }`,
  },
  {
    id: "firewall",
    description: "Windows Firewall profiles as in effect (ActiveStore): enabled, default inbound and outbound action",
    script: `[ordered]@{ profiles = @(Get-NetFirewallProfile -PolicyStore ActiveStore | ForEach-Object { [ordered]@{ name = [string]$_.Name; enabled = [string]$_.Enabled; defaultInboundAction = [string]$_.DefaultInboundAction; defaultOutboundAction = [string]$_.DefaultOutboundAction } }) }`,
  },
  {
    id: "antivirus",
    description: "Microsoft Defender status (Get-MpComputerStatus) and Security Center antivirus products where that namespace exists",
    script: `$defender = $null; $defenderError = $null
try {
  $mp = Get-MpComputerStatus
  $defender = [ordered]@{ amServiceEnabled = [bool]$mp.AMServiceEnabled; antivirusEnabled = [bool]$mp.AntivirusEnabled; realTimeProtectionEnabled = [bool]$mp.RealTimeProtectionEnabled; signatureVersion = [string]$mp.AntivirusSignatureVersion; signatureLastUpdated = (ConvertTo-HcDate $mp.AntivirusSignatureLastUpdated); runningMode = [string]$mp.AMRunningMode }
} catch { $defenderError = [string]$_.Exception.Message }
$products = $null
try { $products = @(Get-CimInstance -Namespace 'root/SecurityCenter2' -ClassName AntiVirusProduct | ForEach-Object { [ordered]@{ name = [string]$_.displayName; productState = [int]$_.productState; timestamp = [string]$_.timestamp } }) } catch { $products = $null }
[ordered]@{ defender = $defender; defenderError = $defenderError; securityCenter = $products }`,
  },
  {
    id: "shares",
    description: "SMB shares (Get-SmbShare) and each share's access list (Get-SmbShareAccess)",
    script: `[ordered]@{ shares = @(Get-SmbShare | ForEach-Object {
  $share = $_
  [ordered]@{ name = [string]$share.Name; path = [string]$share.Path; description = [string]$share.Description; special = [bool]$share.Special; access = @(Get-SmbShareAccess -Name $share.Name | ForEach-Object { [ordered]@{ account = [string]$_.AccountName; type = [string]$_.AccessControlType; right = [string]$_.AccessRight } }) }
}) }`,
  },
  {
    id: "accounts",
    description: "Local user accounts (Get-LocalUser): name, SID, enabled, password required, password expiry",
    script: `[ordered]@{ users = @(Get-LocalUser | ForEach-Object { [ordered]@{ name = [string]$_.Name; sid = [string]$_.SID.Value; enabled = [bool]$_.Enabled; passwordRequired = [bool]$_.PasswordRequired; passwordExpires = (ConvertTo-HcDate $_.PasswordExpires); passwordLastSet = (ConvertTo-HcDate $_.PasswordLastSet); lastLogon = (ConvertTo-HcDate $_.LastLogon) } }) }`,
  },
  {
    id: "account-policy",
    description: "Password and lockout policy: secedit /export /areas SECURITYPOLICY to a temporary file, returned as text and deleted",
    script: `$file = Join-Path $env:TEMP ('hardcheck-secedit-' + [guid]::NewGuid().ToString('N') + '.inf')
try {
  $null = & secedit.exe /export /cfg $file /areas SECURITYPOLICY /quiet
  if (-not (Test-Path -LiteralPath $file)) { throw "secedit /export wrote nothing (exit code $LASTEXITCODE; it needs an elevated session)" }
  [ordered]@{ inf = [string](Get-Content -LiteralPath $file -Raw) }
} finally { Remove-Item -LiteralPath $file -Force -ErrorAction SilentlyContinue }`,
  },
  {
    id: "programs",
    description: "Installed programs from both Uninstall registry views (64-bit and WOW6432Node)",
    script: `$programs = @(foreach ($view in @(@('64', ${quote(REGISTRY_KEYS.uninstall64)}), @('32', ${quote(REGISTRY_KEYS.uninstall32)}))) {
  $key = Get-HcKey $view[1]
  if ($null -ne $key) {
    foreach ($sub in $key.GetSubKeyNames()) {
      $entry = $key.OpenSubKey($sub)
      $name = $entry.GetValue('DisplayName')
      if ($name) { [ordered]@{ view = $view[0]; key = $sub; name = [string]$name; version = [string]$entry.GetValue('DisplayVersion'); publisher = [string]$entry.GetValue('Publisher'); installDate = [string]$entry.GetValue('InstallDate') } }
      $entry.Close()
    }
    $key.Close()
  }
})
[ordered]@{ programs = $programs }`,
  },
  {
    id: "hotfixes",
    description: "Installed updates (Get-HotFix) with their installation dates",
    script: `[ordered]@{ hotfixes = @(Get-HotFix | ForEach-Object { $on = $null; try { $on = ConvertTo-HcDate $_.InstalledOn } catch { $on = $null }; [ordered]@{ id = [string]$_.HotFixID; description = [string]$_.Description; installedOn = $on } }) }`,
  },
  {
    id: "pending-updates",
    description: "Pending updates from the Windows Update Agent (Microsoft.Update.Session, search IsInstalled=0 and IsHidden=0; read-only)",
    // The search only reads; the agent asks its configured source (WSUS or Microsoft Update). When
    // that source is unreachable the exception becomes a status, so the other sections still count.
    script: `$searched = $false; $resultCode = $null; $errorText = $null; $hresult = $null; $updates = $null
try {
  $searcher = (New-Object -ComObject Microsoft.Update.Session).CreateUpdateSearcher()
  $result = $searcher.Search('IsInstalled=0 and IsHidden=0')
  $searched = $true; $resultCode = [int]$result.ResultCode
  $updates = @(foreach ($update in $result.Updates) { [ordered]@{ title = [string]$update.Title; kbIds = @($update.KBArticleIDs | ForEach-Object { 'KB' + [string]$_ }); msrcSeverity = [string]$update.MsrcSeverity; categories = @($update.Categories | ForEach-Object { [ordered]@{ id = [string]$_.CategoryID; name = [string]$_.Name; type = [string]$_.Type } }); lastDeploymentChangeTime = (ConvertTo-HcDate $update.LastDeploymentChangeTime) } })
} catch { $errorText = [string]$_.Exception.Message; $hresult = '0x{0:X8}' -f $_.Exception.HResult }
[ordered]@{ searched = $searched; resultCode = $resultCode; error = $errorText; hresult = $hresult; updates = $updates }`,
  },
  {
    id: "services",
    description: "Services (Win32_Service): name, display name, state, start mode",
    script: `[ordered]@{ services = @(Get-CimInstance -ClassName Win32_Service | ForEach-Object { [ordered]@{ name = [string]$_.Name; displayName = [string]$_.DisplayName; state = [string]$_.State; startMode = [string]$_.StartMode } }) }`,
  },
];

/** The command of a section id. */
export function commandOf(id: SectionId): WindowsCommand {
  const command = WINDOWS_COMMANDS.find((candidate) => candidate.id === id);
  if (!command) throw new Error(`no Windows command with id ${id}`);
  return command;
}
