import Foundation
import Testing
import TestSupport
@testable import Store

/// The change feed reads in transaction-id order as numbers, also where the ids pass a power of
/// ten: sorted as text, "10" came before "9" and a follower's cursor jumped back and forth (CI
/// caught it when the test cluster's ids passed 100,000).
@Suite struct ChangeFeedOrderTests {
    @Test func changesComeInNumericTransactionOrder() async throws {
        guard let t = try await TestStores.make(.postGIS), let url = t.databaseURL else { return }
        // Transactions 9 and 10 ended long ago in any cluster (initdb alone uses hundreds).
        try await TestStores.execute(url, """
            INSERT INTO change_log (txid, kind, entity_id, origin) VALUES ('10'::xid8, 'report.insert', 2, 'test'), ('9'::xid8, 'report.insert', 1, 'test')
            """)
        let changes = try await t.store.changes(after: ChangeCursor(), limit: 100)
        #expect(changes.map(\.cursor.txid) == [9, 10])
        #expect(changes.map(\.entityId) == [1, 2])
        #expect(try await t.store.changes(after: changes[0].cursor, limit: 100).map(\.entityId) == [2])
    }
}
