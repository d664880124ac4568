import Dispatch
import Logging
import NIOCore
import NIOHTTP1

/// Serves one HTTP/1.1 connection behind NIO's server pipeline (which hands over one request at a time, so
/// pipelined requests are answered in order): gathers a request whose body stays within the cap, routes it and
/// writes the response; keep-alive unless the request says otherwise.
final class GatewayHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private enum State {
        /// Waiting for a request head.
        case idle
        /// Reading a request's body.
        case reading(HTTPRequestHead, bodyBytes: Int)
        /// A response is being produced off the event loop.
        case responding
        /// The request was refused (body too large); the rest of it is ignored and the connection closes.
        case refused
    }

    private let router: GatewayRouter
    private let maxBodyBytes: Int
    private let renderQueue: DispatchQueue
    private let logger: Logger
    private var state = State.idle

    init(router: GatewayRouter, maxBodyBytes: Int, renderQueue: DispatchQueue, logger: Logger) {
        self.router = router
        self.maxBodyBytes = maxBodyBytes
        self.renderQueue = renderQueue
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            guard case .idle = state else { return }
            if let length = head.headers.first(name: "content-length").flatMap({ Int($0) }), length > maxBodyBytes {
                refuseTooLarge(context: context)
                return
            }
            state = .reading(head, bodyBytes: 0)
        case .body(let buffer):
            guard case .reading(let head, let bodyBytes) = state else { return }
            let total = bodyBytes + buffer.readableBytes
            if total > maxBodyBytes {
                refuseTooLarge(context: context)
                return
            }
            state = .reading(head, bodyBytes: total)
        case .end:
            guard case .reading(let head, _) = state else { return }
            respond(context: context, head: head)
        }
    }

    private func respond(context: ChannelHandlerContext, head: HTTPRequestHead) {
        let outcome = router.route(
            method: head.method,
            uri: head.uri,
            authorization: head.headers.first(name: "authorization")
        )
        switch outcome {
        case .response(let response):
            write(context: context, response, for: head)
        case .metrics:
            let backend = router.backend
            respondOffLoop(context: context, head: head) { GatewayRouter.metricsResponse(backend.metricsText()) }
        case .offLoop(let work):
            respondOffLoop(context: context, head: head, work)
        }
    }

    /// Runs `work` on the render queue (it reads files or blocks on MongoDB), then writes its response on the
    /// event loop.
    private func respondOffLoop(
        context: ChannelHandlerContext,
        head: HTTPRequestHead,
        _ work: @escaping @Sendable () -> GatewayResponse
    ) {
        state = .responding
        let eventLoop = context.eventLoop
        let loopBound = NIOLoopBound((handler: self, context: context), eventLoop: eventLoop)
        renderQueue.async {
            let response = work()
            eventLoop.execute {
                loopBound.value.handler.write(context: loopBound.value.context, response, for: head)
            }
        }
    }

    private func write(context: ChannelHandlerContext, _ response: GatewayResponse, for request: HTTPRequestHead) {
        state = .idle
        guard context.channel.isActive else { return }
        let keepAlive = request.isKeepAlive
        var headers = HTTPHeaders(response.headers)
        headers.add(name: "content-length", value: "\(response.body.count)")
        if !keepAlive {
            headers.add(name: "connection", value: "close")
        } else if request.version.major == 1 && request.version.minor == 0 {
            headers.add(name: "connection", value: "keep-alive")
        }
        let head = HTTPResponseHead(version: request.version, status: response.status, headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        if request.method != .HEAD && !response.body.isEmpty {
            var buffer = context.channel.allocator.buffer(capacity: response.body.count)
            buffer.writeBytes(response.body)
            context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
        }
        let done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if !keepAlive {
            let channel = context.channel
            done.whenComplete { _ in channel.close(promise: nil) }
        }
        logger.debug("\(request.method) \(request.uri.prefix { $0 != "?" }) \(response.status.code)")
    }

    /// 413 with `connection: close`; nothing more is read from the connection.
    private func refuseTooLarge(context: ChannelHandlerContext) {
        state = .refused
        let body = GatewayResponse.detail(.payloadTooLarge, "Request body is larger than \(maxBodyBytes) bytes")
        var headers = HTTPHeaders(body.headers)
        headers.add(name: "content-length", value: "\(body.body.count)")
        headers.add(name: "connection", value: "close")
        let head = HTTPResponseHead(version: .http1_1, status: body.status, headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        var buffer = context.channel.allocator.buffer(capacity: body.body.count)
        buffer.writeBytes(body.body)
        context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let idle = event as? IdleStateHandler.IdleStateEvent, idle == .read {
            if case .responding = state {
                return
            }
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        logger.debug("HTTP connection error: \(error)")
        context.close(promise: nil)
    }
}
