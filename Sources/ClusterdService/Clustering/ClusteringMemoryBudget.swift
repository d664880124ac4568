/// How many conversations a clustering run holds at once within `CLUSTERD_CLUSTERING_MEMORY_MB`.
///
/// A held conversation costs its vector three times over while the engine fits (the collector's sum, the engine's
/// conversation vector, k-means' normalised row) plus about 512 bytes of ids, concepts and per-point bookkeeping; a
/// fixed reserve covers one batch of analyses from the store, the assignment block's product and the silhouette
/// sample. The assignments and ids of every conversation (what a run writes) are not counted: they come on top.
struct ClusteringMemoryBudget: Sendable, Equatable {
    /// The budget, bytes.
    let bytes: Int
    /// Bytes set aside for scratch whatever the number of conversations.
    let reservedBytes: Int

    /// The default reserve: 32 MiB.
    static let defaultReserve = 32 << 20

    /// A budget of `megabytes` MiB with the default reserve.
    init(megabytes: Int) {
        self.init(bytes: max(0, megabytes) << 20, reservedBytes: Self.defaultReserve)
    }

    /// A budget of `bytes` of which `reservedBytes` are scratch.
    init(bytes: Int, reservedBytes: Int) {
        self.bytes = max(0, bytes)
        self.reservedBytes = max(0, reservedBytes)
    }

    /// Bytes one held conversation of `dimension` floats costs.
    static func bytesPerConversation(dimension: Int) -> Int {
        3 * max(0, dimension) * MemoryLayout<Float>.size + 512
    }

    /// Most conversations of `dimension` floats held at once (at least 2, so a run can always cluster).
    func conversationCapacity(dimension: Int) -> Int {
        max(2, (bytes - reservedBytes) / Self.bytesPerConversation(dimension: dimension))
    }
}
