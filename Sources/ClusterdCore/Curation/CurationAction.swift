/// What a hand-curation change does to a topic.
public enum CurationAction: String, Sendable, Equatable, CaseIterable {
    /// Give the topic a name (and optionally a description) that later runs keep while its stable id continues;
    /// neither Claude nor local naming replaces it.
    case rename
    /// Keep the topic's current name (as the latest successful run shows it) in later runs, as a rename to it would.
    case pin
    /// Drop a rename or pin: later runs name the topic by the usual rules again.
    case unpin
    /// Map the topic's stable id onto another's: later runs report its conversations under the surviving id.
    case merge
}
