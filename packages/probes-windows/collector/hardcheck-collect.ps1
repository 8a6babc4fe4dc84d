<#
.SYNOPSIS
  hardcheck evidence collector 1.1.0 for Windows Server 2016/2019/2022.
.DESCRIPTION
  Reads the settings hardcheck's Windows rules judge and writes them to one JSON file, to be
  scanned elsewhere with a target whose host is evidence:./<file>.json. It changes nothing on the
  server: it only reads (secedit /export writes a temporary file, which is deleted at once).
  Run it in an elevated Windows PowerShell 5.1 (or PowerShell 7) session; it needs no modules.
  Generated from the command catalog of @hardcheck/probes-windows — do not edit: hardcheck
  reports an edited bundle as a hash mismatch.
.PARAMETER OutFile
  Where to write the bundle (default: .\<COMPUTERNAME>-hardcheck.json).
.EXAMPLE
  powershell -NoProfile -ExecutionPolicy Bypass -File .\hardcheck-collect.ps1 -OutFile C:\Temp\srv1.json
#>
# Sections (14):
#   os              Operating system caption, version, build and update revision (Win32_OperatingSystem, CurrentVersion key)
#   schannel        SCHANNEL protocol (Server/Client) and cipher keys as set in the registry; absent keys mean the OS default
#   cipher-suites   Enabled TLS cipher suites in priority order (Get-TlsCipherSuite) and the group-policy suite order
#   registry        Single registry values: IPEnableRouter, RDP (fDenyTSConnections, UserAuthentication, SecurityLayer, policy overrides), Windows Update policy
#   sql-server      SQL Server instances from the registry, with version, ForceEncryption and the configured certificate thumbprint
#   firewall        Windows Firewall profiles as in effect (ActiveStore): enabled, default inbound and outbound action
#   antivirus       Microsoft Defender status (Get-MpComputerStatus) and Security Center antivirus products where that namespace exists
#   shares          SMB shares (Get-SmbShare) and each share's access list (Get-SmbShareAccess)
#   accounts        Local user accounts (Get-LocalUser): name, SID, enabled, password required, password expiry
#   account-policy  Password and lockout policy: secedit /export /areas SECURITYPOLICY to a temporary file, returned as text and deleted
#   programs        Installed programs from both Uninstall registry views (64-bit and WOW6432Node)
#   hotfixes        Installed updates (Get-HotFix) with their installation dates
#   pending-updates Pending updates from the Windows Update Agent (Microsoft.Update.Session, search IsInstalled=0 and IsHidden=0; read-only)
#   services        Services (Win32_Service): name, display name, state, start mode
[CmdletBinding()]
param([string]$OutFile)
$ErrorActionPreference = 'Stop'
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
}
$hcResult = [ordered]@{}
try {
  $hcResult['os'] = & {
  $os = Get-CimInstance -ClassName Win32_OperatingSystem
  $cv = 'SOFTWARE\Microsoft\Windows NT\CurrentVersion'
  [ordered]@{ caption = [string]$os.Caption; version = [string]$os.Version; buildNumber = [string]$os.BuildNumber; productType = [int]$os.ProductType; ubr = (Get-HcValue $cv 'UBR'); displayVersion = (Get-HcValue $cv 'DisplayVersion'); hostName = [string]$env:COMPUTERNAME; lastBootUpTime = (ConvertTo-HcDate $os.LastBootUpTime) }
  }
} catch { $hcResult['os'] = [ordered]@{ '__error' = [string]$_.Exception.Message } }
try {
  $hcResult['schannel'] = & {
  $root = 'SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL'
  $protocols = @()
  $ciphers = @()
  $protocolKey = Get-HcKey "$root\Protocols"
  if ($null -ne $protocolKey) {
    $protocols = @(foreach ($protocol in $protocolKey.GetSubKeyNames()) {
      foreach ($side in @('Server', 'Client')) {
        $sideKey = $protocolKey.OpenSubKey("$protocol\$side")
        if ($null -ne $sideKey) { [ordered]@{ protocol = $protocol; side = $side; enabled = $sideKey.GetValue('Enabled'); disabledByDefault = $sideKey.GetValue('DisabledByDefault') }; $sideKey.Close() }
      }
    })
  }
  $cipherKey = Get-HcKey "$root\Ciphers"
  if ($null -ne $cipherKey) {
    $ciphers = @(foreach ($cipher in $cipherKey.GetSubKeyNames()) { $sub = $cipherKey.OpenSubKey($cipher); [ordered]@{ cipher = $cipher; enabled = $sub.GetValue('Enabled') }; $sub.Close() })
  }
  [ordered]@{ protocols = $protocols; ciphers = $ciphers }
  }
} catch { $hcResult['schannel'] = [ordered]@{ '__error' = [string]$_.Exception.Message } }
try {
  $hcResult['cipher-suites'] = & {
  $suites = $null
  try { $suites = @(Get-TlsCipherSuite | ForEach-Object { [ordered]@{ name = [string]$_.Name; cipher = [string]$_.Cipher; cipherLength = [int]$_.CipherLength; exchange = [string]$_.Exchange; hash = [string]$_.Hash; protocols = @($_.Protocols | ForEach-Object { [int]$_ }) } }) } catch { $suites = $null }
  [ordered]@{ suites = $suites; policyFunctions = (Get-HcValue 'SOFTWARE\Policies\Microsoft\Cryptography\Configuration\SSL\00010002' 'Functions') }
  }
} catch { $hcResult['cipher-suites'] = [ordered]@{ '__error' = [string]$_.Exception.Message } }
try {
  $hcResult['registry'] = & {
  $values = @(foreach ($ref in @(@('SYSTEM\CurrentControlSet\Services\Tcpip\Parameters', 'IPEnableRouter'), @('SYSTEM\CurrentControlSet\Control\Terminal Server', 'fDenyTSConnections'), @('SOFTWARE\Policies\Microsoft\Windows NT\Terminal Services', 'fDenyTSConnections'), @('SYSTEM\CurrentControlSet\Control\Terminal Server\WinStations\RDP-Tcp', 'UserAuthentication'), @('SOFTWARE\Policies\Microsoft\Windows NT\Terminal Services', 'UserAuthentication'), @('SYSTEM\CurrentControlSet\Control\Terminal Server\WinStations\RDP-Tcp', 'SecurityLayer'), @('SOFTWARE\Policies\Microsoft\Windows\WindowsUpdate', 'WUServer'), @('SOFTWARE\Policies\Microsoft\Windows\WindowsUpdate', 'WUStatusServer'), @('SOFTWARE\Policies\Microsoft\Windows\WindowsUpdate\AU', 'UseWUServer'), @('SOFTWARE\Policies\Microsoft\Windows\WindowsUpdate\AU', 'NoAutoUpdate'), @('SOFTWARE\Policies\Microsoft\Windows\WindowsUpdate\AU', 'AUOptions'))) {
    $key = Get-HcKey $ref[0]
    $present = $false; $value = $null
    if ($null -ne $key) { $present = $key.GetValueNames() -contains $ref[1]; if ($present) { $value = $key.GetValue($ref[1]) }; $key.Close() }
    [ordered]@{ key = $ref[0]; name = $ref[1]; present = $present; value = $value }
  })
  [ordered]@{ values = $values }
  }
} catch { $hcResult['registry'] = [ordered]@{ '__error' = [string]$_.Exception.Message } }
try {
  $hcResult['sql-server'] = & {
  $names = Get-HcKey 'SOFTWARE\Microsoft\Microsoft SQL Server\Instance Names\SQL'
  $instances = @()
  if ($null -ne $names) {
    $instances = @(foreach ($name in $names.GetValueNames()) {
      $id = [string]$names.GetValue($name)
      $base = 'SOFTWARE\Microsoft\Microsoft SQL Server' + '\' + $id
      [ordered]@{ name = $name; id = $id; version = (Get-HcValue "$base\Setup" 'Version'); edition = (Get-HcValue "$base\Setup" 'Edition'); forceEncryption = (Get-HcValue "$base\MSSQLServer\SuperSocketNetLib" 'ForceEncryption'); certificate = (Get-HcValue "$base\MSSQLServer\SuperSocketNetLib" 'Certificate') }
    })
  }
  [ordered]@{ instances = $instances }
  }
} catch { $hcResult['sql-server'] = [ordered]@{ '__error' = [string]$_.Exception.Message } }
try {
  $hcResult['firewall'] = & {
  [ordered]@{ profiles = @(Get-NetFirewallProfile -PolicyStore ActiveStore | ForEach-Object { [ordered]@{ name = [string]$_.Name; enabled = [string]$_.Enabled; defaultInboundAction = [string]$_.DefaultInboundAction; defaultOutboundAction = [string]$_.DefaultOutboundAction } }) }
  }
} catch { $hcResult['firewall'] = [ordered]@{ '__error' = [string]$_.Exception.Message } }
try {
  $hcResult['antivirus'] = & {
  $defender = $null; $defenderError = $null
  try {
    $mp = Get-MpComputerStatus
    $defender = [ordered]@{ amServiceEnabled = [bool]$mp.AMServiceEnabled; antivirusEnabled = [bool]$mp.AntivirusEnabled; realTimeProtectionEnabled = [bool]$mp.RealTimeProtectionEnabled; signatureVersion = [string]$mp.AntivirusSignatureVersion; signatureLastUpdated = (ConvertTo-HcDate $mp.AntivirusSignatureLastUpdated); runningMode = [string]$mp.AMRunningMode }
  } catch { $defenderError = [string]$_.Exception.Message }
  $products = $null
  try { $products = @(Get-CimInstance -Namespace 'root/SecurityCenter2' -ClassName AntiVirusProduct | ForEach-Object { [ordered]@{ name = [string]$_.displayName; productState = [int]$_.productState; timestamp = [string]$_.timestamp } }) } catch { $products = $null }
  [ordered]@{ defender = $defender; defenderError = $defenderError; securityCenter = $products }
  }
} catch { $hcResult['antivirus'] = [ordered]@{ '__error' = [string]$_.Exception.Message } }
try {
  $hcResult['shares'] = & {
  [ordered]@{ shares = @(Get-SmbShare | ForEach-Object {
    $share = $_
    [ordered]@{ name = [string]$share.Name; path = [string]$share.Path; description = [string]$share.Description; special = [bool]$share.Special; access = @(Get-SmbShareAccess -Name $share.Name | ForEach-Object { [ordered]@{ account = [string]$_.AccountName; type = [string]$_.AccessControlType; right = [string]$_.AccessRight } }) }
  }) }
  }
} catch { $hcResult['shares'] = [ordered]@{ '__error' = [string]$_.Exception.Message } }
try {
  $hcResult['accounts'] = & {
  [ordered]@{ users = @(Get-LocalUser | ForEach-Object { [ordered]@{ name = [string]$_.Name; sid = [string]$_.SID.Value; enabled = [bool]$_.Enabled; passwordRequired = [bool]$_.PasswordRequired; passwordExpires = (ConvertTo-HcDate $_.PasswordExpires); passwordLastSet = (ConvertTo-HcDate $_.PasswordLastSet); lastLogon = (ConvertTo-HcDate $_.LastLogon) } }) }
  }
} catch { $hcResult['accounts'] = [ordered]@{ '__error' = [string]$_.Exception.Message } }
try {
  $hcResult['account-policy'] = & {
  $file = Join-Path $env:TEMP ('hardcheck-secedit-' + [guid]::NewGuid().ToString('N') + '.inf')
  try {
    $null = & secedit.exe /export /cfg $file /areas SECURITYPOLICY /quiet
    if (-not (Test-Path -LiteralPath $file)) { throw "secedit /export wrote nothing (exit code $LASTEXITCODE; it needs an elevated session)" }
    [ordered]@{ inf = [string](Get-Content -LiteralPath $file -Raw) }
  } finally { Remove-Item -LiteralPath $file -Force -ErrorAction SilentlyContinue }
  }
} catch { $hcResult['account-policy'] = [ordered]@{ '__error' = [string]$_.Exception.Message } }
try {
  $hcResult['programs'] = & {
  $programs = @(foreach ($view in @(@('64', 'SOFTWARE\Microsoft\Windows\CurrentVersion\Uninstall'), @('32', 'SOFTWARE\WOW6432Node\Microsoft\Windows\CurrentVersion\Uninstall'))) {
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
  [ordered]@{ programs = $programs }
  }
} catch { $hcResult['programs'] = [ordered]@{ '__error' = [string]$_.Exception.Message } }
try {
  $hcResult['hotfixes'] = & {
  [ordered]@{ hotfixes = @(Get-HotFix | ForEach-Object { $on = $null; try { $on = ConvertTo-HcDate $_.InstalledOn } catch { $on = $null }; [ordered]@{ id = [string]$_.HotFixID; description = [string]$_.Description; installedOn = $on } }) }
  }
} catch { $hcResult['hotfixes'] = [ordered]@{ '__error' = [string]$_.Exception.Message } }
try {
  $hcResult['pending-updates'] = & {
  $searched = $false; $resultCode = $null; $errorText = $null; $hresult = $null; $updates = $null
  try {
    $searcher = (New-Object -ComObject Microsoft.Update.Session).CreateUpdateSearcher()
    $result = $searcher.Search('IsInstalled=0 and IsHidden=0')
    $searched = $true; $resultCode = [int]$result.ResultCode
    $updates = @(foreach ($update in $result.Updates) { [ordered]@{ title = [string]$update.Title; kbIds = @($update.KBArticleIDs | ForEach-Object { 'KB' + [string]$_ }); msrcSeverity = [string]$update.MsrcSeverity; categories = @($update.Categories | ForEach-Object { [ordered]@{ id = [string]$_.CategoryID; name = [string]$_.Name; type = [string]$_.Type } }); lastDeploymentChangeTime = (ConvertTo-HcDate $update.LastDeploymentChangeTime) } })
  } catch { $errorText = [string]$_.Exception.Message; $hresult = '0x{0:X8}' -f $_.Exception.HResult }
  [ordered]@{ searched = $searched; resultCode = $resultCode; error = $errorText; hresult = $hresult; updates = $updates }
  }
} catch { $hcResult['pending-updates'] = [ordered]@{ '__error' = [string]$_.Exception.Message } }
try {
  $hcResult['services'] = & {
  [ordered]@{ services = @(Get-CimInstance -ClassName Win32_Service | ForEach-Object { [ordered]@{ name = [string]$_.Name; displayName = [string]$_.DisplayName; state = [string]$_.State; startMode = [string]$_.StartMode } }) }
  }
} catch { $hcResult['services'] = [ordered]@{ '__error' = [string]$_.Exception.Message } }
$hostName = [string]$env:COMPUTERNAME
if (-not $OutFile) { $OutFile = ".\$hostName-hardcheck.json" }
$OutFile = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($OutFile)
$body = ConvertTo-Json -InputObject $hcResult -Depth 8 -Compress
$sha = [System.Security.Cryptography.SHA256]::Create()
$hash = -join ($sha.ComputeHash([System.Text.Encoding]::UTF8.GetBytes($body)) | ForEach-Object { $_.ToString('x2') })
$header = ConvertTo-Json -Compress -InputObject ([ordered]@{ format = 'hardcheck-windows-evidence'; formatVersion = 1; collectorVersion = '1.1.0'; collectedAt = [datetime]::UtcNow.ToString('o'); hostName = $hostName; sha256 = $hash })
# The facts member comes last and verbatim, so the hash can be checked against the exact bytes.
$text = $header.Substring(0, $header.Length - 1) + ',"facts":' + $body + '}'
[System.IO.File]::WriteAllText($OutFile, $text, (New-Object System.Text.UTF8Encoding $false))
$failed = @($hcResult.Keys | Where-Object { $hcResult[$_] -is [System.Collections.IDictionary] -and $hcResult[$_].Contains('__error') })
foreach ($id in $failed) { Write-Warning "section $id could not be read: $($hcResult[$id]['__error'])" }
Write-Output "hardcheck evidence written to $OutFile (sha256 $hash)"
