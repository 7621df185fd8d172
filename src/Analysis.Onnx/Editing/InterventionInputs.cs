namespace Analysis.Onnx;

/// <summary>
/// The graph inputs one intervention edit added, by role ("vector", "positions", "keep", "values"), and the tensor it
/// edits. Feeding the neutral value of each input (<see cref="OnnxModel.AddSteering"/>, <see cref="OnnxModel.AddReplacement"/>)
/// leaves the model's outputs bit-identical to the unedited model's.
/// </summary>
/// <param name="Tensor">The edited tensor: every consumer and graph output now reads the edited value.</param>
/// <param name="Original">The tensor that holds the value before the edit.</param>
/// <param name="Inputs">Role → graph input name.</param>
public sealed record InterventionInputs(string Tensor, string Original, IReadOnlyDictionary<string, string> Inputs)
{
    /// <summary>The graph input playing <paramref name="role"/>.</summary>
    public string this[string role] => Inputs.TryGetValue(role, out var name) ? name
        : throw new ArgumentException($"This intervention has no '{role}' input (it has {string.Join(", ", Inputs.Keys)}).", nameof(role));
}
