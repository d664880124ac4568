/// The write-backpressure rule of a server connection, as a value: reading pauses while the socket is not writable
/// (its outbound buffer is above the high water mark: a peer that does not read what it is sent), and a connection
/// that stays unwritable for the write-stall timeout is closed. `WriteBackpressureHandler` carries it out for the
/// HTTP gateway, and the RPC server's connection state machine keeps one; it touches no channel, so it is tested
/// without one.
public struct WriteBackpressure: Sendable, Equatable {
    /// What a change of the socket's writability asks for.
    public enum WritabilityAction: Sendable, Equatable {
        /// Writable again: cancel the stall timer, and pass a held-back read on when `read` is true.
        case cancelStallTimer(read: Bool)
        /// No longer writable: start the stall timer.
        case startStallTimer
        /// Nothing new.
        case none
    }

    /// The socket accepts writes (as last reported).
    public private(set) var writable = true
    /// A read was held back because the socket was not writable.
    public private(set) var readPending = false
    /// The write-stall timer runs.
    public private(set) var stallTimerArmed = false
    /// The connection closed: nothing more is read or timed.
    public private(set) var closed = false

    /// A writable connection with nothing held back.
    public init() {}

    /// The channel wants to read: true to pass the read on, false to hold it back until the socket is writable.
    public mutating func read() -> Bool {
        guard writable, !closed else {
            readPending = !closed
            return false
        }
        return true
    }

    /// The socket's writability changed.
    public mutating func writabilityChanged(isWritable: Bool) -> WritabilityAction {
        guard !closed else { return .none }
        writable = isWritable
        if isWritable {
            stallTimerArmed = false
            defer { readPending = false }
            return .cancelStallTimer(read: readPending)
        }
        guard !stallTimerArmed else { return .none }
        stallTimerArmed = true
        return .startStallTimer
    }

    /// The stall timer fired: true to close the connection (the peer has not read for the whole timeout).
    public mutating func stallTimerFired() -> Bool {
        guard stallTimerArmed, !writable, !closed else { return false }
        stallTimerArmed = false
        closed = true
        return true
    }

    /// The connection closed: the stall timer, if any, is to be cancelled.
    public mutating func connectionClosed() {
        closed = true
        stallTimerArmed = false
        readPending = false
    }
}
