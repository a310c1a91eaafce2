import Hummingbird
import Prometheus
import RateLimits
import Store
import Synchronization

/// The server's Prometheus metrics, served at `GET /metrics` in the text exposition format:
/// requests and their latency per route, reports accepted and refused, and the writer's queue.
public final class Telemetry: Sendable {
    public let registry = PrometheusCollectorRegistry()
    static let buckets: [Duration] = [.milliseconds(1), .milliseconds(2.5), .milliseconds(5), .milliseconds(10), .milliseconds(25),
                                      .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5)]
    static var requests: MetricNameDescriptor { MetricNameDescriptor(namespace: "miestas", metricName: "http_requests", unitName: "total",
                                               helpText: "HTTP requests answered, by method, route and status") }
    static var latency: MetricNameDescriptor { MetricNameDescriptor(namespace: "miestas", metricName: "http_request_duration", unitName: "seconds",
                                              helpText: "Time to answer an HTTP request, by method and route") }
    static var reports: MetricNameDescriptor { MetricNameDescriptor(namespace: "miestas", metricName: "reports", unitName: "total",
                                              helpText: "Reports submitted, by outcome (accepted, rejected) and source") }
    static var queue: MetricNameDescriptor { MetricNameDescriptor(namespace: "miestas", metricName: "writer_queue", unitName: "reports",
                                            helpText: "Reports waiting for the writer's next transaction") }
    static var commits: MetricNameDescriptor { MetricNameDescriptor(namespace: "miestas", metricName: "writer", unitName: "commits",
                                              helpText: "Transactions the report writer has committed since start (reports per commit: miestas_writer_committed_reports / this)") }
    static var committed: MetricNameDescriptor { MetricNameDescriptor(namespace: "miestas", metricName: "writer_committed", unitName: "reports",
                                                helpText: "Reports the writer has committed since start") }
    static var writerBusy: MetricNameDescriptor { MetricNameDescriptor(namespace: "miestas", metricName: "writer_busy", unitName: "seconds",
                                                 helpText: "Time the report writer has spent in transactions since start (its growth per second is the writer's load)") }
    static var writerCPU: MetricNameDescriptor { MetricNameDescriptor(namespace: "miestas", metricName: "writer_cpu", unitName: "seconds",
                                                helpText: "CPU time of the report writer's thread in transactions since start (busy minus this is time spent waiting for the disk or a core)") }
    static var limited: MetricNameDescriptor { MetricNameDescriptor(namespace: "miestas", metricName: "rate_limited", unitName: "total",
                                              helpText: "Anonymous writes refused with a 429 because their client was over its limit, by kind (report, comment, sign_in)") }
    static var honeypot: MetricNameDescriptor { MetricNameDescriptor(namespace: "miestas", metricName: "honeypot", unitName: "total",
                                               helpText: "Form posts refused because the field hidden from people was filled in (a bot), by form") }
    static var feedLag: MetricNameDescriptor { MetricNameDescriptor(namespace: "miestas", metricName: "change_feed_lag", unitName: "seconds",
                                              helpText: "Age of the oldest change in the log this server has not applied yet (0 when none waits)") }
    static var clustersAnswers: MetricNameDescriptor { MetricNameDescriptor(namespace: "miestas", metricName: "clusters_answers", unitName: "total",
                                                     helpText: "Clusters answers since start, by whether they came from the answer cache (hit) or were written (miss)") }
    static var clustersCacheBytes: MetricNameDescriptor { MetricNameDescriptor(namespace: "miestas", metricName: "clusters_answer_cache", unitName: "bytes",
                                                        helpText: "Bytes of clusters answers kept for the current snapshots") }
    static var openReports: MetricNameDescriptor { MetricNameDescriptor(namespace: "miestas", metricName: "open_reports_indexed", unitName: "reports",
                                                  helpText: "Open reports in the in-memory duplicate index") }

    /// The series already made, by their labels: the registry's own lookup builds label arrays
    /// and takes its lock each time, which showed in profiles at thousands of requests a second.
    private let requestSeries = Mutex<[RequestKey: (Counter, DurationHistogram)]>([:])
    private let reportSeries = Mutex<[String: Counter]>([:])

    private struct RequestKey: Hashable { var method: String, route: String, status: Int }

    public init() {}

    func request(method: String, route: String, status: Int, duration: Duration) {
        let key = RequestKey(method: method, route: route, status: status)
        let (counter, histogram) = requestSeries.withLock { series in
            if let found = series[key] { return found }
            let made = (registry.makeCounter(descriptor: Self.requests, labels: [("method", method), ("route", route), ("status", String(status))]),
                        registry.makeDurationHistogram(descriptor: Self.latency, labels: [("method", method), ("route", route)], buckets: Self.buckets))
            series[key] = made
            return made
        }
        counter.increment()
        histogram.record(duration)
    }

    func report(accepted: Bool, source: String = "open311") {
        let outcome = accepted ? "accepted" : "rejected"
        reportSeries.withLock { series in
            let key = outcome + " " + source
            if let found = series[key] { return found }
            let made = registry.makeCounter(descriptor: Self.reports, labels: [("outcome", outcome), ("source", source)])
            series[key] = made
            return made
        }.increment()
    }

    /// A write refused by a per-client limit.
    public func rateLimited(_ write: LimitedWrite) {
        count(Self.limited, "write", write.rawValue)
    }

    /// A clusters answer, served from the answer cache or written.
    func clustersAnswer(hit: Bool) {
        count(Self.clustersAnswers, "cache", hit ? "hit" : "miss")
    }

    /// A form whose honeypot field was filled in.
    public func honeypot(form: String) {
        count(Self.honeypot, "form", form)
    }

    private func count(_ descriptor: MetricNameDescriptor, _ label: String, _ value: String) {
        reportSeries.withLock { series in
            let key = descriptor.metricName + " " + value
            if let found = series[key] { return found }
            let made = registry.makeCounter(descriptor: descriptor, labels: [(label, value)])
            series[key] = made
            return made
        }.increment()
    }

    func render(writerQueue: Int, writerTotals: WriterTotals, openReports: Int, changeFeedLag: Double, clustersCache: ClustersAnswerCache) -> String {
        registry.makeGauge(descriptor: Self.clustersCacheBytes).set(Double(clustersCache.bytes))
        registry.makeGauge(descriptor: Self.feedLag).set(changeFeedLag)
        registry.makeGauge(descriptor: Self.queue).set(Double(writerQueue))
        // Totals kept by the writer itself, shown as gauges of their current value.
        registry.makeGauge(descriptor: Self.commits).set(Double(writerTotals.batches))
        registry.makeGauge(descriptor: Self.committed).set(Double(writerTotals.items))
        registry.makeGauge(descriptor: Self.writerBusy).set(Self.seconds(writerTotals.busy))
        registry.makeGauge(descriptor: Self.writerCPU).set(Self.seconds(writerTotals.cpu))
        registry.makeGauge(descriptor: Self.openReports).set(Double(openReports))
        return registry.emitToString()
    }

    private static func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }
}

/// Times every request and counts it under its route pattern (not its path, so ids do not
/// multiply the series).
struct MetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let telemetry: Telemetry

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let clock = ContinuousClock()
        let start = clock.now
        do {
            let response = try await next(request, context)
            telemetry.request(method: request.method.rawValue, route: context.endpointPath ?? "unmatched",
                              status: Int(response.status.code), duration: clock.now - start)
            return response
        } catch let error as HTTPResponseError {
            telemetry.request(method: request.method.rawValue, route: context.endpointPath ?? "unmatched",
                              status: Int(error.status.code), duration: clock.now - start)
            throw error
        } catch {
            telemetry.request(method: request.method.rawValue, route: context.endpointPath ?? "unmatched", status: 500, duration: clock.now - start)
            throw error
        }
    }
}
