import ClusterdCore
import ClusterdNetworking
import ClusterdServer
import ClusterdTestSupport
import Foundation
import Testing

/// The settings that keep a server from being open by accident: the token's length and file, the refusal to listen
/// beyond loopback without a token, and the TLS keys.
@Suite("Server settings: exposure, token and TLS")
struct ServerSettingsSecurityTests {
    static let token = String(repeating: "k", count: 32)

    @Test func aNonLoopbackAddressWithoutATokenIsRefusedUnlessAllowed() throws {
        for environment in [
            ["CLUSTERD_LISTEN": "0.0.0.0:7420"], ["CLUSTERD_LISTEN": "[::]:7420"],
            ["CLUSTERD_LISTEN": "10.1.2.3:7420"], ["CLUSTERD_HTTP_LISTEN": "0.0.0.0:8080"],
        ] {
            #expect(throws: SettingsError.self, "\(environment)") { try ServerSettings(environment: environment) }
            do {
                _ = try ServerSettings(environment: environment)
            } catch {
                #expect(error.description.contains("CLUSTERD_ALLOW_INSECURE=1"), "\(error)")
            }
            var allowed = environment
            allowed["CLUSTERD_ALLOW_INSECURE"] = "1"
            #expect(throws: Never.self) { try ServerSettings(environment: allowed) }
            var withToken = environment
            withToken["CLUSTERD_TOKEN"] = Self.token
            #expect(throws: Never.self) { try ServerSettings(environment: withToken) }
        }
        for host in ["127.0.0.1", "127.1.2.3", "[::1]", "localhost"] {
            #expect(throws: Never.self) { try ServerSettings(environment: ["CLUSTERD_LISTEN": "\(host):7420"]) }
        }
    }

    @Test func aTokenShorterThan32BytesIsRefused() throws {
        #expect(throws: SettingsError.self) {
            try ServerSettings(environment: ["CLUSTERD_TOKEN": String(Self.token.dropLast())])
        }
        #expect(try ServerSettings(environment: ["CLUSTERD_TOKEN": Self.token]).rpc.token == Self.token)
    }

    @Test func theTokenFileIsReadTrimmedAndNotTogetherWithTheVariable() throws {
        let directory = try TemporaryDirectory(prefix: "clusterd-settings")
        let path = directory.path("token")
        try "\(Self.token)\n".write(toFile: path, atomically: true, encoding: .utf8)
        let settings = try ServerSettings(environment: ["CLUSTERD_TOKEN_FILE": path])
        #expect(settings.rpc.token == Self.token)
        #expect(settings.secrets.contains(Self.token))
        #expect(throws: SettingsError("set CLUSTERD_TOKEN or CLUSTERD_TOKEN_FILE, not both")) {
            try ServerSettings(environment: ["CLUSTERD_TOKEN_FILE": path, "CLUSTERD_TOKEN": Self.token])
        }
        #expect(throws: SettingsError.self) {
            try ServerSettings(environment: ["CLUSTERD_TOKEN_FILE": directory.path("absent")])
        }
        let overridden = ServerSettings.overriding(
            ["CLUSTERD_TOKEN": "inline"],
            listen: nil,
            mongodbURI: nil,
            httpListen: nil,
            tokenFile: path
        )
        #expect(try ServerSettings(environment: overridden).rpc.token == Self.token)
    }

    @Test func tlsNeedsBothCertificateAndKey() throws {
        #expect(try ServerSettings(environment: [:]).tls == nil)
        let both = try ServerSettings(environment: [
            "CLUSTERD_TLS_CERT_FILE": "/c.pem", "CLUSTERD_TLS_KEY_FILE": "/k.pem", "CLUSTERD_TLS_CLIENT_CA_FILE": "/ca",
        ])
        #expect(both.tls == ServerTLSConfiguration(certificateFile: "/c.pem", keyFile: "/k.pem", clientCAFile: "/ca"))
        for environment in [
            ["CLUSTERD_TLS_CERT_FILE": "/c.pem"], ["CLUSTERD_TLS_KEY_FILE": "/k.pem"],
            ["CLUSTERD_TLS_CLIENT_CA_FILE": "/ca.pem"],
        ] {
            #expect(throws: SettingsError.self, "\(environment)") { try ServerSettings(environment: environment) }
        }
    }
}
