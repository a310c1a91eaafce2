/// PostgreSQL's schema, as an ordered list of migrations, each a list of statements run in one
/// transaction. Never edit a migration that has shipped: add a new one.
///
/// The tables mirror SpatiaLite's (`SpatiaLiteMigrations`) column for column, so `miestas
/// migrate` copies rows as they are: times are milliseconds since 1970 (UTC), JSON is text.
/// Every geometry column has a GiST index.
enum PostGISMigrations {
    static let all: [(name: String, statements: [String])] = [
        ("p1-schema", schema),
        ("p2-change-log", changeLog),
        ("p3-shared-secrets", ["CREATE TABLE shared_secrets (name text PRIMARY KEY, value bytea NOT NULL)"]),
        ("p4-residents", residents),
        ("p5-petitions", petitions),
        ("p6-petition-notices", petitionNotices),
        ("p7-petition-tallies", petitionTallies),
    ]

    /// As SpatiaLite's v16: signature counts per petition, district ('' for none) and told
    /// residence, kept by a trigger on every change of a signature (see `SpatiaLitePetitionSchema.addTallies`).
    static let petitionTallies: [String] = [
        """
        CREATE TABLE petition_signature_tallies (
            petition_id   bigint NOT NULL REFERENCES petitions (id) ON DELETE CASCADE,
            district_code text NOT NULL,
            told          boolean NOT NULL,
            valid         bigint NOT NULL DEFAULT 0,
            invalidated   bigint NOT NULL DEFAULT 0,
            PRIMARY KEY (petition_id, district_code, told)
        )
        """,
        """
        INSERT INTO petition_signature_tallies (petition_id, district_code, told, valid, invalidated)
        SELECT petition_id, coalesce(district_code, ''), residence_from_provider,
               count(*) FILTER (WHERE invalidated_at IS NULL), count(*) FILTER (WHERE invalidated_at IS NOT NULL)
        FROM petition_signatures GROUP BY 1, 2, 3
        """,
        // Statement-level triggers with transition tables: one upsert per district of a batch of
        // signatures, not one per signature (a row trigger's upsert per row cost PostgreSQL more
        // than the insert itself). PostgreSQL allows one event per trigger with transition tables.
        """
        CREATE FUNCTION petition_signature_tally_add() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO petition_signature_tallies AS t (petition_id, district_code, told, valid, invalidated)
                SELECT petition_id, coalesce(district_code, ''), residence_from_provider,
                       count(*) FILTER (WHERE invalidated_at IS NULL), count(*) FILTER (WHERE invalidated_at IS NOT NULL)
                FROM added GROUP BY 1, 2, 3
                ON CONFLICT (petition_id, district_code, told)
                DO UPDATE SET valid = t.valid + excluded.valid, invalidated = t.invalidated + excluded.invalidated;
            RETURN NULL;
        END
        $$
        """,
        """
        CREATE FUNCTION petition_signature_tally_remove() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE petition_signature_tallies t SET valid = t.valid - r.valid, invalidated = t.invalidated - r.invalidated
                FROM (SELECT petition_id, coalesce(district_code, '') AS district_code, residence_from_provider AS told,
                             count(*) FILTER (WHERE invalidated_at IS NULL) AS valid,
                             count(*) FILTER (WHERE invalidated_at IS NOT NULL) AS invalidated
                      FROM removed GROUP BY 1, 2, 3) r
                WHERE t.petition_id = r.petition_id AND t.district_code = r.district_code AND t.told = r.told;
            RETURN NULL;
        END
        $$
        """,
        """
        CREATE FUNCTION petition_signature_tally_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE petition_signature_tallies t SET valid = t.valid - r.valid, invalidated = t.invalidated - r.invalidated
                FROM (SELECT petition_id, coalesce(district_code, '') AS district_code, residence_from_provider AS told,
                             count(*) FILTER (WHERE invalidated_at IS NULL) AS valid,
                             count(*) FILTER (WHERE invalidated_at IS NOT NULL) AS invalidated
                      FROM removed GROUP BY 1, 2, 3) r
                WHERE t.petition_id = r.petition_id AND t.district_code = r.district_code AND t.told = r.told;
            INSERT INTO petition_signature_tallies AS t (petition_id, district_code, told, valid, invalidated)
                SELECT petition_id, coalesce(district_code, ''), residence_from_provider,
                       count(*) FILTER (WHERE invalidated_at IS NULL), count(*) FILTER (WHERE invalidated_at IS NOT NULL)
                FROM added GROUP BY 1, 2, 3
                ON CONFLICT (petition_id, district_code, told)
                DO UPDATE SET valid = t.valid + excluded.valid, invalidated = t.invalidated + excluded.invalidated;
            RETURN NULL;
        END
        $$
        """,
        """
        CREATE TRIGGER petition_signatures_tally_insert AFTER INSERT ON petition_signatures
        REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION petition_signature_tally_add()
        """,
        """
        CREATE TRIGGER petition_signatures_tally_delete AFTER DELETE ON petition_signatures
        REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION petition_signature_tally_remove()
        """,
        """
        CREATE TRIGGER petition_signatures_tally_update AFTER UPDATE ON petition_signatures
        REFERENCING OLD TABLE AS removed NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION petition_signature_tally_change()
        """,
    ]

    /// As SpatiaLite's v15: the answer's document, a signature's residence told by the provider,
    /// subscribers to the answer, and petitions that outlive their author's account.
    static let petitionNotices: [String] = [
        "ALTER TABLE petitions ALTER COLUMN author_id DROP NOT NULL",
        "ALTER TABLE petitions ADD COLUMN answer_document text",
        "ALTER TABLE petition_signatures ADD COLUMN residence_from_provider boolean NOT NULL DEFAULT false",
        """
        CREATE TABLE petition_subscribers (
            petition_id bigint NOT NULL REFERENCES petitions (id),
            resident_id bigint NOT NULL REFERENCES residents (id),
            token       text NOT NULL UNIQUE,
            created_at  bigint NOT NULL,
            PRIMARY KEY (petition_id, resident_id)
        )
        """,
        "CREATE INDEX petition_subscribers_resident ON petition_subscribers (resident_id)",
    ]

    /// E-petitions, as SpatiaLite's v14 (`SpatiaLitePetitionSchema`): the `moderator` role,
    /// petitions, sponsors and signatures (one per signer key and petition).
    static let petitions: [String] = [
        "ALTER TABLE users DROP CONSTRAINT users_role_check",
        "ALTER TABLE users ADD CONSTRAINT users_role_check CHECK (role IN ('staff', 'planner', 'architect', 'moderator', 'admin'))",
        """
        CREATE TABLE petitions (
            id              bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            author_id       bigint NOT NULL REFERENCES residents (id),
            title           text NOT NULL,
            change_text     text NOT NULL,
            reason_text     text NOT NULL,
            act             text NOT NULL,
            district_code   text,
            lon             double precision,
            lat             double precision,
            state           text NOT NULL CHECK (state IN ('draft', 'collecting_sponsors', 'awaiting_moderation', 'open', 'closed',
                                                           'answered', 'rejected', 'hidden', 'withdrawn')),
            rejection_code  text,
            public_reason   text,
            created_at      bigint NOT NULL,
            submitted_at    bigint,
            opened_at       bigint,
            closes_at       bigint,
            closed_at       bigint,
            answer_text     text,
            answer_decision text,
            answer_date     text,
            answered_at     bigint,
            revision        integer NOT NULL DEFAULT 1,
            updated_at      bigint NOT NULL
        )
        """,
        "CREATE INDEX petitions_state ON petitions (state, id)",
        "CREATE INDEX petitions_author ON petitions (author_id, id)",
        """
        CREATE TABLE petition_sponsors (
            petition_id bigint NOT NULL REFERENCES petitions (id),
            signer_key  text NOT NULL,
            resident_id bigint REFERENCES residents (id),
            created_at  bigint NOT NULL,
            PRIMARY KEY (petition_id, signer_key)
        )
        """,
        """
        CREATE TABLE petition_signatures (
            id                  bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            petition_id         bigint NOT NULL REFERENCES petitions (id),
            signer_key          text NOT NULL,
            resident_id         bigint REFERENCES residents (id),
            district_code       text,
            public_name         text,
            signed_at           bigint NOT NULL,
            invalidated_at      bigint,
            invalidation_reason text,
            UNIQUE (petition_id, signer_key)
        )
        """,
        "CREATE INDEX petition_signatures_count ON petition_signatures (petition_id, invalidated_at, district_code)",
        "CREATE INDEX petition_signatures_time ON petition_signatures (petition_id, signed_at)",
    ]

    /// Residents' identity, as SpatiaLite's v12 (`SpatiaLiteResidentSchema`): residents by
    /// (issuer, subject) with only the HMAC of the personal code, their sessions (the cookie's
    /// SHA-256; `sealed` is base64 text of data encrypted under the cookie), sign-ins under way,
    /// and which resident made a report or is owed a notice.
    static let residents: [String] = [
        """
        CREATE TABLE residents (
            id                    bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            issuer                text NOT NULL,
            subject               text NOT NULL,
            personal_code_hmac    text,
            name                  text,
            email                 text,
            consent_at            bigint,
            notify_status_changes boolean NOT NULL DEFAULT false,
            language              text,
            created_at            bigint NOT NULL,
            last_sign_in_at       bigint NOT NULL,
            UNIQUE (issuer, subject)
        )
        """,
        "CREATE INDEX residents_personal_code ON residents (personal_code_hmac)",
        """
        CREATE TABLE resident_sessions (
            token_hash  text PRIMARY KEY,
            resident_id bigint NOT NULL REFERENCES residents (id),
            provider    text NOT NULL,
            level       text NOT NULL CHECK (level IN ('low', 'substantial', 'high')),
            created_at  bigint NOT NULL,
            expires_at  bigint NOT NULL,
            sealed      text NOT NULL
        )
        """,
        "CREATE INDEX resident_sessions_resident ON resident_sessions (resident_id)",
        """
        CREATE TABLE login_transactions (
            state_hash   text PRIMARY KEY,
            browser_hash text NOT NULL,
            provider     text NOT NULL,
            level        text NOT NULL CHECK (level IN ('low', 'substantial', 'high')),
            purpose      text NOT NULL CHECK (purpose IN ('resident', 'staff')),
            next         text NOT NULL,
            sealed       text NOT NULL,
            created_at   bigint NOT NULL,
            expires_at   bigint NOT NULL
        )
        """,
        "CREATE INDEX login_transactions_expires ON login_transactions (expires_at)",
        "ALTER TABLE reports ADD COLUMN resident_id bigint REFERENCES residents (id)",
        "CREATE INDEX reports_resident ON reports (resident_id, id) WHERE resident_id IS NOT NULL",
        "ALTER TABLE outbox ADD COLUMN resident_id bigint REFERENCES residents (id)",
        "CREATE INDEX outbox_resident ON outbox (resident_id) WHERE resident_id IS NOT NULL",
    ]

    /// What changed, with the writing transaction's id, read in commit-safe order (`ChangeFeedStore`).
    static let changeLog: [String] = [
        """
        CREATE TABLE change_log (
            seq       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            txid      xid8 NOT NULL DEFAULT pg_current_xact_id(),
            at        bigint NOT NULL DEFAULT (extract(epoch FROM clock_timestamp()) * 1000)::bigint,
            kind      text NOT NULL,
            entity_id bigint,
            origin    text NOT NULL
        )
        """,
        "CREATE INDEX change_log_order ON change_log (txid, seq)",
        "CREATE INDEX change_log_at ON change_log (at)",
    ]

    /// The schema as SpatiaLite's migrations v1 to v10 left it.
    static let schema: [String] = [
        """
        CREATE TABLE districts (
            id          bigint PRIMARY KEY,
            code        text NOT NULL UNIQUE,
            name        text NOT NULL,
            area_m2     double precision NOT NULL CHECK (area_m2 >= 0),
            properties  text NOT NULL DEFAULT '{}',
            source      text,
            imported_at text NOT NULL,
            geom        geometry(MultiPolygon, 4326) NOT NULL CHECK (NOT ST_IsEmpty(geom))
        )
        """,
        "CREATE INDEX districts_geom ON districts USING gist (geom)",
        // The definition is the service as JSON: Open311 fields, translations, attributes.
        """
        CREATE TABLE services (
            code       text PRIMARY KEY,
            position   integer NOT NULL,
            definition text NOT NULL CHECK (definition::jsonb IS NOT NULL)
        )
        """,
        // The point is computed from lon/lat (one place writes coordinates); personal data sits in
        // its own columns so that no public query selects it by accident.
        """
        CREATE TABLE reports (
            id            bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            external_id   text UNIQUE,
            service_code  text NOT NULL,
            status        text NOT NULL CHECK (status IN ('open', 'acknowledged', 'in_progress', 'closed')),
            resolution    text CHECK (resolution IN ('fixed', 'duplicate', 'not_responsible', 'no_further_action')),
            status_notes  text,
            description   text NOT NULL DEFAULT '',
            attributes    text NOT NULL DEFAULT '{}',
            district_code text,
            lon           double precision NOT NULL CHECK (lon BETWEEN -180 AND 180),
            lat           double precision NOT NULL CHECK (lat BETWEEN -90 AND 90),
            address       text,
            zipcode       text,
            media_url     text,
            duplicate_of  bigint REFERENCES reports (id),
            requested_at  bigint NOT NULL,
            updated_at    bigint NOT NULL,
            closed_at     bigint,
            source        text NOT NULL,
            email         text,
            phone         text,
            first_name    text,
            last_name     text,
            device_id     text,
            account_id    text,
            geom          geometry(Point, 4326) GENERATED ALWAYS AS (ST_SetSRID(ST_MakePoint(lon, lat), 4326)) STORED
        )
        """,
        "CREATE INDEX reports_geom ON reports USING gist (geom)",
        // Newest first, with the id as the tie-break, for every listing.
        "CREATE INDEX reports_requested_at ON reports (requested_at, id)",
        "CREATE INDEX reports_service_requested_at ON reports (service_code, requested_at, id)",
        "CREATE INDEX reports_district_requested_at ON reports (district_code, requested_at, id)",
        """
        CREATE TABLE api_keys (
            id         bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            name       text NOT NULL UNIQUE,
            key_hash   text NOT NULL UNIQUE,
            prefix     text NOT NULL,
            created_at bigint NOT NULL,
            revoked_at bigint
        )
        """,
        """
        CREATE TABLE users (
            id            bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            username      text NOT NULL UNIQUE,
            role          text NOT NULL CHECK (role IN ('staff', 'planner', 'architect', 'admin')),
            password_hash text NOT NULL,
            created_at    bigint NOT NULL,
            disabled_at   bigint
        )
        """,
        """
        CREATE TABLE user_tokens (
            token_hash text PRIMARY KEY,
            user_id    bigint NOT NULL REFERENCES users (id),
            created_at bigint NOT NULL,
            expires_at bigint NOT NULL,
            revoked_at bigint
        )
        """,
        """
        CREATE TABLE report_updates (
            id         bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            report_id  bigint NOT NULL REFERENCES reports (id),
            status     text NOT NULL,
            resolution text,
            reopened   boolean NOT NULL DEFAULT false,
            note       text NOT NULL,
            user_id    bigint REFERENCES users (id),
            at         bigint NOT NULL
        )
        """,
        "CREATE INDEX report_updates_report ON report_updates (report_id, id)",
        "CREATE INDEX report_updates_at ON report_updates (at, id)",
        // Planning (SpatiaLite's v7-v9).
        """
        CREATE TABLE plans (
            id                 bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            title              text NOT NULL,
            description        text NOT NULL,
            kind               text NOT NULL CHECK (kind IN ('general', 'detailed', 'special')),
            organiser          text NOT NULL,
            planner            text NOT NULL,
            stage              text NOT NULL CHECK (stage IN ('draft', 'consultation', 'hearing', 'answering', 'revised',
                                                              'submitted', 'approved', 'rejected', 'archived')),
            moderation         text NOT NULL CHECK (moderation IN ('pre', 'post')),
            consultation_start bigint,
            consultation_end   bigint,
            window_state       text CHECK (window_state IN ('upcoming', 'open', 'closed')),
            hearing_date       bigint,
            hearing_place      text,
            consulted_version  integer,
            revision           integer NOT NULL DEFAULT 1,
            created_at         bigint NOT NULL,
            updated_at         bigint NOT NULL,
            geom               geometry(MultiPolygon, 4326) NOT NULL
        )
        """,
        "CREATE INDEX plans_geom ON plans USING gist (geom)",
        """
        CREATE TABLE plan_architects (
            plan_id  bigint NOT NULL REFERENCES plans (id),
            username text NOT NULL,
            PRIMARY KEY (plan_id, username)
        )
        """,
        """
        CREATE TABLE plan_versions (
            plan_id     bigint NOT NULL REFERENCES plans (id),
            number      integer NOT NULL,
            title       text NOT NULL,
            description text NOT NULL,
            note        text NOT NULL,
            created_by  text NOT NULL,
            created_at  bigint NOT NULL,
            geom        geometry(MultiPolygon, 4326) NOT NULL,
            PRIMARY KEY (plan_id, number)
        )
        """,
        "CREATE INDEX plan_versions_geom ON plan_versions USING gist (geom)",
        """
        CREATE FUNCTION miestas_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION '%', TG_ARGV[0];
        END $$
        """,
        """
        CREATE TRIGGER plan_versions_immutable BEFORE UPDATE ON plan_versions
        FOR EACH ROW EXECUTE FUNCTION miestas_refuse_change('a published plan version cannot be changed')
        """,
        """
        CREATE TABLE plan_attachments (
            id           bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            plan_id      bigint NOT NULL REFERENCES plans (id),
            role         text NOT NULL CHECK (role IN ('document', 'image', 'minutes')),
            title        text NOT NULL,
            file         text NOT NULL,
            content_type text NOT NULL,
            size         bigint NOT NULL,
            created_by   text NOT NULL,
            created_at   bigint NOT NULL
        )
        """,
        "CREATE INDEX plan_attachments_plan ON plan_attachments (plan_id, id)",
        """
        CREATE TABLE plan_comments (
            id              bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            plan_id         bigint NOT NULL REFERENCES plans (id),
            version         integer NOT NULL,
            kind            text NOT NULL CHECK (kind IN ('objection', 'proposal', 'support', 'question')),
            text            text NOT NULL,
            name            text NOT NULL,
            email           text NOT NULL,
            identity_level  text NOT NULL,
            attachment      text,
            attachment_type text,
            status          text NOT NULL CHECK (status IN ('pending', 'published', 'hidden')),
            hidden_reason   text,
            duplicate_of    bigint REFERENCES plan_comments (id),
            architect       text,
            created_at      bigint NOT NULL,
            location_json   text,
            geom            geometry(Geometry, 4326),
            FOREIGN KEY (plan_id, version) REFERENCES plan_versions (plan_id, number)
        )
        """,
        "CREATE INDEX plan_comments_geom ON plan_comments USING gist (geom)",
        "CREATE INDEX plan_comments_plan ON plan_comments (plan_id, id)",
        """
        CREATE TABLE plan_answers (
            comment_id   bigint PRIMARY KEY REFERENCES plan_comments (id),
            decision     text NOT NULL CHECK (decision IN ('accepted', 'partly_accepted', 'rejected', 'not_applicable')),
            reasoning    text NOT NULL,
            architect    text NOT NULL,
            drafted_at   bigint NOT NULL,
            published_at bigint
        )
        """,
        // Append-only: triggers refuse updates, deletes and truncation (the hash chain detects a
        // change made around them).
        """
        CREATE TABLE audit_log (
            id        bigint PRIMARY KEY,
            plan_id   bigint,
            actor     text NOT NULL,
            action    text NOT NULL,
            subject   text NOT NULL,
            before    text NOT NULL,
            after     text NOT NULL,
            at        bigint NOT NULL,
            prev_hash text NOT NULL,
            hash      text NOT NULL
        )
        """,
        "CREATE INDEX audit_log_plan ON audit_log (plan_id, id)",
        """
        CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
        FOR EACH ROW EXECUTE FUNCTION miestas_refuse_change('the audit log is append-only')
        """,
        """
        CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
        FOR EACH STATEMENT EXECUTE FUNCTION miestas_refuse_change('the audit log is append-only')
        """,
        """
        CREATE TABLE outbox (
            id              bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            comment_id      bigint REFERENCES plan_comments (id),
            recipient       text NOT NULL,
            subject         text NOT NULL,
            body            text NOT NULL,
            created_at      bigint NOT NULL,
            sent_at         bigint,
            attempts        integer NOT NULL DEFAULT 0,
            last_error      text,
            next_attempt_at bigint
        )
        """,
        "CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE sent_at IS NULL",
    ]
}
