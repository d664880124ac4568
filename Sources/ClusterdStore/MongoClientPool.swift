internal import CMongoC
import Logging
import Synchronization

/// Owns a `mongoc_client_pool_t` and its URI, and lends pooled clients inside `withClient { }`.
///
/// `withClient` blocks while every client is in use, so the pool's size must be at least the number of threads
/// that use it at once (the analysis workers plus the clustering lane plus status probes).
final class MongoClientPool: @unchecked Sendable {
    // @unchecked Sendable: `pool` and `uri` are set once in init and never reassigned; a mongoc client pool is
    // thread-safe (pop/push from any thread), each popped client is used by one thread only until pushed back,
    // and destruction is ordered by `state` so it happens once, after the last borrowed client is returned.
    private let pool: OpaquePointer
    private let uri: OpaquePointer
    private let state = Mutex(State())

    private struct State {
        var closed = false
        var destroyed = false
        var borrowed = 0
    }

    /// libmongoc's own warnings and errors, through the process's logging system (so a JSON log stays JSON).
    private static let libraryLogger = Logger(label: "libmongoc")

    private static let libraryInitialized: Void = {
        mongoc_init()
        // libmongoc's default handler prints DEBUG lines (e.g. every failed heartbeat while the server is down) in a
        // format of its own straight to stderr; keep warnings and worse, and log them as every other line is. The
        // store reports failures through thrown errors.
        mongoc_log_set_handler(
            { level, domain, message, _ in
                guard level.rawValue <= MONGOC_LOG_LEVEL_WARNING.rawValue, let message else { return }
                let text = String(cString: message)
                let origin = domain.map { String(cString: $0) } ?? "mongoc"
                let severity: Logger.Level =
                    level.rawValue <= MONGOC_LOG_LEVEL_CRITICAL.rawValue
                    ? .critical : level == MONGOC_LOG_LEVEL_ERROR ? .error : .warning
                MongoClientPool.libraryLogger.log(level: severity, "\(origin): \(text)")
            },
            nil
        )
    }()

    /// Calls `mongoc_init()` and quiets libmongoc's logging the first time (process-wide, thread-safe).
    static func initializeLibrary() {
        _ = libraryInitialized
    }

    /// Parses `uri`, adds the timeouts it does not set itself (all of them, over the URI's own, when
    /// `overridingURITimeouts`) and creates the pool.
    init(
        uri uriString: String,
        maxSize: Int,
        serverSelectionTimeoutMS: Int32,
        connectTimeoutMS: Int32,
        socketTimeoutMS: Int32,
        overridingURITimeouts: Bool = false
    ) throws {
        Self.initializeLibrary()
        guard maxSize >= 1 else { throw StoreError(.invalidArgument, "pool size must be at least 1, got \(maxSize)") }
        let uri = try Self.makeURI(
            uriString,
            serverSelectionTimeoutMS: serverSelectionTimeoutMS,
            connectTimeoutMS: connectTimeoutMS,
            socketTimeoutMS: socketTimeoutMS,
            overriding: overridingURITimeouts
        )
        var error = bson_error_t()
        guard let pool = mongoc_client_pool_new_with_error(uri, &error) else {
            mongoc_uri_destroy(uri)
            throw StoreError(error, context: "cannot create the MongoDB client pool")
        }
        mongoc_client_pool_set_error_api(pool, 2)
        mongoc_client_pool_max_size(pool, UInt32(clamping: maxSize))
        self.pool = pool
        self.uri = uri
    }

    /// Parses `uriString` and adds the timeouts it does not set itself (or sets them all when `overriding`); the
    /// caller destroys the returned `mongoc_uri_t`.
    static func makeURI(
        _ uriString: String,
        serverSelectionTimeoutMS: Int32,
        connectTimeoutMS: Int32,
        socketTimeoutMS: Int32,
        overriding: Bool = false
    ) throws -> OpaquePointer {
        var error = bson_error_t()
        guard let uri = mongoc_uri_new_with_error(uriString, &error) else {
            throw StoreError(.invalidArgument, StoreError(error, context: "invalid MongoDB URI").message)
        }
        let timeouts: [(String, Int32)] = [
            ("serverSelectionTimeoutMS", serverSelectionTimeoutMS),
            ("connectTimeoutMS", connectTimeoutMS),
            ("socketTimeoutMS", socketTimeoutMS),
        ]
        for (key, value) in timeouts where overriding || !mongoc_uri_has_option(uri, key) {
            guard mongoc_uri_set_option_as_int32(uri, key, value) else {
                mongoc_uri_destroy(uri)
                throw StoreError(.invalidArgument, "cannot set \(key)=\(value) on the MongoDB URI")
            }
        }
        return uri
    }

    /// Pops a client (blocking while all are in use), lends it to `body` on this thread, then pushes it back.
    func withClient<R>(_ body: (OpaquePointer) throws -> R) throws -> R {
        try state.withLock { state in
            guard !state.closed else { throw StoreError(.unavailable, "the store is closed") }
            state.borrowed += 1
        }
        defer { giveBack() }
        guard let client = mongoc_client_pool_pop(pool) else {
            throw StoreError(.internal, "mongoc_client_pool_pop returned no client")
        }
        defer { mongoc_client_pool_push(pool, client) }
        return try body(client)
    }

    /// The pool was closed: it refuses further use.
    var isClosed: Bool {
        state.withLock { $0.closed }
    }

    private func giveBack() {
        let destroyNow = state.withLock { state in
            state.borrowed -= 1
            guard state.closed, state.borrowed == 0, !state.destroyed else { return false }
            state.destroyed = true
            return true
        }
        if destroyNow { destroy() }
    }

    /// Refuses further use and destroys the pool (now, or when the last borrowed client comes back). Idempotent.
    func close() {
        let destroyNow = state.withLock { state in
            state.closed = true
            guard state.borrowed == 0, !state.destroyed else { return false }
            state.destroyed = true
            return true
        }
        if destroyNow { destroy() }
    }

    private func destroy() {
        mongoc_client_pool_destroy(pool)
        mongoc_uri_destroy(uri)
    }

    deinit {
        // No client can be borrowed here (withClient holds a strong reference), so destroying is safe.
        let destroyed = state.withLock { $0.destroyed }
        if !destroyed { destroy() }
    }
}
