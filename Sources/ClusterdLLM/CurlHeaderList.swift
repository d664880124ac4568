internal import CCurl

/// Request header lines: owns one `curl_slist`.
final class CurlHeaderList {
    private(set) var head: UnsafeMutablePointer<curl_slist>?

    private init() {}

    deinit {
        curl_slist_free_all(head)
    }

    /// Builds the list from complete lines ("Name: value").
    static func make(_ lines: [String]) throws(HTTPError) -> CurlHeaderList {
        let list = CurlHeaderList()
        for line in lines {
            guard let newHead = curl_slist_append(list.head, line) else {
                throw HTTPError(.transport, "curl_slist_append: out of memory")
            }
            list.head = newHead
        }
        return list
    }
}
