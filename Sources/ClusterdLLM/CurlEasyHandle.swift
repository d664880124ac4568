internal import CCurl

/// One transfer: owns one `CURL` easy handle, its error buffer, and whatever the handle points at.
///
/// Not shared between threads: ``CurlHTTPClient`` makes one per call. The URL and header list are kept by strong
/// references so they outlive the transfer; `deinit` cleans the easy handle up before they are released.
final class CurlEasyHandle {
    private let handle: UnsafeMutableRawPointer
    private let errorBuffer: UnsafeMutablePointer<CChar>
    private var url: CurlURL?
    private var headerList: CurlHeaderList?

    private init(handle: UnsafeMutableRawPointer) {
        self.handle = handle
        let size = Int(CURL_ERROR_SIZE)
        errorBuffer = .allocate(capacity: size)
        errorBuffer.initialize(repeating: 0, count: size)
    }

    deinit {
        curl_easy_cleanup(handle)
        errorBuffer.deallocate()
    }

    /// Creates a handle with its error buffer installed.
    static func make() throws(HTTPError) -> CurlEasyHandle {
        guard let raw = curl_easy_init() else {
            throw HTTPError(.transport, "curl_easy_init failed")
        }
        let easy = CurlEasyHandle(handle: raw)
        try easy.check(clusterd_curl_setopt_pointer(raw, CURLOPT_ERRORBUFFER, easy.errorBuffer), "CURLOPT_ERRORBUFFER")
        return easy
    }

    func set(_ option: CURLoption, _ value: Int) throws(HTTPError) {
        try check(clusterd_curl_setopt_long(handle, option, value), "option \(option.rawValue)")
    }

    func set(_ option: CURLoption, _ value: String) throws(HTTPError) {
        try check(clusterd_curl_setopt_string(handle, option, value), "option \(option.rawValue)")
    }

    func set(_ option: CURLoption, offset value: Int64) throws(HTTPError) {
        try check(clusterd_curl_setopt_off_t(handle, option, curl_off_t(value)), "option \(option.rawValue)")
    }

    func set(_ option: CURLoption, pointer value: UnsafeMutableRawPointer?) throws(HTTPError) {
        try check(clusterd_curl_setopt_pointer(handle, option, value), "option \(option.rawValue)")
    }

    /// Points the transfer at `url`, kept alive by this handle.
    func setURL(_ url: CurlURL) throws(HTTPError) {
        self.url = url
        try check(clusterd_curl_setopt_curlu(handle, url.handle), "CURLOPT_CURLU")
    }

    /// Sends `list` as the request headers, kept alive by this handle.
    func setHeaders(_ list: CurlHeaderList) throws(HTTPError) {
        headerList = list
        try check(clusterd_curl_setopt_slist(handle, CURLOPT_HTTPHEADER, list.head), "CURLOPT_HTTPHEADER")
    }

    func setWriteFunction(_ callback: clusterd_curl_write_callback) throws(HTTPError) {
        try check(clusterd_curl_setopt_write_function(handle, callback), "CURLOPT_WRITEFUNCTION")
    }

    func setHeaderFunction(_ callback: clusterd_curl_write_callback) throws(HTTPError) {
        try check(clusterd_curl_setopt_header_function(handle, callback), "CURLOPT_HEADERFUNCTION")
    }

    /// Runs the transfer to completion (blocking), returning libcurl's result unmapped.
    func perform() -> CURLcode {
        errorBuffer[0] = 0
        return curl_easy_perform(handle)
    }

    /// The text libcurl left in the error buffer by the last call.
    var errorDetail: String { String(cString: errorBuffer) }

    /// The status code of the last response received.
    func responseCode() throws(HTTPError) -> Int {
        var code = 0
        try check(clusterd_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &code), "CURLINFO_RESPONSE_CODE")
        return code
    }

    private func check(_ result: CURLcode, _ what: String) throws(HTTPError) {
        guard result == CURLE_OK else {
            throw HTTPError(result, detail: errorDetail, context: "setting \(what)")
        }
    }
}
