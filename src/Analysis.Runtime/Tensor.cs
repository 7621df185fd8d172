using System.Runtime.InteropServices;
using Analysis.Runtime.Ort;
using Microsoft.ML.OnnxRuntime;
using OrtTensorElementType = Microsoft.ML.OnnxRuntime.Tensors.TensorElementType;

namespace Analysis.Runtime;

/// <summary>
/// An input tensor over the caller's memory: element type, shape, and the memory itself. ONNX Runtime reads the
/// memory in place (it is pinned during a run or while bound), so nothing is copied. Keep the memory unchanged while
/// a run uses it.
/// </summary>
public abstract class Tensor
{
    private readonly long[] shape;

    private protected Tensor(TensorElementType elementType, ReadOnlySpan<long> shape)
    {
        ElementType = elementType;
        this.shape = shape.ToArray();
        long count = 1;
        foreach (var d in this.shape)
        {
            if (d < 0) throw new ArgumentException($"Tensor shape [{string.Join(", ", this.shape)}] has a negative dimension; every dimension must be 0 or more.", nameof(shape));
            count = checked(count * d);
        }
        ElementCount = count;
    }

    /// <summary>The element type.</summary>
    public TensorElementType ElementType { get; }

    /// <summary>The shape (empty for a scalar).</summary>
    public IReadOnlyList<long> Shape => shape;

    /// <summary>The number of elements (the product of the shape).</summary>
    public long ElementCount { get; }

    /// <summary>A tensor over <paramref name="data"/> whose element type follows from <typeparamref name="T"/> (float, Half, long, int, bool, ...).</summary>
    public static Tensor Create<T>(Memory<T> data, params ReadOnlySpan<long> shape) where T : unmanaged
    {
        var type = TensorElementTypes.Of<T>();
        if (type == TensorElementType.Undefined)
            throw new ArgumentException($"{typeof(T).Name} has no ONNX element type; pass the element type explicitly with Tensor.Create(type, data, shape).", nameof(data));
        return new MemoryTensor<T>(type, data, shape);
    }

    /// <summary>A tensor over <paramref name="data"/> whose element type follows from <typeparamref name="T"/>.</summary>
    public static Tensor Create<T>(T[] data, params ReadOnlySpan<long> shape) where T : unmanaged => Create(data.AsMemory(), shape);

    /// <summary>A tensor of <paramref name="type"/> stored in <typeparamref name="T"/> (e.g. bfloat16 as ushort, packed int4 as byte).</summary>
    public static Tensor Create<T>(TensorElementType type, Memory<T> data, params ReadOnlySpan<long> shape) where T : unmanaged
    {
        if (type is TensorElementType.String or TensorElementType.Undefined)
            throw new ArgumentException($"Element type {type} cannot be stored in memory of {typeof(T).Name}; use Tensor.FromStrings for strings.", nameof(type));
        return new MemoryTensor<T>(type, data, shape);
    }

    /// <summary>A string tensor (ORT copies strings into its own memory; there is no zero-copy form for strings).</summary>
    public static Tensor FromStrings(IReadOnlyList<string> values, params ReadOnlySpan<long> shape) => new StringTensor(values, shape);

    /// <summary>Creates the <c>OrtValue</c> ORT reads, pinning what it must.</summary>
    internal abstract OrtValueLease CreateValue();

    private sealed unsafe class MemoryTensor<T> : Tensor where T : unmanaged
    {
        // A valid address for empty tensors: ORT wants a data pointer even when there are no elements.
        private static readonly nint EmptyData = (nint)NativeMemory.AllocZeroed(16);
        private readonly Memory<T> data;

        public MemoryTensor(TensorElementType type, Memory<T> data, ReadOnlySpan<long> shape) : base(type, shape)
        {
            var expected = type.ByteLength(ElementCount);
            var actual = (long)data.Length * sizeof(T);
            if (expected != actual)
                throw new ArgumentException(
                    $"A {type} tensor of shape [{string.Join(", ", this.shape)}] needs {expected} bytes but the memory holds {actual} ({data.Length} × {typeof(T).Name}); make the shape and the data agree.", nameof(data));
            this.data = data;
        }

        internal override OrtValueLease CreateValue()
        {
            var pin = data.Pin();
            try
            {
                // A raw pointer with ORT's element type: the official API refuses CLR types it does not know (System.Half),
                // so every type goes in as bytes, which is also what lets bfloat16 live in ushort.
                var pointer = pin.Pointer == null ? EmptyData : (nint)pin.Pointer;
                var value = OrtErrors.Call(() => OrtValue.CreateTensorValueWithData(OrtMemoryInfo.DefaultInstance,
                    (OrtTensorElementType)(int)ElementType, shape, pointer, (long)data.Length * sizeof(T)), "Could not create an input tensor");
                return new OrtValueLease(value, pin);
            }
            catch
            {
                pin.Dispose();
                throw;
            }
        }
    }

    private sealed class StringTensor : Tensor
    {
        private readonly IReadOnlyList<string> values;

        public StringTensor(IReadOnlyList<string> values, ReadOnlySpan<long> shape) : base(TensorElementType.String, shape)
        {
            if (values.Count != ElementCount)
                throw new ArgumentException($"A string tensor of shape [{string.Join(", ", this.shape)}] needs {ElementCount} strings but {values.Count} were given.", nameof(values));
            this.values = values;
        }

        internal override OrtValueLease CreateValue()
        {
            var value = OrtErrors.Call(() => OrtValue.CreateTensorWithEmptyStrings(OrtAllocator.DefaultInstance, shape), "Could not create a string tensor");
            try
            {
                OrtErrors.Call(() =>
                {
                    for (var i = 0; i < values.Count; i++) value.StringTensorSetElementAt(values[i].AsSpan(), i);
                }, "Could not fill a string tensor");
                return new OrtValueLease(value, default);
            }
            catch
            {
                value.Dispose();
                throw;
            }
        }
    }
}
