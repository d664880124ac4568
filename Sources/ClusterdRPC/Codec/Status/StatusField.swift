import ClusterdCore
import ClusterdWire

/// One entry of the status mapping: a `ServiceStatus` property and the protobuf-c `Status` field(s) it travels in.
///
/// The closures are plain functions (no key paths), so packing a status costs what the hand-written assignments
/// did.
struct StatusField: Sendable {
    /// The model property, as a path from `ServiceStatus` ("llm.calls").
    let model: String
    /// The wire fields written, as paths from `Status` ("configuration.message_threshold").
    let wire: [String]
    /// Writes the property into the message (the arena owns any C memory).
    let encode: @Sendable (ServiceStatus, inout Clusterd__V1__Status, CArena) -> Void
    /// Reads the property back from the message.
    let decode: @Sendable (Clusterd__V1__Status, inout ServiceStatus) -> Void

    /// Creates an entry.
    init(
        _ model: String,
        _ wire: String...,
        encode: @escaping @Sendable (ServiceStatus, inout Clusterd__V1__Status, CArena) -> Void,
        decode: @escaping @Sendable (Clusterd__V1__Status, inout ServiceStatus) -> Void
    ) {
        self.model = model
        self.wire = wire
        self.encode = encode
        self.decode = decode
    }
}
