import NIOCore
import NIOSSL

/// Matches reply frames to waiting calls by call id, on the client's event loop.
final class ClientHandler: ChannelInboundHandler {
    typealias InboundIn = InboundFrame

    private var pending: [UInt64: EventLoopPromise<RPCFrame>] = [:]
    private var closedError: RPCError?

    /// Registers a call; fails it at once if the connection is already gone.
    func register(callID: UInt64, promise: EventLoopPromise<RPCFrame>) -> Bool {
        if let closedError {
            promise.fail(closedError)
            return false
        }
        pending[callID] = promise
        return true
    }

    /// Fails one call (its timeout fired).
    func expire(callID: UInt64, error: RPCError) {
        pending.removeValue(forKey: callID)?.fail(error)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .oversized(let length):
            failAll(RPCError(code: .internal, message: "server sent a frame of \(length) bytes, above the limit"))
            context.close(promise: nil)
        case .frame(let bytes):
            guard let frame = try? WireCodec.decode(bytes.readableBytesView) else {
                failAll(RPCError(code: .internal, message: "server sent a malformed frame"))
                context.close(promise: nil)
                return
            }
            if let promise = pending.removeValue(forKey: frame.callID) {
                promise.succeed(frame)
            } else if frame.callID == 0, case .reply(.error(let error)) = frame.body {
                failAll(error)
            }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        failAll(RPCError(code: .unavailable, message: "connection closed by the server"))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        if error is NIOSSLError || error is BoringSSLError || error is NIOSSLExtraError {
            failAll(RPCError(code: .unavailable, message: "TLS handshake failed: \(error)"))
        } else {
            failAll(RPCError(code: .unavailable, message: "connection error: \(error)"))
        }
        context.close(promise: nil)
    }

    private func failAll(_ error: RPCError) {
        if closedError == nil { closedError = error }
        let waiting = pending
        pending = [:]
        for promise in waiting.values { promise.fail(error) }
    }
}
