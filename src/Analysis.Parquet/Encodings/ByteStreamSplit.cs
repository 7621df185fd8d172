namespace Analysis.Parquet.Encodings;

/// <summary>BYTE_STREAM_SPLIT: byte k of every value goes to stream k (better compression for floats).</summary>
internal static class ByteStreamSplit
{
    public static void Encode(ReadOnlySpan<byte> values, int width, Span<byte> destination)
    {
        int n = values.Length / width;
        for (int i = 0; i < n; i++)
            for (int k = 0; k < width; k++) destination[k * n + i] = values[i * width + k];
    }

    public static void Decode(ReadOnlySpan<byte> streams, int width, Span<byte> destination)
    {
        int n = destination.Length / width;
        if (streams.Length < n * width) throw new ParquetFormatException($"BYTE_STREAM_SPLIT data holds {streams.Length} bytes but {n} values of {width} bytes need {n * width}");
        // Streams are sized by the page's value count, which may exceed the values read here.
        int stride = streams.Length / width;
        for (int k = 0; k < width; k++)
        {
            var stream = streams.Slice(k * stride, n);
            for (int i = 0; i < n; i++) destination[i * width + k] = stream[i];
        }
    }
}
