# Installs the Claude Code policy agent on a developer's Windows machine (run as Administrator; Intune runs it as
# SYSTEM). Expects beside it: hook-agent.jar, jvm.options, lib\, jre\ (a Java 17+ runtime), ccpolicy-agent.exe (WinSW-x64.exe),
# ccpolicy-agent.xml, and the machine's agent.yaml, bundle-signing.pub, agent-secret, kafka.properties.
#   powershell -ExecutionPolicy Bypass -File install.ps1 -Developer bob
param([Parameter(Mandatory = $true)][string]$Developer)
$ErrorActionPreference = 'Stop'
$here = Split-Path -Parent $MyInvocation.MyCommand.Path
$program = Join-Path $env:ProgramFiles 'ccpolicy-agent'
$config = Join-Path $env:ProgramData 'ccpolicy'
$managed = Join-Path $env:ProgramFiles 'ClaudeCode'
$developerHome = (Get-CimInstance Win32_UserProfile | Where-Object { $_.LocalPath -like "*\$Developer" } | Select-Object -First 1).LocalPath
if (-not $developerHome) { throw "no profile for $Developer on this machine" }

New-Item -ItemType Directory -Force -Path $program, $config, (Join-Path $config 'state'), $managed | Out-Null
Copy-Item -Recurse -Force (Join-Path $here 'hook-agent.jar'), (Join-Path $here 'jvm.options'), (Join-Path $here 'lib'), (Join-Path $here 'jre'), `
  (Join-Path $here 'ccpolicy-agent.exe'), (Join-Path $here 'ccpolicy-agent.xml') $program
foreach ($file in 'agent.yaml', 'bundle-signing.pub', 'agent-secret', 'kafka.properties') {
  Copy-Item -Force (Join-Path $here $file) $config
}
# Configuration and secrets: SYSTEM and Administrators only (the service runs as LocalSystem).
icacls $config /inheritance:r /grant:r 'SYSTEM:(OI)(CI)F' 'Administrators:(OI)(CI)F' | Out-Null
# Claude Code reads its managed settings here; developers may read, not change them.
icacls $managed /inheritance:r /grant:r 'SYSTEM:(OI)(CI)F' 'Administrators:(OI)(CI)F' 'Users:(OI)(CI)RX' | Out-Null

& (Join-Path $program 'jre\bin\java.exe') -jar (Join-Path $program 'hook-agent.jar') install --managed-dir $managed --port 8765 `
  --config (Join-Path $config 'agent.yaml') --state-dir (Join-Path $config 'state')
if ($LASTEXITCODE -ne 0) { throw 'hook-agent install failed' }

$xml = Join-Path $program 'ccpolicy-agent.xml'
(Get-Content $xml) -replace 'C:\\Users\\DEVELOPER', $developerHome | Set-Content $xml
& (Join-Path $program 'ccpolicy-agent.exe') install
& (Join-Path $program 'ccpolicy-agent.exe') start
Write-Output "ccpolicy-agent installed and running for $Developer"
