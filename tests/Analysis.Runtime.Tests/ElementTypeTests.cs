using System.Runtime.InteropServices;

namespace Analysis.Runtime.Tests;

/// <summary>Every element type the binding maps goes through an Identity model and comes back bit for bit.</summary>
public class ElementTypeTests
{
    [Fact] public void Float() => RoundTrip([1.5f, -0f, float.NaN, float.MaxValue, float.Epsilon, 3]);
    [Fact] public void Float16() => RoundTrip([(Half)1.5, Half.NegativeZero, Half.NaN, Half.MaxValue, Half.Epsilon, (Half)(-2)]);
    [Fact] public void Double() => RoundTrip([1.5, -0.0, double.NaN, double.MaxValue, double.Epsilon, Math.PI]);
    [Fact] public void Int64() => RoundTrip(new long[] { long.MinValue, -1L, 0, 1, long.MaxValue, 1L << 40 });
    [Fact] public void Int32() => RoundTrip(new int[] { int.MinValue, -1, 0, 1, int.MaxValue, 7 });
    [Fact] public void Int16() => RoundTrip(new short[] { short.MinValue, -1, 0, 1, short.MaxValue, 7 });
    [Fact] public void Int8() => RoundTrip(new sbyte[] { sbyte.MinValue, -1, 0, 1, sbyte.MaxValue, 7 });
    [Fact] public void UInt8() => RoundTrip(new byte[] { 0, 1, 2, 127, 128, 255 });
    [Fact] public void UInt16() => RoundTrip(new ushort[] { 0, 1, 2, 32767, 32768, 65535 });
    [Fact] public void UInt32() => RoundTrip(new uint[] { 0u, 1, 2, int.MaxValue, 1u << 31, uint.MaxValue });
    [Fact] public void UInt64() => RoundTrip(new ulong[] { 0ul, 1, 2, long.MaxValue, 1ul << 63, ulong.MaxValue });
    [Fact] public void Bool() => RoundTrip([true, false, false, true, true, false]);

    [Fact]
    public void BFloat16_in_ushort_storage()
    {
        // bfloat16 = the upper 16 bits of a float32.
        var floats = new[] { 1.5f, -2f, 0.15625f, float.NaN, -0f, 65536f };
        var bits = floats.Select(f => (ushort)(BitConverter.SingleToInt32Bits(f) >>> 16)).ToArray();
        using var session = InferenceSession.FromBytes(Models.Identity(TensorElementType.BFloat16, 2, 3));
        Assert.Equal(TensorElementType.BFloat16, session.Inputs[0].ElementType);
        using var results = session.Run(new Dictionary<string, Tensor> { ["x"] = Tensor.Create(TensorElementType.BFloat16, bits.AsMemory(), 2, 3) });
        Assert.Equal(TensorElementType.BFloat16, results[0].ElementType);
        Assert.Equal(bits, results[0].ToArray<ushort>());
        Assert.Throws<InvalidOperationException>(() => results[0].AsSpan<short>().Length);
    }

    [Fact]
    public void Strings()
    {
        string[] values = ["", "ascii", "ünïcödé ✓", "tab\tand\nnewline", new string('x', 1000), "last"];
        using var session = InferenceSession.FromBytes(Models.Identity(TensorElementType.String, 2, 3));
        using var results = session.Run(new Dictionary<string, Tensor> { ["x"] = Tensor.FromStrings(values, 2, 3) });
        Assert.Equal(values, results[0].ToStrings());
        Assert.Throws<InvalidOperationException>(() => results[0].AsSpan<byte>().Length);
    }

    [Fact]
    public void Scalars_and_empty_tensors()
    {
        using var scalar = InferenceSession.FromBytes(Models.Identity(TensorElementType.Float));
        using (var r = scalar.Run(new Dictionary<string, Tensor> { ["x"] = Tensor.Create([42f]) }))
        {
            Assert.Empty(r[0].Shape);
            Assert.Equal([42f], r[0].ToArray<float>());
        }
        using var empty = InferenceSession.FromBytes(Models.Identity(TensorElementType.Float, "n", 3));
        using var e = empty.Run(new Dictionary<string, Tensor> { ["x"] = Tensor.Create(Array.Empty<float>(), 0, 3) });
        Assert.Equal([0L, 3], e[0].Shape);
        Assert.Equal(0, e[0].AsSpan<float>().Length);
    }

    [Fact]
    public void Reading_as_the_wrong_type_is_refused()
    {
        using var session = InferenceSession.FromBytes(Models.Identity(TensorElementType.Float, 2));
        using var results = session.Run(new Dictionary<string, Tensor> { ["x"] = Tensor.Create([1f, 2f], 2) });
        var e = Assert.Throws<InvalidOperationException>(() => results[0].AsSpan<int>().Length);
        Assert.Contains("Float", e.Message);
    }

    private static void RoundTrip<T>(T[] values) where T : unmanaged
    {
        var type = TensorElementTypes.Of<T>();
        using var session = InferenceSession.FromBytes(Models.Identity(type, 2, 3));
        Assert.Equal(type, session.Inputs[0].ElementType);
        using var results = session.Run(new Dictionary<string, Tensor> { ["x"] = Tensor.Create(values, 2, 3) });
        var y = results["y"];
        Assert.Equal(type, y.ElementType);
        Assert.Equal([2L, 3], y.Shape);
        Assert.Equal(MemoryMarshal.AsBytes(values.AsSpan()).ToArray(), y.Bytes.ToArray());
    }
}
