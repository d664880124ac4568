import Testing

@testable import ClusterdHTTP

/// The Host and Origin rules without sockets: which names and origins pass by default and with the settings.
@Suite struct HostOriginPolicyTests {
    /// A refusal's body as text ("" for none).
    private static func text(_ response: GatewayResponse?) -> String {
        String(decoding: response?.body ?? [], as: UTF8.self)
    }

    @Test func defaultHostsAreIPLiteralsLocalhostAndTheBoundName() {
        let policy = HostOriginPolicy(boundHost: "clusterd.internal")
        for host in [
            "127.0.0.1", "127.0.0.1:8080", "10.1.2.3:80", "[::1]:8080", "[fe80::1]", "localhost:8080", "LOCALHOST",
            "app.localhost", "clusterd.internal:8080", "clusterd.internal.",
        ] {
            #expect(policy.refusal(host: host, origin: nil) == nil, "\(host)")
        }
        for host in ["evil.example", "evil.example:8080", "127.0.0.1.evil.example", "1.2.3.4.5", "256.1.1.1", "0x7f.1"]
        {
            let refusal = policy.refusal(host: host, origin: nil)
            #expect(refusal?.status == .forbidden, "\(host)")
            #expect(Self.text(refusal).contains("CLUSTERD_HTTP_ALLOWED_HOSTS"))
        }
        #expect(policy.refusal(host: nil, origin: nil) == nil, "an HTTP/1.0 request without Host")
    }

    @Test func configuredHostsAndTheWildcard() {
        let policy = HostOriginPolicy(allowedHosts: ["Clusterd.Example.com"])
        #expect(policy.refusal(host: "clusterd.example.com:443", origin: nil) == nil)
        #expect(policy.refusal(host: "other.example.com", origin: nil) != nil)
        #expect(HostOriginPolicy(allowedHosts: ["*"]).refusal(host: "anything.example", origin: nil) == nil)
    }

    @Test func originsMustBeAbsentSameOriginOrListed() {
        let policy = HostOriginPolicy(allowedOrigins: ["https://app.example/"])
        #expect(policy.refusal(host: "127.0.0.1:8080", origin: "http://127.0.0.1:8080") == nil, "same origin")
        #expect(policy.refusal(host: "127.0.0.1:8080", origin: "https://APP.example") == nil, "listed")
        for origin in ["https://evil.example", "null", "http://127.0.0.1:9999", "file://", "https://app.example.evil"] {
            let refusal = policy.refusal(host: "127.0.0.1:8080", origin: origin)
            #expect(refusal?.status == .forbidden, "\(origin)")
            #expect(Self.text(refusal).contains("CLUSTERD_HTTP_ALLOWED_ORIGINS"))
        }
        #expect(HostOriginPolicy(allowedOrigins: ["*"]).refusal(host: "127.0.0.1", origin: "null") == nil)
    }
}
