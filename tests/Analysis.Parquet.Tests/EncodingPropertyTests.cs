using System.Buffers;
using Analysis.Parquet.Encodings;
using FsCheck;
using FsCheck.Fluent;

namespace Analysis.Parquet.Tests;

/// <summary>Property tests: every encoder round-trips through its decoder for arbitrary inputs.</summary>
public sealed class EncodingPropertyTests
{
    private static readonly Config Config = Config.QuickThrowOnFailure.WithMaxTest(300);

    [Fact]
    public void RleHybridRoundTrips() => Prop.ForAll<int[], byte>((raw, widthSeed) =>
    {
        int width = widthSeed % 33;
        uint mask = width == 32 ? uint.MaxValue : (1u << width) - 1;
        // Long runs as well as noise: repeat each value a random-ish number of times.
        var values = (raw ?? []).SelectMany((v, i) => Enumerable.Repeat((int)((uint)v & mask), 1 + (i * 7 % 20))).ToArray();
        var output = new ArrayBufferWriter<byte>();
        RleHybridEncoder.Encode<int>(values, width, output);
        var decoded = new int[values.Length];
        new RleHybridDecoder(output.WrittenSpan, width).Read<int>(decoded);
        return decoded.SequenceEqual(values);
    }).Check(Config);

    [Fact]
    public void DeltaBinaryPackedRoundTrips() => Prop.ForAll<long[]>(raw =>
    {
        var values = raw ?? [];
        var output = new ArrayBufferWriter<byte>();
        DeltaBinaryPackedEncoder.Encode(values, output);
        var decoder = new DeltaBinaryPackedDecoder(output.WrittenSpan);
        var decoded = new long[decoder.TotalCount];
        decoder.Read(decoded);
        return decoded.SequenceEqual(values) && decoder.Position == output.WrittenCount;
    }).Check(Config);

    [Fact]
    public void ByteStreamSplitRoundTrips() => Prop.ForAll<float[]>(raw =>
    {
        var values = raw ?? [];
        var bytes = System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()).ToArray();
        var split = new byte[bytes.Length];
        ByteStreamSplit.Encode(bytes, 4, split);
        var back = new byte[bytes.Length];
        ByteStreamSplit.Decode(split, 4, back);
        return back.SequenceEqual(bytes);
    }).Check(Config);
}
