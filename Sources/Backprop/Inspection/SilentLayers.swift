extension Network {
    /// The first layer (an index into `layers`) whose every activation is 0 for every one of
    /// `images`, or nil when each layer gives something other than 0 for at least one.
    ///
    /// A ReLU layer whose weighted inputs are all at or below 0 is such a layer: σ′(z) = 0
    /// everywhere, so its error δ is 0 (BP1 or BP2), its weights and biases no longer change
    /// (BP3, BP4), no error passes back to the layers before it, and the layers after it see the
    /// same input for every image. Training rarely brings it back.
    /// A healthy network is found so with its first image; a silent one costs a forward pass of
    /// the reference path per image.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func firstSilentLayer(on images: LabelledData) -> Int? {
        guard images.count > 0 else { return nil }
        var silent = [Bool](repeating: true, count: layers.count)
        for i in 0..<images.count {
            var a: [Scalar] = images.input(i)
            for l in layers.indices {
                a = layers[l].activate(layers[l].weightedInput(a))
                if silent[l], a.contains(where: { $0 != 0 }) { silent[l] = false }
            }
            if !silent.contains(true) { return nil }
        }
        return silent.firstIndex(of: true)
    }
}
