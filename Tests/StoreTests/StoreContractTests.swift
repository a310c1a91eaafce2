import Foundation
import Geo
import Testing
import TestSupport
@testable import Store

/// What every backend must do alike: each test runs once on SpatiaLite and once on PostGIS
/// (the PostGIS case prints a reason and passes when no test server is configured, outside CI).
@Suite struct StoreContractTests {
    static func square(_ x: Double, _ y: Double, _ size: Double) -> Geometry {
        .multiPolygon([Polygon(shell: [Coordinate(x, y), Coordinate(x + size, y), Coordinate(x + size, y + size),
                                       Coordinate(x, y + size), Coordinate(x, y)])])
    }

    static func district(_ code: String, _ geometry: Geometry) -> NewDistrict {
        NewDistrict(code: code, name: "District \(code)", geometry: geometry, areaSquareMetres: 1, properties: ["source_id": .integer(7)])
    }

    static func report(_ i: Int, service: String = "pothole", district: String? = "a", at millisecond: Int64 = 1_700_000_000_000,
                       status: ReportStatus = .open, id: String? = nil) -> NewReport {
        NewReport(serviceCode: service, description: "report \(i) — ąčę", attributes: i % 2 == 0 ? ["depth": ["5"], "lane": ["left", "right"]] : [:],
                  location: Coordinate(23.9 + Double(i) * 1e-3, 54.9 + Double(i) * 1e-3), districtCode: district,
                  address: i % 3 == 0 ? nil : "Laisvės al. \(i)", requestedAt: Date(timeIntervalSince1970: Double(millisecond + Int64(i) * 1000) / 1000),
                  status: status, closedAt: status == .closed ? Date(timeIntervalSince1970: Double(millisecond + Int64(i) * 1000 + 3_600_000) / 1000) : nil,
                  contact: ReporterContact(email: "r\(i)@example.lt", firstName: i % 2 == 0 ? "Ona" : nil), externalId: id, source: "test")
    }

    static func stored(_ results: [Result<Report, StoreError>]) throws -> [Report] {
        try results.map { try $0.get() }
    }

    @Test(arguments: TestStores.backends)
    func migratesAndReportsItsLibraries(_ backend: StoreBackend) async throws {
        guard let t = try await TestStores.make(backend) else { return }
        #expect(t.store.backend == backend)
        #expect(try await !t.store.appliedMigrations().isEmpty)
        let versions = try await t.store.libraryVersions()
        #expect(versions[backend == .postGIS ? "postgis" : "spatialite"] != nil)
        #expect(versions["geos"] != nil)
    }

    @Test(arguments: TestStores.backends)
    func storesAndReadsDistrictsExactly(_ backend: StoreBackend) async throws {
        guard let t = try await TestStores.make(backend) else { return }
        let g = Geometry.multiPolygon([
            Polygon(shell: [Coordinate(23.1234567891, 54.1), Coordinate(23.3, 54.1), Coordinate(23.3, 54.3), Coordinate(23.1234567891, 54.1)]),
        ])
        let stored = try await t.store.importDistricts([Self.district("šan", g), Self.district("b", Self.square(1, 1, 1))], source: "t", replacing: false)
        #expect(stored.map(\.id) == [1, 2])
        let read = try await t.store.districts()
        #expect(read == stored)
        #expect(read[0].geometry == g)  // bit-identical through WKB
        #expect(read[0].properties["source_id"] == .integer(7))
        #expect(try await t.store.districtCount() == 2)
    }

    @Test(arguments: TestStores.backends)
    func districtImportIsAllOrNothing(_ backend: StoreBackend) async throws {
        guard let t = try await TestStores.make(backend) else { return }
        let store = t.store
        _ = try await store.importDistricts([Self.district("a", Self.square(0, 0, 1))], source: "t", replacing: false)
        await #expect(throws: StoreError.districtsExist(count: 1)) {
            try await store.importDistricts([Self.district("b", Self.square(0, 0, 1))], source: "t", replacing: false)
        }
        await #expect(throws: StoreError.duplicateDistrictCode("x")) {
            try await store.importDistricts([Self.district("x", Self.square(0, 0, 1)), Self.district("x", Self.square(2, 2, 1))], source: "t", replacing: true)
        }
        // A geometry the database rejects half-way through rolls back the delete and the inserts.
        await #expect(throws: StoreError.self) {
            try await store.importDistricts([Self.district("ok", Self.square(0, 0, 1)), Self.district("bad", .point(Coordinate(1, 1)))],
                                            source: "t", replacing: true)
        }
        #expect(try await store.districts().map(\.code) == ["a"])
        let replaced = try await store.importDistricts([Self.district("c", Self.square(0, 0, 1)), Self.district("d", Self.square(5, 5, 1))],
                                                       source: "t", replacing: true)
        #expect(replaced.map(\.id) == [1, 2])
        #expect(try await store.districts().map(\.code) == ["c", "d"])
    }

    @Test(arguments: TestStores.backends)
    func sqlLocateUsesCoversAndTheSmallestId(_ backend: StoreBackend) async throws {
        guard let t = try await TestStores.make(backend) else { return }
        _ = try await t.store.importDistricts([Self.district("west", Self.square(0, 0, 1)), Self.district("east", Self.square(1, 0, 1))],
                                              source: "t", replacing: false)
        let answers = try await t.store.locateWithSQL([
            Coordinate(0.5, 0.5), Coordinate(1.5, 0.5), Coordinate(1, 0.5), Coordinate(2, 0.5), Coordinate(3, 3),
        ])
        #expect(answers == [1, 2, 1, 2, nil])
    }

    @Test(arguments: TestStores.backends)
    func reportsRoundTripExactlyWithAscendingIds(_ backend: StoreBackend) async throws {
        guard let t = try await TestStores.make(backend) else { return }
        let input = (0..<40).map { Self.report($0, id: "e-\($0)") } + [Self.report(40, status: .closed)]
        let stored = try Self.stored(await t.store.insertReports(input))
        #expect(stored.map(\.details) == input)
        #expect(stored.map(\.id) == Array(1...41))
        for r in stored {
            let read = try #require(try await t.store.report(id: r.id))
            #expect(read == r)
        }
        #expect(try await t.store.report(id: 999) == nil)
        #expect(try await t.store.reportCount() == 41)
        #expect(try await t.store.existingExternalIds(["e-3", "e-39", "nope"]) == ["e-3", "e-39"])
        #expect(try await t.store.existingExternalIds([]) == [])
        // A closed import is last updated when it closed.
        #expect(stored[40].updatedAt == input[40].closedAt)
    }

    @Test(arguments: TestStores.backends)
    func aRefusedReportFailsAloneInItsBatch(_ backend: StoreBackend) async throws {
        guard let t = try await TestStores.make(backend) else { return }
        _ = try Self.stored(await t.store.insertReports([Self.report(0, id: "dup")]))
        let results = await t.store.insertReports((1..<6).map { Self.report($0) } + [Self.report(6, id: "dup")] + [Self.report(7)])
        #expect(results.count == 7)
        #expect(results.filter { if case .success = $0 { true } else { false } }.count == 6)
        guard case .failure = results[5] else { Issue.record("the repeated external id was stored"); return }
        #expect(try await t.store.reportCount() == 7)
    }

    @Test(arguments: TestStores.backends)
    func theWriterGroupCommitsAndAnswersEachCaller(_ backend: StoreBackend) async throws {
        guard let t = try await TestStores.make(backend) else { return }
        let writer = t.store.makeReportWriter()
        let ids = try await withThrowingTaskGroup(of: Int64.self) { group in
            for i in 0..<300 { group.addTask { try await writer.submit(Self.report(i)).id } }
            return try await group.reduce(into: [Int64]()) { $0.append($1) }
        }
        #expect(Set(ids).count == 300)
        #expect(try await t.store.reportCount() == 300)
        let totals = writer.totals
        #expect(totals.items == 300)
        #expect(totals.batches < 300)  // grouped
    }

    @Test(arguments: TestStores.backends)
    func reportQueriesFilterOrderAndPage(_ backend: StoreBackend) async throws {
        guard let t = try await TestStores.make(backend) else { return }
        var input: [NewReport] = []
        for i in 0..<30 {
            input.append(Self.report(i, service: i % 3 == 0 ? "tree" : "pothole", district: i % 2 == 0 ? "a" : "b",
                                     status: i % 5 == 0 ? .closed : .open))
        }
        // Two reports at the same time: the id breaks the tie.
        input.append(Self.report(29, service: "tree"))
        let stored = try Self.stored(await t.store.insertReports(input))
        let all = try await t.store.reports(ReportQuery(limit: 100))
        #expect(all.map(\.id) == stored.sorted { ($0.details.requestedAt, $0.id) > ($1.details.requestedAt, $1.id) }.map(\.id))
        let trees = try await t.store.reports(ReportQuery(serviceCodes: ["tree"], limit: 100))
        #expect(Set(trees.map(\.id)) == Set(stored.filter { $0.details.serviceCode == "tree" }.map(\.id)))
        let closedInB = try await t.store.reports(ReportQuery(statuses: [.closed], districtCodes: ["b"], limit: 100))
        #expect(Set(closedInB.map(\.id)) == Set(stored.filter { $0.details.status == .closed && $0.details.districtCode == "b" }.map(\.id)))
        let some = try await t.store.reports(ReportQuery(ids: [stored[3].id, stored[7].id, 9999]))
        #expect(Set(some.map(\.id)) == [stored[3].id, stored[7].id])
        #expect(try await t.store.reports(ReportQuery(ids: [])).isEmpty)
        let from = input[10].requestedAt, until = input[20].requestedAt
        let window = try await t.store.reports(ReportQuery(requestedFrom: from, requestedUntil: until, limit: 100))
        #expect(Set(window.map(\.id)) == Set(stored[10..<20].map(\.id)))
        let page = try await t.store.reports(ReportQuery(limit: 5, offset: 5))
        #expect(page.map(\.id) == Array(all[5..<10].map(\.id)))
        // The box includes its edges and nothing outside them.
        let box = BoundingBox(minX: 23.9 + 10e-3, minY: 54.9 + 10e-3, maxX: 23.9 + 20e-3, maxY: 54.9 + 20e-3)
        let inBox = try await t.store.reports(ReportQuery(bbox: box, limit: 100))
        #expect(Set(inBox.map(\.id)) == Set(stored.filter { box.contains($0.details.location) }.map(\.id)))
        #expect(inBox.count == 11)
    }

    @Test(arguments: TestStores.backends)
    func statusChangesAreCheckedAndRecorded(_ backend: StoreBackend) async throws {
        guard let t = try await TestStores.make(backend) else { return }
        let r = try Self.stored(await t.store.insertReports([Self.report(1)]))[0]
        let at = Date(timeIntervalSince1970: 1_800_000_000)
        let (changed, update) = try #require(try await t.store.applyUpdate(reportId: r.id, expected: .open, status: .closed, resolution: .fixed,
                                                                          reopened: false, note: "patched", userId: nil, at: at))
        #expect(changed.details.status == .closed && changed.details.resolution == .fixed && changed.statusNotes == "patched")
        #expect(changed.details.closedAt == at && changed.updatedAt == at)
        #expect(update.reportId == r.id && update.note == "patched")
        await #expect(throws: StoreError.self) {
            try await t.store.applyUpdate(reportId: r.id, expected: .open, status: .inProgress, resolution: nil, reopened: false,
                                          note: "late", userId: nil, at: at)
        }
        #expect(try await t.store.applyUpdate(reportId: 999, expected: .open, status: .closed, resolution: nil, reopened: false,
                                              note: "", userId: nil, at: at) == nil)
        _ = try await t.store.applyUpdate(reportId: r.id, expected: .closed, status: .open, resolution: nil, reopened: true,
                                          note: "again", userId: nil, at: at.addingTimeInterval(60))
        let history = try await t.store.updates(reportId: r.id)
        #expect(history.map(\.note) == ["patched", "again"] && history[1].reopened)
        #expect(try await t.store.report(id: r.id)?.details.closedAt == nil)
        let feed = try await t.store.updates(from: at, until: at.addingTimeInterval(30), limit: 10)
        #expect(feed.map(\.note) == ["patched"])
    }

    @Test(arguments: TestStores.backends)
    func statisticsCountWhatIsStored(_ backend: StoreBackend) async throws {
        guard let t = try await TestStores.make(backend) else { return }
        let input = (0..<12).map { Self.report($0, district: $0 < 8 ? "a" : nil, status: $0 % 4 == 0 ? .closed : .open) }
        _ = try Self.stored(await t.store.insertReports(input))
        let counts = try await t.store.statusCountsByDistrict()
        #expect(counts["a"]?[.closed] == 2 && counts["a"]?[.open] == 6)
        #expect(counts[""]?.total == 4)
        let points = try await t.store.reportPoints(districtCode: nil)
        #expect(points.count == 12 && points.filter { $0.districtCode == nil }.count == 4)
        #expect(try await t.store.reportPoints(districtCode: "a").count == 8)
        let facts = try await t.store.districtFacts(code: "a", from: input[2].requestedAt, until: nil)
        #expect(facts.requestedAt.count == 6)
        #expect(facts.closeDurations == [3_600_000])
        #expect(facts.unresolvedRequestedAt.count == 5)
        #expect(facts.counts["pothole"]?.total == 6)
    }

    @Test(arguments: TestStores.backends)
    func servicesAreReplacedWholeAndKeepTheirOrder(_ backend: StoreBackend) async throws {
        guard let t = try await TestStores.make(backend) else { return }
        let services = [
            Service(code: "tree", name: LocalizedText(["en": "Fallen tree", "lt": "Nuvirtęs medis"]), keywords: ["tree"],
                    attributes: [ServiceAttribute(code: "size", datatype: .number, required: true, order: 1, description: "Size", minimum: 0)]),
            Service(code: "pothole", name: "Pothole", kind: .batch),
        ]
        try await t.store.replaceServices(services)
        #expect(try await t.store.services() == services)
        try await t.store.replaceServices([services[1]])
        #expect(try await t.store.services() == [services[1]])
    }

    @Test(arguments: TestStores.backends)
    func staffAccountsAndTokens(_ backend: StoreBackend) async throws {
        guard let t = try await TestStores.make(backend) else { return }
        let ona = try await t.store.addUser(username: "ona", role: .planner, passwordHash: "$2b$hash")
        await #expect(throws: StoreError.self) { try await t.store.addUser(username: "ona", role: .staff, passwordHash: "x") }
        #expect(try await t.store.users().map(\.username) == ["ona"])
        let login = try #require(try await t.store.userForLogin(username: "ona"))
        #expect(login.0 == ona && login.passwordHash == "$2b$hash")
        #expect(try await t.store.userForLogin(username: "jonas") == nil)
        let now = Date()
        try await t.store.storeToken("st_secret", userId: ona.id, expiresAt: now.addingTimeInterval(3600))
        #expect(try await t.store.user(token: "st_secret", at: now)?.id == ona.id)
        #expect(try await t.store.user(token: "st_secret", at: now.addingTimeInterval(7200)) == nil)
        #expect(try await t.store.user(token: "st_other", at: now) == nil)
        #expect(try await t.store.revokeToken("st_secret"))
        #expect(try await !t.store.revokeToken("st_secret"))
        #expect(try await t.store.user(token: "st_secret", at: now) == nil)
    }

    @Test(arguments: TestStores.backends)
    func apiKeysAreCheckedAndRevoked(_ backend: StoreBackend) async throws {
        guard let t = try await TestStores.make(backend) else { return }
        let (key, secret) = try await t.store.addAPIKey(name: "app")
        #expect(secret.hasPrefix(key.prefix))
        await #expect(throws: StoreError.self) { try await t.store.addAPIKey(name: "app") }
        #expect(try await t.store.apiKey(secret: secret)?.id == key.id)
        #expect(try await t.store.apiKey(secret: "mk_wrong") == nil)
        #expect(try await t.store.revokeAPIKey(String(key.id)))
        #expect(try await !t.store.revokeAPIKey("app"))
        #expect(try await t.store.apiKey(secret: secret) == nil)
        #expect(try await t.store.apiKeys().first?.revokedAt != nil)
    }

    static func newPlan(_ title: String = "Žaliakalnio parkas") -> NewPlan {
        NewPlan(title: title, description: "A park", kind: .detailed, organiser: "Kaunas", planner: "ona", architects: ["jonas", "ieva"],
                area: square(23.9, 54.9, 0.01), moderation: .post, consultationStart: Date(timeIntervalSince1970: 1_800_000_000),
                consultationEnd: nil)
    }

    static func audit(_ action: String, at: Date = Date(timeIntervalSince1970: 1_800_000_000)) -> AuditRecord {
        AuditRecord(planId: nil, actor: "ona", action: action, subject: "plan", after: .object(["ą": .string("č \"quoted\"")]), at: at)
    }

    @Test(arguments: TestStores.backends)
    func plansVersionsAttachmentsAndRevisions(_ backend: StoreBackend) async throws {
        guard let t = try await TestStores.make(backend) else { return }
        let store = t.store
        let plan = try await store.createPlan(Self.newPlan(), audit: Self.audit("create"))
        #expect(plan.stage == .draft && plan.revision == 1 && plan.architects == ["ieva", "jonas"])
        #expect(plan.area == Self.square(23.9, 54.9, 0.01))
        #expect(try await store.plan(id: plan.id) == plan)
        #expect(try await store.plans() == [plan])
        var changed = plan
        changed.stage = .consultation
        changed.windowState = .open
        changed.hearing = Hearing(date: Date(timeIntervalSince1970: 1_800_100_000), place: "Rotušė")
        changed.area = Self.square(24, 55, 0.02)
        changed.architects = ["ieva"]
        let updated = try await store.updatePlan(changed, expectedRevision: 1, audit: [Self.audit("stage")])
        #expect(updated.revision == 2 && updated.stage == .consultation && updated.hearing == changed.hearing)
        #expect(updated.area == changed.area && updated.architects == ["ieva"])
        await #expect(throws: StoreError.self) { try await store.updatePlan(changed, expectedRevision: 1, audit: []) }
        let v1 = try await store.addVersion(planId: plan.id, note: "first", createdBy: "ona", at: Date(timeIntervalSince1970: 1_800_000_100),
                                            expectedRevision: 2, audit: Self.audit("version"))
        #expect(v1.number == 1 && v1.area == changed.area)
        let v2 = try await store.addVersion(planId: plan.id, note: "second", createdBy: "ona", at: Date(timeIntervalSince1970: 1_800_000_200),
                                            expectedRevision: 3, audit: Self.audit("version"))
        #expect(try await store.versions(planId: plan.id) == [v1, v2])
        let file = try await store.addAttachment(planId: plan.id, role: .document, title: "Sprendiniai", file: String(repeating: "a", count: 64) + ".pdf",
                                                 contentType: "application/pdf", size: 1234, createdBy: "ona", audit: Self.audit("attach"))
        #expect(try await store.attachments(planId: plan.id) == [file])
        #expect(try await store.attachment(id: file.id) == file)
        #expect(try await store.plan(id: plan.id)?.revision == 5)
        let areas = try await store.planAreas()
        #expect(areas.count == 1 && areas[0].stage == .consultation && areas[0].area == changed.area)
    }

    @Test(arguments: TestStores.backends)
    func commentsAnswersOutboxAndTheAuditChain(_ backend: StoreBackend) async throws {
        guard let t = try await TestStores.make(backend) else { return }
        let store = t.store
        var plan = try await store.createPlan(Self.newPlan(), audit: Self.audit("create"))
        _ = try await store.addVersion(planId: plan.id, note: "", createdBy: "ona", at: Date(), expectedRevision: plan.revision, audit: Self.audit("v"))
        plan = try #require(try await store.plan(id: plan.id))
        plan.stage = .consultation
        plan = try await store.updatePlan(plan, expectedRevision: plan.revision, audit: [Self.audit("open")])
        func comment(_ kind: CommentKind, location: Geometry?) -> NewPlanComment {
            NewPlanComment(planId: plan.id, version: 1, kind: kind, text: "Per daug mašinų", name: "Ona", email: "ona@example.lt",
                           identityLevel: "email", location: location, attachment: nil, attachmentType: nil, status: .published,
                           createdAt: Date(timeIntervalSince1970: 1_800_000_500))
        }
        let objection = try await store.addComment(comment(.objection, location: .point(Coordinate(23.905, 54.905))), requiredStage: .consultation,
                                                   audit: Self.audit("comment"))
        let question = try await store.addComment(comment(.question, location: nil), requiredStage: .consultation, audit: Self.audit("comment"))
        #expect(objection.locationGeoJSON != nil && question.locationGeoJSON == nil)
        await #expect(throws: StoreError.self) {
            try await store.addComment(comment(.support, location: nil), requiredStage: .hearing, audit: Self.audit("comment"))
        }
        #expect(try await store.comments(planId: plan.id, publishedOnly: false, includeHidden: false).map(\.id) == [objection.id, question.id])
        var hidden = question
        hidden.status = .hidden
        hidden.hiddenReason = "off topic"
        let revision = try #require(try await store.plan(id: plan.id)).revision
        let moderated = try await store.updateComment(hidden, expectedRevision: revision, audit: Self.audit("hide"))
        #expect(moderated.status == .hidden && moderated.hiddenReason == "off topic")
        #expect(try await store.comments(planId: plan.id, publishedOnly: true, includeHidden: false).map(\.id) == [objection.id])
        #expect(try await store.comments(planId: plan.id, publishedOnly: true, includeHidden: true).count == 2)
        let locations = try await store.publishedCommentLocations(planId: plan.id)
        #expect(locations.map(\.id) == [objection.id] && locations[0].location == .point(Coordinate(23.905, 54.905)))
        #expect(try await store.publishedCommentLocations(planId: nil).count == 1)

        let answer = CommentAnswer(decision: .partlyAccepted, reasoning: "Bus mažiau", architect: "jonas", draftedAt: Date(timeIntervalSince1970: 1_800_000_600))
        var current = try #require(try await store.plan(id: plan.id)).revision
        try await store.saveAnswer(commentId: objection.id, answer: answer, expectedRevision: current, audit: Self.audit("draft"))
        current += 1
        try await store.publishAnswers(planId: plan.id, commentIds: [objection.id], at: Date(timeIntervalSince1970: 1_800_000_700),
                                       expectedRevision: current, audit: [Self.audit("publish")],
                                       outbox: [NewOutboxMessage(commentId: objection.id, recipient: "ona@example.lt", subject: "Atsakymas", body: "…")])
        let answered = try #require(try await store.comment(id: objection.id))
        #expect(answered.answer?.decision == .partlyAccepted && answered.answer?.publishedAt != nil)
        await #expect(throws: StoreError.self) {
            try await store.saveAnswer(commentId: objection.id, answer: answer, expectedRevision: current + 1, audit: Self.audit("draft"))
        }

        // The outbox: due, failed, re-queued, sent.
        let due = try await store.claimDueOutbox(at: Date(timeIntervalSince1970: 1_800_000_700), limit: 10, lease: 600)
        #expect(due.map(\.recipient) == ["ona@example.lt"] && due[0].state == .pending)
        // Claimed: not due again for anyone until the lease ends.
        #expect(try await store.claimDueOutbox(at: Date(timeIntervalSince1970: 1_800_000_800), limit: 10, lease: 600).isEmpty)
        #expect(try await store.claimDueOutbox(at: Date(timeIntervalSince1970: 1_800_001_400), limit: 10, lease: 600).map(\.id) == due.map(\.id))
        try await store.recordFailure(outboxId: due[0].id, error: "550 refused", retryAt: nil)
        #expect(try await store.outbox(unsentOnly: true).first?.state == .failed)
        #expect(try await store.requeueOutbox(ids: nil, at: Date(timeIntervalSince1970: 1_800_000_800)) == 1)
        try await store.recordSent(outboxId: due[0].id, at: Date(timeIntervalSince1970: 1_800_000_900))
        let sent = try #require(try await store.outbox(unsentOnly: false).first)
        #expect(sent.state == .sent && sent.attempts == 2 && sent.lastError == "550 refused")
        #expect(try await store.outbox(unsentOnly: true).isEmpty)

        // Every write above left its audit entry, in one unbroken chain.
        try await store.appendAudit([Self.audit("clock")])
        let entries = try await store.auditEntries(planId: nil)
        #expect(entries.map(\.id) == Array(1...Int64(entries.count)))
        #expect(AuditChain.verify(entries) == nil)
        #expect(try await store.auditEntries(planId: plan.id) == entries.filter { $0.planId == plan.id })
    }

    /// Concurrent writers in one process (several pooled connections on PostgreSQL) append to one
    /// chain without forking it.
    @Test(arguments: TestStores.backends)
    func concurrentAuditAppendsKeepOneChain(_ backend: StoreBackend) async throws {
        guard let t = try await TestStores.make(backend) else { return }
        let store = t.store
        try await withThrowingTaskGroup(of: Void.self) { group in
            for i in 0..<40 { group.addTask { try await store.appendAudit([Self.audit("tick \(i)")]) } }
            try await group.waitForAll()
        }
        let entries = try await store.auditEntries(planId: nil)
        #expect(entries.count == 40)
        #expect(Set(entries.map(\.prevHash)).count == 40)
        #expect(AuditChain.verify(entries) == nil)
    }

    /// Every write that changes what servers keep in memory is in the change log, in order,
    /// with this store's origin; the head read before a write is behind it; the lag sees it.
    @Test(arguments: TestStores.backends)
    func theChangeLogRecordsEveryWriteInOrder(_ backend: StoreBackend) async throws {
        guard let t = try await TestStores.make(backend) else { return }
        let store = t.store
        let head = try await store.changeFeedHead()
        let stored = try Self.stored(await store.insertReports([Self.report(1), Self.report(2)]))
        _ = try await store.applyUpdate(reportId: stored[0].id, expected: .open, status: .closed, resolution: .fixed, reopened: false,
                                        note: "", userId: nil, at: Date())
        _ = try await store.createPlan(Self.newPlan(), audit: Self.audit("create"))
        try await store.replaceServices([Service(code: "pothole", name: "Pothole")])
        _ = try await store.addAPIKey(name: "app")
        #expect(try await store.changeFeedLag(after: head, now: Date().addingTimeInterval(5)) >= 4)
        // On PostgreSQL a change is readable once every older transaction has ended, in any
        // database of the server (other tests run in parallel): wait for all six, within bounds.
        var changes: [Change] = []
        let clock = ContinuousClock(), start = clock.now
        repeat {
            changes = try await store.changes(after: head, limit: 100)
            if changes.count < 6 { try await Task.sleep(for: .milliseconds(20)) }
        } while changes.count < 6 && clock.now - start < .seconds(10)
        #expect(changes.map(\.kind) == [.reportAdded, .reportAdded, .reportChanged, .plans, .services, .apiKeys])
        #expect(changes.prefix(3).map(\.entityId) == [stored[0].id, stored[1].id, stored[0].id])
        #expect(changes.allSatisfy { $0.origin == store.origin })
        #expect(zip(changes, changes.dropFirst()).allSatisfy { $0.cursor < $1.cursor })
        // Paged reading continues where the last page ended; past the end there is nothing, and no lag.
        let firstTwo = try await store.changes(after: head, limit: 2)
        #expect(try await store.changes(after: firstTwo[1].cursor, limit: 100) == Array(changes.dropFirst(2)))
        #expect(try await store.changes(after: changes.last!.cursor, limit: 100).isEmpty)
        #expect(try await store.changeFeedLag(after: changes.last!.cursor, now: Date()) == 0)
        try await store.pruneChanges(before: Date().addingTimeInterval(60))
        #expect(try await store.changes(after: head, limit: 100).isEmpty)
    }

    @Test(arguments: TestStores.backends)
    func sharedSecretsAreMadeOnceAndKept(_ backend: StoreBackend) async throws {
        guard let t = try await TestStores.make(backend) else { return }
        let first = try await t.store.sharedSecret("web.forms")
        #expect(first.count == 32)
        #expect(try await t.store.sharedSecret("web.forms") == first)
        #expect(try await t.store.sharedSecret("other") != first)
    }
}
