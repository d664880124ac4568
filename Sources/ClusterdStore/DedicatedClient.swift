internal import CMongoC

/// A MongoDB client of its own, outside the store's pool (which is sized for the lanes), opened on one collection:
/// for a reader that holds its connection for a long time or needs another socket timeout (the change stream, the
/// sweep's scan). Use it from one thread at a time; `close()` (or deinit) destroys the collection, then the client.
final class DedicatedClient: @unchecked Sendable {
    // @unchecked Sendable: the handles are set once in init and used by one thread at a time (the owner's).
    private let uri: OpaquePointer
    /// The client.
    let client: OpaquePointer
    /// The collection it was opened on.
    let collection: OpaquePointer
    /// The collection's name.
    let collectionName: String
    private var closed = false

    /// Connects (lazily, as libmongoc does) to `configuration`'s server with its timeouts, except the socket timeout
    /// when `socketTimeoutMS` is given (the URI's own `socketTimeoutMS` still wins), and opens `collectionName`.
    init(
        configuration: StoreConfiguration,
        collectionName: String,
        appName: String,
        socketTimeoutMS: Int32? = nil
    ) throws {
        MongoClientPool.initializeLibrary()
        let uri = try MongoClientPool.makeURI(
            configuration.uri,
            serverSelectionTimeoutMS: configuration.serverSelectionTimeoutMS,
            connectTimeoutMS: configuration.connectTimeoutMS,
            socketTimeoutMS: socketTimeoutMS ?? configuration.socketTimeoutMS
        )
        var error = bson_error_t()
        guard let client = mongoc_client_new_from_uri_with_error(uri, &error) else {
            mongoc_uri_destroy(uri)
            throw StoreError(error, context: "cannot create the MongoDB client for \(appName)")
        }
        mongoc_client_set_error_api(client, 2)
        _ = mongoc_client_set_appname(client, appName)
        guard let collection = mongoc_client_get_collection(client, configuration.database, collectionName) else {
            mongoc_client_destroy(client)
            mongoc_uri_destroy(uri)
            throw StoreError(.internal, "cannot open collection \(collectionName)")
        }
        self.uri = uri
        self.client = client
        self.collection = collection
        self.collectionName = collectionName
    }

    /// Destroys the collection and the client (a stream or cursor on them must be destroyed first). Idempotent.
    func close() {
        guard !closed else { return }
        closed = true
        mongoc_collection_destroy(collection)
        mongoc_client_destroy(client)
        mongoc_uri_destroy(uri)
    }

    deinit {
        close()
    }
}
