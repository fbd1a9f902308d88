import Rectifier

/// safetensors files, then the model and stack decoders on whatever parses.
func fuzzSafeTensors(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = Array(UnsafeRawBufferPointer(start: start, count: count))
    do {
        let file = try SafeTensors.parse(bytes, path: "fuzz")
        for (_, t) in file.tensors { precondition(t.values.count == t.shape.reduce(1, *)) }
        if let network = try? Network(file, path: "fuzz") {
            precondition(!network.layers.isEmpty)
        }
    } catch is FileError {
    } catch {
        preconditionFailure("unexpected error type: \(error)")
    }
    return 0
}
