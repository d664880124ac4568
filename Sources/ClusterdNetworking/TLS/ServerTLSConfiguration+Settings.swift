import ClusterdCore

extension ServerTLSConfiguration {
    /// `CLUSTERD_TLS_CERT_FILE`.
    public static let certificateKey = SettingKey(
        "CLUSTERD_TLS_CERT_FILE",
        default: "",
        "Turns on TLS on the RPC port and the HTTP gateway: the server's certificate chain (PEM); needs `CLUSTERD_TLS_KEY_FILE`. Both files are read again on SIGHUP."
    )
    /// `CLUSTERD_TLS_KEY_FILE`.
    public static let keyKey = SettingKey(
        "CLUSTERD_TLS_KEY_FILE",
        default: "",
        "The private key (PEM) of `CLUSTERD_TLS_CERT_FILE`."
    )
    /// `CLUSTERD_TLS_CLIENT_CA_FILE`.
    public static let clientCAKey = SettingKey(
        "CLUSTERD_TLS_CLIENT_CA_FILE",
        default: "",
        "Requires client certificates signed by a CA in this PEM file (on both ports); needs TLS on."
    )

    /// The TLS keys, in the order they are documented.
    public static let settingKeys = [certificateKey, keyKey, clientCAKey]

    /// The TLS settings, or nil when neither certificate nor key is set (TLS off). A certificate without a key
    /// (or the reverse), or a client CA without TLS, is an error naming the missing variable.
    public init?(settings: SettingsReader) throws(SettingsError) {
        let certificate = settings.text(Self.certificateKey)
        let key = settings.text(Self.keyKey)
        let clientCA = settings.text(Self.clientCAKey)
        switch (certificate, key) {
        case (nil, nil):
            if clientCA != nil {
                throw SettingsError(
                    "\(Self.clientCAKey.name) needs TLS: set \(Self.certificateKey.name) and \(Self.keyKey.name)"
                )
            }
            return nil
        case (.some, nil):
            throw SettingsError("\(Self.certificateKey.name) is set without \(Self.keyKey.name)")
        case (nil, .some):
            throw SettingsError("\(Self.keyKey.name) is set without \(Self.certificateKey.name)")
        case (.some(let certificate), .some(let key)):
            self.init(certificateFile: certificate, keyFile: key, clientCAFile: clientCA)
        }
    }
}
