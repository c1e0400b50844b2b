namespace SecureMonitor.Storage.Postgres;

/// <summary>
/// The PostgreSQL schema, as the ordered list of migrations that build it. Version numbers mean the same
/// tables as SQLite's (<see cref="Sqlite.SqliteMigrations"/>), so operators read one history. Times are
/// <c>timestamptz</c> (UTC, microseconds); enums are lower-case text with CHECKs; lists are jsonb arrays.
/// DDL is transactional here, so a failed migration leaves nothing behind.
/// </summary>
internal static class PostgresMigrations
{
    public static readonly IReadOnlyList<SchemaMigration> All =
    [
        new(1, "hosts, alerts, leader lease and epochs log", """
            CREATE TABLE hosts (
                host_id         text        PRIMARY KEY,
                first_seen      timestamptz NOT NULL,
                last_seen       timestamptz NOT NULL,
                last_heartbeat  timestamptz,
                high_water_mark bigint      NOT NULL CHECK (high_water_mark >= 0)
            );

            -- Alerts and resolutions only: heartbeats never become rows (10,000 hosts every 5 s would swamp it).
            -- The host row is written after the batch's alerts, in the same transaction: hence the deferred key.
            CREATE TABLE alerts (
                id          bigint           GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                host_id     text             NOT NULL REFERENCES hosts (host_id) DEFERRABLE INITIALLY DEFERRED,
                sequence    bigint           NOT NULL CHECK (sequence >= 1),
                kind        text             NOT NULL CHECK (kind IN ('alert', 'resolution')),
                received_at timestamptz      NOT NULL,
                sent_at     timestamptz      NOT NULL,
                rule_id     text             NOT NULL,
                metric      text             NOT NULL,
                severity    text             NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
                state       text             NOT NULL CHECK (state IN ('firing', 'resolved')),
                value       double precision NOT NULL,
                threshold   double precision NOT NULL,
                summary     text             NOT NULL,
                UNIQUE (host_id, sequence)   -- the last line against storing one message twice
            );
            CREATE INDEX alerts_by_received_at ON alerts (received_at);
            CREATE INDEX alerts_by_host_received_at ON alerts (host_id, received_at);

            -- Exactly one row. holder NULL = free (never taken or released); epoch only ever grows.
            CREATE TABLE leader_lease (
                id         smallint    PRIMARY KEY CHECK (id = 1),
                holder     text,
                endpoint   text,
                epoch      bigint      NOT NULL CHECK (epoch >= 0),
                expires_at timestamptz NOT NULL,
                CHECK ((holder IS NULL) = (endpoint IS NULL))
            );
            INSERT INTO leader_lease (id, holder, endpoint, epoch, expires_at) VALUES (1, NULL, NULL, 0, '1970-01-01 00:00:00+00');

            CREATE TABLE leader_epochs (
                epoch       bigint      PRIMARY KEY,
                node_id     text        NOT NULL,
                endpoint    text        NOT NULL,
                acquired_at timestamptz NOT NULL
            );
            """),
        new(2, "incidents, audit log, membership", """
            CREATE TABLE incidents (
                id                   text        PRIMARY KEY,
                state                text        NOT NULL CHECK (state IN ('open', 'acknowledged', 'resolved')),
                kinds                jsonb       NOT NULL CHECK (jsonb_typeof(kinds) = 'array'),
                opened_at            timestamptz NOT NULL,
                last_evidence_at     timestamptz NOT NULL,
                resolved_at          timestamptz,
                acknowledged_by      text,
                acknowledged_at      timestamptz,
                acknowledgement_note text,
                hosts                jsonb       NOT NULL CHECK (jsonb_typeof(hosts) = 'array'),
                metrics              jsonb       NOT NULL CHECK (jsonb_typeof(metrics) = 'array'),
                evidence             jsonb       NOT NULL CHECK (jsonb_typeof(evidence) = 'array'),
                alert_count          integer     NOT NULL CHECK (alert_count >= 0),
                version              bigint      NOT NULL CHECK (version >= 1),
                written_epoch        bigint      NOT NULL
            );
            CREATE INDEX incidents_unresolved ON incidents (opened_at) WHERE state <> 'resolved';

            CREATE TABLE audit_log (
                id        bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,   -- never reused
                at        timestamptz NOT NULL,
                subject   text        NOT NULL,
                role      text        NOT NULL,
                command   text        NOT NULL,
                arguments text        NOT NULL,
                result    text        NOT NULL,
                success   boolean     NOT NULL,
                epoch     bigint                                                 -- NULL: written unfenced (e.g. by a follower)
            );
            CREATE INDEX audit_log_by_at ON audit_log (at);
            CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    RAISE EXCEPTION 'audit_log is append-only';
                END
                $$;
            CREATE TRIGGER audit_log_no_update_or_delete BEFORE UPDATE OR DELETE ON audit_log
                FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
            CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
                FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

            CREATE TABLE members (
                node_id      text        PRIMARY KEY,
                endpoint     text        NOT NULL,
                joined_at    timestamptz NOT NULL,
                heartbeat_at timestamptz NOT NULL
            );
            """),
        new(3, "threshold settings and the revisions watchers applied", """
            -- scope: a host id, or '*' for every host. settings: in order.
            CREATE TABLE threshold_settings (
                scope         text        PRIMARY KEY,
                revision      bigint      NOT NULL CHECK (revision >= 1),
                settings      text[]      NOT NULL,
                updated_by    text        NOT NULL,
                updated_at    timestamptz NOT NULL,
                written_epoch bigint      NOT NULL
            );

            CREATE TABLE thresholds_applied (
                host_id       text        PRIMARY KEY,
                revision      bigint      NOT NULL CHECK (revision >= 1),
                applied_at    timestamptz NOT NULL,
                written_epoch bigint      NOT NULL
            );
            """),
        new(4, "epochs log: how long each term's lease ran", """
            -- The end of the lease as last granted or renewed; cut short to the next grant when the
            -- holder released it. [acquired_at, lease_until] of different epochs never overlap.
            ALTER TABLE leader_epochs ADD COLUMN lease_until timestamptz;
            UPDATE leader_epochs SET lease_until = acquired_at;
            ALTER TABLE leader_epochs ALTER COLUMN lease_until SET NOT NULL;
            """),
        new(5, "alerts the monitor raises itself; refusal counters", """
            -- Alerts the monitor raises (tampering suspected, a watcher's spool dropping messages): no watcher
            -- sequence, and the subject may be a peer address that is no host, hence no reference to hosts.
            CREATE TABLE raised_alerts (
                id            bigint           GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                subject       text             NOT NULL,
                raised_at     timestamptz      NOT NULL,
                rule_id       text             NOT NULL,
                metric        text             NOT NULL,
                severity      text             NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
                state         text             NOT NULL CHECK (state IN ('firing', 'resolved')),
                value         double precision NOT NULL,
                threshold     double precision NOT NULL,
                summary       text             NOT NULL,
                written_epoch bigint           NOT NULL
            );
            CREATE INDEX raised_alerts_by_raised_at ON raised_alerts (raised_at);
            CREATE INDEX raised_alerts_by_subject_raised_at ON raised_alerts (subject, raised_at);

            -- Refused messages and connections per subject (host id, or '-') and reason since the first
            -- start: every node adds what it counted, so the totals survive restarts.
            CREATE TABLE rejection_counts (
                subject    text        NOT NULL,
                reason     text        NOT NULL,
                count      bigint      NOT NULL CHECK (count >= 0),
                updated_at timestamptz NOT NULL,
                PRIMARY KEY (subject, reason)
            );
            """),
    ];

    public static int Latest => All[^1].Version;
}
