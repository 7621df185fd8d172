using Analysis.Runtime.Ort;
using Microsoft.ML.OnnxRuntime;

namespace Analysis.Runtime;

/// <summary>
/// A value ONNX Runtime produced and owns (a run's output). Its data is read in place as a span, without copying;
/// the span is valid until this object is disposed.
/// </summary>
public sealed class NativeTensor : IDisposable
{
    private readonly OrtValue value;
    private readonly long[] shape = [];
    private bool disposed;

    /// <summary>Takes ownership of <paramref name="value"/>, releasing it if it cannot be inspected.</summary>
    internal static NativeTensor Wrap(OrtValue value, string name)
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

    private NativeTensor(OrtValue value, string name)
    {
        this.value = value;
        Name = name;
        Kind = (ValueKind)(int)value.OnnxType;
        HasValue = Kind != ValueKind.Unknown;
        if (Kind != ValueKind.Tensor) return;
        var info = OrtErrors.Call(value.GetTensorTypeAndShape, $"Could not read the shape of output '{name}'");
        ElementType = (TensorElementType)(int)info.ElementDataType;
        shape = info.Shape;
        ElementCount = info.ElementCount;
        using var memory = OrtErrors.Call(value.GetTensorMemoryInfo, $"Could not read where output '{name}' lives");
        InHostMemory = memory.GetDeviceType() == OrtMemoryInfoDeviceType.CPU || memory.Name == "CudaPinned";
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

    /// <summary>Whether the data lives in host memory (readable as a span); false for a tensor kept on a GPU.</summary>
    public bool InHostMemory { get; } = true;

    /// <summary>The raw bytes of the tensor's data, in place.</summary>
    public Span<byte> Bytes
    {
        get
        {
            RequireNumeric();
            return ElementCount == 0 ? [] : RawBytes();
        }
    }

    /// <summary>The elements as <typeparamref name="T"/>, in place (T must be the element type's CLR type or a same-size stand-in).</summary>
    public Span<T> AsSpan<T>() where T : unmanaged
    {
        RequireNumeric();
        if (!ElementType.CanView<T>())
            throw new InvalidOperationException($"Output '{Name}' holds {ElementType} elements, which cannot be read as {typeof(T).Name}.");
        // Packed 4/2-bit types are viewed as their bytes.
        return System.Runtime.InteropServices.MemoryMarshal.Cast<byte, T>(Bytes);
    }

    /// <summary>A managed copy of the elements.</summary>
    public T[] ToArray<T>() where T : unmanaged => AsSpan<T>().ToArray();

    /// <summary>The strings of a string tensor (decoded from UTF-8; a copy).</summary>
    public string[] ToStrings()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (Kind != ValueKind.Tensor || ElementType != TensorElementType.String)
            throw new InvalidOperationException($"Output '{Name}' is not a string tensor ({Describe()}).");
        return OrtErrors.Call(value.GetStringTensorAsArray, $"Could not read string output '{Name}'");
    }

    /// <summary>Releases ORT's value; spans obtained earlier become invalid.</summary>
    public void Dispose()
    {
        disposed = true;
        value.Dispose();
    }

    /// <summary>For example <c>logits: Float[1, 7, 32000]</c>.</summary>
    public override string ToString() => $"{Name}: {Describe()}";

    internal OrtValue Value => value;

    // ORT's own view of the buffer; the official binding knows every type we map except float8 and the packed 4/2-bit ones.
    private Span<byte> RawBytes()
    {
        try
        {
            return value.GetTensorMutableRawData();
        }
        catch (OnnxRuntimeException e)
        {
            throw new NotSupportedException($"Output '{Name}' holds {ElementType} elements, which the official ONNX Runtime binding cannot expose as memory ({OrtErrors.Parse(e.Message).Message}).", e);
        }
    }

    private string Describe() => !HasValue ? "no value" : Kind == ValueKind.Tensor ? $"{ElementType}[{string.Join(", ", shape)}]" : Kind.ToString();

    private void RequireNumeric()
    {
        if (disposed) throw new ObjectDisposedException(nameof(NativeTensor), $"Output '{Name}' was already disposed.");
        if (Kind != ValueKind.Tensor || !HasValue)
            throw new NotSupportedException($"Output '{Name}' is {Describe()}, not a tensor; this binding reads tensors only.");
        if (ElementType == TensorElementType.String)
            throw new InvalidOperationException($"Output '{Name}' is a string tensor; read it with ToStrings().");
        if (!InHostMemory)
            throw new InvalidOperationException($"Output '{Name}' lives in device memory; bind it to a CPU output (IoBinding.BindOutput) to read it on the host.");
    }
}
