import ClusterdStore
import Testing

@Suite("StoreConfiguration")
struct StoreConfigurationTests {
    @Test("defaults")
    func defaults() {
        let configuration = StoreConfiguration()
        #expect(configuration.uri == "mongodb://127.0.0.1:27017")
        #expect(configuration.database == "clusterd")
        #expect(configuration.messagesCollection == "messages")
        #expect(configuration.analysesCollection == "message_analyses")
        #expect(configuration.runsCollection == "clustering_runs")
        #expect(configuration.assignmentsCollection == "cluster_assignments")
        #expect(configuration.poolSize == 8)
        #expect(configuration.serverSelectionTimeoutMS == 2000)
    }

    @Test("the database comes from the URI path unless given")
    func databaseFromURI() {
        #expect(StoreConfiguration(uri: "mongodb://h:1/chat?retryWrites=true").database == "chat")
        #expect(StoreConfiguration(uri: "mongodb://h:1/").database == "clusterd")
        #expect(StoreConfiguration(uri: "mongodb://h:1/chat", database: "other").database == "other")
        #expect(StoreConfiguration(uri: "not a uri").database == "clusterd")
    }

    @Test("an invalid URI or pool size is an invalid argument")
    func invalid() {
        #expect {
            _ = try MongoStore(configuration: StoreConfiguration(uri: "not a uri"))
        } throws: { error in
            (error as? StoreError)?.code == .invalidArgument
        }
        #expect {
            _ = try MongoStore(configuration: StoreConfiguration(poolSize: 0))
        } throws: { error in
            (error as? StoreError)?.code == .invalidArgument
        }
    }
}
