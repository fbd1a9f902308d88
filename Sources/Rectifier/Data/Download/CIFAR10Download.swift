import Foundation

extension DownloadManifest {
    /// CIFAR-10's binary version as its author publishes it, with the published MD5.
    public static let cifar10 = DownloadManifest(
        dataset: "cifar10",
        baseURL: URL(string: "https://www.cs.toronto.edu/~kriz/")!,
        files: [RemoteFile(name: "cifar-10-binary.tar.gz", size: 170_052_171, md5: "c32a1d4ab5d03f1284b67883e8d87530")])
}
