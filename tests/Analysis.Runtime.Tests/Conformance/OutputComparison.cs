using System.Runtime.InteropServices;

namespace Analysis.Runtime.Tests.Conformance;

/// <summary>Compares an output with its expected TensorProto: shape and type exactly; floats within a tolerance
/// (NaN equals NaN); integers, booleans and strings exactly. Returns null when equal, else what differs.</summary>
internal static class OutputComparison
{
    public const double RelativeTolerance = 1e-3;
    public const double AbsoluteTolerance = 1e-5;
    // Half-precision types carry ~3 decimal digits: compare them at their own resolution.
    public const double HalfAbsoluteTolerance = 1e-3;

    public static string? Compare(ProtoTensor expected, NativeTensor actual)
    {
        if (actual.Kind != ValueKind.Tensor) return $"output {actual.Name} is a {actual.Kind}, expected a tensor";
        if (actual.ElementType != expected.ElementType) return $"output {actual.Name} has type {actual.ElementType}, expected {expected.ElementType}";
        if (!actual.Shape.SequenceEqual(expected.Shape))
            return $"output {actual.Name} has shape [{string.Join(",", actual.Shape)}], expected [{string.Join(",", expected.Shape)}]";
        if (expected.ElementType == TensorElementType.String)
        {
            var got = actual.ToStrings();
            for (var i = 0; i < got.Length; i++)
                if (got[i] != expected.Strings![i]) return $"output {actual.Name}[{i}] is \"{got[i]}\", expected \"{expected.Strings[i]}\"";
            return null;
        }
        return expected.ElementType switch
        {
            TensorElementType.Float => Close(actual.Name, MemoryMarshal.Cast<byte, float>(expected.Bytes).ToArray().Select(v => (double)v),
                actual.AsSpan<float>().ToArray().Select(v => (double)v), AbsoluteTolerance),
            TensorElementType.Double => Close(actual.Name, MemoryMarshal.Cast<byte, double>(expected.Bytes).ToArray(), actual.AsSpan<double>().ToArray(), AbsoluteTolerance),
            TensorElementType.Float16 => Close(actual.Name, MemoryMarshal.Cast<byte, Half>(expected.Bytes).ToArray().Select(v => (double)v),
                actual.AsSpan<Half>().ToArray().Select(v => (double)v), HalfAbsoluteTolerance),
            TensorElementType.BFloat16 => Close(actual.Name, MemoryMarshal.Cast<byte, ushort>(expected.Bytes).ToArray().Select(FromBFloat16),
                actual.AsSpan<ushort>().ToArray().Select(FromBFloat16), HalfAbsoluteTolerance),
            _ => Exact(actual.Name, expected.Bytes, actual.Bytes),
        };
    }

    private static double FromBFloat16(ushort bits) => BitConverter.Int32BitsToSingle(bits << 16);

    private static string? Close(string name, IEnumerable<double> expected, IEnumerable<double> actual, double atol)
    {
        var i = 0;
        foreach (var (e, a) in expected.Zip(actual))
        {
            var equal = double.IsNaN(e) ? double.IsNaN(a)
                : double.IsInfinity(e) ? e == a
                : Math.Abs(a - e) <= atol + RelativeTolerance * Math.Abs(e);
            if (!equal) return $"output {name}[{i}] is {a:R}, expected {e:R} (rtol {RelativeTolerance}, atol {atol})";
            i++;
        }
        return null;
    }

    private static string? Exact(string name, ReadOnlySpan<byte> expected, ReadOnlySpan<byte> actual)
    {
        if (expected.Length != actual.Length) return $"output {name} has {actual.Length} bytes, expected {expected.Length}";
        var at = expected.CommonPrefixLength(actual);
        return at == expected.Length ? null : $"output {name} differs from the expected bytes at byte {at}";
    }
}
