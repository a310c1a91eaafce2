import GRDB

/// The schema, as an ordered list of migrations. Never edit a migration that has shipped:
/// add a new one. Every geometry column is registered with SpatiaLite and has an R*Tree index.
enum SpatiaLiteMigrations {
    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1-districts") { db in
            try db.execute(sql: """
                CREATE TABLE districts (
                    id          INTEGER PRIMARY KEY,
                    code        TEXT NOT NULL UNIQUE,
                    name        TEXT NOT NULL,
                    area_m2     REAL NOT NULL CHECK (area_m2 >= 0),
                    properties  TEXT NOT NULL DEFAULT '{}',
                    source      TEXT,
                    imported_at TEXT NOT NULL
                );
                SELECT AddGeometryColumn('districts', 'geom', 4326, 'MULTIPOLYGON', 'XY', 1);
                SELECT CreateSpatialIndex('districts', 'geom');
                """)
        }
        m.registerMigration("v2-services") { db in
            // The definition is the service as JSON: Open311 fields, translations, attributes.
            try db.execute(sql: """
                CREATE TABLE services (
                    code       TEXT PRIMARY KEY,
                    position   INTEGER NOT NULL,
                    definition TEXT NOT NULL CHECK (json_valid(definition))
                );
                """)
        }
        m.registerMigration("v3-reports") { db in
            // Times are milliseconds since 1970 (UTC); the district is kept by code, which
            // survives a re-import of the districts. Personal data sits in its own columns so
            // that no public query selects it by accident.
            try db.execute(sql: """
                CREATE TABLE reports (
                    id           INTEGER PRIMARY KEY,
                    external_id  TEXT UNIQUE,
                    service_code TEXT NOT NULL,
                    status       TEXT NOT NULL CHECK (status IN ('open', 'acknowledged', 'in_progress', 'closed')),
                    resolution   TEXT CHECK (resolution IN ('fixed', 'duplicate', 'not_responsible', 'no_further_action')),
                    status_notes TEXT,
                    description  TEXT NOT NULL DEFAULT '',
                    attributes   TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(attributes)),
                    district_code TEXT,
                    lon          REAL NOT NULL CHECK (lon BETWEEN -180 AND 180),
                    lat          REAL NOT NULL CHECK (lat BETWEEN -90 AND 90),
                    address      TEXT,
                    zipcode      TEXT,
                    media_url    TEXT,
                    duplicate_of INTEGER REFERENCES reports (id),
                    requested_at INTEGER NOT NULL,
                    updated_at   INTEGER NOT NULL,
                    closed_at    INTEGER,
                    source       TEXT NOT NULL,
                    email        TEXT,
                    phone        TEXT,
                    first_name   TEXT,
                    last_name    TEXT,
                    device_id    TEXT,
                    account_id   TEXT
                );
                SELECT AddGeometryColumn('reports', 'geom', 4326, 'POINT', 'XY', 1);
                SELECT CreateSpatialIndex('reports', 'geom');
                CREATE INDEX reports_requested_at ON reports (requested_at);
                CREATE INDEX reports_service_requested_at ON reports (service_code, requested_at);
                CREATE INDEX reports_district_requested_at ON reports (district_code, requested_at);
                """)
        }
        m.registerMigration("v3b-lean-report-triggers") { db in
            // Reports are written thousands a second, so SpatiaLite's per-row triggers matter:
            // the tm* triggers stamp geometry_columns_time on every write (an extra UPDATE for a
            // statistic Miestas never reads), and the R*Tree triggers call RTreeAlign(), which
            // builds and parses an SQL statement per row. Plain triggers keep the same R*Tree
            // (SpatiaLite's SpatialIndex reads it as before) at two thirds of the insert cost.
            for op in ["i", "u", "d"] { try db.execute(sql: "DROP TRIGGER IF EXISTS tm\(op)_reports_geom") }
            try db.execute(sql: """
                DROP TRIGGER IF EXISTS gii_reports_geom;
                DROP TRIGGER IF EXISTS giu_reports_geom;
                CREATE TRIGGER gii_reports_geom AFTER INSERT ON reports FOR EACH ROW WHEN NEW.geom IS NOT NULL BEGIN
                    INSERT INTO idx_reports_geom (pkid, xmin, xmax, ymin, ymax)
                    VALUES (NEW.ROWID, MbrMinX(NEW.geom), MbrMaxX(NEW.geom), MbrMinY(NEW.geom), MbrMaxY(NEW.geom));
                END;
                CREATE TRIGGER giu_reports_geom AFTER UPDATE OF geom ON reports FOR EACH ROW BEGIN
                    DELETE FROM idx_reports_geom WHERE pkid = NEW.ROWID;
                    INSERT INTO idx_reports_geom (pkid, xmin, xmax, ymin, ymax)
                    SELECT NEW.ROWID, MbrMinX(NEW.geom), MbrMaxX(NEW.geom), MbrMinY(NEW.geom), MbrMaxY(NEW.geom) WHERE NEW.geom IS NOT NULL;
                END;
                """)
        }
        m.registerMigration("v4-api-keys") { db in
            // Only a SHA-256 of each key is kept; the key itself is shown once, when it is made.
            try db.execute(sql: """
                CREATE TABLE api_keys (
                    id         INTEGER PRIMARY KEY,
                    name       TEXT NOT NULL UNIQUE,
                    key_hash   TEXT NOT NULL UNIQUE,
                    prefix     TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    revoked_at INTEGER
                );
                """)
        }
        m.registerMigration("v5-staff-and-updates") { db in
            try db.execute(sql: """
                CREATE TABLE users (
                    id            INTEGER PRIMARY KEY,
                    username      TEXT NOT NULL UNIQUE,
                    role          TEXT NOT NULL CHECK (role IN ('staff', 'planner', 'architect', 'admin')),
                    password_hash TEXT NOT NULL,
                    created_at    INTEGER NOT NULL,
                    disabled_at   INTEGER
                );
                -- Bearer tokens: only a SHA-256 of each is kept.
                CREATE TABLE user_tokens (
                    token_hash TEXT PRIMARY KEY,
                    user_id    INTEGER NOT NULL REFERENCES users (id),
                    created_at INTEGER NOT NULL,
                    expires_at INTEGER NOT NULL,
                    revoked_at INTEGER
                );
                -- The history of each report: every status change with its note and author.
                CREATE TABLE report_updates (
                    id          INTEGER PRIMARY KEY,
                    report_id   INTEGER NOT NULL REFERENCES reports (id),
                    status      TEXT NOT NULL,
                    resolution  TEXT,
                    reopened    INTEGER NOT NULL DEFAULT 0,
                    note        TEXT NOT NULL,
                    user_id     INTEGER REFERENCES users (id),
                    at          INTEGER NOT NULL
                );
                CREATE INDEX report_updates_report ON report_updates (report_id, id);
                CREATE INDEX report_updates_at ON report_updates (at);
                """)
        }
        m.registerMigration("v6-report-geometry-written-once") { db in
            // SpatiaLite's geometry-constraint triggers check every inserted point against
            // geometry_columns with a case-insensitive subquery: a fifth of the insert cost.
            // Report geometry is written in one place only (`MakePoint(lon, lat, 4326)` in the
            // store's insert), so the type and SRID they check cannot differ.
            // For the same reason the R*Tree entry is the point's own lon/lat rather than four
            // Mbr*() calls that parse the geometry blob back.
            try db.execute(sql: """
                DROP TRIGGER IF EXISTS ggi_reports_geom;
                DROP TRIGGER IF EXISTS ggu_reports_geom;
                DROP TRIGGER IF EXISTS gii_reports_geom;
                CREATE TRIGGER gii_reports_geom AFTER INSERT ON reports FOR EACH ROW WHEN NEW.geom IS NOT NULL BEGIN
                    INSERT INTO idx_reports_geom (pkid, xmin, xmax, ymin, ymax) VALUES (NEW.ROWID, NEW.lon, NEW.lon, NEW.lat, NEW.lat);
                END;
                """)
        }
        m.registerMigration("v7-planning") { db in try SpatiaLitePlanningSchema.create(db) }
        m.registerMigration("v8-plan-versions-rtree") { db in
            // Every geometry column has its R*Tree; v7 (already merged) left the versions' areas without one.
            try db.execute(sql: "SELECT CreateSpatialIndex('plan_versions', 'geom')")
        }
        m.registerMigration("v9-outbox-delivery") { db in
            // A sender's record per message: how many tries, the last failure, and when to try next
            // (NULL after a permanent refusal: the message waits for `miestas outbox retry`).
            try db.execute(sql: """
                ALTER TABLE outbox ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE outbox ADD COLUMN last_error TEXT;
                ALTER TABLE outbox ADD COLUMN next_attempt_at INTEGER;
                UPDATE outbox SET next_attempt_at = created_at WHERE sent_at IS NULL;
                CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE sent_at IS NULL;
                """)
        }
        m.registerMigration("v10-report-rtree-per-transaction") { db in
            // The per-row R*Tree trigger cost half of an import's write time (a trigger program
            // per row, with its statement journal); the store's one insert path now fills the
            // R*Tree with one statement per transaction (`SpatiaLiteStore.indexNewReports`).
            try db.execute(sql: "DROP TRIGGER IF EXISTS gii_reports_geom")
        }
        m.registerMigration("v11-change-log") { db in
            // What changed, in commit order (one writer), for every server to follow (`ChangeFeedStore`).
            try db.execute(sql: """
                CREATE TABLE change_log (
                    seq       INTEGER PRIMARY KEY AUTOINCREMENT,
                    at        INTEGER NOT NULL,
                    kind      TEXT NOT NULL,
                    entity_id INTEGER,
                    origin    TEXT NOT NULL
                );
                CREATE INDEX change_log_at ON change_log (at);
                """)
        }
        m.registerMigration("v12-shared-secrets") { db in
            try db.execute(sql: "CREATE TABLE shared_secrets (name TEXT PRIMARY KEY, value BLOB NOT NULL)")
        }
        m.registerMigration("v13-residents") { db in try SpatiaLiteResidentSchema.create(db) }
        m.registerMigration("v14-petitions") { db in try SpatiaLitePetitionSchema.create(db) }
        m.registerMigration("v15-petition-notices") { db in try SpatiaLitePetitionSchema.addNoticesAndResidence(db) }
        m.registerMigration("v16-petition-tallies") { db in try SpatiaLitePetitionSchema.addTallies(db) }
        return m
    }
}
