import Foundation

extension ReportModel {
    /// The model as JSON (dates as ISO 8601, keys sorted so equal models give equal bytes).
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "Infinity",
            negativeInfinity: "-Infinity",
            nan: "NaN"
        )
        return try encoder.encode(self)
    }

    /// A model read back from `jsonData()`.
    public init(jsonData: Data) throws {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "Infinity",
            negativeInfinity: "-Infinity",
            nan: "NaN"
        )
        self = try decoder.decode(ReportModel.self, from: jsonData)
    }

    /// The same model with only the clusters `offset ..< offset + limit` (a page of what clusterctl fetches).
    public func page(offset: Int, limit: Int) -> ReportModel {
        var page = self
        let start = min(max(0, offset), clusters.count)
        let end = min(clusters.count, start + max(0, limit))
        page.clusters = Array(clusters[start..<end])
        return page
    }

    /// The model whose clusters are those of `pages` in order (their header is the first page's).
    public static func joining(_ pages: [ReportModel]) -> ReportModel? {
        guard var model = pages.first else { return nil }
        model.clusters = pages.flatMap(\.clusters)
        return model
    }
}

extension ReportModel {
    /// Clusters per page when the caller leaves it to the server.
    public static let defaultPageClusters = 250
    /// A page's JSON is kept under this many bytes (the clients refuse replies over 1 MiB).
    public static let maxPageBytes = 768 * 1024

    /// The JSON of the page starting at `offset` with at most `limit` clusters (0: `defaultPageClusters`), halved
    /// until it fits `maxBytes` (one cluster always goes, however large); and where the next page starts.
    public func encodedPage(offset: Int, limit: Int, maxBytes: Int = maxPageBytes) throws -> (json: String, next: Int) {
        let start = min(max(0, offset), clusters.count)
        var count = limit > 0 ? limit : Self.defaultPageClusters
        while true {
            let page = page(offset: start, limit: count)
            let data = try page.jsonData()
            if data.count <= maxBytes || page.clusters.count <= 1 {
                return (String(decoding: data, as: UTF8.self), start + page.clusters.count)
            }
            count = max(1, page.clusters.count / 2)
        }
    }
}
