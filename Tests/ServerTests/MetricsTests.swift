import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite struct MetricsTests {
    @Test func prometheusTextCountsRequestsAndReports() async throws {
        try await Open311Fixture.run { client, f in
            _ = try await f.post(client, f.pothole())
            _ = try await f.post(client, f.pothole(lat: "55.5", long: "25.5"))  // outside: refused
            _ = try await get(client, "/open311/v2/requests/1.json")
            _ = try await get(client, "/open311/v2/requests/2.json")
            let r = try await get(client, "/metrics")
            #expect(r.status == .ok)
            #expect(r.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
            let text = String(buffer: r.body)
            let lines = text.split(separator: "\n").map(String.init)
            func value(_ prefix: String) -> Double? {
                lines.first { $0.hasPrefix(prefix) }.flatMap { Double($0.split(separator: " ").last ?? "") }
            }
            #expect(value(#"miestas_reports_total{outcome="accepted",source="open311"}"#) == 1)
            #expect(value(#"miestas_reports_total{outcome="rejected",source="open311"}"#) == 1)
            #expect(value("miestas_writer_queue_reports") == 0)
            // The one accepted report went through one transaction, which took some time.
            #expect(value("miestas_writer_commits") == 1)
            #expect(value("miestas_writer_committed_reports") == 1)
            #expect((value("miestas_writer_busy_seconds") ?? 0) > 0)
            // Its thread's CPU time in it is part of that time, and not nothing (SQLite worked).
            #expect((value("miestas_writer_cpu_seconds") ?? 0) > 0)
            #expect((value("miestas_writer_cpu_seconds") ?? 1) <= (value("miestas_writer_busy_seconds") ?? 0))
            #expect(value("miestas_open_reports_indexed_reports") == 1)
            // Both GETs of one route pattern count under it, whatever the id.
            let getLines = lines.filter { $0.hasPrefix("miestas_http_requests_total{") && $0.contains(#"method="GET""#) && $0.contains("requests") }
            #expect(getLines.contains { $0.hasSuffix(" 1") && $0.contains(#"status="200""#) })
            #expect(getLines.contains { $0.contains(#"status="404""#) })
            #expect(text.contains("# HELP miestas_http_request_duration_seconds"))
            #expect(text.contains("miestas_http_request_duration_seconds_bucket{"))
        }
    }
}
