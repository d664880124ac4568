import ClusterdRPC
import Foundation
import Metrics
import Synchronization
import Testing

@testable import ClusterdServer

/// The RPC read queue: bounded, and a closed connection's waiting calls are dropped without running.
@Suite struct BoundedWorkQueueTests {
    @Test func aFullQueueRefusesAndACancelledCallIsDroppedNotRun() {
        let queue = BoundedWorkQueue(
            name: "test.reads",
            width: 1,
            limit: 3,
            dropsCancelled: true,
            metricsFactory: NOOPMetricsHandler.instance
        )
        let gate = DispatchSemaphore(value: 0)
        let ran = Mutex<[Int]>([])
        let closed = CallCancellation()
        var boxes: [ReplyBox] = []
        for index in 0..<3 {
            let box = ReplyBox()
            boxes.append(box)
            let reply = box.responder(RPCReply.forceClustering, cancellation: index == 2 ? closed : nil)
            let queued = queue.submit(reply) {
                if index == 0 { gate.wait() }
                ran.withLock { $0.append(index) }
                reply.succeed(ForceClusteringResult(started: true, followUpQueued: false, message: ""))
            }
            #expect(queued)
        }
        // Three queued or running: a fourth is refused.
        let refused = queue.submit(ReplyBox().responder(RPCReply.forceClustering)) { Issue.record("ran") }
        #expect(!refused)
        #expect(queue.depth == 3)
        // The third call's connection closes while it waits; then the first finishes.
        closed.cancel()
        gate.signal()
        #expect(boxes[1].wait()?.code == .ok)
        #expect(boxes[2].wait()?.code == .unavailable)
        #expect(ran.withLock { $0 } == [0, 1], "the cancelled call did not run")
        #expect(queue.droppedCount == 1)
    }
}
