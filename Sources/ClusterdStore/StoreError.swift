internal import CMongoC

/// An error from the store; libmongoc's `bson_error_t` is mapped into it once, at the boundary.
public struct StoreError: Error, CustomStringConvertible, Sendable {
    /// What kind of failure this is.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Kind: String, Sendable {
            case unavailable, invalidArgument, notFound, conflict, `internal`
        }

        private let kind: Kind

        /// MongoDB cannot be reached or is not ready (server selection, connection, socket, shutdown).
        public static let unavailable = Code(kind: .unavailable)
        /// The request was malformed (bad id, bad URI, rejected document).
        public static let invalidArgument = Code(kind: .invalidArgument)
        /// The thing asked for does not exist.
        public static let notFound = Code(kind: .notFound)
        /// A write collided with existing data (duplicate key).
        public static let conflict = Code(kind: .conflict)
        /// Anything else.
        public static let `internal` = Code(kind: .internal)

        /// The code's name.
        public var description: String { kind.rawValue }
    }

    /// What kind of failure this is.
    public var code: Code
    /// Human-readable detail.
    public var message: String
    /// The libmongoc error domain and code, when the error came from libmongoc.
    public var mongocDomain: UInt32?
    /// The libmongoc (or server) error code, when the error came from libmongoc.
    public var mongocCode: UInt32?

    /// True when trying again later may succeed.
    public var isRetriable: Bool { code == .unavailable }

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// "unavailable: No suitable servers found …".
    public var description: String { "\(code): \(message)" }
}

extension StoreError {
    /// Maps a libmongoc error (error API version 2) to a store error; `context` names the operation.
    init(_ error: bson_error_t, context: String) {
        let text = withUnsafeBytes(of: error.message) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        self.init(Self.code(domain: error.domain, code: error.code), "\(context): \(text)")
        mongocDomain = error.domain
        mongocCode = error.code
    }

    private static func code(domain: UInt32, code: UInt32) -> Code {
        switch domain {
        case MONGOC_ERROR_SERVER_SELECTION.rawValue, MONGOC_ERROR_STREAM.rawValue, MONGOC_ERROR_POOL.rawValue:
            return .unavailable
        case MONGOC_ERROR_CLIENT.rawValue:
            return code == MONGOC_ERROR_CLIENT_AUTHENTICATE.rawValue ? .invalidArgument : .unavailable
        case MONGOC_ERROR_BSON.rawValue, MONGOC_ERROR_NAMESPACE.rawValue:
            return .invalidArgument
        case MONGOC_ERROR_COMMAND.rawValue:
            return code == MONGOC_ERROR_COMMAND_INVALID_ARG.rawValue ? .invalidArgument : serverCode(code)
        case MONGOC_ERROR_SERVER.rawValue, MONGOC_ERROR_WRITE_CONCERN.rawValue, MONGOC_ERROR_QUERY.rawValue,
            MONGOC_ERROR_COLLECTION.rawValue:
            return serverCode(code)
        default:
            return .internal
        }
    }

    /// Server error codes (https://www.mongodb.com/docs/manual/reference/error-codes/).
    private static func serverCode(_ code: UInt32) -> Code {
        switch code {
        case 11000, 11001, 12582: return .conflict
        case 2, 9, 14, 22, 40, 52: return .invalidArgument
        case 26: return .notFound
        case 6, 7, 89, 91, 189, 262, 9001, 10107, 11600, 11602, 13435, 13436: return .unavailable
        default: return .internal
        }
    }
}
