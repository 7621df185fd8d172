using System.Runtime.InteropServices;

namespace Analysis.Parquet.Compression;

/// <summary>ZSTD through the system's libzstd (Debian package libzstd1); no managed implementation is restorable here.</summary>
internal static partial class Zstd
{
    private const string Library = "libzstd.so.1";

    [LibraryImport(Library, EntryPoint = "ZSTD_compressBound")] private static partial nuint CompressBound(nuint srcSize);
    [LibraryImport(Library, EntryPoint = "ZSTD_compress")] private static unsafe partial nuint CompressNative(byte* dst, nuint dstCapacity, byte* src, nuint srcSize, int level);
    [LibraryImport(Library, EntryPoint = "ZSTD_decompress")] private static unsafe partial nuint DecompressNative(byte* dst, nuint dstCapacity, byte* src, nuint srcSize);
    [LibraryImport(Library, EntryPoint = "ZSTD_getFrameContentSize")] private static unsafe partial ulong FrameContentSize(byte* src, nuint srcSize);
    [LibraryImport(Library, EntryPoint = "ZSTD_isError")] private static partial uint IsError(nuint code);
    [LibraryImport(Library, EntryPoint = "ZSTD_getErrorName")] private static partial nint ErrorName(nuint code);

    private static T Call<T>(Func<T> f)
    {
        try { return f(); }
        catch (DllNotFoundException e)
        {
            throw new PlatformNotSupportedException("ZSTD needs the system library libzstd.so.1, which was not found; install it (Debian/Ubuntu: apt-get install libzstd1).", e);
        }
    }

    public static int MaxCompressedLength(int length) => (int)Call(() => CompressBound((nuint)length));

    public static unsafe int Compress(ReadOnlySpan<byte> source, Span<byte> destination, int level)
    {
        fixed (byte* s = source)
        fixed (byte* d = destination)
        {
            nint sp = (nint)s, dp = (nint)d;
            int sl = source.Length, dl = destination.Length;
            nuint written = Call(() => CompressNative((byte*)dp, (nuint)dl, (byte*)sp, (nuint)sl, level));
            if (IsError(written) != 0) throw new InvalidOperationException($"ZSTD compression failed: {Marshal.PtrToStringAnsi(ErrorName(written))}.");
            return (int)written;
        }
    }

    /// <summary>The size the frame header declares, or null when the header does not say (or is not a ZSTD frame).</summary>
    public static unsafe ulong? DeclaredSize(ReadOnlySpan<byte> source)
    {
        fixed (byte* s = source)
        {
            nint sp = (nint)s;
            int sl = source.Length;
            ulong size = Call(() => FrameContentSize((byte*)sp, (nuint)sl));
            return size >= ulong.MaxValue - 1 ? null : size; // ZSTD_CONTENTSIZE_UNKNOWN / _ERROR
        }
    }

    /// <summary>Decompresses exactly into <paramref name="destination"/>; false (with the reason) when the data is corrupt or of another size.</summary>
    public static unsafe bool TryDecompress(ReadOnlySpan<byte> source, Span<byte> destination, out string? error)
    {
        fixed (byte* s = source)
        fixed (byte* d = destination)
        {
            nint sp = (nint)s, dp = (nint)d;
            int sl = source.Length, dl = destination.Length;
            nuint written = Call(() => DecompressNative((byte*)dp, (nuint)dl, (byte*)sp, (nuint)sl));
            if (IsError(written) != 0) { error = Marshal.PtrToStringAnsi(ErrorName(written)); return false; }
            error = written == (nuint)dl ? null : $"it produced {written} bytes instead of {dl}";
            return error is null;
        }
    }
}
