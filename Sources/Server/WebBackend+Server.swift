import Clusters
import Foundation
import Hummingbird
import Staff
import Store
import Web

extension AppServices {
    /// The web pages' view of the services: the same intake, consultations and accounts the APIs
    /// use, the server's form parsers, and the same follow-ups after writes.
    func webBackend() -> WebBackend {
        var webSettings = settings.web
        webSettings.publicURL = open311.publicURL
        webSettings.municipalityNames = settings.municipality.names
        return WebBackend(store: store, intake: intake, consultations: consultations, accounts: accounts,
                   districts: locator.districts, settings: webSettings, time: time, limits: limits,
                   readForm: { request, limit in try await WebFormReader.read(request, limit: limit) },
                   reportChanged: { reportStatusChanged($0) }, plansChanged: { plansChanged() },
                   rateLimited: { [telemetry] in telemetry.rateLimited($0) }, honeypot: { [telemetry] in telemetry.honeypot(form: $0) },
                   hotspots: { [clusters] code, since in
                       let filter = ClusterFilter(since: Int64((since.timeIntervalSince1970 * 1000).rounded()))
                       let report = try? clusters.hotspots(district: code, filter: filter)
                       return report?.hotspots.map { h in
                           DistrictHotspot(reports: h.count, services: h.dominantServices.map { (clusters.serviceCode($0.service), $0.count) },
                                           latitude: h.centroid.y, longitude: h.centroid.x)
                       } ?? []
                   }, formKey: formKey, identity: identity, petitions: petitions)
    }

    /// After a status change: the clusters filter by status, the tiles that show the report, and
    /// the email to the resident who made it, if they asked for one. (The notice is queued after
    /// the status change's commit: a crash between the two loses that one email.)
    func reportStatusChanged(_ report: Report) {
        Task { [clusters, store, maps, notices] in
            try? await clusters.reload(from: store); maps.reportChanged(report)
            try? await notices?.statusChanged(report)
        }
    }

    /// After a planning write: the map's planning layers reload. A failed reload is retried, and
    /// logged, by `miestas serve`'s five-second loop.
    func plansChanged() {
        Task { [maps, store] in try? await maps.refreshPlans(from: store) }
    }
}

/// HTML form bodies for the pages, through the same parsers the Open311 API uses.
enum WebFormReader {
    static func read(_ request: Request, limit: Int) async throws -> WebForm {
        let header = request.headers[.contentType] ?? "application/x-www-form-urlencoded"
        let buffer: ByteBuffer
        do { buffer = try await request.body.collect(upTo: limit) } catch {
            throw WebFormError.tooLarge(kilobytes: limit / 1024)
        }
        if header.lowercased().hasPrefix("multipart/form-data") {
            do {
                let form = try MultipartForm(body: Array(buffer: buffer), contentType: header)
                return WebForm(fields: form.fields, files: form.files)
            } catch { throw WebFormError.malformed(error.description) }
        }
        do { return WebForm(fields: try FormEncoding.decode(buffer.readableBytesView)) } catch let e as Open311Error {
            throw WebFormError.malformed(e.description)
        }
    }
}
