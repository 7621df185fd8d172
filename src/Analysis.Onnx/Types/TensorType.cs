using Analysis.Onnx.Proto;
using DataType = Analysis.Onnx.Proto.TensorProto.Types.DataType;

namespace Analysis.Onnx;

/// <summary>A tensor's element type and, where known, its shape (null: rank unknown).</summary>
public sealed record TensorType(DataType ElementType, IReadOnlyList<Dim>? Shape)
{
    /// <summary>The shape as text, e.g. "[batch, sequence, 512]", or "[?]" when the rank is unknown.</summary>
    public string ShapeText => Shape is null ? "[?]" : $"[{string.Join(", ", Shape)}]";

    /// <inheritdoc/>
    public override string ToString() => $"{ElementType.ToString().ToLowerInvariant()}{ShapeText}";

    /// <summary>Whether two types have the same element type and equal shapes.</summary>
    public bool Equals(TensorType? other) => other is not null && ElementType == other.ElementType
        && (Shape is null ? other.Shape is null : other.Shape is not null && Shape.SequenceEqual(other.Shape));

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(ElementType, Shape?.Count);

    /// <summary>A graph input/output declaration with this type.</summary>
    public ValueInfoProto ToValueInfo(string name)
    {
        var tensor = new TypeProto.Types.Tensor { ElemType = (int)ElementType };
        if (Shape is not null)
        {
            tensor.Shape = new TensorShapeProto();
            foreach (var d in Shape) tensor.Shape.Dim.Add(d.ToProto());
        }
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = tensor } };
    }

    /// <summary>The tensor type a value info declares, or null for non-tensor or untyped values.</summary>
    public static TensorType? FromValueInfo(ValueInfoProto info)
    {
        if (info.Type?.TensorType is not { } t || t.ElemType == 0) return null;
        return new TensorType((DataType)t.ElemType, t.Shape?.Dim.Select(Dim.FromProto).ToArray());
    }

    /// <summary>The type of an initializer or constant tensor.</summary>
    public static TensorType FromTensor(TensorProto t) => new((DataType)t.DataType, t.Dims.Select(d => Dim.Of(d)).ToArray());
}
