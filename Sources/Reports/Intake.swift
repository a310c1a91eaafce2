import Districts
import Foundation
import Geo
import Messages
import Store

/// The rules of intake that a city may tune.
public struct IntakeSettings: Sendable {
    /// An open report of the same service closer than this is a likely duplicate.
    public var duplicateRadiusMetres = 30.0
    /// ... if it was made within this many seconds.
    public var duplicateWindow: TimeInterval = 30 * 24 * 3600
    public var maximumDescription = 4_000
    public var maximumText = 4_000
    public var maximumString = 255
    public init() {}
}

/// What intake answers: the stored report and, when one exists, the similar open report nearby.
public struct IntakeReceipt: Sendable {
    public var report: Report
    public var service: Service
    /// The id of the nearest open report of the same service (also the report's `duplicateOf`).
    public var similarId: Int64?
}

/// validate → locate the district → refuse points outside every district → look for a similar
/// open report → persist through the group-committing writer.
public final class Intake: Sendable {
    /// The catalogue, in its order, and by code.
    public let catalogue: [Service]
    public let services: [String: Service]
    public let locator: DistrictLocator
    public let store: any ReportStore
    public let settings: IntakeSettings
    /// Open reports near each other, for the duplicate search.
    public let openReports: OpenReportIndex
    /// Where uploaded photos go (nil: uploads are refused).
    public let media: MediaLibrary?
    /// Told of every report once it is committed (the map's clusters follow intake this way).
    private let afterCommit: @Sendable (Report) -> Void
    private let writer: GroupCommitter<NewReport, Report>

    /// Call `loadOpenReports()` before taking reports, so that reports already open count.
    public init(services: [Service], locator: DistrictLocator, store: any ReportStore, media: MediaLibrary? = nil,
                settings: IntakeSettings = .init(), afterCommit: @escaping @Sendable (Report) -> Void = { _ in }) {
        self.afterCommit = afterCommit
        self.catalogue = services
        self.services = Dictionary(services.map { ($0.code, $0) }, uniquingKeysWith: { first, _ in first })
        self.locator = locator
        self.store = store
        self.media = media
        self.settings = settings
        writer = store.makeReportWriter()
        let centre = locator.districts.reduce(into: BoundingBox.empty) { $0.expand(toInclude: $1.geometry.boundingBox) }
        openReports = OpenReportIndex(cellMetres: settings.duplicateRadiusMetres, latitude: centre.isEmpty ? 0 : centre.center.y)
    }

    /// Fills the open-report index from the store.
    public func loadOpenReports(now: Date = Date()) async throws(StoreError) {
        try await openReports.load(from: store, since: now.addingTimeInterval(-settings.duplicateWindow))
    }

    /// Reports waiting for the writer's next transaction.
    public var writerQueueDepth: Int { writer.queueDepth }
    /// Transactions the writer has committed, the reports in them, and the time they took.
    public var writerTotals: WriterTotals { writer.totals }

    /// `residentId`: the signed-in resident making the report through the pages (their "my
    /// reports"); never taken from the submission's own fields.
    public func submit(_ submission: Submission, source: String = "open311", residentId: Int64? = nil,
                       at now: Date = Date()) async throws(IntakeError) -> IntakeReceipt {
        let (service, report) = try validate(submission, source: source, at: now)
        var new = report
        new.residentId = residentId
        guard let district = locator.locate(new.location) else {
            throw .outsideServiceArea(lat: new.location.y, long: new.location.x)
        }
        new.districtCode = district.code
        new.duplicateOf = similarOpenReport(to: new, at: now)
        if let photo = submission.photo { new.mediaURL = try await store(photo) }
        let stored: Report
        do { stored = try await writer.submit(new) } catch { throw .unavailable("\(error)") }
        openReports.update(stored)
        afterCommit(stored)
        return IntakeReceipt(report: stored, service: service, similarId: new.duplicateOf)
    }

    /// Stores an accepted report's photo (off the cooperative threads: it writes and flushes up
    /// to 10 MB) and answers its path, `/media/NAME`, which the server turns into a full URL.
    private func store(_ photo: Photo) async throws(IntakeError) -> String {
        guard let media else { throw .unavailable("this server does not accept photo uploads") }
        let result: Result<String, StoreError> = await withCheckedContinuation { done in
            DispatchQueue.global().async {
                done.resume(returning: Result { () throws(StoreError) in try media.store(photo.bytes, fileExtension: photo.format.fileExtension) })
            }
        }
        switch result {
        case .success(let name): return "/media/" + name
        case .failure(let error): throw .unavailable(error.description)
        }
    }

    /// Every check that needs no database: the service, the place, the text and the attributes.
    public func validate(_ s: Submission, source: String, at now: Date) throws(IntakeError) -> (Service, NewReport) {
        guard let code = s.serviceCode?.trimmingWhitespace, !code.isEmpty else { throw .missingService }
        guard let service = services[code] else { throw .unknownService(code) }

        guard let latText = s.lat, let longText = s.long else {
            if s.addressString != nil || s.addressId != nil { throw .addressWithoutCoordinates }
            throw .noCoordinates
        }
        guard let lat = Double(latText.trimmingWhitespace), lat.isFinite, abs(lat) <= 90 else {
            throw .invalidField(name: "lat", reason: .intake(.latitudeRange, ["value": .text(String(latText.prefix(40)))]))
        }
        guard let long = Double(longText.trimmingWhitespace), long.isFinite, abs(long) <= 180 else {
            throw .invalidField(name: "long", reason: .intake(.longitudeRange, ["value": .text(String(longText.prefix(40)))]))
        }

        let description = s.description ?? ""
        try limit("description", description, settings.maximumDescription)
        try limit("address_string", s.addressString, settings.maximumString)
        try limit("email", s.email, settings.maximumString)
        try limit("phone", s.phone, settings.maximumString)
        try limit("first_name", s.firstName, settings.maximumString)
        try limit("last_name", s.lastName, settings.maximumString)
        try limit("device_id", s.deviceId, settings.maximumString)
        try limit("account_id", s.accountId, settings.maximumString)
        try limit("address_id", s.addressId, settings.maximumString)
        if let email = s.email, !Self.looksLikeEmail(email) {
            throw .invalidField(name: "email", reason: .intake(.notEmail))
        }
        if s.photo != nil, s.mediaURL != nil {
            throw .invalidField(name: "media_url", reason: .intake(.mediaURLWithPhoto))
        }
        if let url = s.mediaURL {
            try limit("media_url", url, 2_048)
            if !Self.isWebURL(url) { throw .invalidField(name: "media_url", reason: .intake(.notWebURL)) }
        }
        let attributes = try AttributeRules.check(s.attributes, against: service, settings: settings)
        let contact = ReporterContact(email: s.email, phone: s.phone, firstName: s.firstName, lastName: s.lastName,
                                      deviceId: s.deviceId, accountId: s.accountId)
        return (service, NewReport(serviceCode: service.code, description: description, attributes: attributes,
                                   location: Coordinate(long, lat), address: s.addressString, mediaURL: s.mediaURL,
                                   requestedAt: now, contact: contact, source: source))
    }

    private func limit(_ name: String, _ value: String?, _ maximum: Int) throws(IntakeError) {
        // Characters never outnumber UTF-8 bytes, so short text skips the costlier character count.
        if let value, value.utf8.count > maximum, value.count > maximum { throw .invalidField(name: name, reason: .intake(.fieldTooLong, ["max": .number(maximum), "length": .number(value.count)])) }
    }

    static func isWebURL(_ text: String) -> Bool {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), url.host != nil else { return false }
        return scheme == "http" || scheme == "https"
    }

    static func looksLikeEmail(_ text: String) -> Bool {
        // On UTF-8 bytes: Substring.contains("."), hasPrefix and hasSuffix go through Foundation.
        let bytes = text.utf8
        let parts = bytes.split(separator: UInt8(ascii: "@"), omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !text.contains(where: \.isWhitespace) else { return false }
        let domain = parts[1]
        let dot = UInt8(ascii: ".")
        return domain.contains(dot) && domain.first != dot && domain.last != dot
    }

    /// The id of the nearest open report of the same service within the radius and the window.
    func similarOpenReport(to report: NewReport, at now: Date) -> Int64? {
        let p = report.location
        var best: (id: Int64, distance: Double)?
        for candidate in openReports.candidates(serviceCode: report.serviceCode, near: p, since: now.addingTimeInterval(-settings.duplicateWindow)) {
            let distance = Self.metres(p, candidate.location)
            guard distance <= settings.duplicateRadiusMetres else { continue }
            if let b = best, b.distance < distance || (b.distance == distance && b.id < candidate.id) { continue }
            best = (candidate.id, distance)
        }
        return best?.id
    }

    /// Great-circle distance (haversine); at 30 m its error is far below GPS error.
    static func metres(_ a: Coordinate, _ b: Coordinate) -> Double {
        let rad = Double.pi / 180
        let dLat = (b.y - a.y) * rad, dLon = (b.x - a.x) * rad
        let h = sin(dLat / 2) * sin(dLat / 2) + cos(a.y * rad) * cos(b.y * rad) * sin(dLon / 2) * sin(dLon / 2)
        return 2 * 6_371_008.8 * asin(min(1, h.squareRoot()))
    }
}
