import Foundation
import Synchronization

/// Writes log lines to a file descriptor from a thread of its own, a batch at a time, so logging never puts a
/// write system call on the caller's path (an event loop logging a trigger appends to a buffer and goes on).
///
/// A line is written at most about `batchDelay` after it is logged. Lines are written in the order they were
/// logged. When more than `maxPendingBytes` wait (the descriptor is a pipe nobody reads), further lines are dropped
/// and counted, and a line saying how many were dropped is written once writing catches up. `flush()` writes
/// whatever waits, from the caller; it runs at exit.
public final class LogWriter: Sendable {
    private struct Pending {
        var bytes: [UInt8] = []
        var signalled = false
        var dropped = 0
    }

    /// The process's standard error, flushed at exit.
    public static let standardError: LogWriter = {
        let writer = LogWriter(descriptor: STDERR_FILENO)
        atexit { LogWriter.standardError.flush() }
        return writer
    }()

    /// How long the writer gathers lines after the first one wakes it.
    static let batchDelay: useconds_t = 1_000  // microseconds
    /// Most bytes that may wait for the writer.
    static let maxPendingBytes = 8 << 20

    private let descriptor: Int32
    private let pending = Mutex(Pending())
    /// Held while a batch is taken and written, so batches leave in order (the writer thread's and `flush()`'s).
    private let writing = Mutex(())
    private let wake = DispatchSemaphore(value: 0)

    /// A writer for `descriptor`, with its thread started.
    public init(descriptor: Int32) {
        self.descriptor = descriptor
        let thread = Thread { [self] in
            while true {
                wake.wait()
                usleep(Self.batchDelay)
                writeBatch()
            }
        }
        thread.name = "clusterd.log-writer"
        thread.start()
    }

    /// Queues one line (a newline is added).
    public func write(_ line: String) {
        let signal = pending.withLock { pending -> Bool in
            guard pending.bytes.count + line.utf8.count < Self.maxPendingBytes else {
                pending.dropped += 1
                return false
            }
            if pending.dropped > 0 {
                // Where the gap is: before the first line accepted again.
                pending.bytes.append(contentsOf: Self.droppedNotice(pending.dropped).utf8)
                pending.dropped = 0
            }
            pending.bytes.append(contentsOf: line.utf8)
            pending.bytes.append(0x0A)
            guard !pending.signalled else { return false }
            pending.signalled = true
            return true
        }
        if signal { wake.signal() }
    }

    /// Writes every queued line now, from the calling thread (and says how many were dropped since the last line
    /// accepted, if any were).
    public func flush() {
        pending.withLock { pending in
            if pending.dropped > 0 {
                pending.bytes.append(contentsOf: Self.droppedNotice(pending.dropped).utf8)
                pending.dropped = 0
            }
        }
        writeBatch()
    }

    private static func droppedNotice(_ count: Int) -> String {
        "clusterd: \(count) log line(s) dropped here: the log output was not keeping up\n"
    }

    private func writeBatch() {
        writing.withLock { _ in
            let bytes = pending.withLock { pending in
                let taken = pending.bytes
                pending.bytes = []
                pending.bytes.reserveCapacity(min(taken.count, 1 << 16))
                pending.signalled = false
                return taken
            }
            bytes.withUnsafeBytes { buffer in
                var offset = 0
                while offset < buffer.count {
                    let written = Foundation.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                    if written > 0 {
                        offset += written
                    } else if written < 0, errno == EINTR || errno == EAGAIN {
                        continue
                    } else {
                        return  // the descriptor is closed or broken: nothing to do but drop the batch
                    }
                }
            }
        }
    }
}
