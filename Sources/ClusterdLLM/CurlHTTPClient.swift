internal import CCurl
import Foundation

/// A blocking HTTP client over libcurl, for the Anthropic and embedding APIs.
///
/// ``send(_:)`` blocks the calling thread for the whole transfer: call it from an `OperationQueue`, never from an
/// event loop or the Swift cooperative pool. Each call uses its own easy handle, so one client may be used from many
/// threads at once; it holds nothing but its immutable configuration.
///
/// Redirects are never followed, only `http` and `https` are spoken, and plain `http` is refused unless the host is
/// loopback (127.0.0.0/8, `localhost`, `[::1]`): API keys must never travel in clear text.
public final class CurlHTTPClient: Sendable {
    /// The limits applied to every request.
    public let configuration: HTTPClientConfiguration

    /// Initialises libcurl for the process (once) and creates a client.
    ///
    /// Throws ``HTTPError/Code-swift.struct/invalidRequest`` for a non-positive limit, and
    /// ``HTTPError/Code-swift.struct/transport`` if libcurl cannot be initialised.
    public init(configuration: HTTPClientConfiguration = HTTPClientConfiguration()) throws(HTTPError) {
        guard
            configuration.connectTimeoutMilliseconds > 0, configuration.totalTimeoutMilliseconds > 0,
            configuration.maxResponseBytes > 0
        else {
            throw HTTPError(.invalidRequest, "timeouts and the response size limit must be positive")
        }
        guard Self.globalInitResult == CURLE_OK.rawValue else {
            throw HTTPError(.transport, "curl_global_init failed with CURLcode \(Self.globalInitResult)")
        }
        self.configuration = configuration
    }

    /// `curl_global_init` runs once per process, the first time a client is created.
    private static let globalInitResult: UInt32 = curl_global_init(Int(CURL_GLOBAL_ALL)).rawValue

    /// Sends `request` and waits for the whole response; any status, including 4xx and 5xx, is returned.
    ///
    /// Throws ``HTTPError`` when no complete response arrives: bad URL or request (before any I/O), connection
    /// failure, timeout, a body above ``HTTPClientConfiguration/maxResponseBytes``, or another transport failure.
    public func send(_ request: HTTPRequest) throws(HTTPError) -> HTTPResponse {
        let url = try CurlURL.parse(request.url)
        try Self.checkTransportSecurity(url)
        try Self.validate(request)

        let easy = try CurlEasyHandle.make()
        try easy.setURL(url)
        try easy.set(CURLOPT_PROTOCOLS_STR, "http,https")
        try easy.set(CURLOPT_NOSIGNAL, 1)
        try easy.set(CURLOPT_FOLLOWLOCATION, 0)
        try easy.set(CURLOPT_CONNECTTIMEOUT_MS, configuration.connectTimeoutMilliseconds)
        try easy.set(CURLOPT_TIMEOUT_MS, configuration.totalTimeoutMilliseconds)
        try easy.set(CURLOPT_MAXFILESIZE_LARGE, offset: Int64(configuration.maxResponseBytes))
        try easy.set(CURLOPT_USERAGENT, configuration.userAgent)
        try easy.set(CURLOPT_ACCEPT_ENCODING, "")

        // libcurl's spelling: "Name;" sends an empty field, "Name:" removes one libcurl would add.
        var lines = request.headers.map { name, value in value.isEmpty ? "\(name);" : "\(name): \(value)" }
        if !request.headers.contains(where: { $0.0.lowercased() == "expect" }) {
            lines.append("Expect:")  // no "100-continue" round trip before large bodies
        }
        try easy.setHeaders(CurlHeaderList.make(lines))
        try Self.setMethodAndBody(request, on: easy)

        let sink = ResponseSink(limit: configuration.maxResponseBytes)
        let sinkPointer = Unmanaged.passUnretained(sink).toOpaque()
        try easy.setWriteFunction { data, size, count, userData in
            guard let userData else { return 0 }
            return Unmanaged<ResponseSink>.fromOpaque(userData).takeUnretainedValue().appendBody(data, size * count)
        }
        try easy.set(CURLOPT_WRITEDATA, pointer: sinkPointer)
        try easy.setHeaderFunction { data, size, count, userData in
            guard let userData else { return 0 }
            return Unmanaged<ResponseSink>.fromOpaque(userData).takeUnretainedValue().appendHeader(data, size * count)
        }
        try easy.set(CURLOPT_HEADERDATA, pointer: sinkPointer)

        let result = withExtendedLifetime(sink) { easy.perform() }
        if sink.exceededLimit || result == CURLE_FILESIZE_EXCEEDED {
            throw HTTPError(
                .tooLarge,
                "response body exceeds the limit of \(configuration.maxResponseBytes) bytes; transfer aborted",
                curlCode: Int(result.rawValue)
            )
        }
        guard result == CURLE_OK else {
            throw HTTPError(result, detail: easy.errorDetail, context: "\(request.method) \(url.host ?? "?")")
        }
        return HTTPResponse(status: try easy.responseCode(), headers: sink.headers, body: sink.body)
    }

    /// Refuses plain `http` unless the host is loopback, before any I/O.
    static func checkTransportSecurity(_ url: CurlURL) throws(HTTPError) {
        switch url.scheme {
        case "https":
            return
        case "http":
            guard let host = url.host, isLoopback(host) else {
                throw HTTPError(
                    .invalidURL,
                    "plain http is allowed only to loopback hosts; use https for \(url.host ?? "this host")"
                )
            }
        default:
            throw HTTPError(.invalidURL, "only http and https URLs are supported")
        }
    }

    /// True for `localhost`, an IPv4 address in 127.0.0.0/8, or `::1`.
    static func isLoopback(_ host: String) -> Bool {
        let host = host.lowercased()
        if host == "localhost" || host == "localhost." || host == "[::1]" || host == "::1" {
            return true
        }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4 else { return false }
        let values = octets.compactMap { $0.allSatisfy(\.isASCII) ? UInt8($0) : nil }
        return values.count == 4 && values[0] == 127
    }

    /// Rejects a method that is not an HTTP token and header fields that could split the request.
    private static func validate(_ request: HTTPRequest) throws(HTTPError) {
        let tokenCharacters = Set("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
        guard !request.method.isEmpty, request.method.allSatisfy(tokenCharacters.contains) else {
            throw HTTPError(.invalidRequest, "invalid method")
        }
        for (name, value) in request.headers {
            guard !name.isEmpty, name.allSatisfy(tokenCharacters.contains) else {
                throw HTTPError(.invalidRequest, "invalid header name \"\(name)\"")
            }
            // Bytes, not Characters: "\r\n" is one Character and would pass a test for "\r" or "\n".
            guard !value.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0 }) else {
                throw HTTPError(.invalidRequest, "header \(name) contains a line break or NUL")
            }
        }
    }

    /// GET and HEAD use libcurl's own modes; a body is always sent from a copy with its explicit size, so libcurl
    /// never falls back to reading one from stdin.
    private static func setMethodAndBody(_ request: HTTPRequest, on easy: CurlEasyHandle) throws(HTTPError) {
        let method = request.method
        let body = request.body ?? (method == "POST" ? Data() : nil)
        guard let body else {
            switch method {
            case "GET": try easy.set(CURLOPT_HTTPGET, 1)
            case "HEAD": try easy.set(CURLOPT_NOBODY, 1)
            default: try easy.set(CURLOPT_CUSTOMREQUEST, method)
            }
            return
        }
        try easy.set(CURLOPT_POSTFIELDSIZE_LARGE, offset: Int64(body.count))
        // COPYPOSTFIELDS copies `body.count` bytes at once; an empty body still needs a non-null pointer.
        var copyResult: Result<Void, HTTPError> = .success(())
        let bytes = body.isEmpty ? Data([0]) : body
        bytes.withUnsafeBytes { raw in
            do throws(HTTPError) {
                try easy.set(CURLOPT_COPYPOSTFIELDS, pointer: UnsafeMutableRawPointer(mutating: raw.baseAddress))
            } catch {
                copyResult = .failure(error)
            }
        }
        try copyResult.get()
        if method != "POST" {
            try easy.set(CURLOPT_CUSTOMREQUEST, method)
        }
    }
}

/// Collects the response while libcurl runs; touched only by the calling thread, inside `curl_easy_perform`.
private final class ResponseSink {
    let limit: Int
    var body = Data()
    var headers: [String: String] = [:]
    var exceededLimit = false

    init(limit: Int) {
        self.limit = limit
    }

    /// Returns a count other than `length` to make libcurl abort the transfer.
    func appendBody(_ data: UnsafeMutablePointer<CChar>?, _ length: Int) -> Int {
        guard body.count + length <= limit else {
            exceededLimit = true
            return 0
        }
        if let data, length > 0 {
            body.append(UnsafeRawPointer(data).assumingMemoryBound(to: UInt8.self), count: length)
        }
        return length
    }

    /// Receives one header line; a status line (a new, possibly interim, response) starts the fields afresh.
    func appendHeader(_ data: UnsafeMutablePointer<CChar>?, _ length: Int) -> Int {
        guard let data else { return length }
        let bytes = UnsafeRawBufferPointer(start: data, count: length)
        let line = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if line.hasPrefix("HTTP/") {
            headers = [:]
        } else if let colon = line.firstIndex(of: ":") {
            let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            if let existing = headers[name] {
                headers[name] = existing + ", " + value
            } else {
                headers[name] = value
            }
        }
        return length
    }
}
