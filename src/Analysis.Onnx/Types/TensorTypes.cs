namespace Analysis.Onnx;

/// <summary>
/// Resolves the type of a tensor that structural inference could not (for example by a probe run with ONNX Runtime);
/// returns null when it cannot either.
/// </summary>
public delegate TensorType? TensorTypeResolver(string tensor);

/// <summary>The inferred types of a graph's tensors.</summary>
public sealed class TensorTypes
{
    private readonly IReadOnlyDictionary<string, TensorType> _types;
    private readonly Func<string, string> _whyUnknown;

    internal TensorTypes(IReadOnlyDictionary<string, TensorType> types, Func<string, string> whyUnknown)
    {
        _types = types;
        _whyUnknown = whyUnknown;
    }

    /// <summary>Every tensor whose element type is known.</summary>
    public IReadOnlyDictionary<string, TensorType> Known => _types;

    /// <summary>The type of a tensor, or null when not inferable.</summary>
    public TensorType? Find(string tensor) => _types.GetValueOrDefault(tensor);

    /// <summary>The type of a tensor; throws with the reason when it could not be inferred.</summary>
    public TensorType this[string tensor] => _types.TryGetValue(tensor, out var t) ? t
        : throw new OnnxFormatException(_whyUnknown(tensor));
}
