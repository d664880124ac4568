import ClusterdCore
import NIOCore
import Testing

@testable import ClusterdHTTP

/// The gateway's bounds and Host/Origin lists as read from the settings, and their defaults.
@Suite struct HTTPGatewayConfigurationSettingsTests {
    @Test func defaultsBoundEveryConnection() throws {
        let configuration = try #require(
            try HTTPGatewayConfiguration(settings: SettingsReader(["CLUSTERD_HTTP_LISTEN": "8080"]))
        )
        #expect(configuration.maxConnections == 256 && configuration.probeConnections == 16)
        #expect(configuration.requestDeadline == .seconds(10))
        #expect(configuration.probeRequestDeadline == .seconds(2))
        #expect(configuration.writeStallTimeout == .seconds(30))
        #expect(configuration.allowedHosts.isEmpty && configuration.allowedOrigins.isEmpty)
    }

    @Test func theKeysAreRead() throws {
        let configuration = try #require(
            try HTTPGatewayConfiguration(
                settings: SettingsReader([
                    "CLUSTERD_HTTP_LISTEN": "8080",
                    "CLUSTERD_HTTP_PROBE_CONNECTIONS": "4",
                    "CLUSTERD_HTTP_REQUEST_DEADLINE_SECONDS": "1.5",
                    "CLUSTERD_HTTP_WRITE_STALL_SECONDS": "2",
                    "CLUSTERD_HTTP_ALLOWED_HOSTS": " clusterd.example , ,other.example",
                    "CLUSTERD_HTTP_ALLOWED_ORIGINS": "https://console.example",
                ])
            )
        )
        #expect(configuration.probeConnections == 4)
        #expect(configuration.requestDeadline == .milliseconds(1500))
        #expect(configuration.probeRequestDeadline == .milliseconds(1500))
        #expect(configuration.writeStallTimeout == .seconds(2))
        #expect(configuration.allowedHosts == ["clusterd.example", "other.example"])
        #expect(configuration.allowedOrigins == ["https://console.example"])
        #expect(throws: SettingsError.self) {
            try HTTPGatewayConfiguration(
                settings: SettingsReader([
                    "CLUSTERD_HTTP_LISTEN": "8080", "CLUSTERD_HTTP_REQUEST_DEADLINE_SECONDS": "0",
                ])
            )
        }
    }
}
