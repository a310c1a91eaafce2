import Foundation
import Geo
import PostgresNIO

extension PostGISStore {
    /// The columns `report(_:)` reads, in the order it reads them by position (SpatiaLite's order).
    static let reportColumns = """
        id, external_id, service_code, status, resolution, status_notes, description, attributes, district_code,
        lon, lat, address, zipcode, media_url, duplicate_of, requested_at, updated_at, closed_at, source,
        email, phone, first_name, last_name, device_id, account_id, resident_id
        """

    /// The writer is a task: PostgreSQL's driver awaits the commit on its event loop, so there is
    /// no thread to block. Batches stay one transaction (one statement) each, as with SpatiaLite.
    public func makeReportWriter() -> GroupCommitter<NewReport, Report> {
        GroupCommitter { [self] batch in await insertReports(batch) }
    }

    public func insertReports(_ reports: [NewReport]) async -> [Result<Report, StoreError>] {
        guard !reports.isEmpty else { return [] }
        do {
            let stored = try await insert(reports)
            return stored.map { .success($0) }
        } catch {
            // One bad report (a repeated external id, say) must not fail the others with it.
            guard reports.count > 1, case .database = error else { return reports.map { _ in .failure(error) } }
            var results: [Result<Report, StoreError>] = []
            for report in reports {
                do { results.append(.success(try await insert([report])[0])) } catch { results.append(.failure(error)) }
            }
            return results
        }
    }

    /// One statement for the whole batch (so one transaction, one commit): every column is bound
    /// as one array and `unnest` turns the arrays back into rows. Identity values are taken in the
    /// order rows are inserted, which `ORDER BY n` makes the batch's order, so the returned ids,
    /// sorted, belong to the reports in turn.
    private func insert(_ reports: [NewReport]) async throws(StoreError) -> [Report] {
        var b = PostgresBindings(capacity: 25)
        func text(_ values: [String?]) { b.append(NullableArray(values)) }
        func integer(_ values: [Int64?]) { b.append(NullableArray(values)) }
        let updated = reports.map { millis($0.closedAt ?? $0.requestedAt) }
        text(reports.map(\.externalId)); text(reports.map(\.serviceCode)); text(reports.map(\.status.rawValue))
        text(reports.map { $0.resolution?.rawValue }); text(reports.map(\.description))
        text(reports.map { StoredJSON.encode($0.attributes) }); text(reports.map(\.districtCode))
        b.append(reports.map(\.location.x)); b.append(reports.map(\.location.y))
        text(reports.map(\.address)); text(reports.map(\.zipcode)); text(reports.map(\.mediaURL))
        integer(reports.map(\.duplicateOf)); integer(reports.map { millis($0.requestedAt) }); integer(updated)
        integer(reports.map { $0.closedAt.map(millis) }); text(reports.map(\.source))
        text(reports.map(\.contact.email)); text(reports.map(\.contact.phone)); text(reports.map(\.contact.firstName))
        text(reports.map(\.contact.lastName)); text(reports.map(\.contact.deviceId)); text(reports.map(\.contact.accountId))
        integer(reports.map(\.residentId))
        // The change log's rows go in with the reports, in the same statement (so the same transaction).
        b.append(origin)
        let sql = """
            WITH batch AS (
            INSERT INTO reports (external_id, service_code, status, resolution, description, attributes, district_code, lon, lat,
                                 address, zipcode, media_url, duplicate_of, requested_at, updated_at, closed_at, source,
                                 email, phone, first_name, last_name, device_id, account_id, resident_id)
            SELECT external_id, service_code, status, resolution, description, attributes, district_code, lon, lat,
                   address, zipcode, media_url, duplicate_of, requested_at, updated_at, closed_at, source,
                   email, phone, first_name, last_name, device_id, account_id, resident_id
            FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::float8[], $9::float8[],
                        $10::text[], $11::text[], $12::text[], $13::int8[], $14::int8[], $15::int8[], $16::int8[], $17::text[],
                        $18::text[], $19::text[], $20::text[], $21::text[], $22::text[], $23::text[], $24::int8[])
                 WITH ORDINALITY AS batch (external_id, service_code, status, resolution, description, attributes, district_code,
                                           lon, lat, address, zipcode, media_url, duplicate_of, requested_at, updated_at,
                                           closed_at, source, email, phone, first_name, last_name, device_id, account_id, resident_id, n)
            ORDER BY n
            RETURNING id
            ), logged AS (
                INSERT INTO change_log (kind, entity_id, origin) SELECT 'report.insert', id, $25 FROM batch
            )
            SELECT id FROM batch
            """
        let ids = try await write(PostgresQuery(unsafeSQL: sql, binds: b)) { try $0.decode(Int64.self) }.sorted()
        guard ids.count == reports.count else { throw .database("inserted \(ids.count) of \(reports.count) reports") }
        return zip(ids, zip(reports, updated)).map { id, pair in Report(id: id, details: pair.0, updatedAt: date(pair.1)) }
    }

    public func report(id: Int64) async throws(StoreError) -> Report? {
        try await fetchOne("SELECT \(unescaped: Self.reportColumns) FROM reports WHERE id = \(id)", Self.report)
    }

    public func reports(_ query: ReportQuery) async throws(StoreError) -> [Report] {
        var clauses: [String] = []
        var b = PostgresBindings()
        func parameter() -> String { "$\(b.count)" }
        if let ids = query.ids {
            if ids.isEmpty { return [] }
            b.append(ids); clauses.append("id = ANY(\(parameter()))")
        }
        if !query.serviceCodes.isEmpty { b.append(query.serviceCodes); clauses.append("service_code = ANY(\(parameter()))") }
        if !query.statuses.isEmpty { b.append(query.statuses.map(\.rawValue)); clauses.append("status = ANY(\(parameter()))") }
        if !query.districtCodes.isEmpty { b.append(query.districtCodes); clauses.append("district_code = ANY(\(parameter()))") }
        if let from = query.requestedFrom { b.append(millis(from)); clauses.append("requested_at >= \(parameter())") }
        if let until = query.requestedUntil { b.append(millis(until)); clauses.append("requested_at < \(parameter())") }
        if let box = query.bbox {
            // The GiST index finds candidates by the float boxes PostGIS keeps; the coordinates decide.
            b.append(box.minX); let minX = parameter(); b.append(box.minY); let minY = parameter()
            b.append(box.maxX); let maxX = parameter(); b.append(box.maxY); let maxY = parameter()
            clauses.append("geom && ST_MakeEnvelope(\(minX), \(minY), \(maxX), \(maxY), 4326)")
            clauses.append("lon BETWEEN \(minX) AND \(maxX) AND lat BETWEEN \(minY) AND \(maxY)")
        }
        b.append(query.limit); let limit = parameter()
        b.append(query.offset); let offset = parameter()
        let sql = "SELECT \(Self.reportColumns) FROM reports" + (clauses.isEmpty ? "" : " WHERE " + clauses.joined(separator: " AND "))
            + " ORDER BY requested_at DESC, id DESC LIMIT \(limit) OFFSET \(offset)"
        return try await fetch(PostgresQuery(unsafeSQL: sql, binds: b), Self.report)
    }

    public func existingExternalIds(_ ids: [String]) async throws(StoreError) -> Set<String> {
        guard !ids.isEmpty else { return [] }
        return Set(try await fetch("SELECT external_id FROM reports WHERE external_id = ANY(\(ids))") { try $0.decode(String.self) })
    }

    public func reportCount() async throws(StoreError) -> Int {
        try await fetchOne("SELECT count(*) FROM reports") { try $0.decode(Int.self) } ?? 0
    }

    /// A report from a row of `reportColumns`, read by position.
    static func report(_ row: PostgresRow) throws -> Report {
        let c = row.makeRandomAccess()
        func text(_ i: Int) throws -> String? { try c[i].decode(String?.self) }
        func integer(_ i: Int) throws -> Int64? { try c[i].decode(Int64?.self) }
        let details = NewReport(
            serviceCode: try c[2].decode(String.self), description: try c[6].decode(String.self),
            attributes: StoredJSON.decodeAttributes(try c[7].decode(String.self)),
            location: Coordinate(try c[9].decode(Double.self), try c[10].decode(Double.self)),
            districtCode: try text(8), address: try text(11), zipcode: try text(12), mediaURL: try text(13),
            duplicateOf: try integer(14), requestedAt: date(try c[15].decode(Int64.self)),
            status: ReportStatus(rawValue: try c[3].decode(String.self)) ?? .open, resolution: try text(4).flatMap(Resolution.init),
            closedAt: try integer(17).map(date),
            contact: ReporterContact(email: try text(19), phone: try text(20), firstName: try text(21), lastName: try text(22),
                                     deviceId: try text(23), accountId: try text(24)),
            externalId: try text(1), source: try c[18].decode(String.self), residentId: try integer(25))
        return Report(id: try c[0].decode(Int64.self), details: details, updatedAt: date(try c[16].decode(Int64.self)),
                      statusNotes: try text(5))
    }
}

extension PostGISStore {
    public func applyUpdate(reportId: Int64, expected: ReportStatus, status: ReportStatus, resolution: Resolution?, reopened: Bool,
                            note: String, userId: Int64?, at: Date) async throws(StoreError) -> (Report, ReportUpdate)? {
        let at = millis(at)
        return try await transaction { c in
            guard let current = try await c.guardedQuery("SELECT status FROM reports WHERE id = \(reportId) FOR UPDATE", logger: self.logger)
                .collect().first?.decode(String.self) else { return nil as (Report, ReportUpdate)? }
            guard current == expected.rawValue else {
                throw StoreError.conflict("report \(reportId) is \(current) now, not \(expected.rawValue): reload it and try again")
            }
            let closed: Int64? = status == .closed ? at : nil
            let row = try await c.guardedQuery("""
                UPDATE reports SET status = \(status.rawValue), resolution = \(resolution?.rawValue), status_notes = \(note),
                       updated_at = \(at), closed_at = \(closed)
                WHERE id = \(reportId) RETURNING \(unescaped: Self.reportColumns)
                """, logger: self.logger).collect()[0]
            try await Self.logChange(.reportChanged, reportId, origin: self.origin, c, self.logger)
            let id = try await c.guardedQuery("""
                INSERT INTO report_updates (report_id, status, resolution, reopened, note, user_id, at)
                VALUES (\(reportId), \(status.rawValue), \(resolution?.rawValue), \(reopened), \(note), \(userId), \(at)) RETURNING id
                """, logger: self.logger).collect()[0].decode(Int64.self)
            let update = ReportUpdate(id: id, reportId: reportId, status: status, resolution: resolution, reopened: reopened,
                                      note: note, userId: userId, at: date(at))
            return (try Self.report(row), update)
        }
    }

    public func updates(reportId: Int64) async throws(StoreError) -> [ReportUpdate] {
        try await fetch("""
            SELECT id, report_id, status, resolution, reopened, note, user_id, at FROM report_updates WHERE report_id = \(reportId) ORDER BY id
            """, Self.update)
    }

    public func updates(from: Date, until: Date, limit: Int) async throws(StoreError) -> [ReportUpdate] {
        try await fetch("""
            SELECT id, report_id, status, resolution, reopened, note, user_id, at FROM report_updates
            WHERE at >= \(millis(from)) AND at < \(millis(until)) ORDER BY at, id LIMIT \(limit)
            """, Self.update)
    }

    static func update(_ row: PostgresRow) throws -> ReportUpdate {
        let (id, report, status, resolution, reopened, note, user, at) = try row.decode((Int64, Int64, String, String?, Bool, String, Int64?, Int64).self)
        return ReportUpdate(id: id, reportId: report, status: ReportStatus(rawValue: status) ?? .open,
                            resolution: resolution.flatMap(Resolution.init), reopened: reopened, note: note, userId: user, at: date(at))
    }
}
