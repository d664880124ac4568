import ClusterdCore
import ClusterdService
import Foundation
import NIOHTTP1
import Testing

@testable import ClusterdHTTP

/// `GET /report` through the router: the token, the query, the page rendered off the event loop.
@Suite struct GatewayReportRouteTests {
    let backend = FakeBackend()

    /// What the router makes of a GET.
    func outcome(_ uri: String, token: String? = nil, authorization: String? = nil) -> GatewayRouter.Outcome {
        GatewayRouter(backend: backend, token: token, openAPI: Array("{}".utf8))
            .route(method: .GET, uri: uri, authorization: authorization)
    }

    /// The response of an off-loop outcome, rendered here.
    func rendered(_ outcome: GatewayRouter.Outcome) throws -> GatewayResponse {
        guard case .offLoop(let work) = outcome else {
            Issue.record("expected the report to be rendered off the event loop")
            throw CancellationError()
        }
        return work()
    }

    @Test func requiresTheToken() throws {
        guard case .response(let refused) = outcome("/report", token: "s3cret") else {
            Issue.record("expected a refusal")
            return
        }
        #expect(refused.status == .unauthorized)
        let page = try rendered(outcome("/report", token: "s3cret", authorization: "Bearer s3cret"))
        #expect(page.status == .ok)
    }

    @Test func rendersThePageWithOrWithoutText() throws {
        let page = try rendered(outcome("/report"))
        #expect(page.headers.contains { $0 == ("content-type", "text/html; charset=utf-8") })
        let html = String(decoding: page.body, as: UTF8.self)
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("refund please"))
        let bare = String(decoding: try rendered(outcome("/report?no_text=1&run=r%207")).body, as: UTF8.self)
        #expect(!bare.contains("refund please"))
        #expect(backend.reports.withLock { $0.map(\.0) } == [nil, "r 7"])
        #expect(backend.reports.withLock { $0.map(\.1) } == [true, false])
    }

    @Test func refusesABadFlagAndMapsServiceErrors() throws {
        guard case .response(let bad) = outcome("/report?no_text=maybe") else {
            Issue.record("expected a 422")
            return
        }
        #expect(bad.status == .unprocessableEntity)
        backend.refuse.withLock { $0 = ServiceError(.notFound, "no successful clustering run yet") }
        #expect(try rendered(outcome("/report")).status == .notFound)
    }
}
