using System.Runtime.InteropServices;
using System.Text;
using Analysis.Runtime.Native;

namespace Analysis.Runtime;

/// <summary>
/// A value ONNX Runtime produced and owns (a run's output). Its data is read in place as a span, without copying;
/// the span is valid until this object is disposed.
/// </summary>
public sealed unsafe class NativeTensor : IDisposable
{
    private readonly OrtHandle value;
    private readonly long[] shape = [];
    private readonly void* data;

    /// <summary>Takes ownership of <paramref name="value"/>, releasing it if it cannot be inspected.</summary>
    internal static NativeTensor Wrap(OrtHandle value, string name)
    {
        try
        {
            return new NativeTensor(value, name);
        }
        catch
        {
            value.Dispose();
            throw;
        }
    }

    private NativeTensor(OrtHandle value, string name)
    {
        this.value = value;
        Name = name;
        var pointer = value.Pointer;
        int hasValue;
        OrtStatus.Check(OrtApi.HasValue(pointer, &hasValue), $"Could not inspect output '{name}'");
        HasValue = hasValue != 0;
        if (!HasValue)
        {
            Kind = ValueKind.Optional;
            return;
        }
        ValueKind kind;
        OrtStatus.Check(OrtApi.GetValueType(pointer, &kind), $"Could not inspect output '{name}'");
        Kind = kind;
        if (kind != ValueKind.Tensor) return;

        nint info;
        OrtStatus.Check(OrtApi.GetTensorTypeAndShape(pointer, &info), $"Could not read the shape of output '{name}'");
        try
        {
            TensorElementType type;
            nuint rank;
            OrtStatus.Check(OrtApi.GetTensorElementType(info, &type));
            OrtStatus.Check(OrtApi.GetDimensionsCount(info, &rank));
            ElementType = type;
            shape = new long[(int)rank];
            fixed (long* dims = shape) OrtStatus.Check(OrtApi.GetDimensions(info, dims, rank));
        }
        finally
        {
            OrtApi.ReleaseTensorTypeAndShapeInfo(info);
        }
        long count = 1;
        foreach (var d in shape) count *= d;
        ElementCount = count;
        if (ElementType != TensorElementType.String && count > 0)
        {
            void* p;
            OrtStatus.Check(OrtApi.GetTensorMutableData(pointer, &p), $"Could not read the data of output '{name}'");
            data = p;
        }
    }

    /// <summary>The output's name.</summary>
    public string Name { get; }

    /// <summary>What kind of value this is; only <see cref="ValueKind.Tensor"/> has data this binding reads.</summary>
    public ValueKind Kind { get; }

    /// <summary>False for an optional output that holds no value.</summary>
    public bool HasValue { get; }

    /// <summary>The element type (<see cref="TensorElementType.Undefined"/> when not a tensor).</summary>
    public TensorElementType ElementType { get; }

    /// <summary>The shape (empty for a scalar or a non-tensor).</summary>
    public IReadOnlyList<long> Shape => shape;

    /// <summary>The number of elements.</summary>
    public long ElementCount { get; }

    /// <summary>The raw bytes of the tensor's data, in place.</summary>
    public Span<byte> Bytes
    {
        get
        {
            RequireNumeric();
            return data == null ? [] : new Span<byte>(data, checked((int)ElementType.ByteLength(ElementCount)));
        }
    }

    /// <summary>The elements as <typeparamref name="T"/>, in place (T must be the element type's CLR type or a same-size stand-in).</summary>
    public Span<T> AsSpan<T>() where T : unmanaged
    {
        RequireNumeric();
        if (!ElementType.CanView<T>())
            throw new InvalidOperationException($"Output '{Name}' holds {ElementType} elements, which cannot be read as {typeof(T).Name}.");
        // Packed 4/2-bit types are viewed as their bytes.
        return data == null ? [] : new Span<T>(data, checked((int)(ElementType.ByteLength(ElementCount) / sizeof(T))));
    }

    /// <summary>A managed copy of the elements.</summary>
    public T[] ToArray<T>() where T : unmanaged => AsSpan<T>().ToArray();

    /// <summary>The strings of a string tensor (decoded from UTF-8; a copy).</summary>
    public string[] ToStrings()
    {
        if (Kind != ValueKind.Tensor || ElementType != TensorElementType.String)
            throw new InvalidOperationException($"Output '{Name}' is not a string tensor ({Describe()}).");
        var pointer = value.Pointer;
        nuint length;
        OrtStatus.Check(OrtApi.GetStringTensorDataLength(pointer, &length), $"Could not read string output '{Name}'");
        var count = checked((int)ElementCount);
        var bytes = new byte[(int)length];
        var offsets = new nuint[count];
        fixed (byte* b = bytes)
        fixed (nuint* o = offsets)
        {
            if (count > 0) OrtStatus.Check(OrtApi.GetStringTensorContent(pointer, b, length, o, (nuint)count), $"Could not read string output '{Name}'");
        }
        var result = new string[count];
        for (var i = 0; i < count; i++)
        {
            var start = (int)offsets[i];
            var end = i + 1 < count ? (int)offsets[i + 1] : bytes.Length;
            result[i] = Encoding.UTF8.GetString(bytes, start, end - start);
        }
        return result;
    }

    /// <summary>Releases ORT's value; spans obtained earlier become invalid.</summary>
    public void Dispose() => value.Dispose();

    /// <summary>For example <c>logits: Float[1, 7, 32000]</c>.</summary>
    public override string ToString() => $"{Name}: {Describe()}";

    internal nint Pointer => value.Pointer;

    private string Describe() => !HasValue ? "no value" : Kind == ValueKind.Tensor ? $"{ElementType}[{string.Join(", ", shape)}]" : Kind.ToString();

    private void RequireNumeric()
    {
        if (value.IsClosed) throw new ObjectDisposedException(nameof(NativeTensor), $"Output '{Name}' was already disposed.");
        if (Kind != ValueKind.Tensor || !HasValue)
            throw new NotSupportedException($"Output '{Name}' is {Describe()}, not a tensor; this binding reads tensors only.");
        if (ElementType == TensorElementType.String)
            throw new InvalidOperationException($"Output '{Name}' is a string tensor; read it with ToStrings().");
    }
}
