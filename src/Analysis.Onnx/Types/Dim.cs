using Analysis.Onnx.Proto;

namespace Analysis.Onnx;

/// <summary>One dimension of a tensor shape: a number, a named symbol (e.g. "batch"), or unknown.</summary>
public readonly record struct Dim
{
    /// <summary>The size when known as a number.</summary>
    public long? Value { get; }

    /// <summary>The symbolic name (ONNX dim_param) when the size is named but not fixed.</summary>
    public string? Symbol { get; }

    private Dim(long? value, string? symbol) { Value = value; Symbol = symbol; }

    /// <summary>A fixed size.</summary>
    public static Dim Of(long value) => new(value, null);

    /// <summary>A named, variable size.</summary>
    public static Dim Named(string symbol) => new(null, symbol);

    /// <summary>Nothing is known.</summary>
    public static Dim Unknown => default;

    /// <summary>Whether neither a number nor a name is known.</summary>
    public bool IsUnknown => Value is null && Symbol is null;

    /// <summary>A fixed size converts implicitly.</summary>
    public static implicit operator Dim(long value) => Of(value);

    /// <summary>A name converts implicitly.</summary>
    public static implicit operator Dim(string symbol) => Named(symbol);

    /// <inheritdoc/>
    public override string ToString() => Value?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? Symbol ?? "?";

    internal static Dim FromProto(TensorShapeProto.Types.Dimension d) => d.ValueCase switch
    {
        TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue => Of(d.DimValue),
        TensorShapeProto.Types.Dimension.ValueOneofCase.DimParam when d.DimParam.Length > 0 => Named(d.DimParam),
        _ => Unknown,
    };

    internal TensorShapeProto.Types.Dimension ToProto()
    {
        var d = new TensorShapeProto.Types.Dimension();
        if (Value is { } v) d.DimValue = v;
        else if (Symbol is { } s) d.DimParam = s;
        return d;
    }
}
