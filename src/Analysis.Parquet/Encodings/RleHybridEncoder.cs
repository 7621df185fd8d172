using System.Buffers;
using System.Numerics;

namespace Analysis.Parquet.Encodings;

/// <summary>Encodes the RLE / bit-packed hybrid (levels, booleans, dictionary indices): runs of 8+ equal values as RLE, the rest bit-packed in groups of 8.</summary>
internal static class RleHybridEncoder
{
    public static void Encode<T>(ReadOnlySpan<T> values, int bitWidth, ArrayBufferWriter<byte> output) where T : unmanaged, IBinaryInteger<T>
    {
        int n = values.Length, i = 0, literalStart = -1;
        while (i < n)
        {
            T v = values[i];
            int run = 1;
            while (i + run < n && values[i + run] == v) run++;
            if (run >= 8)
            {
                if (literalStart >= 0)
                {
                    // A literal run must hold a multiple of 8 values unless it ends the stream: borrow from this run.
                    int pending = i - literalStart, pad = (8 - pending % 8) % 8;
                    if (run - pad < 8) { i += run; continue; }
                    WriteBitPacked(values.Slice(literalStart, pending + pad), bitWidth, output);
                    i += pad;
                    run -= pad;
                    literalStart = -1;
                }
                WriteRle(ulong.CreateTruncating(v), run, bitWidth, output);
                i += run;
            }
            else
            {
                if (literalStart < 0) literalStart = i;
                i += run;
            }
        }
        if (literalStart >= 0) WriteBitPacked(values[literalStart..], bitWidth, output);
    }

    private static void WriteRle(ulong value, int count, int bitWidth, ArrayBufferWriter<byte> output)
    {
        WriteVarint((ulong)count << 1, output);
        int bytes = (bitWidth + 7) / 8;
        var span = output.GetSpan(bytes);
        for (int b = 0; b < bytes; b++) span[b] = (byte)(value >> (8 * b));
        output.Advance(bytes);
    }

    private static void WriteBitPacked<T>(ReadOnlySpan<T> values, int bitWidth, ArrayBufferWriter<byte> output) where T : unmanaged, IBinaryInteger<T>
    {
        int groups = (values.Length + 7) / 8;
        WriteVarint(((ulong)groups << 1) | 1, output);
        var bits = new BitWriter(output);
        for (int k = 0; k < groups * 8; k++) bits.Write(k < values.Length ? ulong.CreateTruncating(values[k]) : 0, bitWidth);
        bits.Flush();
    }

    internal static void WriteVarint(ulong v, ArrayBufferWriter<byte> output)
    {
        var span = output.GetSpan(10);
        int i = 0;
        while (v >= 0x80) { span[i++] = (byte)(v | 0x80); v >>= 7; }
        span[i++] = (byte)v;
        output.Advance(i);
    }
}
