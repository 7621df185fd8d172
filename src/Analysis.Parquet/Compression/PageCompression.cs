using System.Buffers;
using System.IO.Compression;

namespace Analysis.Parquet.Compression;

/// <summary>Compresses and decompresses page bodies with the codec a column chunk names.</summary>
internal static class PageCompression
{
    /// <summary>ZSTD level: DuckDB's and Arrow's default.</summary>
    public const int ZstdLevel = 3;

    /// <summary>Appends the compressed form of <paramref name="source"/> to <paramref name="output"/>; returns its length.</summary>
    public static int Compress(ParquetCompression codec, ReadOnlySpan<byte> source, ArrayBufferWriter<byte> output)
    {
        switch (codec)
        {
            case ParquetCompression.Uncompressed:
                source.CopyTo(output.GetSpan(source.Length));
                output.Advance(source.Length);
                return source.Length;
            case ParquetCompression.Snappy:
            {
                byte[] compressed = IronSnappy.Snappy.Encode(source);
                compressed.CopyTo(output.GetSpan(compressed.Length));
                output.Advance(compressed.Length);
                return compressed.Length;
            }
            case ParquetCompression.Gzip:
            {
                using var ms = new MemoryStream();
                using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true)) gz.Write(source);
                var bytes = ms.GetBuffer().AsSpan(0, (int)ms.Length);
                bytes.CopyTo(output.GetSpan(bytes.Length));
                output.Advance(bytes.Length);
                return bytes.Length;
            }
            case ParquetCompression.Zstd:
            {
                var dst = output.GetSpan(Zstd.MaxCompressedLength(source.Length));
                int n = Zstd.Compress(source, dst, ZstdLevel);
                output.Advance(n);
                return n;
            }
            case ParquetCompression.Lz4Raw:
            {
                var dst = output.GetSpan(Lz4.MaxCompressedLength(source.Length));
                int n = Lz4.Compress(source, dst);
                output.Advance(n);
                return n;
            }
            default:
                throw new ArgumentException($"Writing with codec {codec} is not supported; use Uncompressed, Snappy, Gzip, Zstd or Lz4Raw.");
        }
    }

    /// <summary>
    /// Checks, before a buffer is allocated, that compressed data can plausibly expand to <paramref name="size"/> bytes:
    /// the size Snappy, ZSTD and GZIP record themselves must match, and LZ4 cannot expand more than 255 times.
    /// Returns null when plausible, else what is wrong.
    /// </summary>
    public static string? CheckDeclaredSize(ParquetCompression codec, ReadOnlySpan<byte> source, int size)
    {
        switch (codec)
        {
            case ParquetCompression.Snappy:
            {
                ulong declared = 0;
                for (int i = 0, shift = 0; i < source.Length && i < 5; i++, shift += 7)
                {
                    declared |= (ulong)(source[i] & 0x7F) << shift;
                    if ((source[i] & 0x80) == 0) break;
                }
                return declared == (ulong)size ? null : $"the Snappy block declares {declared} bytes but the page header says {size}";
            }
            case ParquetCompression.Zstd:
                return Zstd.DeclaredSize(source) is { } z && z != (ulong)size ? $"the ZSTD frame declares {z} bytes but the page header says {size}" : null;
            case ParquetCompression.Gzip:
                // The GZIP trailer holds the uncompressed size modulo 2^32.
                return source.Length >= 18 && BitConverter.ToUInt32(source[^4..]) != (uint)size ? $"the GZIP trailer declares {BitConverter.ToUInt32(source[^4..])} bytes but the page header says {size}" : null;
            case ParquetCompression.Lz4Raw:
                return (long)size > (long)source.Length * 255 + 64 ? $"{source.Length} bytes of LZ4 cannot expand to the {size} bytes the page header says" : null;
            default:
                return null;
        }
    }

    /// <summary>Decompresses into exactly <paramref name="destination"/>.Length bytes; returns null on success or what went wrong.</summary>
    public static string? Decompress(ParquetCompression codec, ReadOnlySpan<byte> source, Span<byte> destination)
    {
        switch (codec)
        {
            case ParquetCompression.Uncompressed:
                if (source.Length != destination.Length) return $"an uncompressed page holds {source.Length} bytes but its header says {destination.Length}";
                source.CopyTo(destination);
                return null;
            case ParquetCompression.Snappy:
            {
                // Check Snappy's own length prefix first so a corrupt page cannot make the decoder allocate an absurd buffer.
                if (CheckDeclaredSize(codec, source, destination.Length) is { } wrong) return wrong;
                byte[] plain;
                try { plain = IronSnappy.Snappy.Decode(source); }
                catch (Exception e) when (e is not OutOfMemoryException) { return $"the Snappy data is corrupt ({e.Message})"; }
                if (plain.Length != destination.Length) return $"Snappy produced {plain.Length} bytes instead of {destination.Length}";
                plain.CopyTo(destination);
                return null;
            }
            case ParquetCompression.Gzip:
            {
                try
                {
                    unsafe
                    {
                        fixed (byte* p = source)
                        {
                            using var input = new UnmanagedMemoryStream(p, source.Length);
                            using var gz = new GZipStream(input, CompressionMode.Decompress);
                            int total = 0;
                            while (total < destination.Length)
                            {
                                int n = gz.Read(destination[total..]);
                                if (n == 0) break;
                                total += n;
                            }
                            if (total != destination.Length) return $"GZIP produced {total} bytes instead of {destination.Length}";
                        }
                    }
                    return null;
                }
                catch (InvalidDataException e) { return $"the GZIP data is corrupt ({e.Message})"; }
            }
            case ParquetCompression.Zstd:
                return Zstd.TryDecompress(source, destination, out var error) ? null : $"the ZSTD data is corrupt ({error})";
            case ParquetCompression.Lz4Raw:
                return Lz4.TryDecompress(source, destination) ? null : "the LZ4_RAW data is corrupt";
            default:
                return $"the codec {codec} is not supported (supported: UNCOMPRESSED, SNAPPY, GZIP, ZSTD, LZ4_RAW)";
        }
    }
}
