import GRDB

/// The tables of residents' identity (migration v12): residents known by (issuer, subject), their
/// sessions, the sign-ins under way, and which resident made a report or is owed a notice. Plain
/// SQL types (INTEGER milliseconds, TEXT; sealed data as base64 text) so the PostGIS backend can mirror them.
enum SpatiaLiteResidentSchema {
    static func create(_ db: Database) throws {
        try db.execute(sql: """
            -- The national personal code is never stored: only its HMAC-SHA256 under the server's
            -- secret (hex), so one person is recognised across providers. Name and email are kept
            -- only with the resident's consent (consent_at).
            CREATE TABLE residents (
                id                    INTEGER PRIMARY KEY,
                issuer                TEXT NOT NULL,
                subject               TEXT NOT NULL,
                personal_code_hmac    TEXT,
                name                  TEXT,
                email                 TEXT,
                consent_at            INTEGER,
                notify_status_changes INTEGER NOT NULL DEFAULT 0,
                language              TEXT,
                created_at            INTEGER NOT NULL,
                last_sign_in_at       INTEGER NOT NULL,
                UNIQUE (issuer, subject)
            );
            CREATE INDEX residents_personal_code ON residents (personal_code_hmac);
            -- A session is known by the SHA-256 of its cookie; `sealed` holds the ID token and the
            -- provider's name and email, encrypted under a key derived from the cookie itself.
            CREATE TABLE resident_sessions (
                token_hash  TEXT PRIMARY KEY,
                resident_id INTEGER NOT NULL REFERENCES residents (id),
                provider    TEXT NOT NULL,
                level       TEXT NOT NULL CHECK (level IN ('low', 'substantial', 'high')),
                created_at  INTEGER NOT NULL,
                expires_at  INTEGER NOT NULL,
                sealed      TEXT NOT NULL
            );
            CREATE INDEX resident_sessions_resident ON resident_sessions (resident_id);
            -- A sign-in under way: known by the SHA-256 of its `state`, bound to the browser that
            -- started it; `sealed` holds the nonce and the PKCE verifier, encrypted under the state.
            CREATE TABLE login_transactions (
                state_hash   TEXT PRIMARY KEY,
                browser_hash TEXT NOT NULL,
                provider     TEXT NOT NULL,
                level        TEXT NOT NULL CHECK (level IN ('low', 'substantial', 'high')),
                purpose      TEXT NOT NULL CHECK (purpose IN ('resident', 'staff')),
                next         TEXT NOT NULL,
                sealed       TEXT NOT NULL,
                created_at   INTEGER NOT NULL,
                expires_at   INTEGER NOT NULL
            );
            CREATE INDEX login_transactions_expires ON login_transactions (expires_at);
            ALTER TABLE reports ADD COLUMN resident_id INTEGER REFERENCES residents (id);
            CREATE INDEX reports_resident ON reports (resident_id, id) WHERE resident_id IS NOT NULL;
            ALTER TABLE outbox ADD COLUMN resident_id INTEGER REFERENCES residents (id);
            CREATE INDEX outbox_resident ON outbox (resident_id) WHERE resident_id IS NOT NULL;
            """)
    }
}
