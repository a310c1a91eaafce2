import GRDB

/// The schema, as an ordered list of migrations. Never edit a migration that has shipped:
/// add a new one. Every geometry column is registered with SpatiaLite and has an R*Tree index.
enum Migrations {
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
                    token        TEXT NOT NULL UNIQUE,
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
        return m
    }
}
