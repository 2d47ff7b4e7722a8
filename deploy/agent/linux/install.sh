#!/usr/bin/env bash
# Installs the Claude Code policy agent on a developer's Linux machine: the agent under /opt/ccpolicy-agent, its
# configuration under /etc/ccpolicy (agent.yaml, the bundle verification key, the OAuth2 client secret, the Kafka
# password: readable by the agent's user only), Claude Code's managed settings in /etc/claude-code (written by the
# agent's own `install`, so both always agree), and the systemd unit, started now and at every boot.
#
#   sudo deploy/agent/linux/install.sh --agent hook-agent/target --email bob@acme.com --teams payments \
#        --client-id laptop-0042 --client-secret-file secret --public-key bundle-signing.pub \
#        --kafka-password-file kafka-password [--config agent.yaml] [--developer bob]
#
# --root DIR installs into DIR instead of / and starts nothing (for building a package, and for tests).
set -euo pipefail
umask 027   # the secrets written below are never readable by others, not even for a moment
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="" AGENT="" EMAIL="" TEAMS="" CLIENT_ID="" SECRET="" PUBKEY="" KAFKA_PASSWORD="" CONFIG="" DEVELOPER="${SUDO_USER:-}"

fail() { echo "install: $*" >&2; exit 1; }
while [ $# -gt 0 ]; do
  case "$1" in
    --root) ROOT="$2"; shift 2 ;;
    --agent) AGENT="$2"; shift 2 ;;
    --email) EMAIL="$2"; shift 2 ;;
    --teams) TEAMS="$2"; shift 2 ;;
    --client-id) CLIENT_ID="$2"; shift 2 ;;
    --client-secret-file) SECRET="$2"; shift 2 ;;
    --public-key) PUBKEY="$2"; shift 2 ;;
    --kafka-password-file) KAFKA_PASSWORD="$2"; shift 2 ;;
    --config) CONFIG="$2"; shift 2 ;;
    --developer) DEVELOPER="$2"; shift 2 ;;
    *) fail "unknown option $1 (see the comment at the top of $0)" ;;
  esac
done
[ -f "$AGENT/hook-agent.jar" ] && [ -f "$AGENT/jvm.options" ] && [ -d "$AGENT/lib" ] || fail "--agent must name the built agent: a directory with hook-agent.jar, jvm.options and lib/ (hook-agent/target)"
[ -f "$PUBKEY" ] || fail "--public-key must name the bundle verification key (GET /api/v1/bundles/public-key)"
[ -f "$SECRET" ] || fail "--client-secret-file must name the file holding this machine's OAuth2 client secret"
[ -f "$KAFKA_PASSWORD" ] || fail "--kafka-password-file must name the file holding the hook-agents Kafka password"
if [ -z "$CONFIG" ]; then
  [ -n "$EMAIL" ] && [ -n "$CLIENT_ID" ] || fail "give --email and --client-id (or a whole --config agent.yaml)"
fi
[ -n "$DEVELOPER" ] || fail "--developer must name the developer's account (whose Claude Code the agent checks)"
command -v java >/dev/null || fail "Java 17 or later is required (Debian/Ubuntu: apt-get install openjdk-17-jre-headless)"
# Claude Code's OS sandbox, which policies with path rules require: without it Bash commands are refused
if ! command -v bwrap >/dev/null || ! command -v socat >/dev/null; then
  echo "install.sh: warning: bubblewrap and socat are needed for Claude Code's OS sandbox (apt-get install bubblewrap socat)" >&2
fi
if [ -z "$ROOT" ]; then
  [ "$(id -u)" = 0 ] || fail "run as root (sudo): the agent's files and Claude Code's managed settings are root-owned"
  DEVELOPER_HOME="$(getent passwd "$DEVELOPER" | cut -d: -f6)"
else
  DEVELOPER_HOME="/home/$DEVELOPER"
fi
[ -n "$DEVELOPER_HOME" ] || fail "no account $DEVELOPER"

install -d -m 0755 "$ROOT/opt/ccpolicy-agent/bin" "$ROOT/opt/ccpolicy-agent/lib" "$ROOT/opt/ccpolicy-agent/libexec" "$ROOT/etc/systemd/system"
install -m 0644 "$AGENT/hook-agent.jar" "$ROOT/opt/ccpolicy-agent/hook-agent.jar"
install -m 0644 "$AGENT/jvm.options" "$ROOT/opt/ccpolicy-agent/jvm.options"
install -m 0644 "$AGENT"/lib/*.jar "$ROOT/opt/ccpolicy-agent/lib/"
install -m 0755 "$HERE/hook-agent" "$ROOT/opt/ccpolicy-agent/bin/hook-agent"
install -m 0755 "$HERE/configure" "$ROOT/opt/ccpolicy-agent/libexec/configure"
install -m 0644 "$HERE/ccpolicy-agent.service" "$ROOT/etc/systemd/system/ccpolicy-agent.service"

install -d -m 0750 "$ROOT/etc/ccpolicy"
if [ -n "$CONFIG" ]; then
  install -m 0640 "$CONFIG" "$ROOT/etc/ccpolicy/agent.yaml"
else
  sed -e "s|EMAIL|$EMAIL|" -e "s|\[TEAMS\]|[${TEAMS}]|" -e "s|CLIENT_ID|$CLIENT_ID|" "$HERE/agent.yaml" > "$ROOT/etc/ccpolicy/agent.yaml"
fi
install -m 0644 "$PUBKEY" "$ROOT/etc/ccpolicy/bundle-signing.pub"
install -m 0640 "$SECRET" "$ROOT/etc/ccpolicy/agent-secret"
printf 'password=%s\n' "$(cat "$KAFKA_PASSWORD")" > "$ROOT/etc/ccpolicy/kafka.properties"
printf 'DEVELOPER_HOME=%s\n' "$DEVELOPER_HOME" > "$ROOT/etc/ccpolicy/agent.env"

"$HERE/configure" "$ROOT"
[ -z "$ROOT" ] || echo "install: staged under $ROOT (nothing started)"
