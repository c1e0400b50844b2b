namespace SecureMonitor.Storage.Sqlite;

/// <summary>
/// The SQLite schema, as the ordered list of migrations that build it. Tables are STRICT (types are
/// enforced); times are INTEGER microseconds since the Unix epoch (UTC); enums are lower-case TEXT.
/// </summary>
internal static class SqliteMigrations
{
    public static readonly IReadOnlyList<SchemaMigration> All =
    [
        new(1, "hosts, alerts, leader lease and epochs log", """
            CREATE TABLE hosts (
                host_id         TEXT    PRIMARY KEY,
                first_seen      INTEGER NOT NULL,
                last_seen       INTEGER NOT NULL,
                last_heartbeat  INTEGER,
                high_water_mark INTEGER NOT NULL CHECK (high_water_mark >= 0)
            ) STRICT;

            -- Alerts and resolutions only: heartbeats never become rows (10,000 hosts every 5 s would swamp it).
            CREATE TABLE alerts (
                id          INTEGER PRIMARY KEY,
                host_id     TEXT    NOT NULL REFERENCES hosts (host_id) DEFERRABLE INITIALLY DEFERRED,
                sequence    INTEGER NOT NULL CHECK (sequence >= 1),
                kind        TEXT    NOT NULL CHECK (kind IN ('alert', 'resolution')),
                received_at INTEGER NOT NULL,
                sent_at     INTEGER NOT NULL,
                rule_id     TEXT    NOT NULL,
                metric      TEXT    NOT NULL,
                severity    TEXT    NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
                state       TEXT    NOT NULL CHECK (state IN ('firing', 'resolved')),
                value       REAL    NOT NULL,
                threshold   REAL    NOT NULL,
                summary     TEXT    NOT NULL,
                UNIQUE (host_id, sequence)   -- the last line against storing one message twice
            ) STRICT;
            CREATE INDEX alerts_by_received_at ON alerts (received_at);
            CREATE INDEX alerts_by_host_received_at ON alerts (host_id, received_at);

            -- Exactly one row. holder NULL = free (never taken or released); epoch only ever grows.
            CREATE TABLE leader_lease (
                id         INTEGER PRIMARY KEY CHECK (id = 1),
                holder     TEXT,
                endpoint   TEXT,
                epoch      INTEGER NOT NULL CHECK (epoch >= 0),
                expires_at INTEGER NOT NULL,
                CHECK ((holder IS NULL) = (endpoint IS NULL))
            ) STRICT;
            INSERT INTO leader_lease (id, holder, endpoint, epoch, expires_at) VALUES (1, NULL, NULL, 0, 0);

            CREATE TABLE leader_epochs (
                epoch       INTEGER PRIMARY KEY,
                node_id     TEXT    NOT NULL,
                endpoint    TEXT    NOT NULL,
                acquired_at INTEGER NOT NULL
            ) STRICT;
            """),
        new(2, "incidents, audit log, membership", """
            CREATE TABLE incidents (
                id                   TEXT    PRIMARY KEY,
                state                TEXT    NOT NULL CHECK (state IN ('open', 'acknowledged', 'resolved')),
                kinds                TEXT    NOT NULL CHECK (json_valid(kinds)),
                opened_at            INTEGER NOT NULL,
                last_evidence_at     INTEGER NOT NULL,
                resolved_at          INTEGER,
                acknowledged_by      TEXT,
                acknowledged_at      INTEGER,
                acknowledgement_note TEXT,
                hosts                TEXT    NOT NULL CHECK (json_valid(hosts)),
                metrics              TEXT    NOT NULL CHECK (json_valid(metrics)),
                evidence             TEXT    NOT NULL CHECK (json_valid(evidence)),
                alert_count          INTEGER NOT NULL CHECK (alert_count >= 0),
                version              INTEGER NOT NULL CHECK (version >= 1),
                written_epoch        INTEGER NOT NULL
            ) STRICT;
            CREATE INDEX incidents_unresolved ON incidents (opened_at) WHERE state <> 'resolved';

            CREATE TABLE audit_log (
                id        INTEGER PRIMARY KEY AUTOINCREMENT,   -- never reused, even after the last row
                at        INTEGER NOT NULL,
                subject   TEXT    NOT NULL,
                role      TEXT    NOT NULL,
                command   TEXT    NOT NULL,
                arguments TEXT    NOT NULL,
                result    TEXT    NOT NULL,
                success   INTEGER NOT NULL CHECK (success IN (0, 1)),
                epoch     INTEGER                              -- NULL: written unfenced (e.g. by a follower)
            ) STRICT;
            CREATE INDEX audit_log_by_at ON audit_log (at);
            CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
                BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
            CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
                BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

            CREATE TABLE members (
                node_id      TEXT    PRIMARY KEY,
                endpoint     TEXT    NOT NULL,
                joined_at    INTEGER NOT NULL,
                heartbeat_at INTEGER NOT NULL
            ) STRICT;
            """),
        new(3, "threshold settings and the revisions watchers applied", """
            -- scope: a host id, or '*' for every host. settings: a JSON array of texts, in order.
            CREATE TABLE threshold_settings (
                scope         TEXT    PRIMARY KEY,
                revision      INTEGER NOT NULL CHECK (revision >= 1),
                settings      TEXT    NOT NULL CHECK (json_valid(settings)),
                updated_by    TEXT    NOT NULL,
                updated_at    INTEGER NOT NULL,
                written_epoch INTEGER NOT NULL
            ) STRICT;

            CREATE TABLE thresholds_applied (
                host_id       TEXT    PRIMARY KEY,
                revision      INTEGER NOT NULL CHECK (revision >= 1),
                applied_at    INTEGER NOT NULL,
                written_epoch INTEGER NOT NULL
            ) STRICT;
            """),
        new(4, "epochs log: how long each term's lease ran", """
            -- The end of the lease as last granted or renewed; cut short to the next grant when the
            -- holder released it. [acquired_at, lease_until] of different epochs never overlap.
            ALTER TABLE leader_epochs ADD COLUMN lease_until INTEGER NOT NULL DEFAULT 0;
            UPDATE leader_epochs SET lease_until = acquired_at;
            """),
        new(5, "alerts the monitor raises itself; refusal counters", """
            -- Alerts the monitor raises (tampering suspected, a watcher's spool dropping messages): no watcher
            -- sequence, and the subject may be a peer address that is no host, hence no reference to hosts.
            CREATE TABLE raised_alerts (
                id            INTEGER PRIMARY KEY,
                subject       TEXT    NOT NULL,
                raised_at     INTEGER NOT NULL,
                rule_id       TEXT    NOT NULL,
                metric        TEXT    NOT NULL,
                severity      TEXT    NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
                state         TEXT    NOT NULL CHECK (state IN ('firing', 'resolved')),
                value         REAL    NOT NULL,
                threshold     REAL    NOT NULL,
                summary       TEXT    NOT NULL,
                written_epoch INTEGER NOT NULL
            ) STRICT;
            CREATE INDEX raised_alerts_by_raised_at ON raised_alerts (raised_at);
            CREATE INDEX raised_alerts_by_subject_raised_at ON raised_alerts (subject, raised_at);

            -- Refused messages and connections per subject (host id, or '-') and reason since the first
            -- start: every node adds what it counted, so the totals survive restarts.
            CREATE TABLE rejection_counts (
                subject    TEXT    NOT NULL,
                reason     TEXT    NOT NULL,
                count      INTEGER NOT NULL CHECK (count >= 0),
                updated_at INTEGER NOT NULL,
                PRIMARY KEY (subject, reason)
            ) STRICT;
            """),
    ];

    public static int Latest => All[^1].Version;
}
