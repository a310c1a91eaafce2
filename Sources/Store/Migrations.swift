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
        return m
    }
}
