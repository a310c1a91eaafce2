import GRDB

/// The tables of e-petitions (migration v14): petitions, their sponsors and signatures, and the
/// `moderator` staff role. Plain SQL types (INTEGER milliseconds, TEXT, REAL) so the PostGIS
/// backend mirrors them (`PostGISMigrations.petitions`).
enum SpatiaLitePetitionSchema {
    static func create(_ db: Database) throws {
        // A staff role for moderating petitions: SQLite cannot change a CHECK, so `users` is
        // rebuilt (the migrator runs with foreign keys off and checks them afterwards).
        try db.execute(sql: """
            CREATE TABLE users_new (
                id            INTEGER PRIMARY KEY,
                username      TEXT NOT NULL UNIQUE,
                role          TEXT NOT NULL CHECK (role IN ('staff', 'planner', 'architect', 'moderator', 'admin')),
                password_hash TEXT NOT NULL,
                created_at    INTEGER NOT NULL,
                disabled_at   INTEGER
            );
            INSERT INTO users_new (id, username, role, password_hash, created_at, disabled_at)
                SELECT id, username, role, password_hash, created_at, disabled_at FROM users;
            DROP TABLE users;
            ALTER TABLE users_new RENAME TO users;
            """)
        try db.execute(sql: """
            CREATE TABLE petitions (
                id              INTEGER PRIMARY KEY,
                author_id       INTEGER NOT NULL REFERENCES residents (id),
                title           TEXT NOT NULL,
                change_text     TEXT NOT NULL,
                reason_text     TEXT NOT NULL,
                act             TEXT NOT NULL,
                district_code   TEXT,
                lon             REAL,
                lat             REAL,
                state           TEXT NOT NULL CHECK (state IN ('draft', 'collecting_sponsors', 'awaiting_moderation', 'open', 'closed',
                                                               'answered', 'rejected', 'hidden', 'withdrawn')),
                rejection_code  TEXT,
                public_reason   TEXT,
                created_at      INTEGER NOT NULL,
                submitted_at    INTEGER,
                opened_at       INTEGER,
                closes_at       INTEGER,
                closed_at       INTEGER,
                answer_text     TEXT,
                answer_decision TEXT,
                answer_date     TEXT,
                answered_at     INTEGER,
                revision        INTEGER NOT NULL DEFAULT 1,
                updated_at      INTEGER NOT NULL
            );
            CREATE INDEX petitions_state ON petitions (state, id);
            CREATE INDEX petitions_author ON petitions (author_id, id);
            -- Sponsors and signers are known by a signer key: the HMAC of the personal code (or
            -- `resident:<id>` when the provider gave none); one per person and petition.
            CREATE TABLE petition_sponsors (
                petition_id INTEGER NOT NULL REFERENCES petitions (id),
                signer_key  TEXT NOT NULL,
                resident_id INTEGER REFERENCES residents (id),
                created_at  INTEGER NOT NULL,
                PRIMARY KEY (petition_id, signer_key)
            );
            -- No address is kept: only the district it was placed in.
            CREATE TABLE petition_signatures (
                id                  INTEGER PRIMARY KEY,
                petition_id         INTEGER NOT NULL REFERENCES petitions (id),
                signer_key          TEXT NOT NULL,
                resident_id         INTEGER REFERENCES residents (id),
                district_code       TEXT,
                public_name         TEXT,
                signed_at           INTEGER NOT NULL,
                invalidated_at      INTEGER,
                invalidation_reason TEXT,
                UNIQUE (petition_id, signer_key)
            );
            CREATE INDEX petition_signatures_count ON petition_signatures (petition_id, invalidated_at, district_code);
            CREATE INDEX petition_signatures_time ON petition_signatures (petition_id, signed_at);
            """)
    }

    /// Migration v15: the answer's document; whether a signature's district is the residence the
    /// identity provider told; residents who asked to be told of the answer; and a petition
    /// outlives its author's account (`author_id` may be NULL: SQLite cannot drop a NOT NULL, so
    /// the table is rebuilt, as v14 did for `users`).
    static func addNoticesAndResidence(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE petitions_new (
                id              INTEGER PRIMARY KEY,
                author_id       INTEGER REFERENCES residents (id),
                title           TEXT NOT NULL,
                change_text     TEXT NOT NULL,
                reason_text     TEXT NOT NULL,
                act             TEXT NOT NULL,
                district_code   TEXT,
                lon             REAL,
                lat             REAL,
                state           TEXT NOT NULL CHECK (state IN ('draft', 'collecting_sponsors', 'awaiting_moderation', 'open', 'closed',
                                                               'answered', 'rejected', 'hidden', 'withdrawn')),
                rejection_code  TEXT,
                public_reason   TEXT,
                created_at      INTEGER NOT NULL,
                submitted_at    INTEGER,
                opened_at       INTEGER,
                closes_at       INTEGER,
                closed_at       INTEGER,
                answer_text     TEXT,
                answer_decision TEXT,
                answer_date     TEXT,
                answered_at     INTEGER,
                revision        INTEGER NOT NULL DEFAULT 1,
                updated_at      INTEGER NOT NULL,
                answer_document TEXT
            );
            INSERT INTO petitions_new SELECT *, NULL FROM petitions;
            DROP TABLE petitions;
            ALTER TABLE petitions_new RENAME TO petitions;
            CREATE INDEX petitions_state ON petitions (state, id);
            CREATE INDEX petitions_author ON petitions (author_id, id);
            ALTER TABLE petition_signatures ADD COLUMN residence_from_provider INTEGER NOT NULL DEFAULT 0;
            CREATE TABLE petition_subscribers (
                petition_id INTEGER NOT NULL REFERENCES petitions (id),
                resident_id INTEGER NOT NULL REFERENCES residents (id),
                token       TEXT NOT NULL UNIQUE,
                created_at  INTEGER NOT NULL,
                PRIMARY KEY (petition_id, resident_id)
            );
            CREATE INDEX petition_subscribers_resident ON petition_subscribers (resident_id);
            """)
    }
}
