import ClusterdCore
import ClusterdHTTP
import ClusterdRPC
import Testing

@testable import ClusterdServer

@Suite struct ServerSettingsTests {
    @Test func defaultsWithNoVariables() throws {
        let settings = try ServerSettings(environment: [:])
        #expect(settings.rpc.host == "127.0.0.1")
        #expect(settings.rpc.port == 7420)
        #expect(settings.rpc.token == nil)
        #expect(settings.gateway == nil)
        #expect(settings.service.anthropic == nil)
        #expect(settings.process.logFormat == .text)
        #expect(settings.process.metricsEnabled)
        #expect(settings.rpc.frameDeadline == .seconds(10) && settings.rpc.writeStallTimeout == .seconds(30))
        #expect(settings.service.clustering.kRule == ClusteringConfiguration().kRule)
        #expect(settings.service.changeStream == .auto)
        // The pool has room for every thread that may hold a client at once.
        #expect(settings.store.poolSize >= settings.service.analysisWorkers + 5)
    }

    @Test func eachComponentReadsItsKeys() throws {
        let settings = try ServerSettings(environment: [
            "CLUSTERD_LISTEN": "[::1]:9000",
            "CLUSTERD_TOKEN": "s3cret-0123456789abcdef-0123456789",
            "CLUSTERD_HTTP_LISTEN": ":8081",
            "CLUSTERD_HTTP_MAX_CONNECTIONS": "0",
            "MONGODB_URI": "mongodb://u:p%40ss@127.0.0.1:27017/other",
            "CLUSTERD_MESSAGES_COLLECTION": "msgs",
            "BACKGROUND_CLUSTERING_ENABLED": "off",
            "CLUSTERING_MESSAGE_THRESHOLD": "7",
            "CLUSTERD_FIXED_K": "5",
            "CLUSTERD_KMEANS_TRAINING_PER_CENTROID": "256",
            "CLUSTERING_MAX_RUNS_PER_HOUR": "0",
            "CLUSTERING_QUIET_HOURS": "01:00-05:00",
            "CLUSTERD_LOG_FORMAT": "JSON",
            "CLUSTERD_METRICS": "off",
            "ANTHROPIC_API_KEY": "key",
            "CLUSTERD_LLM_TIMEOUT_SECONDS": "2.5",
            "CLUSTERD_ANTHROPIC_THINKING": "default",
            "CLUSTERD_CHANGE_STREAM": "OFF",
            "CLUSTERD_EMBEDDER_THREADS": "2",
            "CLUSTERD_EMBEDDER_PRECISION": "INT8",
        ])
        #expect(settings.rpc.host == "::1" && settings.rpc.port == 9000)
        #expect(settings.rpc.token == "s3cret-0123456789abcdef-0123456789")
        let gateway = try #require(settings.gateway)
        #expect(gateway.host == "127.0.0.1" && gateway.port == 8081)
        #expect(gateway.maxConnections == 1)
        // The gateway takes the RPC server's token, and both report the server's version.
        #expect(gateway.token == "s3cret-0123456789abcdef-0123456789")
        #expect(
            gateway.serverVersion == ClusterdVersion.current && settings.rpc.serverVersion == ClusterdVersion.current
        )
        #expect(settings.store.database == "other")
        #expect(settings.store.messagesCollection == "msgs")
        #expect(!settings.service.trigger.enabled)
        #expect(settings.service.trigger.messageThreshold == 7)
        #expect(settings.service.clustering.kRule == .fixed(5))
        #expect(settings.service.clustering.trainingPointsPerCentroid == 256)
        #expect(try ServerSettings(environment: [:]).service.clustering.trainingPointsPerCentroid == nil)
        #expect(settings.service.schedule.maxAutomaticRunsPerHour == nil)
        #expect(settings.service.schedule.quietHours != nil)
        #expect(settings.process.logFormat == .json)
        #expect(!settings.process.metricsEnabled)
        #expect(settings.service.changeStream == .off)
        #expect(settings.process.embedderThreads == 2)
        #expect(try ServerSettings(environment: [:]).process.embedderThreads == 1)
        #expect(settings.process.embedderPrecision == .int8)
        #expect(try ServerSettings(environment: [:]).process.embedderPrecision == .fp32)
        let claude = try #require(settings.service.anthropic)
        #expect(claude.http.totalTimeoutMilliseconds == 2500)
        #expect(!claude.disableThinking)
        // Secrets: the token, the API key, the URI's password.
        #expect(Set(settings.secrets).isSuperset(of: ["s3cret-0123456789abcdef-0123456789", "key", "p@ss"]))
    }

    @Test(arguments: [
        ("CLUSTERD_LISTEN", "nowhere", "CLUSTERD_LISTEN: address must be host:port, not nowhere"),
        ("CLUSTERD_HTTP_LISTEN", "70000", "CLUSTERD_HTTP_LISTEN: bad port 70000"),
        ("CLUSTERD_QUEUE_CAPACITY", "-1", "CLUSTERD_QUEUE_CAPACITY must be a non-negative integer, not -1"),
        ("CLUSTERD_TICK_SECONDS", "0", "CLUSTERD_TICK_SECONDS must be a positive number of seconds, not 0"),
        ("CLUSTERD_METRICS", "maybe", "CLUSTERD_METRICS must be on or off, not maybe"),
        (
            "BACKGROUND_CLUSTERING_ENABLED", "sometimes",
            "BACKGROUND_CLUSTERING_ENABLED must be true or false, not sometimes"
        ),
        ("CLUSTERD_HTTP_LISTEN", "here:there", "CLUSTERD_HTTP_LISTEN must be host:port, :port or port, not here:there"),
        ("CLUSTERD_LOG_FORMAT", "xml", "CLUSTERD_LOG_FORMAT must be text or json, not xml"),
        ("CLUSTERD_FIXED_K", "two", "CLUSTERD_FIXED_K must be a non-negative integer, not two"),
        (
            "CLUSTERD_KMEANS_TRAINING_PER_CENTROID", "many",
            "CLUSTERD_KMEANS_TRAINING_PER_CENTROID must be a non-negative integer, not many"
        ),
        ("CLUSTERD_CHANGE_STREAM", "sometimes", "CLUSTERD_CHANGE_STREAM must be auto or off, not sometimes"),
        ("CLUSTERD_EMBEDDER_THREADS", "0", "CLUSTERD_EMBEDDER_THREADS must be 1 to 64, not 0"),
        ("CLUSTERD_EMBEDDER_THREADS", "two", "CLUSTERD_EMBEDDER_THREADS must be a non-negative integer, not two"),
        ("CLUSTERD_EMBEDDER_PRECISION", "bf16", "CLUSTERD_EMBEDDER_PRECISION must be fp32, int8 or int8All, not bf16"),
    ])
    func badValuesNameTheirKey(key: String, value: String, message: String) {
        #expect(throws: SettingsError(message)) { try ServerSettings(environment: [key: value]) }
    }

    @Test func claudeRefusesPlainHTTPToAnotherHost() {
        #expect(throws: SettingsError.self) {
            try ServerSettings(environment: ["ANTHROPIC_API_KEY": "k", "ANTHROPIC_BASE_URL": "http://example.com"])
        }
        #expect(throws: SettingsError("CLUSTERD_ANTHROPIC_THINKING must be disabled or default, not maybe")) {
            try ServerSettings(environment: ["ANTHROPIC_API_KEY": "k", "CLUSTERD_ANTHROPIC_THINKING": "maybe"])
        }
    }

    @Test func blankOptionalKeysAreUnset() throws {
        let settings = try ServerSettings(environment: [
            "CLUSTERD_HTTP_LISTEN": "  ", "CLUSTERD_FIXED_K": "", "CLUSTERING_QUIET_HOURS": " ",
            "ANTHROPIC_API_KEY": " ",
            "CLUSTERD_TOKEN": "",
        ])
        #expect(settings.gateway == nil)
        #expect(settings.service.clustering.kRule == ClusteringConfiguration().kRule)
        #expect(settings.service.schedule.quietHours == nil)
        #expect(settings.service.anthropic == nil)
        #expect(settings.rpc.token == nil)
    }
}
