internal import CCurl

/// An error from ``CurlHTTPClient``; libcurl's `CURLcode` is mapped into it once, at the boundary.
///
/// An HTTP error status is not an `HTTPError`: it comes back as an ``HTTPResponse``.
public struct HTTPError: Error, CustomStringConvertible, Sendable {
    /// What kind of failure this is.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Kind: String, Sendable {
            case timeout, connectFailed, invalidURL, invalidRequest, tooLarge, transport
        }

        private let kind: Kind

        /// The connect or total timeout expired.
        public static let timeout = Code(kind: .timeout)
        /// The host could not be resolved or refused the connection.
        public static let connectFailed = Code(kind: .connectFailed)
        /// The URL is malformed, not http(s), or plain http to a host that is not loopback.
        public static let invalidURL = Code(kind: .invalidURL)
        /// The method or a header is malformed (for example contains a line break).
        public static let invalidRequest = Code(kind: .invalidRequest)
        /// The response body is larger than the configured maximum.
        public static let tooLarge = Code(kind: .tooLarge)
        /// Any other failure of the transfer (TLS, protocol, reset connection, libcurl setup).
        public static let transport = Code(kind: .transport)

        /// The code's name.
        public var description: String { kind.rawValue }
    }

    /// What kind of failure this is.
    public var code: Code
    /// Human-readable detail.
    public var message: String
    /// The libcurl `CURLcode`, when the error came from libcurl.
    public var curlCode: Int?

    /// True when trying again later may succeed: timeouts and connection failures.
    public var isRetriable: Bool { code == .timeout || code == .connectFailed }

    /// Creates an error.
    public init(_ code: Code, _ message: String, curlCode: Int? = nil) {
        self.code = code
        self.message = message
        self.curlCode = curlCode
    }

    /// "timeout: Operation timed out after 500 milliseconds …".
    public var description: String { "\(code): \(message)" }
}

extension HTTPError {
    /// Maps a failed libcurl call; `detail` is the error buffer's text when there is one.
    init(_ result: CURLcode, detail: String, context: String) {
        let summary = String(cString: curl_easy_strerror(result))
        let text = detail.isEmpty ? summary : "\(summary) (\(detail))"
        self.init(Self.code(result), "\(context): \(text)", curlCode: Int(result.rawValue))
    }

    private static func code(_ result: CURLcode) -> Code {
        switch result {
        case CURLE_OPERATION_TIMEDOUT:
            return .timeout
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            return .connectFailed
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL:
            return .invalidURL
        case CURLE_FILESIZE_EXCEEDED:
            return .tooLarge
        default:
            return .transport
        }
    }
}
