import Dispatch
import Logging
import NIOCore
import NIOHTTP1

/// Serves one HTTP/1.1 connection behind NIO's server pipeline (which hands over one request at a time, so
/// pipelined requests are answered in order): gathers a request whose body stays within the cap, routes it and
/// writes the response; keep-alive unless the request says otherwise.
///
/// Backpressure: a response is written only while the socket is writable; otherwise it waits for the socket to
/// drain (`WriteBackpressureHandler` closes the connection if it never does), and since the pipeline hands over no
/// further request until a response has ended, a peer that pipelines requests and never reads holds at most one
/// response and the outbound buffer's high water mark. A connection beyond the data places (`probesOnly`) is served
/// one probe and closed.
final class GatewayHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private enum State {
        /// Waiting for a request head.
        case idle
        /// Reading a request's body (kept whole, within `maxBodyBytes`).
        case reading(HTTPRequestHead, body: [UInt8])
        /// A response is being produced off the event loop.
        case responding
        /// A response is ready but the socket is not writable: it is written once it is.
        case waitingToWrite(GatewayResponse, HTTPRequestHead)
        /// The request was refused (body too large, or not a probe on a probes-only connection); the rest of it is
        /// ignored and the connection closes.
        case refused
    }

    private let router: GatewayRouter
    private let maxBodyBytes: Int
    private let renderQueue: DispatchQueue
    private let logger: Logger
    private let probesOnly: GatewayResponse?
    private var state = State.idle

    /// `probesOnly`, when set, is the refusal of a request other than a probe: the connection is beyond the data
    /// places.
    init(
        router: GatewayRouter,
        maxBodyBytes: Int,
        renderQueue: DispatchQueue,
        logger: Logger,
        probesOnly: GatewayResponse? = nil
    ) {
        self.router = router
        self.maxBodyBytes = maxBodyBytes
        self.renderQueue = renderQueue
        self.logger = logger
        self.probesOnly = probesOnly
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            guard case .idle = state else { return }
            if let length = head.headers.first(name: "content-length").flatMap({ Int($0) }), length > maxBodyBytes {
                refuse(context: context, .detail(.payloadTooLarge, "Request body is larger than \(maxBodyBytes) bytes"))
                return
            }
            state = .reading(head, body: [])
        case .body(let buffer):
            guard case .reading(let head, var body) = state else { return }
            if body.count + buffer.readableBytes > maxBodyBytes {
                refuse(context: context, .detail(.payloadTooLarge, "Request body is larger than \(maxBodyBytes) bytes"))
                return
            }
            state = .responding  // drops the state's copy so the append below does not copy the body
            body.append(contentsOf: buffer.readableBytesView)
            state = .reading(head, body: body)
        case .end:
            guard case .reading(let head, let body) = state else { return }
            context.triggerUserOutboundEvent(RequestDeadlineHandler.RequestReceived(), promise: nil)
            respond(context: context, head: head, body: body)
        }
    }

    private func respond(context: ChannelHandlerContext, head: HTTPRequestHead, body: [UInt8]) {
        var head = head
        if let probesOnly {
            let path = head.uri.prefix { $0 != "?" && $0 != "#" }
            guard GatewayEndpoint(path: path)?.isProbe == true else {
                refuse(context: context, probesOnly)
                return
            }
            head.headers.replaceOrAdd(name: "connection", value: "close")
        }
        let outcome = router.route(
            method: head.method,
            uri: head.uri,
            authorization: head.headers.first(name: "authorization"),
            host: head.headers.first(name: "host"),
            origin: head.headers.first(name: "origin"),
            body: body
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

    /// Writes `response` now if the socket is writable, else once it is.
    private func write(context: ChannelHandlerContext, _ response: GatewayResponse, for request: HTTPRequestHead) {
        guard context.channel.isActive else {
            state = .idle
            return
        }
        guard context.channel.isWritable else {
            state = .waitingToWrite(response, request)
            return
        }
        state = .idle
        let keepAlive = request.isKeepAlive
        var headers = HTTPHeaders(response.headers)
        headers.add(name: "content-length", value: "\(response.body.count)")
        if !keepAlive {
            headers.add(name: "connection", value: "close")
        } else if request.version.major == 1 && request.version.minor == 0 {
            headers.add(name: "connection", value: "keep-alive")
        }
        let head = HTTPResponseHead(version: request.version, status: response.status, headers: headers)
        let done = writeWhole(context: context, head, body: request.method == .HEAD ? [] : response.body)
        if !keepAlive {
            let channel = context.channel
            done.whenComplete { _ in channel.close(promise: nil) }
        }
        logger.debug("\(request.method) \(request.uri.prefix { $0 != "?" }) \(response.status.code)")
    }

    /// Writes a response head, its body (if any) and its end, flushing; the future completes when the end is out.
    private func writeWhole(context: ChannelHandlerContext, _ head: HTTPResponseHead, body: [UInt8]) -> EventLoopFuture<
        Void
    > {
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        if !body.isEmpty {
            var buffer = context.channel.allocator.buffer(capacity: body.count)
            buffer.writeBytes(body)
            context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
        }
        return context.writeAndFlush(wrapOutboundOut(.end(nil)))
    }

    /// `response` with `connection: close`; nothing more is read from the connection.
    private func refuse(context: ChannelHandlerContext, _ response: GatewayResponse) {
        state = .refused
        var headers = HTTPHeaders(response.headers)
        headers.add(name: "content-length", value: "\(response.body.count)")
        headers.add(name: "connection", value: "close")
        let head = HTTPResponseHead(version: .http1_1, status: response.status, headers: headers)
        let channel = context.channel
        writeWhole(context: context, head, body: response.body).whenComplete { _ in channel.close(promise: nil) }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable, case .waitingToWrite(let response, let request) = state {
            write(context: context, response, for: request)
        }
        context.fireChannelWritabilityChanged()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let idle = event as? IdleStateHandler.IdleStateEvent, idle == .read {
            switch state {
            case .responding, .waitingToWrite:
                // The write-stall timeout, not the idle one, bounds a peer that does not read.
                return
            case .idle, .reading, .refused:
                context.close(promise: nil)
                return
            }
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        logger.debug("HTTP connection error: \(error)")
        context.close(promise: nil)
    }
}
