import ClusterdCore
import ClusterdTestSupport
import Foundation
import Synchronization
import Testing

@testable import ClusterdStore

@Suite("MongoStore: connection and indexes")
struct MongoStoreTests {
    @Test("ping answers")
    func ping() throws {
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        try store.ping()
    }

    @Test("ensureIndexes creates clusterd's indexes, idempotently, and none on host collections")
    func indexes() throws {
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        try store.ensureIndexes()
        try store.ensureIndexes()
        let configuration = store.configuration
        let analyses = try store.indexNames(collection: configuration.analysesCollection)
        #expect(Set(analyses).isSuperset(of: ["analyzed_at_1", "conversation_id_1"]))
        let runs = try store.indexNames(collection: configuration.runsCollection)
        #expect(Set(runs).isSuperset(of: ["created_at_-1", "status_1"]))
        #expect(try store.indexNames(collection: configuration.clustersCollection).contains("run_id_1"))
        #expect(
            try store.indexNames(collection: configuration.assignmentsCollection).contains(
                "run_id_1_conversation_id_1"
            )
        )
        #expect(try store.indexNames(collection: configuration.messagesCollection).filter { $0 != "_id_" }.isEmpty)
    }

    @Test("a dead server fails fast with a retriable unavailable error")
    func deadServer() throws {
        let port = try EmbeddedMongo.freePort()
        let store = try MongoStore(configuration: StoreConfiguration(uri: "mongodb://127.0.0.1:\(port)"))
        defer { store.close() }
        let start = Date()
        #expect {
            try store.ping()
        } throws: { error in
            guard let error = error as? StoreError else { return false }
            return error.code == .unavailable && error.isRetriable
        }
        #expect(Date().timeIntervalSince(start) < 5)
    }

    @Test("a closed store refuses work")
    func closed() throws {
        let store = try EmbeddedMongo.store()
        store.close()
        store.close()
        #expect {
            try store.ping()
        } throws: { error in
            (error as? StoreError)?.code == .unavailable
        }
    }

    @Test("concurrent callers share the pool")
    func concurrent() throws {
        let store = try EmbeddedMongo.store()
        defer { store.close() }
        let now = Date(timeIntervalSince1970: 1_736_544_600)
        let won = Atomic(0)
        DispatchQueue.concurrentPerform(iterations: 16) { index in
            if (try? store.claim(.string("m\(index % 4)"), owner: "a", expiresAt: now)) == true {
                won.add(1, ordering: .relaxed)
            }
        }
        // Every call got an answer; each claim that won counted exactly one attempt.
        let states = try store.analysisStates(messageIDs: (0..<4).map { .string("m\($0)") })
        #expect(states.values.map(\.attempts).reduce(0, +) == won.load(ordering: .relaxed))
        #expect(states.count == 4)
    }
}
