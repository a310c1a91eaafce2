import Synchronization
import Testing
@testable import Store

/// Calls that wait for a pooled connection at the same time ask the server once between them.
struct SharedProbeTests {
    @Test func callsAskingAtOnceShareOneProbeAndTheNextCallProbesAgain() async {
        let probes = SharedProbe()
        let started = Mutex(0)
        let probe: @Sendable () async -> String? = {
            let n = started.withLock { $0 += 1; return $0 }
            try? await Task.sleep(for: .milliseconds(300))
            return "probe \(n)"
        }
        let answers = await withTaskGroup(of: String?.self) { group in
            for _ in 0..<20 { group.addTask { await probes.run(probe) } }
            return await group.reduce(into: [String?]()) { $0.append($1) }
        }
        #expect(started.withLock { $0 } == 1, "one probe for twenty callers")
        #expect(answers.count == 20 && answers.allSatisfy { $0 == "probe 1" })
        // Once it has answered, a later call asks again: no answer is kept past its probe.
        #expect(await probes.run(probe) == "probe 2")
    }
}
