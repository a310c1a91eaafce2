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

    /// Signature counts kept as they change: one row per petition, district ('' for none) and
    /// whether the provider told the residence, with its valid and invalidated signatures,
    /// maintained by triggers on every insert, delete and change of a signature (so every write
    /// path, `miestas migrate` included, keeps them). Counting the signatures on every request
    /// read every row of the petition: 360 signatures a second through HTTP at 5,000 signatures
    /// and falling as they grew; the tallies make a count a read of a dozen rows.
    static func addTallies(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE petition_signature_tallies (
                petition_id   INTEGER NOT NULL REFERENCES petitions (id) ON DELETE CASCADE,
                district_code TEXT NOT NULL,
                told          INTEGER NOT NULL,
                valid         INTEGER NOT NULL DEFAULT 0,
                invalidated   INTEGER NOT NULL DEFAULT 0,
                PRIMARY KEY (petition_id, district_code, told)
            ) WITHOUT ROWID;
            INSERT INTO petition_signature_tallies (petition_id, district_code, told, valid, invalidated)
                SELECT petition_id, coalesce(district_code, ''), residence_from_provider, sum(invalidated_at IS NULL), sum(invalidated_at IS NOT NULL)
                FROM petition_signatures GROUP BY 1, 2, 3;
            CREATE TRIGGER petition_signatures_tally_insert AFTER INSERT ON petition_signatures BEGIN
                INSERT INTO petition_signature_tallies (petition_id, district_code, told, valid, invalidated)
                VALUES (NEW.petition_id, coalesce(NEW.district_code, ''), NEW.residence_from_provider,
                        NEW.invalidated_at IS NULL, NEW.invalidated_at IS NOT NULL)
                ON CONFLICT (petition_id, district_code, told)
                DO UPDATE SET valid = valid + excluded.valid, invalidated = invalidated + excluded.invalidated;
            END;
            CREATE TRIGGER petition_signatures_tally_delete AFTER DELETE ON petition_signatures BEGIN
                UPDATE petition_signature_tallies
                SET valid = valid - (OLD.invalidated_at IS NULL), invalidated = invalidated - (OLD.invalidated_at IS NOT NULL)
                WHERE petition_id = OLD.petition_id AND district_code = coalesce(OLD.district_code, '') AND told = OLD.residence_from_provider;
            END;
            CREATE TRIGGER petition_signatures_tally_update
            AFTER UPDATE OF petition_id, district_code, residence_from_provider, invalidated_at ON petition_signatures BEGIN
                UPDATE petition_signature_tallies
                SET valid = valid - (OLD.invalidated_at IS NULL), invalidated = invalidated - (OLD.invalidated_at IS NOT NULL)
                WHERE petition_id = OLD.petition_id AND district_code = coalesce(OLD.district_code, '') AND told = OLD.residence_from_provider;
                INSERT INTO petition_signature_tallies (petition_id, district_code, told, valid, invalidated)
                VALUES (NEW.petition_id, coalesce(NEW.district_code, ''), NEW.residence_from_provider,
                        NEW.invalidated_at IS NULL, NEW.invalidated_at IS NOT NULL)
                ON CONFLICT (petition_id, district_code, told)
                DO UPDATE SET valid = valid + excluded.valid, invalidated = invalidated + excluded.invalidated;
            END;
            """)
    }
}
