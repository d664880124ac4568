import ClusterdRPC
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A plain blocking TCP socket to a server on loopback, for sending hand-made (hostile, pipelined) frames and
/// reading replies byte by byte. Every read has a deadline. The async methods run on a thread of their own.
public final class RawConnection: @unchecked Sendable {
    /// A socket failure or a read past its deadline.
    public struct Failure: Error, CustomStringConvertible {
        /// What happened.
        public var description: String
    }

    private let fd: Int32
    private let lock = NSLock()
    private var closed = false

    /// Connects to `127.0.0.1:port`.
    public init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket(): \(String(cString: strerror(errno)))") }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
        guard connected else {
            let reason = String(cString: strerror(errno))
            Glibc.close(fd)
            throw Failure(description: "connect 127.0.0.1:\(port): \(reason)")
        }
    }

    deinit {
        close()
    }

    /// Closes the socket (idempotent).
    public func close() {
        lock.lock()
        defer { lock.unlock() }
        if !closed {
            closed = true
            Glibc.close(fd)
        }
    }

    // MARK: - Writing

    /// The bytes of one frame: 4-byte big-endian length, then `body`.
    public static func framed(_ body: [UInt8]) -> [UInt8] {
        FrameEncoding.prefixed(body)
    }

    /// The bytes of one encoded frame, length prefix included.
    public static func framed(_ frame: RPCFrame) -> [UInt8] {
        FrameEncoding.bytes(for: frame)
    }

    /// Writes all of `bytes` (blocking).
    public func sendBlocking(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { buffer in
                Glibc.send(fd, buffer.baseAddress, buffer.count, Int32(MSG_NOSIGNAL))
            }
            if written < 0 {
                if errno == EINTR { continue }
                throw Failure(description: "send: \(String(cString: strerror(errno)))")
            }
            offset += written
        }
    }

    /// Writes as much of `bytes` as the peer accepts before `deadline` (never blocking past it); returns the bytes
    /// written and whether the peer closed or reset the connection meanwhile.
    public func sendUntilBlocked(_ bytes: [UInt8], deadline: ContinuousClock.Instant) -> (written: Int, closed: Bool) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { buffer in
                Glibc.send(fd, buffer.baseAddress, buffer.count, Int32(MSG_NOSIGNAL | MSG_DONTWAIT))
            }
            if written >= 0 {
                offset += written
                continue
            }
            switch errno {
            case EINTR:
                continue
            case EAGAIN, EWOULDBLOCK:
                let remaining = deadline - ContinuousClock.now
                guard remaining > .zero else { return (offset, false) }
                var descriptor = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                let milliseconds = Int32(min(remaining.components.seconds * 1000 + 1, 1000))
                _ = poll(&descriptor, 1, milliseconds)
            default:
                return (offset, true)
            }
        }
        return (offset, false)
    }

    /// Writes all of `bytes` from a thread of its own.
    public func send(_ bytes: [UInt8]) async throws {
        try await onOwnThread { try self.sendBlocking(bytes) }
    }

    /// Writes one frame.
    public func send(_ frame: RPCFrame) async throws {
        try await send(Self.framed(frame))
    }

    // MARK: - Reading

    /// Reads exactly `count` bytes before `deadline`; nil if the peer closed first (cleanly or by reset).
    public func readExactlyBlocking(_ count: Int, deadline: ContinuousClock.Instant) throws -> [UInt8]? {
        var bytes = [UInt8](repeating: 0, count: count)
        var offset = 0
        while offset < count {
            let remaining = deadline - ContinuousClock.now
            let milliseconds =
                remaining.components.seconds * 1000 + remaining.components.attoseconds / 1_000_000_000_000_000
            guard milliseconds > 0 else { throw Failure(description: "no data within the deadline") }
            var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = Glibc.poll(&descriptor, 1, Int32(clamping: milliseconds))
            if ready < 0 {
                if errno == EINTR { continue }
                throw Failure(description: "poll: \(String(cString: strerror(errno)))")
            }
            if ready == 0 { continue }
            let received = bytes[offset...].withUnsafeMutableBytes { buffer in
                Glibc.recv(fd, buffer.baseAddress, buffer.count, 0)
            }
            if received == 0 { return nil }
            if received < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                if errno == ECONNRESET { return nil }
                throw Failure(description: "recv: \(String(cString: strerror(errno)))")
            }
            offset += received
        }
        return bytes
    }

    /// Reads one frame body (length prefix removed) before `deadline`; nil at end of stream.
    public func readFrameBodyBlocking(deadline: ContinuousClock.Instant) throws -> [UInt8]? {
        guard let prefix = try readExactlyBlocking(4, deadline: deadline) else { return nil }
        let length = prefix.reduce(0) { ($0 << 8) | Int($1) }
        if length == 0 { return [] }
        guard let body = try readExactlyBlocking(length, deadline: deadline) else {
            throw Failure(description: "the peer closed in the middle of a \(length)-byte frame")
        }
        return body
    }

    /// Reads and decodes one frame within `timeout`; nil at end of stream.
    public func readFrame(timeout: Duration = .seconds(10)) async throws -> RPCFrame? {
        let deadline = ContinuousClock.now + timeout
        return try await onOwnThread {
            guard let body = try self.readFrameBodyBlocking(deadline: deadline) else { return nil }
            return try WireCodec.decode(body)
        }
    }

    /// Reads and decodes `count` frames within `timeout` (fewer if the peer closes).
    public func readFrames(_ count: Int, timeout: Duration = .seconds(20)) async throws -> [RPCFrame] {
        let deadline = ContinuousClock.now + timeout
        return try await onOwnThread {
            var frames: [RPCFrame] = []
            while frames.count < count, let body = try self.readFrameBodyBlocking(deadline: deadline) {
                frames.append(try WireCodec.decode(body))
            }
            return frames
        }
    }

    /// True if the peer closes the connection within `timeout` (anything it sends first is discarded).
    public func closedByPeer(within timeout: Duration = .seconds(5)) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        return try await onOwnThread {
            do {
                while try self.readExactlyBlocking(1, deadline: deadline) != nil {}
                return true
            } catch is Failure {
                return false
            }
        }
    }
}
