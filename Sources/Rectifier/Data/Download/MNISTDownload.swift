import Foundation

extension DownloadManifest {
    /// MNIST's four gzip files, as published with the dataset.
    ///
    /// The canonical site, yann.lecun.com/exdb/mnist, no longer serves them; the canonical base
    /// here is the mirror most tools use (torchvision's first choice), which serves the same
    /// bytes. MD5s are the published ones of the gzip files; the content SHA-256s are those of
    /// the uncompressed IDX files (checked against the copy in shared/data/mnist), so a mirror
    /// that recompressed the files still verifies.
    public static let mnist = DownloadManifest(
        dataset: "mnist",
        baseURL: URL(string: "https://ossci-datasets.s3.amazonaws.com/mnist/")!,
        files: [
            RemoteFile(name: "train-images-idx3-ubyte.gz", size: 9_912_422,
                       md5: "f68b3c2dcbeaaa9fbdd348bbdeb94873",
                       contentSHA256: "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db"),
            RemoteFile(name: "train-labels-idx1-ubyte.gz", size: 28_881,
                       md5: "d53e105ee54ea40749a09fcbcd1e9432",
                       contentSHA256: "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5"),
            RemoteFile(name: "t10k-images-idx3-ubyte.gz", size: 1_648_877,
                       md5: "9fb629c4189551a2d022fa330f9573f3",
                       contentSHA256: "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7"),
            RemoteFile(name: "t10k-labels-idx1-ubyte.gz", size: 4_542,
                       md5: "ec29112dd5afa0611ce80d1b7f02629c",
                       contentSHA256: "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"),
        ])
}
