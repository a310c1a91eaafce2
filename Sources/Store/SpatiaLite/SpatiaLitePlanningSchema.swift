import GRDB

/// The tables of planning consultations (migration "v7-planning"). Kept in its own file so the
/// migration list stays a list. Times are milliseconds since 1970 (UTC), as elsewhere.
enum SpatiaLitePlanningSchema {
    static func create(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE plans (
                id                 INTEGER PRIMARY KEY,
                title              TEXT NOT NULL,
                description        TEXT NOT NULL,
                kind               TEXT NOT NULL CHECK (kind IN ('general', 'detailed', 'special')),
                organiser          TEXT NOT NULL,
                planner            TEXT NOT NULL,
                stage              TEXT NOT NULL CHECK (stage IN ('draft', 'consultation', 'hearing', 'answering', 'revised',
                                                                   'submitted', 'approved', 'rejected', 'archived')),
                moderation         TEXT NOT NULL CHECK (moderation IN ('pre', 'post')),
                consultation_start INTEGER,
                consultation_end   INTEGER,
                window_state       TEXT CHECK (window_state IN ('upcoming', 'open', 'closed')),
                hearing_date       INTEGER,
                hearing_place      TEXT,
                consulted_version  INTEGER,
                revision           INTEGER NOT NULL DEFAULT 1,
                created_at         INTEGER NOT NULL,
                updated_at         INTEGER NOT NULL
            );
            SELECT AddGeometryColumn('plans', 'geom', 4326, 'MULTIPOLYGON', 'XY', 1);
            SELECT CreateSpatialIndex('plans', 'geom');
            CREATE TABLE plan_architects (
                plan_id  INTEGER NOT NULL REFERENCES plans (id),
                username TEXT NOT NULL,
                PRIMARY KEY (plan_id, username)
            );
            -- Each published draft, immutable: a trigger refuses changes.
            CREATE TABLE plan_versions (
                plan_id     INTEGER NOT NULL REFERENCES plans (id),
                number      INTEGER NOT NULL,
                title       TEXT NOT NULL,
                description TEXT NOT NULL,
                note        TEXT NOT NULL,
                created_by  TEXT NOT NULL,
                created_at  INTEGER NOT NULL,
                PRIMARY KEY (plan_id, number)
            );
            SELECT AddGeometryColumn('plan_versions', 'geom', 4326, 'MULTIPOLYGON', 'XY', 1);
            CREATE TRIGGER plan_versions_immutable BEFORE UPDATE ON plan_versions
            BEGIN SELECT RAISE(ABORT, 'a published plan version cannot be changed'); END;
            CREATE TABLE plan_attachments (
                id           INTEGER PRIMARY KEY,
                plan_id      INTEGER NOT NULL REFERENCES plans (id),
                role         TEXT NOT NULL CHECK (role IN ('document', 'image', 'minutes')),
                title        TEXT NOT NULL,
                file         TEXT NOT NULL,
                content_type TEXT NOT NULL,
                size         INTEGER NOT NULL,
                created_by   TEXT NOT NULL,
                created_at   INTEGER NOT NULL
            );
            CREATE INDEX plan_attachments_plan ON plan_attachments (plan_id, id);
            -- Personal data (email) sits in its own column and no public query selects it.
            CREATE TABLE plan_comments (
                id              INTEGER PRIMARY KEY,
                plan_id         INTEGER NOT NULL REFERENCES plans (id),
                version         INTEGER NOT NULL,
                kind            TEXT NOT NULL CHECK (kind IN ('objection', 'proposal', 'support', 'question')),
                text            TEXT NOT NULL,
                name            TEXT NOT NULL,
                email           TEXT NOT NULL,
                identity_level  TEXT NOT NULL,
                attachment      TEXT,
                attachment_type TEXT,
                status          TEXT NOT NULL CHECK (status IN ('pending', 'published', 'hidden')),
                hidden_reason   TEXT,
                duplicate_of    INTEGER REFERENCES plan_comments (id),
                architect       TEXT,
                created_at      INTEGER NOT NULL,
                -- The location as GeoJSON, written once with geom: the register of 10,000
                -- comments reads it as it is instead of converting geom row by row.
                location_json   TEXT,
                FOREIGN KEY (plan_id, version) REFERENCES plan_versions (plan_id, number)
            );
            SELECT AddGeometryColumn('plan_comments', 'geom', 4326, 'GEOMETRY', 'XY', 0);
            SELECT CreateSpatialIndex('plan_comments', 'geom');
            CREATE INDEX plan_comments_plan ON plan_comments (plan_id, id);
            -- One answer per comment: a private draft until published_at is set.
            CREATE TABLE plan_answers (
                comment_id   INTEGER PRIMARY KEY REFERENCES plan_comments (id),
                decision     TEXT NOT NULL CHECK (decision IN ('accepted', 'partly_accepted', 'rejected', 'not_applicable')),
                reasoning    TEXT NOT NULL,
                architect    TEXT NOT NULL,
                drafted_at   INTEGER NOT NULL,
                published_at INTEGER
            );
            -- Append-only: triggers refuse updates and deletes (the hash chain detects a change
            -- made around them, e.g. with the triggers dropped).
            CREATE TABLE audit_log (
                id        INTEGER PRIMARY KEY,
                plan_id   INTEGER,
                actor     TEXT NOT NULL,
                action    TEXT NOT NULL,
                subject   TEXT NOT NULL,
                before    TEXT NOT NULL,
                after     TEXT NOT NULL,
                at        INTEGER NOT NULL,
                prev_hash TEXT NOT NULL,
                hash      TEXT NOT NULL
            );
            CREATE INDEX audit_log_plan ON audit_log (plan_id, id);
            CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
            BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
            CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
            BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
            CREATE TABLE outbox (
                id         INTEGER PRIMARY KEY,
                comment_id INTEGER REFERENCES plan_comments (id),
                recipient  TEXT NOT NULL,
                subject    TEXT NOT NULL,
                body       TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                sent_at    INTEGER
            );
            """)
    }
}
