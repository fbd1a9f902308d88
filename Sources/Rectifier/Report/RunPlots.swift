import Foundation

/// The plots of one run's `metrics.jsonl` against the epoch: loss, error, and sparsity per
/// layer. Runs written before a quantity was recorded (validation loss, sparsity per layer)
/// still plot what they have.
///
/// Training values are means over an epoch's steps, taken while the weights change, and are
/// drawn as plain lines; validation values are measured once after the epoch and get a marker
/// each (up to `maxMarkers` epochs), so the two kinds differ by more than colour. The colours
/// are the same in every plot: validation blue, training orange.
enum RunPlots {
    /// The x axis of every per-epoch plot: epochs are whole numbers.
    static let epochAxis = Axis("epoch", format: .integer)

    /// Beyond this many epochs, markers would merge into a thick line.
    static let maxMarkers = 30

    static let validationColour = SeriesColour.palette(0), trainingColour = SeriesColour.palette(1)

    /// Training loss (the objective: NLL plus the L1 penalty) and validation loss (NLL); when
    /// the penalty makes them differ, the training NLL too, the one comparable to validation.
    static func loss(_ metrics: [EpochMetrics]) -> Plot {
        var series = [Series.line("training loss", points(metrics, \.trainLoss), markers: false, colour: trainingColour)]
        if metrics.contains(where: { $0.trainNLL != $0.trainLoss }) {
            series.append(.line("training NLL", points(metrics, \.trainNLL), markers: false, colour: .palette(2)))
        }
        let validation = points(metrics, \.validationLoss)
        if !validation.isEmpty {
            series.append(.line("validation loss", validation, markers: metrics.count < maxMarkers, colour: validationColour))
        }
        return Plot(title: "Loss per epoch", x: epochAxis, y: Axis("loss", scale: .automatic), series: series)
    }

    /// Training error (on the examples as they were trained on) and validation error.
    static func error(_ metrics: [EpochMetrics]) -> Plot {
        var series = [Series.line("training error", points(metrics, \.trainError), markers: false, colour: trainingColour)]
        let validation = points(metrics, \.validationError)
        if !validation.isEmpty {
            series.append(.line("validation error", validation, markers: metrics.count < maxMarkers, colour: validationColour))
        }
        return Plot(title: "Error per epoch", x: epochAxis, y: Axis("error", scale: .automatic, format: .percent), series: series)
    }

    /// The exact sparsity of each hidden layer on the validation set, one curve per layer, or
    /// the mean over the layers for runs that did not record it per layer. Nil for a network
    /// without hidden layers, and for a run without a validation set (nothing was measured).
    static func sparsity(_ metrics: [EpochMetrics]) -> Plot? {
        let layers = metrics.map { $0.validationSparsityPerLayer?.count ?? 0 }.max() ?? 0
        let markers = metrics.count < maxMarkers
        let series: [Series]
        if layers > 0 {
            let colours = SeriesColour.distinct((1...layers).map(Double.init))
            series = (0..<layers).map { layer in
                let values = metrics.compactMap { m in
                    m.validationSparsityPerLayer.flatMap { layer < $0.count ? DataPoint(x: Double(m.epoch), y: $0[layer]) : nil }
                }
                return .line("layer \(layer + 1)", values, markers: markers, colour: colours[layer])
            }
        } else if case let mean = points(metrics, \.validationSparsity), !mean.isEmpty,
                  metrics.contains(where: { $0.validationSparsityPerLayer == nil }) {
            series = [.line("mean over the hidden layers", mean, markers: markers, colour: validationColour)]
        } else {
            return nil
        }
        return Plot(title: "Exact sparsity per hidden layer", x: epochAxis, y: Axis("exact zeros (validation)", format: .percent),
                    series: series, colourScale: ColourScale("layer", format: .integer))
    }

    /// (epoch, value) for each epoch that has the value.
    private static func points(_ metrics: [EpochMetrics], _ value: KeyPath<EpochMetrics, Double?>) -> [DataPoint] {
        metrics.compactMap { m in m[keyPath: value].map { DataPoint(x: Double(m.epoch), y: $0) } }
    }

    /// (epoch, value) for each epoch whose value is finite (NaN: not measured, as validation
    /// values of a run without a validation set).
    private static func points(_ metrics: [EpochMetrics], _ value: KeyPath<EpochMetrics, Double>) -> [DataPoint] {
        metrics.compactMap { m in m[keyPath: value].isFinite ? DataPoint(x: Double(m.epoch), y: m[keyPath: value]) : nil }
    }
}
