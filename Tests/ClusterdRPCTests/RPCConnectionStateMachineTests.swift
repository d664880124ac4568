import NIOCore
import Testing

@testable import ClusterdRPC

/// The connection's decisions without a channel: authentication, serving, the in-flight limit and read pausing,
/// the write-stall timer, read-burst flushing, and closing.
@Suite struct RPCConnectionStateMachineTests {
    private typealias Machine = RPCConnectionStateMachine

    private static func frame(_ callID: UInt64, _ request: RPCRequest) -> RPCFrame {
        RPCFrame(callID: callID, request: request)
    }

    private static func hello(token: String, version: UInt32 = 1) -> RPCFrame {
        frame(1, .hello(protocolVersion: version, clientName: "test", token: token))
    }

    @Test func withoutATokenRequestsAreServedAtOnce() {
        var machine = Machine(token: nil, maxFrameBytes: 1024, maxInFlight: 4)
        #expect(machine.phase == .open)
        #expect(machine.frameReceived(Self.frame(7, .getStatus)) == .serve(callID: 7, .getStatus))
        #expect(machine.frameReceived(Self.hello(token: "")) == .answerHello(callID: 1, clientName: "test"))
    }

    @Test func aTokenRequiresAHelloFirst() {
        var machine = Machine(token: "s3cret", maxFrameBytes: 1024, maxInFlight: 4)
        #expect(machine.phase == .awaitingHello)
        #expect(
            machine.frameReceived(Self.frame(42, .getStatus))
                == .refuse(callID: 42, Machine.helloRequired, method: .getStatus)
        )
        #expect(machine.phase == .closing)
        // Once refused, everything else is ignored.
        #expect(machine.frameReceived(Self.hello(token: "s3cret")) == .ignore)
        #expect(machine.frameOversized(length: 1 << 30) == .ignore)
    }

    @Test func aWrongTokenIsRefusedAsAHello() {
        var machine = Machine(token: "s3cret", maxFrameBytes: 1024, maxInFlight: 4)
        #expect(
            machine.frameReceived(Self.hello(token: "s3cre"))
                == .refuse(callID: 1, Machine.helloRequired, method: .hello)
        )
    }

    @Test func anUndecodableFirstFrameIsRefusedWhenATokenIsRequired() {
        let malformed = RPCError(code: .invalidArgument, message: "malformed")
        var guarded = Machine(token: "s3cret", maxFrameBytes: 1024, maxInFlight: 4)
        #expect(guarded.frameUndecodable(malformed) == .refuse(callID: 0, Machine.helloRequired, method: .invalid))
        var open = Machine(token: nil, maxFrameBytes: 1024, maxInFlight: 4)
        #expect(open.frameUndecodable(malformed) == .fail(callID: 0, malformed, method: .invalid))
        #expect(open.phase == .open)
    }

    @Test func theRightHelloOpensTheConnection() {
        var machine = Machine(token: "s3cret", maxFrameBytes: 1024, maxInFlight: 4)
        #expect(machine.frameReceived(Self.hello(token: "s3cret")) == .answerHello(callID: 1, clientName: "test"))
        #expect(machine.phase == .open)
        #expect(machine.frameReceived(Self.frame(2, .forceClustering)) == .serve(callID: 2, .forceClustering))
    }

    @Test func aNewerProtocolVersionFailsThePreconditionButKeepsTheConnection() {
        var machine = Machine(token: nil, maxFrameBytes: 1024, maxInFlight: 4)
        guard case .fail(1, let error, .hello) = machine.frameReceived(Self.hello(token: "", version: 2)) else {
            Issue.record("expected a failed Hello")
            return
        }
        #expect(error.code == .failedPrecondition)
        #expect(machine.phase == .open)
    }

    @Test func replyKindsAndUnknownBodiesGetErrorsNotAClose() {
        var machine = Machine(token: nil, maxFrameBytes: 1024, maxInFlight: 4)
        let reply = RPCFrame(callID: 3, reply: .listRuns(RunPage(runs: [])))
        guard case .fail(3, let invalid, .invalid) = machine.frameReceived(reply) else {
            Issue.record("expected INVALID_ARGUMENT")
            return
        }
        #expect(invalid.code == .invalidArgument)
        guard case .fail(4, let unknown, .invalid) = machine.frameReceived(RPCFrame(callID: 4, body: .unknown)) else {
            Issue.record("expected UNIMPLEMENTED")
            return
        }
        #expect(unknown.code == .unimplemented)
        let refusal = RPCError(code: .invalidArgument, message: "unknown curation action")
        guard
            case .fail(5, let refused, .invalid) = machine.frameReceived(
                RPCFrame(callID: 5, body: .invalidRequest(refusal))
            )
        else {
            Issue.record("expected the decoder's refusal")
            return
        }
        #expect(refused == refusal)
        #expect(machine.phase == .open)
    }

    @Test func anOversizedFrameIsRefusedWithResourceExhausted() {
        var machine = Machine(token: nil, maxFrameBytes: 1024, maxInFlight: 4)
        guard case .refuse(0, let error, .invalid) = machine.frameOversized(length: 4096) else {
            Issue.record("expected a refusal")
            return
        }
        #expect(error.code == .resourceExhausted)
        #expect(error.message.contains("4096") && error.message.contains("1024"))
        #expect(machine.phase == .closing)
    }

    @Test func readingPausesAtTheInFlightLimitAndResumesWhenACallCompletes() {
        var machine = Machine(token: nil, maxFrameBytes: 1024, maxInFlight: 2)
        #expect(machine.read() == true)
        machine.callStarted()
        #expect(machine.read() == true)
        machine.callStarted()
        #expect(machine.read() == false, "two calls in flight: the read is held back")
        #expect(machine.readPending)
        #expect(
            machine.callCompleted() == .write(read: true, close: false),
            "one slot free: the held-back read goes on"
        )
        #expect(!machine.readPending)
        #expect(machine.callCompleted() == .write(read: false, close: false), "no read was pending")
        #expect(machine.inFlight == 0)
    }

    @Test func framesBeyondTheInFlightLimitWaitInOrderAndReadingStaysPausedUntilTheyAreServed() {
        var machine = Machine(token: nil, maxFrameBytes: 1024, maxInFlight: 2)
        let frames = (1...4).map { InboundFrame.frame(ByteBuffer(bytes: [UInt8($0)])) }
        // One read burst brings four frames: two are served, two wait.
        #expect(machine.frameArrived(frames[0]) == frames[0])
        machine.callStarted()
        #expect(machine.frameArrived(frames[1]) == frames[1])
        machine.callStarted()
        #expect(machine.frameArrived(frames[2]) == nil)
        #expect(machine.frameArrived(frames[3]) == nil)
        #expect(machine.held.count == 2)
        #expect(machine.nextHeldFrame() == nil, "still at the limit")
        #expect(machine.read() == false)
        // A call completes: the read stays held back while frames wait; the first waiting frame comes out.
        #expect(machine.callCompleted() == .write(read: false, close: false))
        #expect(machine.nextHeldFrame() == frames[2])
        machine.callStarted()
        #expect(machine.nextHeldFrame() == nil)
        #expect(machine.callCompleted() == .write(read: false, close: false))
        #expect(machine.nextHeldFrame() == frames[3])
        machine.callStarted()
        #expect(machine.resumeReading() == false, "at the limit again")
        #expect(
            machine.callCompleted() == .write(read: true, close: false),
            "nothing waits and a slot is free: the held-back read goes on"
        )
        // Closing drops what waits.
        _ = machine.frameArrived(frames[0])
        _ = machine.closed()
        #expect(machine.held.isEmpty)
    }

    @Test func anUnwritableSocketPausesReadingAndArmsTheStallTimerOnce() {
        var machine = Machine(token: nil, maxFrameBytes: 1024, maxInFlight: 8)
        #expect(machine.writabilityChanged(isWritable: false) == .startStallTimer)
        #expect(machine.writabilityChanged(isWritable: false) == .none, "already armed")
        #expect(machine.read() == false)
        // A call completing while unwritable writes but does not resume reading.
        machine.callStarted()
        #expect(machine.callCompleted() == .write(read: false, close: false))
        #expect(machine.writabilityChanged(isWritable: true) == .cancelStallTimer(read: true))
        #expect(!machine.stallTimerArmed)
        #expect(machine.stallTimerFired() == false, "a timer that fires after being cancelled closes nothing")
    }

    @Test func theStallTimerClosesAPeerThatStillReadsNothing() {
        var machine = Machine(token: nil, maxFrameBytes: 1024, maxInFlight: 8)
        _ = machine.writabilityChanged(isWritable: false)
        #expect(machine.stallTimerFired() == true)
        #expect(machine.phase == .closing)
    }

    @Test func repliesWithinAReadBurstAreFlushedOnceAtItsEnd() {
        var machine = Machine(token: nil, maxFrameBytes: 1024, maxInFlight: 8)
        #expect(machine.replyWritten() == true, "outside a burst a reply is flushed at once")
        _ = machine.frameReceived(Self.frame(1, .getStatus))
        #expect(machine.replyWritten() == false)
        _ = machine.frameReceived(Self.frame(2, .getStatus))
        #expect(machine.replyWritten() == false)
        #expect(machine.readComplete() == true, "one flush for the burst")
        #expect(machine.readComplete() == false, "nothing left to flush")
        #expect(machine.replyWritten() == true)
    }

    @Test func closingSettlesTheCallsInFlightAndDropsTheirLateReplies() {
        var machine = Machine(token: nil, maxFrameBytes: 1024, maxInFlight: 8)
        machine.callStarted()
        machine.callStarted()
        _ = machine.writabilityChanged(isWritable: false)
        #expect(machine.closed() == 2)
        #expect(!machine.stallTimerArmed)
        #expect(machine.callCompleted() == .drop)
        #expect(machine.frameReceived(Self.frame(3, .getStatus)) == .ignore)
    }

    @Test func anIdleConnectionIsClosed() {
        var machine = Machine(token: nil, maxFrameBytes: 1024, maxInFlight: 8)
        #expect(machine.idleTimeout() == true)
        #expect(machine.phase == .closing)
    }

    @Test func quiescingLingersThenClosesWhenNothingIsOwed() {
        var machine = Machine(token: nil, maxFrameBytes: 1024, maxInFlight: 8)
        #expect(machine.quiesce() == true, "start the linger timer")
        #expect(machine.quiesce() == false, "once")
        #expect(machine.read() == true, "requests sent just before the shutdown are still read")
        #expect(machine.frameReceived(Self.frame(1, .getStatus)) == .serve(callID: 1, .getStatus))
        #expect(machine.lingerEnded() == true, "nothing owed: close now")
        #expect(machine.phase == .closing)
        #expect(machine.read() == false)
    }

    @Test func afterTheLingerReadingStopsAndTheLastReplyOwedCloses() {
        var machine = Machine(token: nil, maxFrameBytes: 1024, maxInFlight: 8)
        _ = machine.quiesce()
        machine.callStarted()
        machine.callStarted()
        #expect(machine.lingerEnded() == false, "two replies are owed")
        #expect(machine.read() == false, "nothing more is read")
        #expect(machine.phase == .open, "frames already read are still answered")
        #expect(machine.callCompleted() == .write(read: false, close: false))
        #expect(machine.callCompleted() == .write(read: false, close: true))
        #expect(machine.phase == .closing)
    }

    @Test func aClosedConnectionNeitherLingersNorClosesAgain() {
        var machine = Machine(token: nil, maxFrameBytes: 1024, maxInFlight: 8)
        _ = machine.quiesce()
        _ = machine.closed()
        #expect(machine.lingerEnded() == false)
        #expect(machine.quiesce() == false)
    }
}
