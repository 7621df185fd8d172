using System.Runtime.InteropServices;

namespace Analysis.Parquet.Compression;

/// <summary>LZ4 block format (Parquet's LZ4_RAW) through the system's liblz4 (Debian package liblz4-1).</summary>
internal static partial class Lz4
{
    private const string Library = "liblz4.so.1";

    [LibraryImport(Library, EntryPoint = "LZ4_compressBound")] private static partial int CompressBound(int inputSize);
    [LibraryImport(Library, EntryPoint = "LZ4_compress_default")] private static unsafe partial int CompressNative(byte* src, byte* dst, int srcSize, int dstCapacity);
    [LibraryImport(Library, EntryPoint = "LZ4_decompress_safe")] private static unsafe partial int DecompressNative(byte* src, byte* dst, int compressedSize, int dstCapacity);

    private static T Call<T>(Func<T> f)
    {
        try { return f(); }
        catch (DllNotFoundException e)
        {
            throw new PlatformNotSupportedException("LZ4_RAW needs the system library liblz4.so.1, which was not found; install it (Debian/Ubuntu: apt-get install liblz4-1).", e);
        }
    }

    public static int MaxCompressedLength(int length) => Call(() => CompressBound(length));

    public static unsafe int Compress(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        fixed (byte* s = source)
        fixed (byte* d = destination)
        {
            nint sp = (nint)s, dp = (nint)d;
            int sl = source.Length, dl = destination.Length;
            int n = Call(() => CompressNative((byte*)sp, (byte*)dp, sl, dl));
            if (n <= 0 && sl > 0) throw new InvalidOperationException("LZ4 compression failed.");
            return n;
        }
    }

    public static unsafe bool TryDecompress(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        fixed (byte* s = source)
        fixed (byte* d = destination)
        {
            nint sp = (nint)s, dp = (nint)d;
            int sl = source.Length, dl = destination.Length;
            return Call(() => DecompressNative((byte*)sp, (byte*)dp, sl, dl)) == dl;
        }
    }
}
