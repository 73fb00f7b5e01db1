# Database rollback: undo schema migrations, or, only when data was
# corrupted, restore the database to a point in time. The seed's "Database
# Rollback Procedures": "Schema Rollback" and "Data Rollback (Critical)".
#
#   runbook run runbooks/database-rollback.rb                                    # npm run migrate:rollback
#   runbook run runbooks/database-rollback.rb -p mode=sql                        # psql -f rollback-migrations.sql
#   runbook run runbooks/database-rollback.rb -p mode=restore \
#       -p restore_time=2025-08-26T14:30:00.000Z                                 # point-in-time restore
#
# Database credentials stay where the seed keeps them, in the environment
# of the shell ($DB_HOST, $DB_USER, $DB_NAME and PGPASSWORD): runbook never
# sees or journals them.

runbook "Database rollback: schema migrations or point-in-time restore"

param mode = "migrate"                                # "migrate", "sql" or "restore"
param npm = "npm"
param psql = "psql"
param aws = "aws"
param backend_dir = "backend"
param rollback_sql = "rollback-migrations.sql"
param db_instance = "mailsender-prod"
param restore_time = ""                               # ISO 8601, e.g. 2025-08-26T14:30:00.000Z
param answer_timeout: duration = 30m                   # an unanswered question stops the run (as long as one migration may take)

# A failure anywhere stops the run where it is, on purpose: this is itself a
# rollback, run by an operator at the terminal, with nothing further to roll
# back to; the operator reads the failure and decides. A question nobody
# answers within answer_timeout is a "no", so it stops the run too.
on fail stop

phase "Confirm" {
  assert mode == "migrate" or mode == "sql" or mode == "restore" "mode is \"migrate\", \"sql\" or \"restore\", not \"${mode}\""
  checklist "Before touching the database" {
    - "Traffic is back on blue (emergency or planned rollback done)"
    - "A fresh backup or snapshot of the current state exists, for analysis"
    - "The application version that will run is compatible with the schema after rollback"
  } timeout answer_timeout default no
}

# "Schema Rollback (if schema changes were made)"
phase "Schema rollback" {
  if mode == "migrate" {
    approve "Run migrate:rollback in ${backend_dir}? It drops what the release's migrations added." timeout answer_timeout default no
    sh "cd ${backend_dir} && ${npm} run migrate:rollback" timeout 30m
  }
  if mode == "sql" {
    approve "Run ${rollback_sql} against \$DB_NAME on \$DB_HOST?" timeout answer_timeout default no
    sh "${psql} -h \"\$DB_HOST\" -U \"\$DB_USER\" -d \"\$DB_NAME\" -v ON_ERROR_STOP=1 -f ${rollback_sql}" timeout 30m
  }
  if mode != "restore" {
    # "Verify schema version"
    sh "${psql} -h \"\$DB_HOST\" -U \"\$DB_USER\" -d \"\$DB_NAME\" -c 'SELECT version FROM schema_migrations ORDER BY version DESC LIMIT 1;'"
       idempotent timeout 1m
    approve "Is the schema version above the one the previous release expects?" timeout answer_timeout default no
  }
}

# "Data Rollback (Critical)": only if data corruption occurred.
phase "Point-in-time restore" {
  if mode == "restore" {
    assert restore_time != "" "give the time to restore to: -p restore_time=2025-08-26T14:30:00.000Z"
    checklist "Data rollback is the last resort" {
      - "Data corruption or loss is confirmed, not suspected"
      - "Everything written after ${restore_time} will be missing from the restored database"
      - "Incident commander approved a data rollback"
    } timeout answer_timeout default no
    approve "Restore ${db_instance} as of ${restore_time} into ${db_instance}-restored?" timeout answer_timeout default no
    sh "${aws} rds restore-db-instance-to-point-in-time --source-db-instance-identifier ${db_instance} --target-db-instance-identifier ${db_instance}-restored --restore-time ${restore_time}"
       timeout 5m
    sh "${aws} rds wait db-instance-available --db-instance-identifier ${db_instance}-restored" idempotent timeout 2h
    # "Switch application to restored database"
    checklist "Switch the application to the restored database" {
      - "DATABASE_URL updated to ${db_instance}-restored"
      - "Application restarted and healthy"
    } timeout answer_timeout default no
  }
}
