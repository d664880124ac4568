internal import CCurl

/// A URL parsed by libcurl: owns one `CURLU` handle.
///
/// The transfer is given this same handle (`CURLOPT_CURLU`), so the scheme and host that were checked are the ones
/// connected to: no second parser can read the string differently.
final class CurlURL {
    let handle: OpaquePointer

    private init(handle: OpaquePointer) {
        self.handle = handle
    }

    deinit {
        curl_url_cleanup(handle)
    }

    /// Parses an absolute URL; the scheme is required, never guessed.
    static func parse(_ string: String) throws(HTTPError) -> CurlURL {
        guard let handle = curl_url() else {
            throw HTTPError(.transport, "curl_url: out of memory")
        }
        let url = CurlURL(handle: handle)
        let result = curl_url_set(handle, CURLUPART_URL, string, 0)
        guard result == CURLUE_OK else {
            // The URL itself is not echoed: it may carry a key in its query.
            throw HTTPError(.invalidURL, "cannot parse URL: \(String(cString: curl_url_strerror(result)))")
        }
        return url
    }

    /// The lower-cased scheme, such as "https".
    var scheme: String? { part(CURLUPART_SCHEME)?.lowercased() }

    /// The host as libcurl will connect to it (IPv6 in brackets, IPv4 normalised).
    var host: String? { part(CURLUPART_HOST)?.lowercased() }

    private func part(_ which: CURLUPart) -> String? {
        var value: UnsafeMutablePointer<CChar>? = nil
        guard curl_url_get(handle, which, &value, 0) == CURLUE_OK, let value else {
            return nil
        }
        defer { curl_free(value) }
        return String(cString: value)
    }
}
