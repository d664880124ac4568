internal import CMongoC

/// Where and how the store talks to MongoDB.
public struct StoreConfiguration: Sendable, Equatable {
    /// MongoDB connection string.
    public var uri: String
    /// Database holding both the host's and clusterd's collections (the URI's path, else "clusterd").
    public var database: String
    /// Host-owned conversations (read only, except for demos and tests).
    public var conversationsCollection: String
    /// Host-owned messages (read only, except for demos and tests).
    public var messagesCollection: String
    /// clusterd's per-message analyses.
    public var analysesCollection: String
    /// clusterd's clustering runs.
    public var runsCollection: String
    /// clusterd's clusters, one document per cluster per run.
    public var clustersCollection: String
    /// clusterd's per-conversation assignments.
    public var assignmentsCollection: String
    /// clusterd's Claude token usage, one document per UTC day.
    public var llmUsageCollection: String
    /// clusterd's claims on messages being analysed: owner, expiry and attempts started, one document per message
    /// ever claimed.
    public var claimsCollection: String
    /// clusterd's provisional placements of conversations analysed since the latest run, one document per
    /// conversation.
    public var provisionalCollection: String = "provisional_assignments"
    /// clusterd's concept backlog: analyses with local concepts waiting for Claude's, one document per message,
    /// with a claim (owner, `available_at`) so replicas share it.
    public var conceptBacklogCollection: String = "concept_backlog"
    /// clusterd's leases (the clustering leader's: `_id` "clustering"), one document per lease.
    public var leasesCollection: String = "clusterd_leases"
    /// clusterd's hand curation of topics (kept names, merges), one document per stable id (`_id`).
    public var curationCollection: String = "clusterd_curation"
    /// clusterd's audit log of curation changes (who, what, when), one document per change.
    public var curationLogCollection: String = "clusterd_curation_log"
    /// clusterd's own progress markers, one document per marker (the sweep's position, the change stream's resume
    /// token), keyed by a name.
    public var stateCollection: String
    /// Maximum pooled connections; must be at least the number of threads using the store at once.
    public var poolSize: Int
    /// How long to wait for a usable server before failing, unless the URI sets `serverSelectionTimeoutMS`.
    public var serverSelectionTimeoutMS: Int32
    /// TCP connect timeout, unless the URI sets `connectTimeoutMS`.
    public var connectTimeoutMS: Int32
    /// Socket read/write timeout, unless the URI sets `socketTimeoutMS`.
    public var socketTimeoutMS: Int32
    /// Socket timeout of the sweep's scan, whose first answer can take minutes on a large collection (the embedded
    /// server reads every document before it answers), unless the URI sets `socketTimeoutMS`.
    public var scanTimeoutMS: Int32 = 1_800_000

    /// The default connection string: a local server on the standard port.
    public static let defaultURI = "mongodb://127.0.0.1:27017"
    /// The database used when neither the caller nor the URI names one.
    public static let defaultDatabase = "clusterd"

    /// Creates a configuration; `database` defaults to the URI's path, else "clusterd".
    public init(
        uri: String = StoreConfiguration.defaultURI,
        database: String? = nil,
        conversationsCollection: String = "conversations",
        messagesCollection: String = "messages",
        analysesCollection: String = "message_analyses",
        runsCollection: String = "clustering_runs",
        clustersCollection: String = "clusters",
        assignmentsCollection: String = "cluster_assignments",
        poolSize: Int = 8,
        serverSelectionTimeoutMS: Int32 = 2000,
        connectTimeoutMS: Int32 = 2000,
        socketTimeoutMS: Int32 = 5000,
        llmUsageCollection: String = "llm_usage",
        stateCollection: String = "clusterd_state",
        claimsCollection: String = "analysis_claims"
    ) {
        self.uri = uri
        self.database = database ?? Self.database(in: uri) ?? Self.defaultDatabase
        self.conversationsCollection = conversationsCollection
        self.messagesCollection = messagesCollection
        self.analysesCollection = analysesCollection
        self.runsCollection = runsCollection
        self.clustersCollection = clustersCollection
        self.assignmentsCollection = assignmentsCollection
        self.poolSize = poolSize
        self.serverSelectionTimeoutMS = serverSelectionTimeoutMS
        self.connectTimeoutMS = connectTimeoutMS
        self.socketTimeoutMS = socketTimeoutMS
        self.llmUsageCollection = llmUsageCollection
        self.stateCollection = stateCollection
        self.claimsCollection = claimsCollection
    }

    /// The database named in a connection string's path, if any (nil also for an unparsable URI).
    public static func database(in uri: String) -> String? {
        MongoClientPool.initializeLibrary()
        guard let parsed = mongoc_uri_new_with_error(uri, nil) else { return nil }
        defer { mongoc_uri_destroy(parsed) }
        guard let name = mongoc_uri_get_database(parsed) else { return nil }
        let text = String(cString: name)
        return text.isEmpty ? nil : text
    }
}
