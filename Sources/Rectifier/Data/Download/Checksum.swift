#if canImport(CryptoKit)
import CryptoKit
#elseif canImport(Glibc)
import Glibc
#endif

/// The checksums publishers give for their files, as lowercase hex.
///
/// On Linux the digests come from the system's OpenSSL (`libcrypto.so.3`, present wherever
/// `curl`, `git` or Python's `ssl` work), loaded at run time as BLAS is: linking a Swift
/// cryptography package instead doubled the time of a first release build, for two hash
/// functions used only when a download is checked. On Apple platforms, CryptoKit.
public enum Checksum {
    /// SHA-256 of `bytes`.
    public static func sha256(_ bytes: [UInt8]) throws -> String {
        #if canImport(CryptoKit)
        return hex(Array(SHA256.hash(data: bytes)))
        #else
        return hex(try LibCrypto.digest(bytes, algorithm: "EVP_sha256"))
        #endif
    }

    /// MD5 of `bytes`: broken against an adversary, but what many datasets still publish.
    public static func md5(_ bytes: [UInt8]) throws -> String {
        #if canImport(CryptoKit)
        return hex(Array(Insecure.MD5.hash(data: bytes)))
        #else
        return hex(try LibCrypto.digest(bytes, algorithm: "EVP_md5"))
        #endif
    }

    static func hex(_ digest: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        return String(decoding: digest.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 15)]] }, as: UTF8.self)
    }
}

/// Why a checksum could not be computed.
public struct ChecksumUnavailable: Error, CustomStringConvertible {
    public var description: String
}

#if !canImport(CryptoKit)
/// OpenSSL's one-shot digest, `EVP_Digest`, found with `dlopen`.
enum LibCrypto {
    typealias Method = @convention(c) () -> OpaquePointer?
    typealias Digest = @convention(c) (UnsafeRawPointer?, Int, UnsafeMutablePointer<UInt8>?, UnsafeMutablePointer<UInt32>?,
                                       OpaquePointer?, OpaquePointer?) -> Int32

    /// The entry points of the first libcrypto that loads, or nil. The library stays loaded.
    struct EntryPoints: @unchecked Sendable {
        let handle: UnsafeMutableRawPointer
        let digest: Digest
    }
    static let entryPoints: EntryPoints? = {
        for name in ["libcrypto.so.3", "libcrypto.so"] {
            guard let handle = dlopen(name, RTLD_NOW | RTLD_LOCAL) else { continue }
            if let digest = dlsym(handle, "EVP_Digest") {
                return EntryPoints(handle: handle, digest: unsafeBitCast(digest, to: Digest.self))
            }
            dlclose(handle)
        }
        return nil
    }()

    /// The digest of `bytes` by the algorithm OpenSSL names `algorithm` (`EVP_sha256`, `EVP_md5`).
    static func digest(_ bytes: [UInt8], algorithm: String) throws -> [UInt8] {
        guard let lib = entryPoints, let method = dlsym(lib.handle, algorithm) else {
            throw ChecksumUnavailable(description: "checksums need OpenSSL's libcrypto (libcrypto.so.3); "
                + "install it (Debian and Ubuntu: apt-get install libssl3)")
        }
        let md = unsafeBitCast(method, to: Method.self)()
        var out = [UInt8](repeating: 0, count: 64)
        var size: UInt32 = 0
        let ok = bytes.withUnsafeBytes { b in lib.digest(b.baseAddress, b.count, &out, &size, md, nil) }
        guard ok == 1, size > 0, size <= 64 else {
            throw ChecksumUnavailable(description: "libcrypto could not compute \(algorithm.dropFirst(4)) (EVP_Digest failed)")
        }
        return Array(out.prefix(Int(size)))
    }
}
#endif
