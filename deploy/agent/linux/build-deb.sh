#!/usr/bin/env bash
# Builds the Debian package ccpolicy-agent_<version>_all.deb: the agent, its launcher, the systemd unit and the
# configure step. The machine's own files (/etc/ccpolicy/agent.yaml, bundle-signing.pub, agent-secret,
# kafka.properties, agent.env: see install.sh for what they hold) come from your configuration management; postinst
# configures and starts the agent when they are there, otherwise says what to place and to run
# /opt/ccpolicy-agent/libexec/configure afterwards. Removing the package restores Claude Code's managed settings.
#
#   deploy/agent/linux/build-deb.sh --agent hook-agent/target --version 0.1.0 --out DIR
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
AGENT="" VERSION="" OUT=""
fail() { echo "build-deb: $*" >&2; exit 1; }
while [ $# -gt 0 ]; do
  case "$1" in
    --agent) AGENT="$2"; shift 2 ;;
    --version) VERSION="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    *) fail "unknown option $1 (--agent DIR --version V --out DIR)" ;;
  esac
done
[ -f "$AGENT/hook-agent.jar" ] && [ -f "$AGENT/jvm.options" ] && [ -d "$AGENT/lib" ] || fail "--agent must name the built agent: a directory with hook-agent.jar, jvm.options and lib/ (hook-agent/target)"
[ -n "$VERSION" ] && [ -n "$OUT" ] || fail "--version and --out are required"
command -v dpkg-deb >/dev/null || fail "dpkg-deb is required (Debian package dpkg)"
DEB_VERSION="${VERSION/-SNAPSHOT/~snapshot}"   # a snapshot sorts before its release

STAGE="$(mktemp -d)"
trap 'rm -rf "$STAGE"' EXIT
chmod 0755 "$STAGE"
install -d -m 0755 "$STAGE/opt/ccpolicy-agent/bin" "$STAGE/opt/ccpolicy-agent/lib" "$STAGE/opt/ccpolicy-agent/libexec" \
  "$STAGE/lib/systemd/system" "$STAGE/usr/share/doc/ccpolicy-agent" "$STAGE/DEBIAN"
install -m 0644 "$AGENT/hook-agent.jar" "$STAGE/opt/ccpolicy-agent/hook-agent.jar"
install -m 0644 "$AGENT/jvm.options" "$STAGE/opt/ccpolicy-agent/jvm.options"
install -m 0644 "$AGENT"/lib/*.jar "$STAGE/opt/ccpolicy-agent/lib/"
install -m 0755 "$HERE/hook-agent" "$STAGE/opt/ccpolicy-agent/bin/hook-agent"
install -m 0755 "$HERE/configure" "$STAGE/opt/ccpolicy-agent/libexec/configure"
install -m 0644 "$HERE/ccpolicy-agent.service" "$STAGE/lib/systemd/system/ccpolicy-agent.service"
install -m 0644 "$HERE/agent.yaml" "$STAGE/usr/share/doc/ccpolicy-agent/agent.yaml.example"

cat > "$STAGE/DEBIAN/control" <<CONTROL
Package: ccpolicy-agent
Version: $DEB_VERSION
Architecture: all
Section: admin
Priority: optional
Maintainer: Platform team <platform@acme.example>
Depends: openjdk-17-jre-headless | java17-runtime-headless, passwd, systemd, bubblewrap, socat
Installed-Size: $(du -sk "$STAGE/opt" | cut -f1)
Description: Claude Code policy agent (ccpolicy)
 Enforces the organisation's Claude Code policies on this machine before every
 tool call, keeps the tamper-evident audit trail and ships it to the platform.
CONTROL
cat > "$STAGE/DEBIAN/postinst" <<'POSTINST'
#!/bin/sh
set -e
if [ "$1" = configure ]; then
  if [ -f /etc/ccpolicy/agent.yaml ]; then
    /opt/ccpolicy-agent/libexec/configure
  else
    echo "ccpolicy-agent: place /etc/ccpolicy/agent.yaml, bundle-signing.pub, agent-secret, kafka.properties and agent.env" >&2
    echo "ccpolicy-agent: (see /usr/share/doc/ccpolicy-agent/agent.yaml.example), then run /opt/ccpolicy-agent/libexec/configure" >&2
  fi
fi
POSTINST
cat > "$STAGE/DEBIAN/prerm" <<'PRERM'
#!/bin/sh
set -e
if [ "$1" = remove ]; then
  if [ -d /run/systemd/system ]; then
    systemctl disable --now ccpolicy-agent.service || true
  fi
  # Claude Code's managed settings as they were before: without the agent, its hooks would block every tool call.
  /opt/ccpolicy-agent/bin/hook-agent uninstall --managed-dir /etc/claude-code || true
fi
PRERM
cat > "$STAGE/DEBIAN/postrm" <<'POSTRM'
#!/bin/sh
set -e
if [ "$1" = purge ]; then
  rm -rf /var/lib/ccpolicy-agent /etc/ccpolicy
fi
POSTRM
chmod 0755 "$STAGE/DEBIAN/postinst" "$STAGE/DEBIAN/prerm" "$STAGE/DEBIAN/postrm"
mkdir -p "$OUT"
dpkg-deb --root-owner-group -Zgzip --build "$STAGE" "$OUT/ccpolicy-agent_${DEB_VERSION}_all.deb" >/dev/null
echo "build-deb: $OUT/ccpolicy-agent_${DEB_VERSION}_all.deb"
