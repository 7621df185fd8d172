using System.Buffers;
using System.Numerics;

namespace Analysis.Parquet.Encodings;

/// <summary>Encodes DELTA_BINARY_PACKED with blocks of 128 values in 4 miniblocks of 32.</summary>
internal static class DeltaBinaryPackedEncoder
{
    private const int Block = 128, Miniblocks = 4, PerMiniblock = Block / Miniblocks;

    public static void Encode(ReadOnlySpan<long> values, ArrayBufferWriter<byte> output)
    {
        RleHybridEncoder.WriteVarint(Block, output);
        RleHybridEncoder.WriteVarint(Miniblocks, output);
        RleHybridEncoder.WriteVarint((ulong)values.Length, output);
        WriteZigzag(values.IsEmpty ? 0 : values[0], output);
        Span<long> deltas = stackalloc long[Block];
        Span<byte> widths = stackalloc byte[Miniblocks];
        for (int start = 1; start < values.Length; start += Block)
        {
            int n = Math.Min(Block, values.Length - start);
            long min = long.MaxValue;
            for (int k = 0; k < n; k++) { deltas[k] = unchecked(values[start + k] - values[start + k - 1]); min = Math.Min(min, deltas[k]); }
            WriteZigzag(min, output);
            for (int m = 0; m < Miniblocks; m++)
            {
                ulong max = 0;
                for (int k = m * PerMiniblock; k < Math.Min(n, (m + 1) * PerMiniblock); k++) max |= unchecked((ulong)(deltas[k] - min));
                widths[m] = (byte)(64 - BitOperations.LeadingZeroCount(max));
            }
            widths.CopyTo(output.GetSpan(Miniblocks));
            output.Advance(Miniblocks);
            for (int m = 0; m < Miniblocks && m * PerMiniblock < n; m++)
            {
                var bits = new BitWriter(output);
                for (int k = m * PerMiniblock; k < (m + 1) * PerMiniblock; k++) bits.Write(k < n ? unchecked((ulong)(deltas[k] - min)) : 0, widths[m]);
                bits.Flush();
            }
        }
    }

    private static void WriteZigzag(long v, ArrayBufferWriter<byte> output) => RleHybridEncoder.WriteVarint((ulong)((v << 1) ^ (v >> 63)), output);
}
