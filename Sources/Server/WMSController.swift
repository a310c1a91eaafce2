import Districts
import Foundation
import Hummingbird
import Maps
import Petitions
import RateLimits

/// `GET /wms`: the OGC Web Map Service (1.3.0 and 1.1.1). Everything is decided in `Maps`; this
/// only hands over the query string and returns the answer, after reading the one petition a
/// `petition-signatures` request names (`PETITION=<id>`): those counts change with every
/// signature, so they are read per request, not kept with the map data.
struct WMSController: Sendable {
    let maps: MapService
    let petitions: Petitions
    let locator: DistrictLocator
    let publicURL: String?

    func register(on router: Router<ClientRequestContext>) {
        router.get("wms") { request, _ in
            let parameters = WMSParameters(query: request.uri.query ?? "")
            let base = publicURL ?? ("http://" + (request.head.authority ?? "localhost"))
            var data = maps.data
            let answer: WMSResponse
            do throws(WMSError) {
                data.petition = try await petitionFigures(parameters)
                answer = maps.wms.handle(parameters, data: data, updateSequence: maps.updateSequence, onlineResource: base + "/wms?")
            } catch {
                answer = maps.wms.exception(error, version: (parameters["VERSION"] ?? parameters["WMTVER"]) == "1.1.1" ? .v111 : .v130)
            }
            return Response(status: .init(code: answer.status), headers: [.contentType: answer.contentType],
                            body: .init(byteBuffer: ByteBuffer(data: answer.body)))
        }
    }

    /// The figures of the petition `PETITION` names, when a layer parameter asks for the petition
    /// layer; nil otherwise (then `Maps` says what is missing).
    func petitionFigures(_ p: WMSParameters) async throws(WMSError) -> PetitionMapFigures? {
        let named = ["LAYERS", "QUERY_LAYERS", "LAYER"].contains { key in
            (p[key] ?? "").split(separator: ",").contains { $0 == LayerCatalogue.petitionSignatures }
        }
        guard named, let text = p["PETITION"], !text.isEmpty else { return nil }
        guard let id = Int64(text), id > 0 else {
            throw WMSError(.invalidParameterValue, "PETITION must be a petition's id (a whole number), got '\(text.prefix(20))'", locator: "PETITION")
        }
        let view: PetitionView
        do { view = try await petitions.view(id: id, for: nil) } catch {
            if case .notFound = error {
                throw WMSError(.invalidParameterValue, "there is no petition \(id) to map", locator: "PETITION")
            }
            throw WMSError(.noApplicableCode, "the petition cannot be read now: \(error)")
        }
        guard [.open, .closed, .answered].contains(view.petition.state) else {
            throw WMSError(.invalidParameterValue, "petition \(id) is \(view.petition.state.rawValue): only a petition open for signatures or past it has a map",
                           locator: "PETITION")
        }
        var districts: [String: PetitionMapFigures.District] = [:]
        for f in petitions.districtFigures(view.counts, districts: locator.districts.map { ($0.code, $0.name) }) {
            districts[f.code] = .init(signatures: f.signatures, perThousand: f.perThousand)
        }
        return PetitionMapFigures(petitionId: id, title: view.petition.text.title, districts: districts)
    }
}
