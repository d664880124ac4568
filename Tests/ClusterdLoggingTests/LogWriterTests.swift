import Foundation
import Testing

@testable import ClusterdLogging

/// The batching log writer: every line arrives, in order per thread; flush writes at once; a reader that stops
/// reading makes lines drop (counted, then reported), never block the caller.
@Suite(.timeLimit(.minutes(1)))
struct LogWriterTests {
    /// A pipe whose read end is drained on a thread of its own into a buffer.
    final class Pipe: @unchecked Sendable {
        let readEnd: Int32
        let writeEnd: Int32
        private let lock = NSLock()
        private var received: [UInt8] = []

        init() {
            var ends: [Int32] = [0, 0]
            precondition(pipe(&ends) == 0)
            readEnd = ends[0]
            writeEnd = ends[1]
        }

        func startDraining() {
            Thread.detachNewThread { [self] in
                var chunk = [UInt8](repeating: 0, count: 1 << 16)
                while true {
                    let count = read(readEnd, &chunk, chunk.count)
                    guard count > 0 else { return }
                    lock.lock()
                    received += chunk[0..<count]
                    lock.unlock()
                }
            }
        }

        var text: String {
            lock.lock()
            defer { lock.unlock() }
            return String(decoding: received, as: UTF8.self)
        }

        func waitForSuffix(_ suffix: String, seconds: Double = 10) -> String {
            let deadline = Date().addingTimeInterval(seconds)
            var all = text
            while !all.hasSuffix(suffix), Date() < deadline {
                Thread.sleep(forTimeInterval: 0.01)
                all = text
            }
            return all
        }

        func waitFor(lines: Int, seconds: Double = 10) -> [Substring] {
            let deadline = Date().addingTimeInterval(seconds)
            var all = text.split(separator: "\n")
            while all.count < lines, Date() < deadline {
                Thread.sleep(forTimeInterval: 0.01)
                all = text.split(separator: "\n")
            }
            return all
        }
    }

    @Test func everyLineArrivesInOrderPerThread() {
        let pipe = Pipe()
        pipe.startDraining()
        let writer = LogWriter(descriptor: pipe.writeEnd)
        DispatchQueue.concurrentPerform(iterations: 4) { thread in
            for index in 0..<5_000 { writer.write("t\(thread) \(index)") }
        }
        let lines = pipe.waitFor(lines: 20_000)
        #expect(lines.count == 20_000)
        for thread in 0..<4 {
            let mine = lines.filter { $0.hasPrefix("t\(thread) ") }.map { Int($0.split(separator: " ")[1])! }
            #expect(mine == Array(0..<5_000), "thread \(thread)")
        }
    }

    @Test func flushWritesWhatWaitsAtOnce() {
        let pipe = Pipe()
        let writer = LogWriter(descriptor: pipe.writeEnd)
        writer.write("first")
        writer.write("second")
        writer.flush()
        // Both lines are in the pipe when flush returns (the writer thread may have written the first one itself).
        var received: [UInt8] = []
        var bytes = [UInt8](repeating: 0, count: 64)
        var flags = fcntl(pipe.readEnd, F_GETFL)
        flags |= O_NONBLOCK
        _ = fcntl(pipe.readEnd, F_SETFL, flags)
        while true {
            let count = read(pipe.readEnd, &bytes, bytes.count)
            guard count > 0 else { break }
            received += bytes[0..<count]
        }
        #expect(String(decoding: received, as: UTF8.self) == "first\nsecond\n")
    }

    @Test func aReaderThatStopsReadingMakesLinesDropNotBlock() {
        let pipe = Pipe()
        let writer = LogWriter(descriptor: pipe.writeEnd)
        let line = String(repeating: "x", count: 1_000)
        let started = Date()
        // 20 MB into a pipe nobody reads. At most 64 KiB fit the pipe, 8 MiB the batch the writer thread is blocked
        // writing, 8 MiB the buffer: whatever the timing, several MB are dropped.
        for _ in 0..<20_000 { writer.write(line) }
        #expect(Date().timeIntervalSince(started) < 5, "writing must not block while the pipe is full")
        pipe.startDraining()
        writer.flush()  // returns once everything accepted is in the pipe
        writer.write("after")
        writer.flush()
        let text = pipe.waitForSuffix("after\n")
        #expect(text.hasSuffix(" log line(s) dropped here: the log output was not keeping up\nafter\n"))
        let kept = text.split(separator: "\n").filter { $0 == line }.count
        let noted = text.split(separator: "\n").compactMap { note -> Int? in
            guard note.hasPrefix("clusterd: ") else { return nil }
            return Int(note.dropFirst("clusterd: ".count).prefix { $0 != " " })
        }
        #expect(kept + noted.reduce(0, +) == 20_000, "every line is either written or counted as dropped")
        #expect(kept >= 8_000 && noted.reduce(0, +) >= 3_000)
    }
}
