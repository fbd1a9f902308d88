import Crypto

/// The checksums publishers give for their files, as lowercase hex (swift-crypto).
public enum Checksum {
    /// SHA-256 of `bytes`.
    public static func sha256(_ bytes: [UInt8]) -> String {
        hex(SHA256.hash(data: bytes))
    }

    /// MD5 of `bytes`: broken against an adversary, but what many datasets still publish.
    public static func md5(_ bytes: [UInt8]) -> String {
        hex(Insecure.MD5.hash(data: bytes))
    }

    static func hex(_ digest: some Digest) -> String {
        digest.map { byte in
            let text = String(byte, radix: 16)
            return byte < 16 ? "0" + text : text
        }.joined()
    }
}
