import Foundation
import Testing

@testable import ClusterdService

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
        var bytes = [UInt8](repeating: 0, count: 64)
        let count = read(pipe.readEnd, &bytes, bytes.count)
        #expect(String(decoding: bytes[0..<max(0, count)], as: UTF8.self) == "first\nsecond\n")
    }

    @Test func aReaderThatStopsReadingMakesLinesDropNotBlock() {
        let pipe = Pipe()
        let writer = LogWriter(descriptor: pipe.writeEnd)
        let line = String(repeating: "x", count: 1_000)
        let started = Date()
        // 12 MB into a pipe nobody reads: the pipe takes 64 KiB, the writer's buffer 8 MiB, the rest is dropped.
        for _ in 0..<12_000 { writer.write(line) }
        #expect(Date().timeIntervalSince(started) < 5, "writing must not block while the pipe is full")
        pipe.startDraining()
        // Accepted once the buffer has room again, right after the notice of the gap.
        let deadline = Date().addingTimeInterval(10)
        while pipe.text.utf8.count < 8_000_000, Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        writer.write("after")
        let lines = pipe.waitFor(lines: 1).count
        while !pipe.text.contains("after"), Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        let text = pipe.text
        #expect(text.hasSuffix("log line(s) dropped here: the log output was not keeping up\nafter\n"))
        #expect(lines > 0)
    }
}
