import ClusterdNetworking
import NIOCore

/// The decisions of one server connection, as a value: authentication (the Hello a token requires), the in-flight
/// limit (per frame: frames beyond it wait here, in order, and reading stops) and when reading pauses, the write-stall and idle rules, and closing. `RPCConnectionHandler` feeds it
/// events and carries out the actions it returns; it touches no channel, so it is tested without one.
struct RPCConnectionStateMachine {
    /// Where the connection is.
    enum Phase: Equatable {
        /// The server has a token and no Hello has been accepted yet.
        case awaitingHello
        /// Requests are served.
        case open
        /// An error was sent and the connection is closing (or closed); input is ignored.
        case closing
    }

    /// What to do with an inbound frame.
    enum FrameAction: Equatable {
        /// Nothing: the connection is closing.
        case ignore
        /// Send this error and close the connection (recorded under `method`).
        case refuse(callID: UInt64, RPCError, method: RPCMethod)
        /// Send this error; the connection stays open (recorded under `method`).
        case fail(callID: UInt64, RPCError, method: RPCMethod)
        /// Accept the Hello: send the HelloReply.
        case answerHello(callID: UInt64, clientName: String)
        /// Serve the request (a packed reply, or the service through `callStarted()`).
        case serve(callID: UInt64, RPCRequest)
    }

    /// What a change of the socket's writability asks for (the HTTP gateway's rule, shared).
    typealias WritabilityAction = WriteBackpressure.WritabilityAction

    /// What to do with a dispatched call's reply.
    enum CompletionAction: Equatable {
        /// The connection closed meanwhile (its calls were settled then): drop the reply.
        case drop
        /// Write the reply; pass a held-back read on when `read` is true, and close the connection once it is
        /// written when `close` is true (the last reply owed while quiescing).
        case write(read: Bool, close: Bool)
    }

    /// The protocol version this server speaks.
    static let protocolVersion = WireCodec.protocolVersion

    /// The refusal of a connection whose first frame is not a Hello with the token.
    static let helloRequired = RPCError(
        code: .unauthenticated,
        message: "this server requires a Hello with a valid token as the first frame"
    )

    private let token: String?
    private let maxFrameBytes: UInt32
    private let maxInFlight: Int
    private(set) var phase: Phase
    /// Calls dispatched whose replies are not written yet.
    private(set) var inFlight = 0
    /// A read was held back by the backpressure rules.
    private(set) var readPending = false
    /// The write-stall rule: whether the socket accepts writes and whether the stall timer runs. Reads held back
    /// are this machine's own (`readPending`), since the in-flight limit and quiescing hold them back too.
    private(set) var writes = WriteBackpressure()
    /// The socket accepts writes (as last reported).
    var writable: Bool { writes.writable }
    /// The write-stall timer runs.
    var stallTimerArmed: Bool { writes.stallTimerArmed }
    /// Between a read burst's first frame and its end: replies are written, then flushed once at the end.
    private(set) var inReadBurst = false
    /// Replies written but not flushed yet.
    private(set) var flushPending = false
    /// The server is shutting down and the linger runs: still served as usual.
    private(set) var lingering = false
    /// The server is shutting down: nothing more is read, and the connection closes once its calls are answered.
    private(set) var quiescing = false
    /// Frames that arrived while `maxInFlight` calls awaited replies, in order: at most what one read brought,
    /// since reading stops while any wait.
    private(set) var held = CircularBuffer<InboundFrame>()

    /// A connection to a server with `token` (nil: none required), refusing frames over `maxFrameBytes` and
    /// pausing reads at `maxInFlight` calls awaiting replies.
    init(token: String?, maxFrameBytes: UInt32, maxInFlight: Int) {
        self.token = token
        self.maxFrameBytes = maxFrameBytes
        self.maxInFlight = max(1, maxInFlight)
        self.phase = token == nil ? .open : .awaitingHello
    }

    // MARK: - Reading

    /// The channel wants to read: true to pass the read on, false to hold it back (too many calls in flight, or a
    /// peer that does not read its replies).
    mutating func read() -> Bool {
        if inFlight >= maxInFlight || !writable || quiescing || !held.isEmpty {
            readPending = true
            return false
        }
        return true
    }

    /// A held-back read may go on now: true to pass it on.
    mutating func resumeReading() -> Bool {
        guard readPending, inFlight < maxInFlight, writable, !quiescing, held.isEmpty else { return false }
        readPending = false
        return true
    }

    /// A frame came out of the decoder: it is returned to be handled now, or nil when it waits (calls in flight at
    /// the limit, or earlier frames waiting) until `nextHeldFrame()` gives it back.
    mutating func frameArrived(_ frame: InboundFrame) -> InboundFrame? {
        if phase == .closing || (held.isEmpty && inFlight < maxInFlight) { return frame }
        held.append(frame)
        return nil
    }

    /// The next waiting frame, once a call has completed below the limit (or the connection is closing: it is
    /// handed back to be ignored); nil when none waits or the limit is still reached.
    mutating func nextHeldFrame() -> InboundFrame? {
        guard !held.isEmpty, inFlight < maxInFlight || phase == .closing else { return nil }
        return held.removeFirst()
    }

    /// A frame of `length` bytes above the limit arrived (its body is not buffered).
    mutating func frameOversized(length: UInt32) -> FrameAction {
        inReadBurst = true
        guard phase != .closing else { return .ignore }
        let message = "frame of \(length) bytes exceeds the limit of \(maxFrameBytes) bytes"
        return refuse(callID: 0, RPCError(code: .resourceExhausted, message: message), method: .invalid)
    }

    /// A frame that is not a `Frame` arrived.
    mutating func frameUndecodable(_ error: RPCError) -> FrameAction {
        inReadBurst = true
        switch phase {
        case .closing: return .ignore
        case .awaitingHello: return refuse(callID: 0, Self.helloRequired, method: .invalid)
        case .open: return .fail(callID: 0, error, method: .invalid)
        }
    }

    /// A decoded frame arrived.
    mutating func frameReceived(_ frame: RPCFrame) -> FrameAction {
        inReadBurst = true
        switch (phase, frame.body) {
        case (.closing, _):
            return .ignore
        case (.awaitingHello, .request(.hello(let version, let clientName, let offered)))
        where token.map { TokenComparison.constantTimeEquals(offered, $0) } ?? false:
            phase = .open
            return hello(callID: frame.callID, version: version, clientName: clientName)
        case (.awaitingHello, _):
            return refuse(callID: frame.callID, Self.helloRequired, method: Self.method(of: frame.body))
        case (.open, .request(.hello(let version, let clientName, _))):
            return hello(callID: frame.callID, version: version, clientName: clientName)
        case (.open, .request(let request)):
            return .serve(callID: frame.callID, request)
        case (.open, .reply):
            let error = RPCError(code: .invalidArgument, message: "a reply body is not a request")
            return .fail(callID: frame.callID, error, method: .invalid)
        case (.open, .oversizedBatch(let items)):
            let message =
                "the batch has \(items) items; at most \(WireCodec.maxBatchItems) are accepted (refused before decoding)"
            return .fail(
                callID: frame.callID,
                RPCError(code: .invalidArgument, message: message),
                method: .triggerAnalysisBatch
            )
        case (.open, .invalidRequest(let error)):
            return .fail(callID: frame.callID, error, method: .invalid)
        case (.open, .unknown):
            let error = RPCError(code: .unimplemented, message: "unknown body kind for protocol version 1")
            return .fail(callID: frame.callID, error, method: .invalid)
        }
    }

    private func hello(callID: UInt64, version: UInt32, clientName: String) -> FrameAction {
        guard version <= Self.protocolVersion else {
            let message = "protocol version \(version) is not supported; this server speaks \(Self.protocolVersion)"
            return .fail(callID: callID, RPCError(code: .failedPrecondition, message: message), method: .hello)
        }
        return .answerHello(callID: callID, clientName: clientName)
    }

    private mutating func refuse(callID: UInt64, _ error: RPCError, method: RPCMethod) -> FrameAction {
        phase = .closing
        return .refuse(callID: callID, error, method: method)
    }

    private static func method(of body: RPCMessage) -> RPCMethod {
        if case .request(let request) = body { return RPCMethod(request) }
        return .invalid
    }

    /// The end of a read burst: true to flush the replies written during it.
    mutating func readComplete() -> Bool {
        inReadBurst = false
        defer { flushPending = false }
        return flushPending
    }

    // MARK: - Calls and writes

    /// A request went to the service; its reply comes through `callCompleted()`.
    mutating func callStarted() {
        inFlight += 1
    }

    /// A dispatched call's reply is ready.
    mutating func callCompleted() -> CompletionAction {
        guard inFlight > 0 else { return .drop }
        inFlight -= 1
        guard quiescing, inFlight == 0, held.isEmpty else { return .write(read: resumeReading(), close: false) }
        phase = .closing
        return .write(read: false, close: true)
    }

    /// The server is shutting down: true to start the linger timer. Until it ends the connection is served as
    /// before, so requests the peer sent just before the shutdown (still in the socket's buffer) are read and
    /// answered too; false when the connection is already closing or lingering.
    mutating func quiesce() -> Bool {
        guard phase != .closing, !lingering, !quiescing else { return false }
        lingering = true
        return true
    }

    /// The linger after `quiesce()` is over: nothing more is read. True to close now (nothing is owed; what was
    /// written goes out first), false to close after the last reply owed (`callCompleted()` says when).
    mutating func lingerEnded() -> Bool {
        guard lingering else { return false }
        lingering = false
        quiescing = true
        guard inFlight == 0, phase != .closing else { return false }
        phase = .closing
        return true
    }

    /// A reply is being written: true to flush it now, false when the end of the read burst will.
    mutating func replyWritten() -> Bool {
        guard inReadBurst else { return true }
        flushPending = true
        return false
    }

    /// The socket's writability changed.
    mutating func writabilityChanged(isWritable: Bool) -> WritabilityAction {
        switch writes.writabilityChanged(isWritable: isWritable) {
        case .cancelStallTimer: return .cancelStallTimer(read: resumeReading())
        case let action: return action
        }
    }

    /// The stall timer fired: true to close the connection (the peer has not read its replies all that time).
    mutating func stallTimerFired() -> Bool {
        guard writes.stallTimerFired() else { return false }
        phase = .closing
        return true
    }

    /// No inbound bytes for the idle timeout: close.
    mutating func idleTimeout() -> Bool {
        phase = .closing
        return true
    }

    /// The connection closed: the calls still awaiting replies, which will never be written (the caller settles
    /// them in the server's count). The stall and linger timers, if any, are to be cancelled.
    mutating func closed() -> Int {
        let unsettled = inFlight
        inFlight = 0
        phase = .closing
        writes.connectionClosed()
        lingering = false
        held.removeAll()
        return unsettled
    }
}
