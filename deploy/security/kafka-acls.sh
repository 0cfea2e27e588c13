#!/usr/bin/env bash
# Grants digitflow's ACLs (acls.txt, next to this script) on a Kafka cluster with an authorizer.
#
#   BOOTSTRAP=kafka-1:9093 ADMIN_CONFIG=admin.properties deploy/security/kafka-acls.sh
#
# ADMIN_CONFIG: client settings (security.protocol, sasl.*, ssl.*) of a user allowed to alter ACLs.
# KAFKA_ACLS: the kafka-acls command, if not kafka-acls.sh on the PATH (Confluent: kafka-acls).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
: "${BOOTSTRAP:?set BOOTSTRAP to the bootstrap servers of the cluster}"
: "${ADMIN_CONFIG:?set ADMIN_CONFIG to a client properties file of an ACL admin}"
kafka_acls=${KAFKA_ACLS:-kafka-acls.sh}
grep -v -e '^[[:space:]]*#' -e '^[[:space:]]*$' "$here/acls.txt" | while read -r grant; do
  # Each line is a list of kafka-acls options: split on purpose.
  # shellcheck disable=SC2086
  "$kafka_acls" --bootstrap-server "$BOOTSTRAP" --command-config "$ADMIN_CONFIG" --add $grant </dev/null
done
