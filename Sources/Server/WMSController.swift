import Foundation
import Hummingbird
import RateLimits
import Maps

/// `GET /wms`: the OGC Web Map Service (1.3.0 and 1.1.1). Everything is decided in `Maps`; this
/// only hands over the query string and returns the answer.
struct WMSController: Sendable {
    let maps: MapService
    let publicURL: String?

    func register(on router: Router<ClientRequestContext>) {
        router.get("wms") { request, _ in
            let parameters = WMSParameters(query: request.uri.query ?? "")
            let base = publicURL ?? ("http://" + (request.head.authority ?? "localhost"))
            let answer = maps.wms.handle(parameters, data: maps.data, updateSequence: maps.updateSequence, onlineResource: base + "/wms?")
            return Response(status: .init(code: answer.status), headers: [.contentType: answer.contentType],
                            body: .init(byteBuffer: ByteBuffer(data: answer.body)))
        }
    }
}
