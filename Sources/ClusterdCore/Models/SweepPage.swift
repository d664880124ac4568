/// One page of the catch-up sweep's scan of the host's `messages`, in `_id` order: the unanalysed ids it found and
/// how far it got, so an incremental sweep can continue after `scannedThrough` next time.
public struct SweepPage: Sendable, Equatable {
    /// Host message ids with no usable analysis (no embedding, not failed, under the attempt limit), in `_id`
    /// order; at most the scan's limit.
    public var ids: [RecordID]
    /// The last `_id` the scan accounted for: every message after the scan's start up to and including it is either
    /// in `ids` or already analysed, failed or over its attempts. Nil when the scan examined no id.
    public var scannedThrough: RecordID?
    /// True when the scan reached the end of the collection; false when it stopped at its limit.
    public var reachedEnd: Bool

    /// Creates a page.
    public init(ids: [RecordID], scannedThrough: RecordID?, reachedEnd: Bool) {
        self.ids = ids
        self.scannedThrough = scannedThrough
        self.reachedEnd = reachedEnd
    }
}
