import ArgumentParser
import Foundation
import Rectifier

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a model in another framework's layout: --to torch gives nn.Sequential's state dict.",
        discussion: """
            The file loads with load_state_dict(strict=True) into nn.Sequential(Linear, ReLU, ..., \
            Linear) (the modules are in its metadata, torch_modules); the sign trick is folded \
            into the next layer's weights (exactly). A table model's standardisation is in the \
            metadata (input_mean, input_scale: x = (x - mean) * scale before the model), with the \
            class names. See docs/own-data.md, PyTorch models in and out.
            """)

    @Argument(help: ArgumentHelp("A model.safetensors written by `rectifier train`.", valueName: "model"))
    var model: String

    @Option(help: ArgumentHelp("The framework: torch.", valueName: "framework"))
    var to: String

    @Option(help: ArgumentHelp("The file to write (safetensors).", valueName: "file"))
    var out: String

    @OptionGroup var file: ModelFileOptions

    func validate() throws {
        guard to.lowercased() == "torch" else { throw ValidationError("--to \(to): the only framework so far is torch") }
    }

    func run() throws {
        let model = try file.load(self.model, limits: Limits(fileBytes: ProcessEnvironment.current.maxFileBytes))
        try model.torchStateDict().write(to: out)
        print("wrote \(out): nn.Sequential(\(model.torchModules))"
              + (model.standardization == nil ? "" : "; inputs standardised first (metadata input_mean, input_scale)"))
    }
}
